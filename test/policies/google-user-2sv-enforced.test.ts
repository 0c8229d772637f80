import policy from "../../policies/google-user-2sv-enforced.js";
import { CloudIdentityPolicy, GoogleUser } from "../../providers/google-workspace/api.js";
import { seedUser, twoStepPolicies } from "../../providers/google-workspace/emulator.js";
import {
  orgUnitEnrollmentPeriods,
  orgUnitSettings,
  orgUnitTree,
  signInPath,
  signInVerdict,
} from "../../providers/google-workspace/transform.js";
import { cannotSignInUntilEnrolled, nothingEnrolled } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "google-workspace";
const signIn = entryPoint({ id: "gws:sign-in", source, kind: "directory-sign-in" });

/** One Google account with its sign-in path in the given state. */
function withSignIn(
  state: Parameters<typeof accessPath>[0]["state"],
  fields: Partial<Parameters<typeof account>[0]> = {},
) {
  const a = account({ id: "u1", name: "ann@example.com", source, ...fields });
  return inventory({
    accounts: [a],
    entryPoints: [signIn],
    accessPaths: [accessPath({ entryPoint: signIn.id, accounts: ["u1"], state })],
  });
}

/**
 * An account enforced in 2SV but not enrolled, its path decided by the provider's own mapping from the
 * top-level OU's policies with the given new-user enrollment period (null: the policies were not read).
 * Google: during the enrollment period new users sign in with just their password; an unenrolled user
 * under enforcement cannot sign in otherwise (support.google.com/a/answer/9176805, /a/answer/2548882).
 */
function unenrolled(enrollmentPeriod: string | null) {
  const ctx = { connection: source, now: new Date("2026-11-24T12:00:00Z") };
  const root = "id:root0000000000";
  const policies = twoStepPolicies(root, {
    allowEnrollment: true,
    enforcedFrom: "2025-01-01T00:00:00Z",
    ...(enrollmentPeriod ? { enrollmentPeriod } : {}),
  }).map((p) => CloudIdentityPolicy.parse(p));
  const tree = orgUnitTree([], policies);
  const user = GoogleUser.parse(
    seedUser("ann@example.com", { id: "u1", isEnforcedIn2Sv: true, isEnrolledIn2Sv: false }),
  );
  const period = enrollmentPeriod ? orgUnitEnrollmentPeriods(tree, policies, ctx).get("/") : undefined;
  const verdict = signInVerdict(user, ctx, orgUnitSettings(tree, policies, ctx)[0], period);
  return inventory({
    accounts: [account({ id: "u1", name: "ann@example.com", source })],
    entryPoints: [signIn],
    accessPaths: [signInPath(signIn.id, user, verdict)],
  });
}

testPolicy(policy, {
  pass: [
    { name: "2SV enforced and enrolled", inventory: withSignIn("enforced"), mfa: "enforced" },
    {
      name: "#18 item 11: enforced, not enrolled, no new-user enrollment period: enforced, the account cannot sign in",
      inventory: unenrolled("0s"),
      mfa: "enforced",
      message: ["no new-user enrollment period", cannotSignInUntilEnrolled],
    },
  ],
  fail: [
    {
      name: "2SV neither enforced nor enrolled",
      inventory: withSignIn("none"),
      mfa: "none",
      severity: "high",
      message: ["ann@example.com"],
    },
    {
      name: "enrolled but not enforced",
      inventory: withSignIn("optional"),
      mfa: "optional",
      severity: "high",
    },
    {
      name: "#18 item 11: enforced, not enrolled, a 7-day new-user enrollment period: whoever has the password enrolls first (high, as on Entra)",
      inventory: unenrolled("604800s"),
      mfa: "bypassable",
      severity: "high",
      message: ["ann@example.com", "7 day(s)", nothingEnrolled("enroll")],
    },
  ],
  unknown: [
    { name: "2SV fields missing from the API", inventory: withSignIn("unknown"), mfa: "unknown" },
    {
      name: "#18 item 11: enforced, not enrolled, the enrollment period not read: which of the two is not known",
      inventory: unenrolled(null),
      mfa: "unknown",
      message: ["whether a new-user enrollment period lets the password alone sign in is not known"],
    },
    {
      name: "users.list cut short: the users not listed are one unknown path, judged",
      inventory: inventory({
        entryPoints: [signIn],
        accessPaths: [
          accessPath({
            id: "gws:sign-in/unread/users",
            entryPoint: signIn.id,
            accounts: [],
            state: "unknown",
            chain: { factors: ["password"] },
          }),
        ],
      }),
      mfa: "unknown",
      message: ["state unknown"],
    },
    {
      name: "account without a sign-in path",
      inventory: inventory({
        accounts: [account({ id: "u1", name: "ann@example.com", source })],
        entryPoints: [signIn],
      }),
      mfa: null,
    },
  ],
  silent: [
    { name: "suspended account", inventory: withSignIn("none", { status: "suspended" }) },
    { name: "archived account", inventory: withSignIn("none", { status: "archived" }) },
    {
      name: "account from another source",
      inventory: inventory({ accounts: [account({ id: "u1", source: "okta" })] }),
    },
  ],
});

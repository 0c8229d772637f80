import policy from "../../policies/okta-user-mfa-enforced.js";
import { cannotSignInUntilEnrolled, nothingEnrolled } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "okta";
const enrolled = {
  enrollment: { enrolled: true, methods: [{ method: "push", strength: "app" as const }], evidence: [] },
};
const signIn = entryPoint({ id: "okta:okta:sign-in", source, kind: "directory-sign-in", connection: "okta" });
const dashboard = entryPoint({ id: "okta:okta:dashboard", source, kind: "app", connection: "okta" });

/** One Okta account with its Okta sign-in (global session) path in `state`, and a Dashboard path enforced. */
function user(
  state: Parameters<typeof accessPath>[0]["state"],
  fields: Partial<Parameters<typeof account>[0]> = {},
  reason = `state ${state}`,
) {
  const a = account({ id: "00u1", name: "ann@acme.example", source, connection: "okta", ...fields });
  const signInPath = accessPath({ entryPoint: signIn.id, accounts: ["00u1"], state });
  return inventory({
    accounts: [a],
    entryPoints: [signIn, dashboard],
    accessPaths: [
      { ...signInPath, mfa: { ...signInPath.mfa, reason } },
      accessPath({ entryPoint: dashboard.id, accounts: ["00u1"], state: "enforced" }),
    ],
  });
}

testPolicy(policy, {
  pass: [
    {
      name: "every global session rule for the account demands MFA",
      inventory: user("enforced"),
      mfa: "enforced",
    },
    {
      name: "#18 item 11: MFA demanded, nothing enrolled and nothing enrollable: enforced, the account cannot sign in",
      inventory: user(
        "enforced",
        {},
        `every sign-in requires a second factor, but no factor is enrolled and its enrollment policy allows none that the rule accepts: ${cannotSignInUntilEnrolled}`,
      ),
      mfa: "enforced",
      message: [cannotSignInUntilEnrolled],
    },
    {
      name: "a locked-out account that demands MFA",
      inventory: user("enforced", { status: "locked" }),
      mfa: "enforced",
    },
  ],
  fail: [
    {
      name: "no rule demands MFA",
      inventory: user("none"),
      mfa: "none",
      severity: "high",
      message: ["ann@acme.example"],
    },
    {
      name: "a zone or group rule lets some sign-ins of an enrolled account through with one factor",
      inventory: user("bypassable", enrolled),
      mfa: "bypassable",
      severity: "medium",
    },
    {
      name: "a zone rule lets an account with nothing enrolled through: the rule's gap, medium",
      inventory: user("bypassable"),
      mfa: "bypassable",
      severity: "medium",
    },
    {
      name: "#18 item 11: MFA demanded, nothing enrolled, a factor enrollable at sign-in: whoever has the password enrolls first (high, as on Entra)",
      inventory: user(
        "bypassable",
        {},
        `every sign-in requires a second factor, but no factor is enrolled: ${nothingEnrolled("enroll")}`,
      ),
      mfa: "bypassable",
      severity: "high",
      message: ["ann@acme.example", nothingEnrolled("enroll")],
    },
    {
      name: "the Dashboard demanding MFA does not excuse a one-factor session",
      inventory: user("none"),
      mfa: "none",
    },
  ],
  unknown: [
    {
      name: "the user list cut short: the users not listed are one unknown path, judged",
      inventory: inventory({
        entryPoints: [signIn, dashboard],
        accessPaths: [
          accessPath({
            id: `${signIn.id}/unread/users`,
            entryPoint: signIn.id,
            accounts: [],
            state: "unknown",
          }),
          // The same kind of path on the Dashboard is not this policy's (the global session policy is).
          accessPath({
            id: `${dashboard.id}/unread`,
            entryPoint: dashboard.id,
            accounts: [],
            state: "unknown",
          }),
        ],
      }),
      mfa: "unknown",
      message: ["state unknown"],
    },
    { name: "facts could not be read", inventory: user("unknown"), mfa: "unknown" },
    {
      name: "no sign-in path was collected",
      inventory: inventory({
        accounts: [account({ id: "00u1", source, connection: "okta" })],
        entryPoints: [signIn],
      }),
      mfa: null,
    },
  ],
  silent: [
    { name: "suspended account", inventory: user("none", { status: "suspended" }) },
    { name: "deprovisioned account", inventory: user("none", { status: "deprovisioned" }) },
    { name: "never-activated account", inventory: user("none", { status: "disabled" }) },
    {
      name: "account from another source",
      inventory: inventory({ accounts: [account({ id: "u1", source: "google-workspace" })] }),
    },
  ],
});

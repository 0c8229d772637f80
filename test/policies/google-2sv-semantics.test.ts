import { afterEach, describe, expect, it } from "vitest";
import ouPolicy from "../../policies/google-ou-2sv-enforced.js";
import userPolicy from "../../policies/google-user-2sv-enforced.js";
import {
  type GoogleTenantSeed,
  type SeedUser,
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";
import { GoogleWorkspaceSettings } from "../../providers/google-workspace/settings.js";
import { collectConnection } from "../../src/collect/index.js";
import { mergeCollections } from "../../src/collect/merge.js";
import { QuotaRegistry } from "../../src/collect/quota.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { link } from "../../src/link/index.js";
import type { MfaState } from "../../src/model/index.js";
import { contextOf } from "../helpers/policy-tester.js";

/**
 * Audit table, like Entra's (test/src/engines/conditional-access/semantics.test.ts): Google Workspace
 * 2-Step Verification configurations admins really set, each with the verdict Google's documented
 * semantics give and the page that says so. Each row runs the whole public path: the tenant seeded in the
 * emulator in the Directory API's and Policy API's documented shapes, read by the real provider, linked,
 * then judged by google-user-2sv-enforced (for Ann) or google-ou-2sv-enforced (for one OU).
 *
 * Enforcement is an Admin console setting: the provider learns it per user from the Directory API's
 * output-only `isEnforcedIn2Sv` (Google applies OU and group policies to it), and per OU from the Cloud
 * Identity Policy API (`security.two_step_verification_*`, inheritance applied by the provider). A row
 * seeds both as Google would report them for the configuration it names.
 */

const token = "ya29.test-token";
const now = new Date("2026-11-24T12:00:00Z");
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

// What Google documents, cited per row.
const FIELDS =
  "developers.google.com/admin-sdk/directory/reference/rest/v1/users: isEnforcedIn2Sv 'Is 2-step verification enforced (Read-only)', isEnrolledIn2Sv 'Is enrolled in 2-step verification (Read-only)'";
const ENFORCE =
  "support.google.com/a/answer/9176657 (Deploy 2SV): with enforcement on users can't turn 2SV off; 'Allow users to turn on 2-Step Verification' alone leaves it each user's choice";
const PERIOD =
  "support.google.com/a/answer/9176805: 'you can specify an enrollment period during which new users can sign in with just their passwords'; users not enrolled when enforcement applies 'won't be able to sign in'";
const POLICY_API =
  "cloud.google.com/identity/docs/concepts/overview-policies; reference/identity-apis.md §3.2: enforcedFrom '1970-01-01T00:00:00Z' means off; enrollmentGracePeriod a Duration";
const INHERIT =
  "support.google.com/a/answer/9176657 and /a/answer/182537 (OU settings): a setting made on an OU applies to its sub-OUs unless a sub-OU overrides it";
const GROUPS =
  "support.google.com/a/answer/9176805: an exception group with Enforcement Off exempts its members from the OU's enforcement; 'A 2SV policy set on a child organizational unit always takes precedence over a configuration group setting'";
const SUSPENDED =
  "developers.google.com/admin-sdk/directory/reference/rest/v1/users (suspended): a suspended user cannot sign in, so it has no sign-in to judge";

interface Scenario {
  /** Users besides the default Ann (enforced and enrolled in /). */
  users?: SeedUser[];
  policies?: GoogleTenantSeed["policies"];
  orgUnits?: GoogleTenantSeed["orgUnits"];
}

type Expected =
  | { subject: "ann"; status: "pass" | "fail" | "unknown"; mfa: MfaState }
  | { subject: "ann"; status: "silent" }
  | { subject: string; status: "pass" | "fail" | "unknown"; ou: true };

type Build = (t: {
  root: string;
  ou: Parameters<Parameters<typeof seedTenant>[2]>[0]["ou"];
  ann: (fields?: Partial<SeedUser>) => SeedUser;
}) => Scenario;

type Row = [name: string, doc: string, build: Build, expected: Expected];

const enforcedSince2025 = { allowEnrollment: true, enforcedFrom: "2025-01-01T00:00:00Z" };
const user = (status: "pass" | "fail" | "unknown", mfa: MfaState): Expected => ({
  subject: "ann",
  status,
  mfa,
});
const ouVerdict = (path: string, status: "pass" | "fail" | "unknown"): Expected => ({
  subject: path,
  status,
  ou: true,
});

/** A policy of `policies` re-targeted at a group (as the Policy API returns a group's setting). */
function forGroup(policies: GoogleTenantSeed["policies"], group: string): GoogleTenantSeed["policies"] {
  return policies.map((p) => ({
    ...p,
    name: `${p.name}g`,
    policyQuery: { ...p.policyQuery, group: `groups/${group}`, sortOrder: 2 },
  }));
}

const rows: Row[] = [
  // One user, as the Directory API reports them
  [
    "enforced and enrolled",
    `${FIELDS}; ${ENFORCE}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: true })],
      policies: twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "0s" }),
    }),
    user("pass", "enforced"),
  ],
  [
    "'Allow users to turn on 2SV', enforcement off, Ann enrolled: she can turn it off",
    `${FIELDS}; ${ENFORCE}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: false, isEnrolledIn2Sv: true })],
      policies: twoStepPolicies(root, { allowEnrollment: true }),
    }),
    user("fail", "optional"),
  ],
  [
    "enforcement off, Ann not enrolled: the password alone signs in",
    `${FIELDS}; ${ENFORCE}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: false, isEnrolledIn2Sv: false })],
      policies: twoStepPolicies(root, { allowEnrollment: true }),
    }),
    user("fail", "none"),
  ],
  [
    "enforced, Ann not enrolled, a 7-day new-user enrollment period",
    `${PERIOD}; ${POLICY_API}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: false })],
      policies: twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "604800s" }),
    }),
    user("fail", "bypassable"),
  ],
  [
    "enforced, Ann not enrolled, no new-user enrollment period: she cannot sign in",
    `${PERIOD}; ${POLICY_API}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: false })],
      policies: twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "0s" }),
    }),
    user("pass", "enforced"),
  ],
  [
    "enforced, Ann not enrolled, the enrollment period not returned by the Policy API",
    `${PERIOD}; fail closed: what could not be read is unknown`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: false })],
      policies: twoStepPolicies(root, enforcedSince2025),
    }),
    user("unknown", "unknown"),
  ],
  [
    "enforced, Ann in /Sales not enrolled; /Sales sets no period and inherits the root's 7 days",
    `${PERIOD}; ${INHERIT}`,
    ({ root, ou, ann }) => ({
      orgUnits: [ou("/Sales")],
      users: [ann({ orgUnitPath: "/Sales", isEnforcedIn2Sv: true, isEnrolledIn2Sv: false })],
      policies: twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "604800s" }),
    }),
    user("fail", "bypassable"),
  ],
  [
    "enforced, Ann in /Sales not enrolled; /Sales overrides the root's 7 days with no period",
    `${PERIOD}; ${INHERIT}`,
    ({ root, ou, ann }) => {
      const sales = ou("/Sales");
      return {
        orgUnits: [sales],
        users: [ann({ orgUnitPath: "/Sales", isEnforcedIn2Sv: true, isEnrolledIn2Sv: false })],
        policies: [
          ...twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "604800s" }),
          ...twoStepPolicies(sales.orgUnitId, { ...enforcedSince2025, enrollmentPeriod: "0s" }),
        ],
      };
    },
    user("pass", "enforced"),
  ],
  [
    "enforced, Ann not enrolled; a group's new-user enrollment period may apply to her (members not read)",
    `${PERIOD}; ${GROUPS}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: false })],
      policies: [
        ...twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "0s" }),
        ...forGroup(
          twoStepPolicies(root, { ...enforcedSince2025, enrollmentPeriod: "604800s" }).slice(2),
          "newhires",
        ),
      ],
    }),
    user("unknown", "unknown"),
  ],
  [
    "exception group with enforcement off: Google reports Ann not enforced, enrolled",
    `${GROUPS}; ${FIELDS}`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: false, isEnrolledIn2Sv: true })],
      policies: [
        ...twoStepPolicies(root, enforcedSince2025),
        ...forGroup(twoStepPolicies(root, { allowEnrollment: true }).slice(1, 2), "exempt"),
      ],
    }),
    user("fail", "optional"),
  ],
  [
    "super admin, enforced and enrolled",
    `${FIELDS}; ${ENFORCE}`,
    ({ root, ann }) => ({
      users: [ann({ isAdmin: true, isEnforcedIn2Sv: true, isEnrolledIn2Sv: true })],
      policies: twoStepPolicies(root, enforcedSince2025),
    }),
    user("pass", "enforced"),
  ],
  [
    "super admin, enrolled, Google reports 2SV not enforced",
    `${FIELDS}; ${ENFORCE}`,
    ({ root, ann }) => ({
      users: [ann({ isAdmin: true, isEnforcedIn2Sv: false, isEnrolledIn2Sv: true })],
      policies: twoStepPolicies(root, { allowEnrollment: true }),
    }),
    user("fail", "optional"),
  ],
  [
    "suspended user (not enforced): no sign-in to judge",
    SUSPENDED,
    ({ root, ann }) => ({
      users: [ann({ suspended: true, isEnforcedIn2Sv: false, isEnrolledIn2Sv: false })],
      policies: twoStepPolicies(root, { allowEnrollment: true }),
    }),
    { subject: "ann", status: "silent" },
  ],
  [
    "the Directory API returns no 2SV fields for Ann",
    `${FIELDS}; fail closed: what could not be read is unknown`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: undefined, isEnrolledIn2Sv: undefined })],
      policies: twoStepPolicies(root, enforcedSince2025),
    }),
    user("unknown", "unknown"),
  ],
  [
    "OU enforcement from a future date; Google reports Ann enforced and enrolled",
    `UNCONFIRMED: whether isEnforcedIn2Sv is true before an 'On from' date is documented nowhere reachable (searched pages: 'isEnforcedIn2Sv true before enforcement date Turn on enforcement from'); until the date users can turn 2SV off (${ENFORCE})`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: true })],
      policies: twoStepPolicies(root, { allowEnrollment: true, enforcedFrom: "2027-01-01T00:00:00Z" }),
    }),
    user("unknown", "unknown"),
  ],
  [
    "a group turns enforcement on in an OU with enforcement off; Google reports Ann (a member) enforced and enrolled",
    `${GROUPS}; ${FIELDS} (Google applies group policies to isEnforcedIn2Sv)`,
    ({ root, ann }) => ({
      users: [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: true })],
      policies: [
        ...twoStepPolicies(root, { allowEnrollment: true }),
        ...forGroup(twoStepPolicies(root, enforcedSince2025).slice(1, 2), "admins"),
      ],
    }),
    user("pass", "enforced"),
  ],
  // Per OU, from the Policy API
  [
    "root OU enforced since 2025",
    `${POLICY_API}; ${ENFORCE}`,
    ({ root }) => ({ policies: twoStepPolicies(root, enforcedSince2025) }),
    ouVerdict("/", "pass"),
  ],
  [
    "root OU: 'Allow users to turn on 2SV', enforcement off (1970 epoch)",
    `${POLICY_API}; ${ENFORCE}`,
    ({ root }) => ({ policies: twoStepPolicies(root, { allowEnrollment: true }) }),
    ouVerdict("/", "fail"),
  ],
  [
    "root OU: enforcement turned on from a date still in the future",
    `${POLICY_API}; support.google.com/a/answer/9176657 ('On from' a date)`,
    ({ root }) => ({
      policies: twoStepPolicies(root, { allowEnrollment: true, enforcedFrom: "2027-01-01T00:00:00Z" }),
    }),
    ouVerdict("/", "fail"),
  ],
  [
    "/Sales sets nothing and inherits the root's enforcement",
    `${INHERIT}; ${POLICY_API}`,
    ({ root, ou }) => ({ orgUnits: [ou("/Sales")], policies: twoStepPolicies(root, enforcedSince2025) }),
    ouVerdict("/Sales", "pass"),
  ],
  [
    "/Sales turns enforcement off under an enforcing root",
    `${INHERIT}; ${POLICY_API}`,
    ({ root, ou }) => {
      const sales = ou("/Sales");
      return {
        orgUnits: [sales],
        policies: [
          ...twoStepPolicies(root, enforcedSince2025),
          ...twoStepPolicies(sales.orgUnitId, { allowEnrollment: true }),
        ],
      };
    },
    ouVerdict("/Sales", "fail"),
  ],
  [
    "/Sales/EU inherits /Sales's enforcement off, not the root's on",
    `${INHERIT}; ${POLICY_API}`,
    ({ root, ou }) => {
      const sales = ou("/Sales");
      return {
        orgUnits: [sales, ou("/Sales/EU")],
        policies: [
          ...twoStepPolicies(root, enforcedSince2025),
          ...twoStepPolicies(sales.orgUnitId, { allowEnrollment: true }),
        ],
      };
    },
    ouVerdict("/Sales/EU", "fail"),
  ],
  [
    "root OU enforced, but an exception group turns enforcement off for its members (members not read)",
    `${GROUPS}; fail closed: what could not be read is unknown`,
    ({ root }) => ({
      policies: [
        ...twoStepPolicies(root, enforcedSince2025),
        ...forGroup(twoStepPolicies(root, { allowEnrollment: true }).slice(1, 2), "exempt"),
      ],
    }),
    ouVerdict("/", "unknown"),
  ],
  [
    "exception group at the root; /Sales sets its own enforcement, which takes precedence over the group",
    GROUPS,
    ({ root, ou }) => {
      const sales = ou("/Sales");
      return {
        orgUnits: [sales],
        policies: [
          ...twoStepPolicies(root, enforcedSince2025),
          ...twoStepPolicies(sales.orgUnitId, enforcedSince2025),
          ...forGroup(twoStepPolicies(root, { allowEnrollment: true }).slice(1, 2), "exempt"),
        ],
      };
    },
    ouVerdict("/Sales", "pass"),
  ],
  [
    "a group's enforcement on does not make a not-enforced OU enforced",
    `${GROUPS}; ${ENFORCE}`,
    ({ root }) => ({
      policies: [
        ...twoStepPolicies(root, { allowEnrollment: true }),
        ...forGroup(twoStepPolicies(root, enforcedSince2025).slice(1, 2), "admins"),
      ],
    }),
    ouVerdict("/", "fail"),
  ],
];

async function verdictOf(build: Build, expected: Expected) {
  const seed = seedTenant("acme.example", token, ({ root, ou }) => {
    const ann = (fields: Partial<SeedUser> = {}) => seedUser("ann@acme.example", fields);
    const s = build({ root, ou, ann });
    return {
      users: s.users ?? [ann({ isEnforcedIn2Sv: true, isEnrolledIn2Sv: true })],
      orgUnits: s.orgUnits ?? [],
      policies: s.policies ?? [],
    };
  });
  emulator = await startGoogleEmulator({ tenants: [seed] });
  const settings = GoogleWorkspaceSettings.parse({
    type: "google-workspace",
    endpoint: emulator.url,
    auth: { method: "access-token", token: "env:TEST_GOOGLE_TOKEN" },
  });
  const collection = await collectConnection(
    { id: "acme", name: "Acme" },
    { id: "google", type: "google-workspace", settings },
    { quotas: new QuotaRegistry(false), env: { TEST_GOOGLE_TOKEN: token }, sleep: async () => {}, now },
  );
  expect(collection.coverage.status, JSON.stringify(collection.coverage.gaps)).toBe("complete");
  const [merged] = mergeCollections(
    { tenants: [{ id: "acme", name: "Acme", role: "customer", profile: "standard", connections: [] }] },
    [collection],
  );
  const context = contextOf({ inventory: link(merged!), now, options: {} });
  const policy = "ou" in expected ? ouPolicy : userPolicy;
  const name = "ou" in expected ? expected.subject : "ann@acme.example";
  return policy.evaluate(context).filter((v) => v.subject.name === name);
}

describe("Google 2-Step Verification semantics: configuration → documented verdict", () => {
  it.each(rows)("%s (%s)", async (_name, _doc, build, expected) => {
    const verdicts = await verdictOf(build, expected);
    if (expected.status === "silent") {
      expect(verdicts).toEqual([]);
      return;
    }
    expect(verdicts).toHaveLength(1);
    const verdict = verdicts[0]!;
    expect(verdict.status, verdict.message).toBe(expected.status);
    if ("mfa" in expected) expect(verdict.mfa?.state, verdict.message).toBe(expected.mfa);
    expect(verdict.evidence.length, "every verdict carries evidence").toBeGreaterThan(0);
  });
});

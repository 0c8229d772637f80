import { afterEach, describe, expect, it } from "vitest";
import consolePolicy from "../../policies/okta-admin-console-requires-phishing-resistant.js";
import appPolicy from "../../policies/okta-app-sign-on-requires-mfa.js";
import sessionPolicy from "../../policies/okta-user-mfa-enforced.js";
import {
  app,
  appRule,
  factor,
  group,
  type OktaOrgSeed,
  type OrgParts,
  policy,
  role,
  type SeedFactor,
  type SeedGroup,
  type SeedPolicy,
  type SeedRule,
  type SeedUser,
  type SeedZone,
  seedOrg,
  seedUser,
  signOnRule,
  zone,
} from "../../providers/okta/emulator.js";
import type { JsonValue, MfaState } from "../../src/model/index.js";
import { contextOf } from "../helpers/policy-tester.js";
import { closeAll, host, linked, run, token } from "../providers/okta/harness.js";

/**
 * Audit table, like Entra's (test/src/engines/conditional-access/semantics.test.ts): Okta global session
 * and authentication policy configurations admins really write, each with the verdict Okta's documented
 * semantics give and the page that says so. Each row runs the whole public path: the org seeded in the
 * emulator in the API's documented shapes, read by the real provider, linked, then judged by the policy
 * (okta-user-mfa-enforced for the Okta session, okta-app-sign-on-requires-mfa for an app). Ann holds Okta
 * Verify push unless a row says otherwise. A row whose semantics no reachable Okta page confirms says
 * UNCONFIRMED and expects `unknown`.
 */

afterEach(closeAll);

// What Okta documents, cited per row.
const EVALUATION =
  "developer.okta.com/docs/api/resources/policy (Policy evaluation): policies in priority order; a policy whose conditions are not met is skipped; then its rules in priority order, the first rule whose conditions are all met applies";
const PRIORITY =
  "developer.okta.com/docs/guides/policy-rule-prioritization: the rule with priority 1 is evaluated first; if its conditions aren't met, Okta moves to priority 2, and so on; the catch-all rule (priority 99) decides when no other rule matches";
const STATUS =
  "developer.okta.com/docs/api/openapi/okta-management/management/tag/Policy (status ACTIVE|INACTIVE; only active policies and rules are evaluated)";
const SIGNON =
  "developer.okta.com OktaSignOnPolicyRuleSignonActions: requireFactor 'Indicates if multifactor authentication is required' (default false); access ALLOW|DENY";
const DEFAULT_GSP =
  "help.okta.com/oie/en-us/content/topics/identity-engine/policies/about-okta-sign-on-policies.htm: the Default Policy's Default Rule (priority 99, Everyone) does not require MFA unless an admin changes it";
const PEOPLE =
  "developer.okta.com/docs/api/resources/policy (PolicyPeopleCondition users/groups include and exclude; an excluded user or group member does not match)";
const NETWORK =
  "developer.okta.com/docs/api/resources/policy (network condition: connection ANYWHERE|ZONE with include/exclude zone ids); help.okta.com 'How to prompt for password only when logging in' (a zone rule with MFA Not Required)";
const ASSURANCE =
  "developer.okta.com AccessPolicyRule actions.appSignOn.verificationMethod (ASSURANCE): factorMode 1FA|2FA, constraints knowledge/possession, possession.phishingResistant REQUIRED";
const ENROLL =
  "developer.okta.com/docs/guides/authenticators-overview: users enroll the required authenticators when they first sign in (enrollment flow); #18 item 11, whoever holds the password enrolls first";
const AUTHN_POLICY =
  "help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm: an app's authentication policy rules apply in priority order; reaching an app needs the global session and the app's rule";
const KNOWLEDGE =
  "help.okta.com/oie/en-us/Content/Topics/identity-engine-upgrade/mfa-enhancements.htm and .../authenticators/configure-authenticators.htm: Password and Security Question are both of factor type Knowledge; 'Any 2 factor types' (factorMode 2FA) needs two different types, so password + security question does not satisfy it";
const SECURITY_QUESTION =
  "help.okta.com/oie/en-us/content/topics/identity-engine/authenticators/configure-security-question.htm: the security question 'supports multifactor authentication (MFA)' and can be used for MFA 'only if the primary authenticator in the global session policy is a password'; help.okta.com/en-us/Content/Topics/Security/mfa/security-question.htm (Classic: a factor the sign-on policy evaluates). Okta recommends against it: the strength is weak";
const PHISHING =
  "help.okta.com/oie/en-us/content/topics/identity-engine/authenticators/configure-authenticators.htm: FIDO2 (WebAuthn) is phishing-resistant, Okta Verify push is not; possession.phishingResistant REQUIRED accepts only phishing-resistant authenticators";
const UNCONFIRMED_OR =
  "UNCONFIRMED: no reachable Okta page says whether users.include and groups.include of one condition are joined by OR or AND (searched docs: 'Okta policy people condition users include groups include'; PolicyPeopleCondition pages list the fields only)";

const ann = (fields: Partial<SeedUser> = {}, factors: SeedFactor[] = [factor("push")]) =>
  seedUser("ann@acme.example", { factors, ...fields });
const admin = (factors: SeedFactor[]) =>
  ann({ roles: [role("SUPER_ADMIN", "Super Administrator")] }, factors);
const staff = group("Staff");
const contractors = group("Contractors");
const office = zone("Office", "203.0.113.0/24");

const mfa = (name: string, opts: Partial<Parameters<typeof signOnRule>[1]> = {}) =>
  signOnRule(name, { priority: 1, requireFactor: true, ...opts });
const oneFactor = (name: string, opts: Partial<Parameters<typeof signOnRule>[1]> = {}) =>
  signOnRule(name, { priority: 1, requireFactor: false, ...opts });
const inactive = (r: SeedRule): SeedRule => ({ ...r, status: "INACTIVE" });

/** A global session policy for Everyone (or the given groups) at priority 1, above the Default Policy. */
const session = (p: OrgParts, rules: SeedRule[], groups = [p.everyone.id]) =>
  policy("OKTA_SIGN_ON", "Staff sessions", 1, rules, { groups });

interface Scenario {
  policies?: SeedPolicy[];
  users?: SeedUser[];
  groups?: SeedGroup[];
  zones?: SeedZone[];
  /**
   * An app "Payroll" with this authentication policy (the row judges the app, not the session); "classic":
   * the app links no authentication policy (a Classic Engine org keeps app sign-on rules elsewhere).
   */
  payroll?: SeedPolicy | "classic";
  /** Change the default global session policy (its Default Rule). */
  defaultRule?: SeedRule;
  /** API paths the token may not read (403 E0000006): the read is a coverage gap. */
  denied?: RegExp[];
  /** The enrollment policy also allows the security question (else Okta does not list that factor). */
  securityQuestion?: boolean;
  /** The Admin Console's authentication policy rules; Ann is a super admin and the row judges the console. */
  adminConsole?: SeedRule[];
}

/** The MFA state of the verdict, or (for the Admin Console) its status and MFA state. */
type Expected = MfaState | { status: "pass" | "fail"; mfa: MfaState };
type Row = [name: string, doc: string, build: (p: OrgParts) => Scenario, expected: Expected];

const rows: Row[] = [
  // The default and one MFA policy
  ["only the Default Policy (password alone)", DEFAULT_GSP, () => ({}), "none"],
  [
    "Everyone, one rule requiring MFA",
    `${EVALUATION}; ${SIGNON}`,
    (p) => ({ policies: [session(p, [mfa("MFA")])] }),
    "enforced",
  ],
  [
    "Default Rule edited to require MFA",
    `${DEFAULT_GSP}; ${SIGNON}`,
    () => ({ defaultRule: mfa("Default Rule", { priority: 99, system: true }) }),
    "enforced",
  ],
  [
    "a rule that denies access (nobody signs in with one factor)",
    SIGNON,
    (p) => ({ policies: [session(p, [oneFactor("Deny", { access: "DENY" })])] }),
    "enforced",
  ],
  // Priority: the first matching rule wins
  [
    "one-factor rule at priority 1 shadows the MFA rule at priority 2",
    PRIORITY,
    (p) => ({
      policies: [session(p, [mfa("MFA", { priority: 2 }), oneFactor("Password", { priority: 1 })])],
    }),
    "none",
  ],
  [
    "MFA rule at priority 1 shadows the one-factor rule at priority 2",
    PRIORITY,
    (p) => ({
      policies: [session(p, [oneFactor("Password", { priority: 2 }), mfa("MFA", { priority: 1 })])],
    }),
    "enforced",
  ],
  [
    "a one-factor policy for Everyone at priority 1 shadows an MFA policy at priority 2",
    EVALUATION,
    (p) => ({
      policies: [
        policy("OKTA_SIGN_ON", "Password", 1, [oneFactor("Password")], { groups: [p.everyone.id] }),
        policy("OKTA_SIGN_ON", "MFA", 2, [mfa("MFA")], { groups: [p.everyone.id] }),
      ],
    }),
    "none",
  ],
  // Inactive rules and policies are skipped
  [
    "the MFA rule is INACTIVE: the Default Rule decides",
    `${STATUS}; ${DEFAULT_GSP}`,
    (p) => ({ policies: [session(p, [inactive(mfa("MFA"))])] }),
    "none",
  ],
  [
    "the one-factor rule above MFA is INACTIVE: the MFA rule decides",
    `${STATUS}; ${PRIORITY}`,
    (p) => ({
      policies: [session(p, [inactive(oneFactor("Password", { priority: 1 })), mfa("MFA", { priority: 2 })])],
    }),
    "enforced",
  ],
  [
    "the MFA policy is INACTIVE",
    `${STATUS}; ${EVALUATION}`,
    (p) => ({ policies: [{ ...session(p, [mfa("MFA")]), status: "INACTIVE" }] }),
    "none",
  ],
  // Policy assignment and people conditions
  [
    "MFA policy assigned to Staff; Ann is not in Staff (Default Policy decides)",
    `${EVALUATION}; ${PEOPLE}`,
    (p) => ({ policies: [session(p, [mfa("MFA")], [staff.id])], groups: [p.everyone, staff] }),
    "none",
  ],
  [
    "MFA policy assigned to Staff; Ann is in Staff",
    `${EVALUATION}; ${PEOPLE}`,
    (p) => ({
      policies: [session(p, [mfa("MFA")], [staff.id])],
      groups: [p.everyone, staff],
      users: [ann({ groups: [staff.id] })],
    }),
    "enforced",
  ],
  [
    "MFA rule for group Staff only; Ann is not in Staff and falls through to the Default Rule",
    `${PEOPLE}; ${PRIORITY}`,
    (p) => ({
      policies: [session(p, [mfa("MFA", { groups: { include: [staff.id] } })])],
      groups: [p.everyone, staff],
    }),
    "none",
  ],
  [
    "MFA rule for Everyone except Contractors; Ann is a contractor",
    PEOPLE,
    (p) => ({
      policies: [
        session(p, [mfa("MFA", { groups: { include: [p.everyone.id], exclude: [contractors.id] } })]),
      ],
      groups: [p.everyone, contractors],
      users: [ann({ groups: [contractors.id] })],
    }),
    "none",
  ],
  [
    "MFA rule for Everyone except Contractors; Ann is staff",
    PEOPLE,
    (p) => ({
      policies: [
        session(p, [mfa("MFA", { groups: { include: [p.everyone.id], exclude: [contractors.id] } })]),
      ],
      groups: [p.everyone, contractors, staff],
      users: [ann({ groups: [staff.id] })],
    }),
    "enforced",
  ],
  [
    "MFA rule excludes Ann by user id",
    PEOPLE,
    (p) => ({ policies: [session(p, [mfa("MFA", { users: { exclude: [ann().id] } })])] }),
    "none",
  ],
  [
    "one-factor rule for Ann by id and group Staff, Ann not in Staff, MFA below",
    UNCONFIRMED_OR,
    (p) => ({
      policies: [
        session(p, [
          oneFactor("Ann or Staff", {
            priority: 1,
            users: { include: [ann().id] },
            groups: { include: [staff.id] },
          }),
          mfa("MFA", { priority: 2 }),
        ]),
      ],
      groups: [p.everyone, staff],
    }),
    "unknown",
  ],
  [
    "MFA rule for Ann by id and group Staff, Ann not in Staff, Default Rule below",
    UNCONFIRMED_OR,
    (p) => ({
      policies: [
        session(p, [
          mfa("Ann or Staff", { users: { include: [ann().id] }, groups: { include: [staff.id] } }),
        ]),
      ],
      groups: [p.everyone, staff],
    }),
    "unknown",
  ],
  // Network zones
  [
    "one factor from the Office zone, MFA elsewhere",
    `${NETWORK}; ${PRIORITY}`,
    (p) => ({
      policies: [
        session(p, [
          oneFactor("Office", { priority: 1, zones: { include: [office.id] } }),
          mfa("Elsewhere", { priority: 2 }),
        ]),
      ],
      zones: [office],
    }),
    "bypassable",
  ],
  [
    "MFA only outside the Office zone (zone exclude), Default Rule below",
    `${NETWORK}; ${DEFAULT_GSP}`,
    (p) => ({
      policies: [session(p, [mfa("Outside office", { zones: { exclude: [office.id] } })])],
      zones: [office],
    }),
    "bypassable",
  ],
  [
    "MFA from the Office zone and MFA from everywhere else",
    NETWORK,
    (p) => ({
      policies: [
        session(p, [
          mfa("Office", { priority: 1, zones: { include: [office.id] } }),
          mfa("Outside office", { priority: 2, zones: { exclude: [office.id] } }),
        ]),
      ],
      zones: [office],
    }),
    "enforced",
  ],
  [
    "deny outside the Office zone, one factor inside it",
    `${NETWORK}; ${SIGNON}`,
    (p) => ({
      policies: [
        session(p, [
          oneFactor("Deny outside", { priority: 1, access: "DENY", zones: { exclude: [office.id] } }),
          oneFactor("Office", { priority: 2 }),
        ]),
      ],
      zones: [office],
    }),
    "none",
  ],
  // Enrollment
  [
    "MFA required, Ann has no factor and the enrollment policy lets her enroll one",
    `${ENROLL}; ${SIGNON}`,
    (p) => ({ policies: [session(p, [mfa("MFA")])], users: [ann({}, [])] }),
    "bypassable",
  ],
  // Authentication policies (Identity Engine) for an app
  [
    "app rule 2FA, global session MFA",
    `${ASSURANCE}; ${AUTHN_POLICY}`,
    (p) => ({
      policies: [session(p, [mfa("MFA")])],
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ]),
    }),
    "enforced",
  ],
  [
    "app rule 2FA, global session password only (the app's rule demands the factor)",
    `${ASSURANCE}; ${AUTHN_POLICY}`,
    () => ({
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ]),
    }),
    "enforced",
  ],
  [
    "app rule 1FA, global session password only",
    `${ASSURANCE}; ${AUTHN_POLICY}`,
    () => ({
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: 1FA", { priority: 99, factorMode: "1FA", system: true }),
      ]),
    }),
    "none",
  ],
  [
    "app rule 1FA from the Office zone above a 2FA catch-all, global session password only",
    `${ASSURANCE}; ${NETWORK}; ${PRIORITY}`,
    () => ({
      zones: [office],
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: office", { priority: 1, factorMode: "1FA", zones: { include: [office.id] } }),
        appRule("Payroll: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ]),
    }),
    "bypassable",
  ],
  [
    "app: INACTIVE 2FA rule above a 1FA catch-all, global session password only",
    `${STATUS}; ${ASSURANCE}`,
    () => ({
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        inactive(appRule("Payroll: 2FA", { priority: 1, factorMode: "2FA" })),
        appRule("Payroll: catch-all", { priority: 99, factorMode: "1FA", system: true }),
      ]),
    }),
    "none",
  ],
  [
    "app rule 2FA for group Staff only, Ann not in Staff, 1FA catch-all, global session password only",
    `${PEOPLE}; ${ASSURANCE}`,
    (p) => ({
      groups: [p.everyone, staff],
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: Staff 2FA", { priority: 1, factorMode: "2FA", groups: { include: [staff.id] } }),
        appRule("Payroll: catch-all", { priority: 99, factorMode: "1FA", system: true }),
      ]),
    }),
    "none",
  ],
  [
    "app rule 2FA above the catch-all for group Staff, whose members could not be read; 1FA catch-all",
    `${PEOPLE}; ${ASSURANCE}; fail closed: what could not be read is unknown`,
    (p) => ({
      groups: [p.everyone, staff],
      users: [ann({ groups: [staff.id] })],
      denied: [/^\/api\/v1\/groups\/[^/]+\/users/],
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: Staff 2FA", { priority: 1, factorMode: "2FA", groups: { include: [staff.id] } }),
        appRule("Payroll: catch-all", { priority: 99, factorMode: "1FA", system: true }),
      ]),
    }),
    "unknown",
  ],
  [
    "MFA rule for group Staff, whose members could not be read; Default Rule (one factor) below",
    `${PEOPLE}; fail closed: what could not be read is unknown`,
    (p) => ({
      policies: [session(p, [mfa("Staff MFA", { groups: { include: [staff.id] } })])],
      groups: [p.everyone, staff],
      users: [ann({ groups: [staff.id] })],
      denied: [/^\/api\/v1\/groups\/[^/]+\/users/],
    }),
    "unknown",
  ],
  // Conditions mfasweep cannot decide from the inventory: the rule may match any given sign-in
  [
    "app: 1FA on registered devices above a 2FA catch-all (a registered device needs no second factor)",
    `${ASSURANCE}; help.okta.com add-app-sign-on-policy-rule.htm ('AND Device state is Registered')`,
    () => ({
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: registered devices", {
          priority: 1,
          factorMode: "1FA",
          extra: { device: { registered: true, managed: false } },
        }),
        appRule("Payroll: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ]),
    }),
    "bypassable",
  ],
  [
    "app: 2FA only at high risk, 1FA catch-all",
    `${ASSURANCE}; developer.okta.com Policy API (riskScore condition level ANY|LOW|MEDIUM|HIGH)`,
    () => ({
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: high risk", {
          priority: 1,
          factorMode: "2FA",
          extra: { riskScore: { level: "HIGH" } },
        }),
        appRule("Payroll: catch-all", { priority: 99, factorMode: "1FA", system: true }),
      ]),
    }),
    "bypassable",
  ],
  // Two knowledge factors: the security question
  [
    "app rule 2FA ('Any 2 factor types'), Ann holds only a security question; the enrollment policy lets her enroll Okta Verify",
    `${KNOWLEDGE}; ${ASSURANCE}; ${ENROLL}; UNCONFIRMED whether password + security question may enroll the possession factor (support.okta.com 'understanding-multi-factor-authentication-behavior-after-oie-upgrade': in OIE factor enrollment necessitates MFA): if not she cannot sign in; bypassable is the worse of the two, never a claim of MFA`,
    () => ({
      users: [ann({}, [factor("question")])],
      securityQuestion: true,
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ]),
    }),
    "bypassable",
  ],
  [
    "app rule 2FA, Ann holds a security question and Okta Verify push",
    `${KNOWLEDGE}; ${ASSURANCE}`,
    () => ({
      users: [ann({}, [factor("question"), factor("push")])],
      securityQuestion: true,
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ]),
    }),
    "enforced",
  ],
  [
    "global session requires MFA, Ann holds only a security question (Okta counts it as the second factor after a password)",
    `${SECURITY_QUESTION}; ${SIGNON}`,
    (p) => ({
      policies: [session(p, [mfa("MFA")])],
      users: [ann({}, [factor("question")])],
      securityQuestion: true,
    }),
    "enforced",
  ],
  [
    "app: 1FA rule for group Staff, Ann not in Staff, DENY catch-all (Ann cannot reach the app at all)",
    `${PEOPLE}; ${AUTHN_POLICY}; help.okta.com add-app-sign-on-policy-rule.htm: a new policy's catch-all rule denies access`,
    (p) => ({
      groups: [p.everyone, staff],
      payroll: policy("ACCESS_POLICY", "Payroll", 10, [
        appRule("Payroll: Staff", { priority: 1, factorMode: "1FA", groups: { include: [staff.id] } }),
        appRule("Payroll: catch-all", { priority: 99, factorMode: "1FA", access: "DENY", system: true }),
      ]),
    }),
    "enforced",
  ],
  [
    "Classic app (no authentication policy), global session requires MFA",
    `${SIGNON}; ${AUTHN_POLICY} (reaching an app needs the Okta session first)`,
    (p) => ({ policies: [session(p, [mfa("MFA")])], payroll: "classic" }),
    "enforced",
  ],
  [
    "Classic app (no authentication policy), global session password only: the app's own sign-on rules are not read",
    `${DEFAULT_GSP}; fail closed: the Classic app sign-on policy is not in the API mfasweep reads`,
    () => ({ payroll: "classic" }),
    "unknown",
  ],
  // The Admin Console (okta-admin-console-requires-phishing-resistant): Ann is a super admin
  [
    "Admin Console: 2FA with a phishing-resistant possession factor, Ann holds WebAuthn",
    `${ASSURANCE}; ${PHISHING}`,
    () => ({
      users: [admin([factor("webauthn")])],
      adminConsole: [
        appRule("Console: 2FA", { priority: 99, factorMode: "2FA", phishingResistant: true, system: true }),
      ],
    }),
    { status: "pass", mfa: "enforced" },
  ],
  [
    "Admin Console: 2FA without phishing resistance, Ann holds WebAuthn and push (push is accepted)",
    `${ASSURANCE}; ${PHISHING}`,
    () => ({
      users: [admin([factor("webauthn"), factor("push")])],
      adminConsole: [appRule("Console: 2FA", { priority: 99, factorMode: "2FA", system: true })],
    }),
    { status: "fail", mfa: "enforced" },
  ],
  [
    "Admin Console: 2FA phishing-resistant, Ann holds push only",
    `${ASSURANCE}; ${PHISHING}`,
    () => ({
      users: [admin([factor("push")])],
      adminConsole: [
        appRule("Console: 2FA", { priority: 99, factorMode: "2FA", phishingResistant: true, system: true }),
      ],
    }),
    { status: "fail", mfa: "enforced" },
  ],
  [
    "Admin Console: phishing-resistant rule for group Staff only, Ann not in it, 2FA catch-all, Ann holds WebAuthn and push",
    `${PEOPLE}; ${PRIORITY}; ${PHISHING}`,
    (p) => ({
      groups: [p.everyone, staff],
      users: [admin([factor("webauthn"), factor("push")])],
      adminConsole: [
        appRule("Console: Staff", {
          priority: 1,
          factorMode: "2FA",
          phishingResistant: true,
          groups: { include: [staff.id] },
        }),
        appRule("Console: 2FA", { priority: 99, factorMode: "2FA", system: true }),
      ],
    }),
    { status: "fail", mfa: "enforced" },
  ],
  [
    "Admin Console: 1FA catch-all",
    ASSURANCE,
    () => ({
      users: [admin([factor("webauthn")])],
      adminConsole: [appRule("Console: 1FA", { priority: 99, factorMode: "1FA", system: true })],
    }),
    { status: "fail", mfa: "none" },
  ],
];

/** The org's enrollment policy with the security question authenticator allowed (enroll.self OPTIONAL). */
function withSecurityQuestion(p: SeedPolicy): SeedPolicy {
  const settings = p.settings as { authenticators?: Array<Record<string, JsonValue>> } | undefined;
  if (p.type !== "MFA_ENROLL" || !settings?.authenticators) return p;
  return {
    ...p,
    settings: {
      ...p.settings,
      authenticators: [
        ...settings.authenticators,
        { key: "security_question", enroll: { self: "OPTIONAL" } },
      ],
    },
  };
}

async function verdictOf(build: Row[2]) {
  let payrollId: string | undefined;
  let console_ = false;
  let denied: RegExp[] = [];
  let securityQuestion = false;
  const seed: OktaOrgSeed = seedOrg(host, token, (p) => {
    const s = build(p);
    denied = s.denied ?? [];
    securityQuestion = s.securityQuestion === true;
    if (s.defaultRule) p.defaultGlobalSession.rules = [s.defaultRule];
    if (s.adminConsole) p.adminConsolePolicy.rules = s.adminConsole;
    console_ = s.adminConsole !== undefined;
    const payroll = s.payroll
      ? app("payroll_saml", "Payroll", s.payroll === "classic" ? undefined : s.payroll.id)
      : undefined;
    payrollId = payroll?.id;
    return {
      users: s.users ?? [ann()],
      groups: s.groups ?? [p.everyone],
      zones: s.zones ?? [],
      extraPolicies: [...(s.policies ?? []), ...(s.payroll && s.payroll !== "classic" ? [s.payroll] : [])],
      ...(payroll
        ? {
            apps: [
              app("saasure", "Okta Admin Console", p.adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
              app("okta_enduser", "Okta Dashboard", p.dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
              payroll,
            ],
          }
        : {}),
    };
  });
  if (denied.length) seed.tokens = [{ token, denied }];
  if (securityQuestion) seed.policies = seed.policies.map(withSecurityQuestion);
  const { collection } = await run(seed);
  if (!denied.length)
    expect(collection.coverage.status, JSON.stringify(collection.coverage.gaps)).toBe("complete");
  const inventory = linked(collection);
  const context = contextOf({ inventory, now: new Date("2026-11-24T12:00:00Z"), options: {} });
  const verdicts = console_
    ? consolePolicy.evaluate(context)
    : payrollId
      ? appPolicy.evaluate(context).filter((v) => v.subject.name === "Payroll")
      : sessionPolicy.evaluate(context);
  expect(verdicts).toHaveLength(1);
  return verdicts[0]!;
}

describe("Okta sign-on semantics: configuration → documented verdict", () => {
  it.each(rows)("%s (%s)", async (_name, _doc, build, expected) => {
    const verdict = await verdictOf(build);
    if (typeof expected === "object") expect(verdict.status, verdict.message).toBe(expected.status);
    const state = typeof expected === "object" ? expected.mfa : expected;
    expect(verdict.mfa?.state, verdict.message).toBe(state);
    expect(verdict.evidence.length, "every verdict carries evidence").toBeGreaterThan(0);
  });
});

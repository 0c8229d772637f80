import { z } from "zod";
import { type FactorStrength, JsonValue, strengthRank } from "../vocabulary.js";
import { defineFactKind } from "./kind.js";

/**
 * The contract between the Okta provider (which collects) and the Okta policy evaluator and delegation
 * linker (which decide): fact kinds and their zod schemas. Both sides import this file; the data stays JSON so an inventory can
 * come from a remote collector (DESIGN.md §9). Field names follow the Okta Management API
 * (reference/identity-apis.md §2); raw rule `conditions`/`actions` are kept whole so that a condition this
 * code does not model is seen (and treated as "may not apply"), never silently dropped.
 */

export const oktaSource = "okta";

/** The `mfa.reason` of every Okta access path until the Okta linker has evaluated it. */
export const pendingOktaEvaluation = "pending Okta policy evaluation";

/** Whether one part of the org was read completely; `reason` says what failed. */
export const ReadState = z.object({ complete: z.boolean(), reason: z.string().optional() });
export type ReadState = z.infer<typeof ReadState>;

const optionalString = z.string().nullish();

/** One per connection: where the org is, which entry points the provider made, and what was read. */
export const OktaOrgFact = z.object({
  orgUrl: z.string(),
  entryPoints: z.object({
    signIn: z.string(),
    dashboard: z.string(),
    adminConsole: z.string(),
  }),
  reads: z.object({
    users: ReadState,
    factors: ReadState,
    admins: ReadState,
    signOnPolicies: ReadState,
    accessPolicies: ReadState,
    enrollPolicies: ReadState,
    apps: ReadState,
    zones: ReadState,
    groups: ReadState,
    /** `GET /api/v1/apps/{id}/users` of the active apps other than the Dashboard and Admin Console. */
    appAssignments: ReadState.optional(),
  }),
});
export type OktaOrgFact = z.infer<typeof OktaOrgFact>;

const RawObject = z.record(z.string(), JsonValue);

/** A policy rule as the API returned it; the evaluator reads `conditions`/`actions` with its own schemas. */
export const OktaRuleFact = z.object({
  id: z.string(),
  name: optionalString,
  type: optionalString,
  status: optionalString,
  priority: z.number().nullish(),
  system: z.boolean().nullish(),
  conditions: RawObject.nullish(),
  actions: RawObject.nullish(),
});
export type OktaRuleFact = z.infer<typeof OktaRuleFact>;

/** A policy (OKTA_SIGN_ON, ACCESS_POLICY or MFA_ENROLL) with its rules; `rules` is null when unread. */
export const OktaPolicyFact = z.object({
  id: z.string(),
  name: optionalString,
  type: z.string(),
  status: optionalString,
  priority: z.number().nullish(),
  system: z.boolean().nullish(),
  conditions: RawObject.nullish(),
  settings: RawObject.nullish(),
  rules: z.array(OktaRuleFact).nullable(),
  rulesReason: z.string().optional(),
});
export type OktaPolicyFact = z.infer<typeof OktaPolicyFact>;

/**
 * Who is assigned to an app (`GET /api/v1/apps/{id}/users`: directly, scope USER, or through a group,
 * scope GROUP; the list holds both). `unavailable` (with `reason`) when the list could not be read whole:
 * then every user who can sign in is assumed assigned (fail closed).
 */
export const OktaAppAssignments = z.object({
  status: z.enum(["read", "unavailable"]),
  users: z.array(z.string()),
  reason: z.string().optional(),
});
export type OktaAppAssignments = z.infer<typeof OktaAppAssignments>;

/**
 * An app and what identifies it to the systems that delegate to it: its id, its `name` (`saasure`,
 * `okta_enduser`, `radius`, ...), the SAML audience (the service provider's entity id), the SAML ACS URL
 * and the OIDC client id. `entryPoint` is the id of the provider's entry point for it (null when none).
 * `assignments` is absent for apps whose assignments are not read (the Dashboard and Admin Console, which
 * every user and every administrator reach, and inactive apps) and in inventories collected before they
 * were: absent means every user who can sign in is assumed assigned.
 */
export const OktaAppFact = z.object({
  id: z.string(),
  name: z.string(),
  label: optionalString,
  status: optionalString,
  signOnMode: optionalString,
  accessPolicyId: z.string().nullable(),
  samlAudience: optionalString,
  samlAcsUrl: optionalString,
  oidcClientId: optionalString,
  entryPoint: z.string().nullable(),
  assignments: OktaAppAssignments.optional(),
});
export type OktaAppFact = z.infer<typeof OktaAppFact>;

/** Why an app's assignments are not known (not collected, or not read whole); undefined when they are. */
export function unreadAppAssignments(app: OktaAppFact): string | undefined {
  const a = app.assignments;
  const label = app.label ?? app.name;
  if (!a) return `who is assigned to Okta app '${label}' was not collected`;
  if (a.status !== "read")
    return `who is assigned to Okta app '${label}' could not be read (${a.reason ?? a.status})`;
  return undefined;
}

/**
 * Whether user `userId` is assigned to `app`: `true`/`false` when the assignments were read, `"unknown"`
 * (with the reason) when they were not, in which case callers assume the user is assigned.
 */
export function oktaAppAssignment(
  app: OktaAppFact,
  userId: string,
): { assigned: boolean } | { assigned: "unknown"; reason: string } {
  const reason = unreadAppAssignments(app);
  if (reason !== undefined) return { assigned: "unknown", reason };
  return { assigned: app.assignments!.users.includes(userId) };
}

export const OktaZoneFact = z.object({
  id: z.string(),
  name: optionalString,
  type: optionalString,
  status: optionalString,
  usage: optionalString,
});
export type OktaZoneFact = z.infer<typeof OktaZoneFact>;

/**
 * A group a policy condition names. `everyone` marks Okta's built-in Everyone group (all users, members not
 * listed); otherwise `members` are user ids, or null with `reason` when the membership could not be read.
 */
export const OktaGroupFact = z.object({
  id: z.string(),
  name: optionalString,
  type: optionalString,
  everyone: z.boolean(),
  members: z.array(z.string()).nullable(),
  reason: z.string().optional(),
});
export type OktaGroupFact = z.infer<typeof OktaGroupFact>;

/** Factor types from `GET /api/v1/users/{id}/factors` (reference §2.1), by strength (DESIGN.md §2). */
const factorStrengths: Record<string, FactorStrength> = {
  webauthn: "phishing-resistant",
  u2f: "phishing-resistant",
  signed_nonce: "phishing-resistant",
  push: "app",
  "token:software:totp": "app",
  "token:hotp": "app",
  "token:hardware": "app",
  token: "app",
  web: "app",
  sms: "weak",
  call: "weak",
  email: "weak",
  question: "weak",
};

/** Strength of an Okta factor type; null for a type this code does not know. */
export function oktaFactorStrength(factorType: string): FactorStrength | null {
  return factorStrengths[factorType.toLowerCase()] ?? null;
}

/** The weaker of two strengths (null = unknown, which counts as weakest). */
export function weakerStrength(a: FactorStrength | null, b: FactorStrength | null): FactorStrength | null {
  if (a === null || b === null) return null;
  return strengthRank[a] <= strengthRank[b] ? a : b;
}

/** A strength's rank, unknown (null) below every known one. */
export function rankOrUnknown(s: FactorStrength | null): number {
  return s === null ? -1 : strengthRank[s];
}

/** One per connection read: without it nothing of the org is known. */
export const oktaOrg = defineFactKind({
  name: "okta.org",
  sources: [oktaSource],
  schema: OktaOrgFact,
  presence: { every: "connection" },
});

const readSays = (what: string) =>
  `the okta.org fact's reads.${what} says whether the list was read; read whole, none means the org has none`;

/** One per sign-on, access or enrollment policy, with its rules. */
export const oktaPolicy = defineFactKind({
  name: "okta.policy",
  sources: [oktaSource],
  schema: OktaPolicyFact,
  presence: { every: "none", noneMeans: readSays("signOnPolicies / accessPolicies / enrollPolicies") },
});

/** One per app. */
export const oktaApp = defineFactKind({
  name: "okta.app",
  sources: [oktaSource],
  schema: OktaAppFact,
  presence: { every: "none", noneMeans: readSays("apps") },
});

/** One per network zone. */
export const oktaZone = defineFactKind({
  name: "okta.zone",
  sources: [oktaSource],
  schema: OktaZoneFact,
  presence: { every: "none", noneMeans: readSays("zones") },
});

/** One per group a policy condition names. */
export const oktaGroup = defineFactKind({
  name: "okta.group",
  sources: [oktaSource],
  schema: OktaGroupFact,
  presence: { every: "none", noneMeans: readSays("groups") },
});

/** The kinds' names, for the provider's lookups. */
export const oktaFactKinds = {
  org: oktaOrg.name,
  policy: oktaPolicy.name,
  app: oktaApp.name,
  zone: oktaZone.name,
  group: oktaGroup.name,
} as const;

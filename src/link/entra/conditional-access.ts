import type { z } from "zod";
import type {
  Evidence,
  Fact,
  FactorStrength,
  JsonValue,
  MfaVerdict,
  Severity,
  Tristate,
} from "../../model/index.js";
import { nothingEnrolled, strengthRank } from "../../model/index.js";
import { appendAll, maxOf, minOf } from "../../util/arrays.js";
import {
  AuthenticationStrengthPolicy,
  AuthenticationStrengthsFact,
  adminRoleTemplates,
  azureManagementAppId,
  ConditionalAccessFact,
  ConditionalAccessPolicy,
  completes,
  type DirectoryUser,
  directoryRoles,
  type EntraFactKind,
  entraFactKinds,
  entraSource,
  GroupMembersFact,
  heldModes,
  methodStrength,
  NamedLocation,
  NamedLocationsFact,
  PerUserMfaFact,
  type ReadStatus,
  RegistrationFact,
  RolesFact,
  registerSecurityInfoAction,
  registrableCombination,
  SecurityDefaultsFact,
  TenantFact,
  UsersFact,
} from "./facts.js";

/**
 * Conditional Access, evaluated per user, from the facts the Entra provider collected. Pure: no I/O, no
 * clock. Stricter than the peers (reference/peer-tools.md §3): report-only and disabled policies never
 * count, exclusions are resolved through transitive groups, roles (active and PIM-eligible) and guest
 * types, and a policy narrowed by risk, platform, location, client app, device filter or flow covers only
 * that slice, which leaves the user `bypassable` with the gap named.
 */

export const caEndpoint = "GET /identity/conditionalAccess/policies";

/** What the user signs in to: any cloud app (the directory sign-in), or one app (a VPN's SAML app). */
export type AppTarget = "All" | { appId: string };

export interface PolicyRef {
  id: string;
  displayName: string;
  state: string;
}

type Tri = true | false | "unknown";

export interface EntraSignInResult {
  userId: string;
  /** State, strength (weakest factor that still completes a login), reason and the deciding evidence. */
  verdict: MfaVerdict;
  /** Controls that require MFA on every interactive sign-in of this user to the target. */
  enforcedBy: Array<{
    kind: "conditional-access" | "security-defaults" | "per-user-mfa";
    policy?: PolicyRef;
  }>;
  /** Enabled policies that require MFA only for a slice of sign-ins, and which slice they leave open. */
  partial: Array<{ policy: PolicyRef; gaps: string[] }>;
  /** Enabled MFA policies that would apply but exclude the user, and how. */
  excludedBy: Array<{ policy: PolicyRef; how: string[] }>;
  /** Policies that would apply but do not count (report-only, disabled). */
  ignored: Array<{ policy: PolicyRef; why: string }>;
  /** Policies whose effect on this user could not be decided. */
  unresolved: Array<{ policy: PolicyRef; why: string }>;
  /** Under security defaults: an administrator (prompted at every sign-in) or another user ("when necessary"). */
  securityDefaults: "admin" | "user" | null;
  /** The weakest factor every sign-in must present (strongest floor of the enforcing controls). */
  requiredStrength: FactorStrength | null;
  /**
   * When MFA is demanded but nothing registered completes what is accepted: whether it can be registered
   * at sign-in (`registrable`), or the user cannot sign in until one is set up (`not-registrable`).
   * `blocked`: every interactive sign-in is blocked outright.
   */
  access: "met" | "registrable" | "not-registrable" | "blocked" | "not-demanded" | "unknown";
  registration: {
    status: "registered" | "not-registered" | "unknown";
    reason: string;
    methods: Array<{ method: string; strength: FactorStrength | null }>;
  };
}

// ---------------------------------------------------------------------------------------------------
// Facts, parsed once

interface Readable {
  status: ReadStatus;
  reason?: string;
}

export interface EntraFacts {
  connection: string;
  tenant?: z.infer<typeof TenantFact>;
  users: Readable & { byId: Map<string, DirectoryUser> };
  securityDefaults: Readable & { enabled?: boolean; id?: string };
  conditionalAccess: Readable & { policies: ConditionalAccessPolicy[]; invalid: string[] };
  namedLocations: Readable & { byId: Map<string, NamedLocation> };
  strengths: Readable & { byId: Map<string, AuthenticationStrengthPolicy> };
  groups: Readable & {
    byId: Map<
      string,
      {
        status: "read" | "not-found" | "unavailable";
        reason?: string;
        displayName?: string;
        members: Set<string>;
      }
    >;
  };
  roles?: z.infer<typeof RolesFact>;
  perUserMfa: z.infer<typeof PerUserMfaFact>;
  registration: Readable & {
    via: string | null;
    byId: Map<string, z.infer<typeof RegistrationFact>["users"][number]>;
  };
  evidence: Partial<Record<EntraFactKind, Evidence[]>>;
}

const missing = (kind: string): Readable => ({
  status: "unavailable",
  reason: `no ${kind} fact was collected`,
});

/**
 * Parses the Entra facts of one connection. A fact that is missing or does not match its schema reads as
 * `unavailable` with the reason, so everything depending on it becomes unknown rather than compliant.
 */
export function loadEntraFacts(facts: Fact[], connection: string): EntraFacts {
  const mine = facts.filter((f) => f.source === entraSource && f.connection === connection);
  const evidence: EntraFacts["evidence"] = {};
  const read = <S extends z.ZodType>(kind: EntraFactKind, schema: S): z.infer<S> | Readable => {
    const fact = mine.find((f) => f.kind === kind);
    if (!fact) return missing(kind);
    evidence[kind] = fact.evidence;
    const parsed = schema.safeParse(fact.data);
    if (!parsed.success)
      return {
        status: "unavailable",
        reason: `${kind} fact is malformed: ${parsed.error.issues[0]?.message}`,
      };
    return parsed.data;
  };
  const has = <T extends object>(v: T | Readable, key: string): v is T => key in v;

  const tenant = read(entraFactKinds.tenant, TenantFact);
  const users = read(entraFactKinds.users, UsersFact);
  const sd = read(entraFactKinds.securityDefaults, SecurityDefaultsFact);
  const ca = read(entraFactKinds.conditionalAccess, ConditionalAccessFact);
  const locations = read(entraFactKinds.namedLocations, NamedLocationsFact);
  const strengths = read(entraFactKinds.authenticationStrengths, AuthenticationStrengthsFact);
  const groups = read(entraFactKinds.groupMembers, GroupMembersFact);
  const roles = read(entraFactKinds.roles, RolesFact);
  const perUser = read(entraFactKinds.perUserMfa, PerUserMfaFact);
  const registration = read(entraFactKinds.registration, RegistrationFact);

  const policies: ConditionalAccessPolicy[] = [];
  const invalid: string[] = [];
  if (has(ca, "policies")) {
    for (const raw of ca.policies) {
      const p = ConditionalAccessPolicy.safeParse(raw);
      if (p.success) policies.push(p.data);
      else invalid.push(`${(raw as { id?: string })?.id ?? "?"}: ${p.error.issues[0]?.message}`);
    }
  }
  const parseAll = <T>(items: unknown[], schema: z.ZodType<T>): T[] =>
    items.flatMap((x) => {
      const r = schema.safeParse(x);
      return r.success ? [r.data] : [];
    });
  const { status: caStatus, reason: caReason } = ca;
  return {
    connection,
    ...(has(tenant, "tenantId") ? { tenant } : {}),
    users: {
      status: users.status,
      reason: users.reason,
      byId: new Map(has(users, "users") ? users.users.map((u) => [u.id, u]) : []),
    },
    securityDefaults: {
      status: sd.status,
      reason: sd.reason,
      ...(has(sd, "policy") && sd.policy
        ? { enabled: sd.policy.isEnabled, id: sd.policy.id ?? undefined }
        : {}),
    },
    conditionalAccess: {
      // A policy we cannot parse might be the one that matters: the whole set is then not known.
      status: invalid.length ? "unavailable" : caStatus,
      reason: invalid.length ? `policies not understood: ${invalid.join("; ")}` : caReason,
      policies,
      invalid,
    },
    namedLocations: {
      status: locations.status,
      reason: locations.reason,
      byId: new Map(
        has(locations, "locations") ? parseAll(locations.locations, NamedLocation).map((l) => [l.id, l]) : [],
      ),
    },
    strengths: {
      status: strengths.status,
      reason: strengths.reason,
      byId: new Map(
        has(strengths, "policies")
          ? parseAll(strengths.policies, AuthenticationStrengthPolicy).map((s) => [s.id, s])
          : [],
      ),
    },
    groups: {
      status: groups.status,
      reason: groups.reason,
      byId: new Map(
        has(groups, "groups")
          ? groups.groups.map((g) => [
              g.id,
              {
                status: g.status,
                reason: g.reason,
                displayName: g.displayName,
                members: new Set(g.memberIds),
              },
            ])
          : [],
      ),
    },
    ...(has(roles, "definitions") ? { roles } : {}),
    perUserMfa: has(perUser, "states")
      ? perUser
      : { status: perUser.status, reason: perUser.reason, states: {}, unreadUsers: [] },
    registration: {
      status: registration.status,
      reason: registration.reason,
      via: has(registration, "via") ? registration.via : null,
      byId: new Map(has(registration, "users") ? registration.users.map((u) => [u.id, u]) : []),
    },
    evidence,
  };
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function ref(p: ConditionalAccessPolicy): PolicyRef {
  return { id: p.id, displayName: p.displayName, state: p.state };
}

function quote(p: { displayName: string }): string {
  return `'${p.displayName}'`;
}

function triOr(values: Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.includes("unknown") ? "unknown" : false;
}

function policyEvidence(
  facts: EntraFacts,
  p: ConditionalAccessPolicy,
  field: string,
  value: JsonValue,
  note?: string,
): Evidence {
  return {
    source: entraSource,
    connection: facts.connection,
    endpoint: caEndpoint,
    objectId: p.id,
    field,
    value,
    ...(note ? { note } : {}),
  };
}

function factEvidence(facts: EntraFacts, kind: EntraFactKind, note: string): Evidence[] {
  const base = facts.evidence[kind] ?? [{ source: entraSource, connection: facts.connection }];
  return base.map((e) => ({ ...e, note: e.note ? `${e.note}; ${note}` : note }));
}

// ---------------------------------------------------------------------------------------------------
// Who a policy applies to

/**
 * The Conditional Access guest type of a directory user: a guest account with an external identity is a
 * B2B collaboration guest, one with local credentials an internal guest, and a member account with an
 * external identity a B2B collaboration member. Direct-connect, other-external and service-provider
 * (GDAP) users are not directory users.
 */
export function guestTypeOf(user: DirectoryUser): string | null {
  const guest = user.userType?.toLowerCase() === "guest";
  if (guest) return user.external ? "b2bCollaborationGuest" : "internalGuest";
  return user.external ? "b2bCollaborationMember" : null;
}

interface Match {
  value: Tri;
  how: string[];
  unknown: string[];
}

function groupName(facts: EntraFacts, id: string): string {
  const name = facts.groups.byId.get(id)?.displayName;
  return name ? `'${name}'` : id;
}

function inGroup(facts: EntraFacts, groupId: string, userId: string): { value: Tri; why?: string } {
  const group = facts.groups.byId.get(groupId);
  if (!group)
    return {
      value: "unknown",
      why: `members of group ${groupId} were not read (${facts.groups.reason ?? facts.groups.status})`,
    };
  if (group.status === "not-found")
    return {
      value: "unknown",
      why: `group ${groupId} was not found (HTTP 404), so who it covers is unknown`,
    };
  if (group.status === "unavailable")
    return {
      value: "unknown",
      why: `members of group ${groupName(facts, groupId)} could not be read (${group.reason ?? "unavailable"})`,
    };
  return { value: group.members.has(userId) };
}

function roleTemplate(facts: EntraFacts, roleDefinitionId: string): string {
  const def = facts.roles?.definitions.items.find((d) => d.id === roleDefinitionId);
  return def?.templateId ?? roleDefinitionId;
}

export function roleName(facts: EntraFacts | undefined, templateId: string): string {
  return (
    directoryRoles[templateId]?.name ??
    facts?.roles?.definitions.items.find((d) => d.templateId === templateId || d.id === templateId)
      ?.displayName ??
    `role ${templateId}`
  );
}

/**
 * Whether the user holds the role, actively or as PIM-eligible, directly or through a role-assignable
 * group. Inclusion counts only tenant-wide assignments (whether Conditional Access honours assignments
 * scoped to an administrative unit is not confirmed, so we do not rely on it); exclusion counts any scope
 * (fail closed either way).
 */
function holdsRole(
  facts: EntraFacts,
  templateId: string,
  userId: string,
  purpose: "include" | "exclude",
): Match {
  const how: string[] = [];
  const unknown: string[] = [];
  const values: Tri[] = [];
  if (!facts.roles)
    return { value: "unknown", how, unknown: ["directory role assignments were not collected"] };
  const name = roleName(facts, templateId);
  for (const [kind, set] of [
    ["active", facts.roles.active],
    ["eligible (PIM)", facts.roles.eligible],
  ] as const) {
    if (set.status === "not-licensed" || set.status === "not-configured") continue;
    if (set.status !== "read") {
      values.push("unknown");
      unknown.push(`${kind} role assignments could not be read (${set.reason ?? set.status})`);
      continue;
    }
    for (const a of set.items) {
      if (roleTemplate(facts, a.roleDefinitionId) !== templateId) continue;
      if (purpose === "include" && a.directoryScopeId !== "/") continue;
      if (a.principalId === userId) {
        values.push(true);
        how.push(`${kind} role ${name}`);
      } else if (a.principalType === "group") {
        const m = inGroup(facts, a.principalId, userId);
        values.push(m.value);
        if (m.value === true)
          how.push(`${kind} role ${name} through group ${groupName(facts, a.principalId)}`);
        if (m.value === "unknown" && m.why) unknown.push(m.why);
      }
    }
  }
  return { value: triOr(values), how, unknown };
}

function guestMatch(
  condition: NonNullable<ConditionalAccessPolicy["conditions"]["users"]>["includeGuestsOrExternalUsers"],
  user: DirectoryUser,
): Match {
  const type = guestTypeOf(user);
  if (!condition || !type) return { value: false, how: [], unknown: [] };
  const types = (condition.guestOrExternalUserTypes ?? "").split(",").map((t) => t.trim());
  if (!types.includes(type)) return { value: false, how: [], unknown: [] };
  const kind = condition.externalTenants?.membershipKind ?? "all";
  if (type !== "internalGuest" && kind !== "all") {
    // Which tenant a guest's identity comes from is not in the user object.
    return {
      value: "unknown",
      how: [],
      unknown: [`guest type ${type} is limited to listed external tenants`],
    };
  }
  return { value: true, how: [`guest type ${type}`], unknown: [] };
}

function usersMatch(
  facts: EntraFacts,
  users: NonNullable<ConditionalAccessPolicy["conditions"]["users"]>,
  user: DirectoryUser,
  side: "include" | "exclude",
): Match {
  const ids = side === "include" ? users.includeUsers : users.excludeUsers;
  const groups = side === "include" ? users.includeGroups : users.excludeGroups;
  const roles = side === "include" ? users.includeRoles : users.excludeRoles;
  const guests = side === "include" ? users.includeGuestsOrExternalUsers : users.excludeGuestsOrExternalUsers;
  const parts: Match[] = [];
  if (ids.includes("All")) parts.push({ value: true, how: ["All users"], unknown: [] });
  if (ids.includes(user.id)) parts.push({ value: true, how: ["directly"], unknown: [] });
  if (ids.includes("GuestsOrExternalUsers") && guestTypeOf(user))
    parts.push({ value: true, how: ["guests or external users"], unknown: [] });
  for (const g of groups) {
    const m = inGroup(facts, g, user.id);
    parts.push({
      value: m.value,
      how: m.value === true ? [`group ${groupName(facts, g)}`] : [],
      unknown: m.why ? [m.why] : [],
    });
  }
  for (const r of roles) parts.push(holdsRole(facts, r, user.id, side));
  parts.push(guestMatch(guests, user));
  return {
    value: triOr(parts.map((p) => p.value)),
    how: parts.flatMap((p) => (p.value === true ? p.how : [])),
    unknown: parts.flatMap((p) => (p.value === "unknown" ? p.unknown : [])),
  };
}

// ---------------------------------------------------------------------------------------------------
// What a policy demands

type Grant =
  | { kind: "block" }
  /**
   * `combinations`: the authentication-strength combinations one of which must be completed; null for
   * the built-in "Require MFA" control (any registered multi-factor method).
   */
  | { kind: "mfa"; floor: FactorStrength; alternatives: string[]; combinations: string[] | null }
  /** `control`: a built-in non-MFA control (a compliant device); `strength`: a strength that is not MFA. */
  | { kind: "none"; why: string; from?: "control" | "strength" }
  | { kind: "unknown"; why: string };

/** Single methods that are multi-factor on their own (authentication strength combinations). */
const multiFactorSingles = new Set([
  "fido2",
  "windowsHelloForBusiness",
  "x509CertificateMultiFactor",
  "deviceBasedPush",
  "temporaryAccessPassOneTime",
  "temporaryAccessPassMultiUse",
  "federatedMultiFactor",
]);
const phishingResistantModes = new Set(["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"]);
/** Modes an attacker can intercept or talk a help desk into: SMS, voice, email, and handed-out passes. */
const weakModes = new Set([
  "sms",
  "voice",
  "email",
  "temporaryAccessPassOneTime",
  "temporaryAccessPassMultiUse",
]);

export function combinationStrength(combination: string): FactorStrength | null {
  const parts = combination.split(",").map((p) => p.trim());
  if (parts.length < 2 && !multiFactorSingles.has(parts[0] ?? "")) return null;
  if (parts.every((p) => phishingResistantModes.has(p))) return "phishing-resistant";
  if (parts.some((p) => weakModes.has(p))) return "weak";
  return "app";
}

function weakest(strengths: FactorStrength[]): FactorStrength {
  return strengths.reduce(
    (a, b) => (strengthRank[b] < strengthRank[a] ? b : a),
    "phishing-resistant" as FactorStrength,
  );
}

function strengthGrant(facts: EntraFacts, inline: AuthenticationStrengthPolicy): Grant {
  const strength = inline.allowedCombinations?.length
    ? inline
    : (facts.strengths.byId.get(inline.id) ?? inline);
  const name = `authentication strength '${strength.displayName ?? strength.id}'`;
  const combos = strength.allowedCombinations ?? [];
  if (combos.length === 0) {
    if (strength.requirementsSatisfied === "mfa")
      return { kind: "mfa", floor: "weak", alternatives: [], combinations: null };
    return { kind: "unknown", why: `the combinations of ${name} were not read` };
  }
  const single = combos.filter((c) => combinationStrength(c) === null);
  if (single.length)
    return { kind: "none", why: `${name} accepts single-factor ${single.join(", ")}`, from: "strength" };
  return {
    kind: "mfa",
    floor: weakest(combos.map((c) => combinationStrength(c) ?? "weak")),
    alternatives: [],
    combinations: combos,
  };
}

/** Combinations that satisfy every one of several requirements (null: no constraint). */
function intersectCombinations(sets: Array<string[] | null>): string[] | null {
  const constrained = sets.filter((s): s is string[] => s !== null);
  if (constrained.length === 0) return null;
  return constrained.reduce((a, b) => a.filter((c) => b.includes(c)));
}

/** Combinations that satisfy any one of several alternatives (null: an alternative has no constraint). */
function unionCombinations(sets: Array<string[] | null>): string[] | null {
  if (sets.some((s) => s === null)) return null;
  return [...new Set(sets.flatMap((s) => s ?? []))];
}

const controlNames: Record<string, string> = {
  compliantDevice: "a compliant device",
  domainJoinedDevice: "a hybrid-joined device",
  approvedApplication: "an approved client app",
  compliantApplication: "an app protection policy",
  passwordChange: "a password change",
};

function grantOf(facts: EntraFacts, p: ConditionalAccessPolicy): Grant {
  const g = p.grantControls;
  if (!g) return { kind: "none", why: "it has no grant controls (session controls only)" };
  if (g.builtInControls.includes("block")) return { kind: "block" };
  const options: Grant[] = [
    ...g.builtInControls.map(
      (c): Grant =>
        c === "mfa"
          ? { kind: "mfa", floor: "weak", alternatives: [], combinations: null }
          : { kind: "none", why: `it requires ${controlNames[c] ?? c}, not MFA`, from: "control" },
    ),
    ...(g.authenticationStrength ? [strengthGrant(facts, g.authenticationStrength)] : []),
    ...g.customAuthenticationFactors.map(
      (c): Grant => ({ kind: "unknown", why: `custom control '${c}' cannot be judged` }),
    ),
  ];
  if (options.length === 0) return { kind: "none", why: "it grants access without any control" };
  const mfa = options.filter((o): o is Extract<Grant, { kind: "mfa" }> => o.kind === "mfa");
  const operator = (g.operator ?? "AND").toUpperCase();
  if (operator === "AND" || options.length === 1) {
    // Every control is required: one MFA control is enough, and the strongest floor wins.
    if (mfa.length)
      return {
        kind: "mfa",
        floor: mfa.map((m) => m.floor).reduce((a, b) => (strengthRank[b] > strengthRank[a] ? b : a)),
        alternatives: [],
        combinations: intersectCombinations(mfa.map((m) => m.combinations)),
      };
    const unknown = options.find((o) => o.kind === "unknown");
    return unknown ?? options[0]!;
  }
  // OR: any one control satisfies the grant, so every alternative must itself be MFA.
  if (mfa.length === 0) {
    const unknown = options.find((o) => o.kind === "unknown");
    return unknown ?? { kind: "none", why: "none of its alternative controls is MFA" };
  }
  const floor = weakest(mfa.map((m) => m.floor));
  const notMfa = g.builtInControls.filter((c) => c !== "mfa").map((c) => controlNames[c] ?? c);
  const strengthNone = options.filter(
    (o): o is Extract<Grant, { kind: "none" }> => o.kind === "none" && o.from === "strength",
  );
  const alternatives = [
    ...notMfa.map((c) => `${c} satisfies the grant instead of MFA (OR)`),
    ...strengthNone.map((s) => s.why),
  ];
  if (alternatives.length === 0 && options.some((o) => o.kind === "unknown"))
    return options.find((o) => o.kind === "unknown")!;
  return {
    kind: "mfa",
    floor,
    alternatives,
    combinations: unionCombinations(mfa.map((m) => m.combinations)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Which sign-ins a policy covers

type ClientType = "browser" | "mobileAppsAndDesktopClients" | "exchangeActiveSync" | "other";
const modernTypes: ClientType[] = ["browser", "mobileAppsAndDesktopClients"];
const legacyTypes: ClientType[] = ["exchangeActiveSync", "other"];

function clientTypes(p: ConditionalAccessPolicy): Set<ClientType> {
  const listed = p.conditions.clientAppTypes;
  if (listed.length === 0 || listed.includes("all")) return new Set([...modernTypes, ...legacyTypes]);
  return new Set(
    listed
      .map((t) => (t === "easSupported" ? "exchangeActiveSync" : t))
      .filter((t): t is ClientType => [...modernTypes, ...legacyTypes].includes(t as ClientType)),
  );
}

function locationNames(facts: EntraFacts, ids: string[]): string {
  return ids
    .map((id) => {
      if (id === "AllTrusted") return "all trusted locations";
      if (id === "All") return "any location";
      const loc = facts.namedLocations.byId.get(id);
      if (!loc) return `location ${id}`;
      const ranges = (loc.ipRanges ?? []).map((r) => r.cidrAddress).filter(Boolean);
      const what = [
        loc.isTrusted ? "trusted" : "",
        ranges.length ? ranges.join(" ") : "",
        loc.countriesAndRegions?.length ? loc.countriesAndRegions.join(" ") : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `'${loc.displayName ?? id}'${what ? ` (${what})` : ""}`;
    })
    .join(", ");
}

/** Conditions that limit a policy to a slice of sign-ins, each as the gap it leaves. */
function narrowing(
  facts: EntraFacts,
  p: ConditionalAccessPolicy,
): Array<{ gap: string; field: string; value: JsonValue }> {
  const c = p.conditions;
  const out: Array<{ gap: string; field: string; value: JsonValue }> = [];
  if (c.userRiskLevels.length)
    out.push({
      gap: `applies only when user risk is ${c.userRiskLevels.join(" or ")}`,
      field: "conditions.userRiskLevels",
      value: c.userRiskLevels,
    });
  if (c.signInRiskLevels.length)
    out.push({
      gap: `applies only when sign-in risk is ${c.signInRiskLevels.join(" or ")}`,
      field: "conditions.signInRiskLevels",
      value: c.signInRiskLevels,
    });
  if (c.insiderRiskLevels)
    out.push({
      gap: `applies only at insider risk ${c.insiderRiskLevels}`,
      field: "conditions.insiderRiskLevels",
      value: c.insiderRiskLevels,
    });
  const include = c.platforms?.includePlatforms ?? [];
  const exclude = c.platforms?.excludePlatforms ?? [];
  if (include.length && !include.includes("all"))
    out.push({
      gap: `applies only on ${include.join(", ")}`,
      field: "conditions.platforms.includePlatforms",
      value: include,
    });
  if (exclude.length)
    out.push({
      gap: `sign-ins from ${exclude.join(", ")} skip it`,
      field: "conditions.platforms.excludePlatforms",
      value: exclude,
    });
  const inLoc = c.locations?.includeLocations ?? [];
  const exLoc = c.locations?.excludeLocations ?? [];
  if (inLoc.length && !inLoc.includes("All"))
    out.push({
      gap: `applies only from ${locationNames(facts, inLoc)}`,
      field: "conditions.locations.includeLocations",
      value: inLoc,
    });
  if (exLoc.length)
    out.push({
      gap: `sign-ins from ${locationNames(facts, exLoc)} skip it`,
      field: "conditions.locations.excludeLocations",
      value: exLoc,
    });
  const filter = c.devices?.deviceFilter;
  if (filter?.rule)
    out.push({
      gap:
        filter.mode === "exclude"
          ? `devices matching '${filter.rule}' skip it`
          : `applies only to devices matching '${filter.rule}'`,
      field: "conditions.devices.deviceFilter",
      value: { mode: filter.mode ?? null, rule: filter.rule },
    });
  if (c.authenticationFlows?.transferMethods)
    out.push({
      gap: `applies only to the ${c.authenticationFlows.transferMethods} flow(s)`,
      field: "conditions.authenticationFlows.transferMethods",
      value: c.authenticationFlows.transferMethods,
    });
  return out;
}

interface AppScope {
  applies: Tri;
  gaps: Array<{ gap: string; field: string; value: JsonValue }>;
  why?: string;
}

function appScope(p: ConditionalAccessPolicy, target: AppTarget): AppScope {
  const apps = p.conditions.applications;
  const include = apps?.includeApplications ?? [];
  const exclude = apps?.excludeApplications ?? [];
  const gaps: AppScope["gaps"] = [];
  if (apps?.applicationFilter?.rule)
    gaps.push({
      gap: `apps matching the filter '${apps.applicationFilter.rule}' (${apps.applicationFilter.mode ?? "?"}) are treated differently`,
      field: "conditions.applications.applicationFilter",
      value: apps.applicationFilter.rule,
    });
  if (target === "All") {
    if (include.includes("All")) {
      if (exclude.length)
        gaps.push({
          gap: `sign-ins to ${exclude.join(", ")} skip it`,
          field: "conditions.applications.excludeApplications",
          value: exclude,
        });
      return { applies: true, gaps };
    }
    const some = include.filter((a) => a !== "None");
    if (some.length === 0)
      return {
        applies: false,
        gaps,
        why: "it targets no cloud app (user actions or authentication context only)",
      };
    gaps.push({
      gap: `covers only ${some.join(", ")}, not every cloud app`,
      field: "conditions.applications.includeApplications",
      value: some,
    });
    return { applies: true, gaps };
  }
  if (exclude.includes(target.appId)) return { applies: false, gaps, why: `app ${target.appId} is excluded` };
  if (!include.includes("All") && !include.includes(target.appId))
    // Office365 and MicrosoftAdminPortals are Microsoft's own app groups; a customer's app is in neither.
    return { applies: false, gaps, why: `app ${target.appId} is not included` };
  if (exclude.some((a) => a === "Office365" || a === "MicrosoftAdminPortals"))
    return {
      applies: "unknown",
      gaps,
      why: `whether app ${target.appId} is in the excluded ${exclude.join(", ")} group is not known`,
    };
  return { applies: true, gaps };
}

// ---------------------------------------------------------------------------------------------------
// One policy, one user

type Effect =
  | { kind: "not-applicable"; policy: ConditionalAccessPolicy }
  | { kind: "ignored"; policy: ConditionalAccessPolicy; why: string }
  | { kind: "excluded"; policy: ConditionalAccessPolicy; how: string[] }
  | { kind: "no-mfa"; policy: ConditionalAccessPolicy; why: string }
  | { kind: "unknown"; policy: ConditionalAccessPolicy; why: string; clientTypes: Set<ClientType> }
  | {
      kind: "enforces";
      policy: ConditionalAccessPolicy;
      control: "mfa" | "block";
      floor: FactorStrength | null;
      /** For `mfa`: the combinations the grant accepts (null: any multi-factor method). */
      combinations: string[] | null;
      gaps: Array<{ gap: string; field: string; value: JsonValue }>;
      clientTypes: Set<ClientType>;
      how: string[];
    };

function effectOf(
  facts: EntraFacts,
  p: ConditionalAccessPolicy,
  user: DirectoryUser,
  target: AppTarget,
): Effect {
  const users = p.conditions.users;
  if (!users || (p.conditions.clientApplications?.includeServicePrincipals.length ?? 0) > 0)
    return { kind: "not-applicable", policy: p }; // a workload-identity policy
  const included = usersMatch(facts, users, user, "include");
  if (included.value === false) return { kind: "not-applicable", policy: p };
  const apps = appScope(p, target);
  if (apps.applies === false) return { kind: "not-applicable", policy: p };
  const grant = grantOf(facts, p);
  const excluded = usersMatch(facts, users, user, "exclude");
  if (p.state !== "enabled") {
    if (grant.kind === "none" || excluded.value === true) return { kind: "not-applicable", policy: p };
    return {
      kind: "ignored",
      policy: p,
      why:
        p.state === "enabledForReportingButNotEnforced"
          ? "report-only: it only logs, never enforces"
          : `state is ${p.state}`,
    };
  }
  if (excluded.value === true && grant.kind !== "none")
    return { kind: "excluded", policy: p, how: excluded.how };
  if (grant.kind === "none") return { kind: "no-mfa", policy: p, why: grant.why };
  const types = clientTypes(p);
  const unknowns = [
    ...(included.value === "unknown" ? included.unknown : []),
    ...(excluded.value === "unknown" ? excluded.unknown : []),
    ...(apps.applies === "unknown" && apps.why ? [apps.why] : []),
    ...(grant.kind === "unknown" ? [grant.why] : []),
  ];
  if (unknowns.length || grant.kind === "unknown")
    return { kind: "unknown", policy: p, why: unknowns.join("; "), clientTypes: types };
  return {
    kind: "enforces",
    policy: p,
    control: grant.kind === "block" ? "block" : "mfa",
    floor: grant.kind === "mfa" ? grant.floor : null,
    combinations: grant.kind === "mfa" ? grant.combinations : null,
    gaps: [
      ...apps.gaps,
      ...narrowing(facts, p),
      ...(grant.kind === "mfa"
        ? grant.alternatives.map((a) => ({
            gap: a,
            field: "grantControls",
            value: p.grantControls as JsonValue,
          }))
        : []),
    ],
    clientTypes: types,
    how: included.how,
  };
}

// ---------------------------------------------------------------------------------------------------
// The user's verdict

const floorRank = (e: Extract<Effect, { kind: "enforces" }>) =>
  e.control === "block" ? 3 : strengthRank[e.floor ?? "weak"];

/**
 * Roles security defaults prompt for MFA at every sign-in: the roles of Microsoft's "MFA for admins"
 * template plus Authentication Policy Administrator (entra-docs fundamentals/security-defaults.md;
 * Identity Governance Administrator is listed too, but its template id is not in our reference, so its
 * holders count as users: never a false `enforced`).
 */
const securityDefaultsAdminRoles = [
  "62e90394-69f5-4237-9190-012177145e10",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  "b0f54661-2d74-4c50-afa3-1ec803f12efe",
  "158c047a-c907-4556-b7ef-446551a6b5f7",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
  "29232cdf-9323-42fd-ade2-1d097af3e4de",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  "966707d0-3269-4727-9be2-8c3a10f19b9d",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "194ae4cb-b126-40b2-bd5b-6091b380977d",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
  "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "0526716b-113d-4c15-b2c8-68e3c22b9f80",
];

export const securityDefaultsUserGap =
  "security defaults prompt users other than administrators for MFA only when Entra deems it necessary (by risk, location and device), so some sign-ins succeed with the password alone";

/**
 * Whether the user actively holds one of those roles (directly or through a role-assignable group). An
 * eligible (PIM) role is not held until activated, and the sign-in that activates it is a user's.
 */
function securityDefaultsAdmin(facts: EntraFacts, userId: string): Match {
  const roles = facts.roles;
  if (!roles)
    return { value: "unknown", how: [], unknown: ["directory role assignments were not collected"] };
  if (roles.active.status !== "read")
    return {
      value: "unknown",
      how: [],
      unknown: [`active role assignments could not be read (${roles.active.reason ?? roles.active.status})`],
    };
  const parts: Match[] = roles.active.items
    .filter((a) => securityDefaultsAdminRoles.includes(roleTemplate(facts, a.roleDefinitionId)))
    .map((a) => {
      const name = roleName(facts, roleTemplate(facts, a.roleDefinitionId));
      if (a.principalId === userId) return { value: true, how: [`active role ${name}`], unknown: [] };
      if (a.principalType !== "group") return { value: false, how: [], unknown: [] };
      const m = inGroup(facts, a.principalId, userId);
      return {
        value: m.value,
        how: m.value === true ? [`active role ${name} through group ${groupName(facts, a.principalId)}`] : [],
        unknown: m.why ? [m.why] : [],
      };
    });
  return {
    value: triOr(parts.map((p) => p.value)),
    how: parts.flatMap((p) => (p.value === true ? p.how : [])),
    unknown: parts.flatMap((p) => p.unknown),
  };
}

interface Demand {
  blocked: boolean;
  /** Combinations one of which must be completed; null: any registered multi-factor method. */
  combinations: string[] | null;
}
const anyMfa: Demand = { blocked: false, combinations: null };

/** The `optional` state in Entra: a registered method is not asked for unless something requires it. */
export const registeredNotRequired = "registered, but no policy requires it";

/** "MFA required, nothing enrolled" in Entra's words (the shared rule: `nothingEnrolled` in the model). */
export const nothingRegistered = nothingEnrolled("register");

/**
 * What the user can present against what is demanded: the weakest combination that is both accepted
 * and completed by the registered methods (`strength`), the weakest the policies accept (`required`),
 * and, when nothing registered is accepted, whether it can be registered at sign-in. With registration
 * unknown, the strength is the weakest accepted (a lower bound), never more.
 */
function strengthMet(
  demands: Demand[],
  registration: EntraSignInResult["registration"],
): {
  strength: FactorStrength | null;
  required: FactorStrength | null;
  unmet: "registrable" | "not-registrable" | null;
  accepted: string;
} {
  const open = demands.filter((d) => !d.blocked);
  const acceptedStrengths = (d: Demand): FactorStrength[] =>
    d.combinations === null
      ? ["weak"]
      : d.combinations.flatMap((c) => {
          const cs = combinationStrength(c);
          return cs ? [cs] : [];
        });
  const accepted = [...new Set(open.flatMap((d) => d.combinations ?? ["any multi-factor method"]))].join(
    ", ",
  );
  if (open.length === 0) return { strength: null, required: "phishing-resistant", unmet: null, accepted };
  const requiredEach = open.map((d) => acceptedStrengths(d));
  const required = requiredEach.some((r) => r.length === 0) ? null : weakest(requiredEach.flat());
  // Registered, but no method we can name (a certificate is not listed in methodsRegistered): as unknown.
  const unnamed =
    registration.status === "registered" && registration.methods.every((m) => m.strength === null);
  if (registration.status === "unknown" || unnamed)
    return { strength: required, required, unmet: null, accepted };
  const held = heldModes(registration.methods.map((m) => m.method));
  const registered = open.flatMap((d) =>
    d.combinations === null
      ? registration.methods.flatMap((m) => (m.strength ? [m.strength] : []))
      : d.combinations
          .filter((c) => completes(c, held))
          .flatMap((c) => {
            const cs = combinationStrength(c);
            return cs ? [cs] : [];
          }),
  );
  if (registered.length) return { strength: weakest(registered), required, unmet: null, accepted };
  const registrable = open.some(
    (d) => d.combinations === null || d.combinations.some(registrableCombination),
  );
  return { strength: null, required, unmet: registrable ? "registrable" : "not-registrable", accepted };
}

function registrationOf(
  facts: EntraFacts,
  userId: string,
): EntraSignInResult["registration"] & { evidence: Evidence[] } {
  const reg = facts.registration;
  const evidence = factEvidence(facts, entraFactKinds.registration, `registration of ${userId}`);
  if (reg.status !== "read") {
    return {
      status: "unknown",
      reason: `registration not known: ${reg.reason ?? reg.status}`,
      methods: [],
      evidence,
    };
  }
  const entry = reg.byId.get(userId);
  if (!entry)
    return {
      status: "unknown",
      reason: `the user is not in ${reg.via ?? "the registration details"}`,
      methods: [],
      evidence,
    };
  const methods = entry.methodsRegistered.map((m) => ({ method: m, strength: methodStrength(m) }));
  const registered = entry.isMfaRegistered ?? methods.some((m) => m.strength !== null);
  const withValue: Evidence[] = evidence.map((e) => ({
    ...e,
    objectId: userId,
    field: "isMfaRegistered",
    value: entry.isMfaRegistered,
  }));
  withValue.push({
    ...(evidence[0] ?? { source: entraSource, connection: facts.connection }),
    objectId: userId,
    field: "methodsRegistered",
    value: entry.methodsRegistered,
  });
  return {
    status: registered ? "registered" : "not-registered",
    reason: registered
      ? `registered: ${entry.methodsRegistered.join(", ") || "a multi-factor method"}`
      : "no multi-factor method registered",
    methods,
    evidence: withValue,
  };
}

function effectEvidence(facts: EntraFacts, e: Effect): Evidence[] {
  const p = e.policy;
  switch (e.kind) {
    case "ignored":
      return [policyEvidence(facts, p, "state", p.state, `${quote(p)}: ${e.why}`)];
    case "excluded": {
      const u = p.conditions.users;
      return [
        policyEvidence(
          facts,
          p,
          "conditions.users",
          {
            excludeUsers: u?.excludeUsers ?? [],
            excludeGroups: u?.excludeGroups ?? [],
            excludeRoles: u?.excludeRoles ?? [],
            excludeGuestsOrExternalUsers: (u?.excludeGuestsOrExternalUsers ?? null) as JsonValue,
          },
          `${quote(p)} excludes the user (${e.how.join("; ")})`,
        ),
      ];
    }
    case "unknown":
      return [
        policyEvidence(
          facts,
          p,
          "conditions.users",
          (p.conditions.users ?? null) as JsonValue,
          `${quote(p)}: ${e.why}`,
        ),
      ];
    case "enforces":
      return [
        policyEvidence(
          facts,
          p,
          "grantControls",
          (p.grantControls ?? null) as JsonValue,
          `${quote(p)} is enabled and applies (${e.how.join("; ")})`,
        ),
        ...e.gaps.map((g) => policyEvidence(facts, p, g.field, g.value, `${quote(p)}: ${g.gap}`)),
      ];
    default:
      return [];
  }
}

function caLabel(e: Effect): string {
  return `${quote(e.policy)}${e.kind === "enforces" && e.how.length ? ` (${e.how.join("; ")})` : ""}`;
}

/**
 * The MFA verdict of one user signing in to `target` (default: any cloud app), with the policies that
 * decide it. This is the entry point for delegated paths (issue #6): "what does Entra give user U for
 * app A" is `evaluateEntraSignIn(facts, U, { appId: A })`. Pure.
 */
export function evaluateEntraSignIn(
  facts: EntraFacts,
  userId: string,
  target: AppTarget = "All",
): EntraSignInResult {
  const user = facts.users.byId.get(userId);
  const registration = registrationOf(facts, userId);
  const base = {
    userId,
    enforcedBy: [] as EntraSignInResult["enforcedBy"],
    partial: [] as EntraSignInResult["partial"],
    excludedBy: [] as EntraSignInResult["excludedBy"],
    ignored: [] as EntraSignInResult["ignored"],
    unresolved: [] as EntraSignInResult["unresolved"],
    securityDefaults: null as EntraSignInResult["securityDefaults"],
    registration: { status: registration.status, reason: registration.reason, methods: registration.methods },
  };
  if (!user) {
    return {
      ...base,
      requiredStrength: null,
      access: "unknown",
      verdict: {
        state: "unknown",
        strength: null,
        reason: `user ${userId} is not in the directory listing`,
        evidence: factEvidence(facts, entraFactKinds.users, "user not listed"),
      },
    };
  }

  const ca = facts.conditionalAccess;
  const effects = ca.status === "read" ? ca.policies.map((p) => effectOf(facts, p, user, target)) : [];
  const enforcing = effects.filter((e): e is Extract<Effect, { kind: "enforces" }> => e.kind === "enforces");
  // Only MFA controls that touch interactive clients make a user bypassable; a block of some countries
  // or of legacy clients alone leaves the remaining sign-ins as open as before.
  const partialEffects = enforcing.filter(
    (e) =>
      e.control === "mfa" &&
      modernTypes.some((t) => e.clientTypes.has(t)) &&
      (e.gaps.length > 0 || modernTypes.some((t) => !e.clientTypes.has(t))),
  );
  const gapsOf = (e: Extract<Effect, { kind: "enforces" }>) => [
    ...e.gaps.map((g) => g.gap),
    ...(modernTypes.some((t) => !e.clientTypes.has(t))
      ? [`does not cover ${modernTypes.filter((t) => !e.clientTypes.has(t)).join(", ")} clients`]
      : []),
  ];
  base.partial = partialEffects.map((e) => ({ policy: ref(e.policy), gaps: gapsOf(e) }));
  // Exclusions from (or report-only copies of) block policies, or of policies that only touch legacy
  // clients, say nothing about MFA on interactive sign-in.
  const interactive = (e: Effect) =>
    modernTypes.some((t) => clientTypes(e.policy).has(t)) && grantOf(facts, e.policy).kind !== "block";
  const context = effects.filter((e) => (e.kind === "excluded" || e.kind === "ignored") && interactive(e));
  base.excludedBy = context.flatMap((e) =>
    e.kind === "excluded" ? [{ policy: ref(e.policy), how: e.how }] : [],
  );
  base.ignored = context.flatMap((e) =>
    e.kind === "ignored" ? [{ policy: ref(e.policy), why: e.why }] : [],
  );
  base.unresolved = effects.flatMap((e) =>
    e.kind === "unknown" ? [{ policy: ref(e.policy), why: e.why }] : [],
  );

  // Interactive sign-in = browser and modern desktop/mobile clients; legacy clients are judged separately.
  const fullFor = (t: ClientType) => enforcing.filter((e) => e.gaps.length === 0 && e.clientTypes.has(t));
  const uncovered = modernTypes.filter((t) => fullFor(t).length === 0);
  const caFloor = uncovered.length ? null : minOf(modernTypes.map((t) => maxOf(fullFor(t).map(floorRank))));
  const covering = [...new Set(modernTypes.flatMap((t) => fullFor(t)))];
  // What Conditional Access demands of each interactive client type; every applying policy must be met.
  let demands: Demand[] = modernTypes.map((t) =>
    fullFor(t).some((e) => e.control === "block")
      ? { blocked: true, combinations: null }
      : { blocked: false, combinations: intersectCombinations(fullFor(t).map((e) => e.combinations)) },
  );

  const sd = facts.securityDefaults;
  const perUser = facts.perUserMfa;
  const perUserState =
    perUser.status === "read"
      ? (perUser.states[userId] ?? (perUser.unreadUsers.includes(userId) ? "unread" : "missing"))
      : perUser.status;
  const perUserEnforced = perUserState === "enforced" || perUserState === "enabled";

  const evidence: Evidence[] = [];
  const notes: string[] = [];
  let state: MfaVerdict["state"];
  let reason: string;
  let floor: number | null = null;

  if (sd.status === "read" && sd.enabled) {
    base.enforcedBy.push({ kind: "security-defaults" });
    appendAll(evidence, factEvidence(facts, entraFactKinds.securityDefaults, "isEnabled=true"));
    const admin = securityDefaultsAdmin(facts, userId);
    if (admin.value === true) {
      state = "enforced";
      floor = 0;
      demands = [anyMfa];
      base.securityDefaults = "admin";
      reason = `security defaults require MFA of administrators at every sign-in (${admin.how.join("; ")})`;
    } else {
      // The same rule as a risk-narrowed policy: Entra decides when to prompt, so some sign-ins skip it.
      state = "bypassable";
      base.securityDefaults = "user";
      reason = `${securityDefaultsUserGap}${admin.value === "unknown" ? ` (not counted as an administrator: ${admin.unknown.join("; ")})` : ""}`;
    }
  } else if (caFloor !== null) {
    state = "enforced";
    floor = caFloor;
    for (const e of covering) base.enforcedBy.push({ kind: "conditional-access", policy: ref(e.policy) });
    const blocked = caFloor >= 3;
    reason = blocked
      ? `every interactive sign-in is blocked by ${covering.map(caLabel).join(", ")}`
      : `Conditional Access requires MFA: ${covering
          .filter((e) => e.control === "mfa")
          .map(caLabel)
          .join(", ")}`;
    appendAll(
      evidence,
      covering.flatMap((e) => effectEvidence(facts, e)),
    );
    if (perUserEnforced) notes.push(`per-user MFA is also ${perUserState}`);
  } else if (perUserEnforced) {
    state = "enforced";
    floor = 0;
    demands = [anyMfa];
    base.enforcedBy.push({ kind: "per-user-mfa" });
    reason = `per-user MFA is ${perUserState} (legacy setting: trusted IPs and app passwords can skip it)`;
    evidence.push({
      source: entraSource,
      connection: facts.connection,
      endpoint: "GET /beta/users/{id}/authentication/requirements",
      objectId: userId,
      field: "perUserMfaState",
      value: String(perUserState),
    });
  } else {
    const unknownWhy: string[] = [];
    if (ca.status === "unavailable" || ca.status === "not-configured")
      unknownWhy.push(`Conditional Access policies could not be read (${ca.reason ?? ca.status})`);
    const unresolvedHelpful = effects.filter(
      (e): e is Extract<Effect, { kind: "unknown" }> =>
        e.kind === "unknown" && uncovered.some((t) => e.clientTypes.has(t)),
    );
    for (const e of unresolvedHelpful) unknownWhy.push(`${quote(e.policy)}: ${e.why}`);
    const noEnabledPolicy = !ca.policies.some((p) => p.state === "enabled");
    if (sd.status !== "read" && (ca.status !== "read" || noEnabledPolicy))
      unknownWhy.push(`security defaults could not be read (${sd.reason ?? sd.status})`);
    if (["unavailable", "unread", "missing", "unknownFutureValue"].includes(String(perUserState)))
      unknownWhy.push(`per-user MFA state could not be read (${perUser.reason ?? String(perUserState)})`);

    appendAll(
      evidence,
      [...unresolvedHelpful, ...partialEffects, ...context].flatMap((e) => effectEvidence(facts, e)),
    );
    const partialText = partialEffects.map((e) => `${quote(e.policy)} ${gapsOf(e).join("; ")}`);
    const contextText = [
      ...base.excludedBy.map((x) => `excluded from '${x.policy.displayName}' (${x.how.join("; ")})`),
      ...base.ignored.map((x) => `'${x.policy.displayName}' does not count (${x.why})`),
    ];
    if (unknownWhy.length) {
      state = "unknown";
      reason = `MFA enforcement not known: ${unknownWhy.join("; ")}`;
      if (evidence.length === 0)
        appendAll(evidence, factEvidence(facts, entraFactKinds.conditionalAccess, ca.reason ?? ca.status));
    } else if (partialEffects.length) {
      state = "bypassable";
      reason = `MFA is required only for some sign-ins: ${partialText.join("; ")}${contextText.length ? `; also ${contextText.join("; ")}` : ""}`;
    } else {
      state = "none";
      const why =
        ca.status === "not-licensed"
          ? "the tenant has no Conditional Access (no Entra ID P1), security defaults are off"
          : `no enabled Conditional Access policy requires MFA for this user${contextText.length ? `: ${contextText.join("; ")}` : ""}`;
      const perUserNote =
        perUser.status === "not-configured"
          ? "; per-user MFA was not read (readPerUserMfa is off)"
          : perUserState === "disabled"
            ? "; per-user MFA is disabled"
            : "";
      reason = `${why}${perUserNote}`;
      if (evidence.length === 0) {
        appendAll(evidence, [
          ...factEvidence(
            facts,
            entraFactKinds.conditionalAccess,
            ca.status === "read"
              ? `${ca.policies.length} policies read, none applies`
              : (ca.reason ?? ca.status),
          ),
          ...factEvidence(
            facts,
            entraFactKinds.securityDefaults,
            `isEnabled=${String(sd.enabled ?? "unknown")}`,
          ),
        ]);
      }
      if (registration.status === "registered") {
        state = "optional";
        // Entra asks for a registered method only where a policy requires it (#18 item 7).
        reason = `${reason}; ${registeredNotRequired}`;
      }
    }
  }

  let strength: FactorStrength | null = null;
  let requiredStrength: FactorStrength | null = null;
  let access: EntraSignInResult["access"] = state === "unknown" ? "unknown" : "not-demanded";
  if (state === "enforced" && floor !== null) {
    const met = strengthMet(demands, registration);
    requiredStrength = met.required;
    strength = met.strength;
    access = met.unmet ?? (demands.every((d) => d.blocked) ? "blocked" : "met");
    if (met.unmet === "registrable" && registration.status === "not-registered") {
      // Whoever holds the password registers the second factor (the shared rule, README "MFA required, nothing enrolled").
      state = "bypassable";
      notes.push(nothingRegistered);
    } else if (met.unmet === "registrable") {
      notes.push(
        `no registered method completes a combination the policies accept (${met.accepted}): the user will be asked to register one on the spot at the next sign-in`,
      );
    } else if (met.unmet === "not-registrable") {
      notes.push(
        `no registered method completes a combination the policies accept (${met.accepted}), and those cannot be registered during sign-in (passkeys, Windows Hello, certificates and passes are set up beforehand): the user cannot sign in until one is`,
      );
    }
  }
  if (state !== "unknown") appendAll(evidence, registration.evidence);
  return {
    ...base,
    requiredStrength,
    access,
    verdict: {
      state,
      strength,
      reason: notes.length ? `${reason}; ${notes.join("; ")}` : reason,
      evidence,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Legacy authentication

export interface LegacyAuthenticationResult {
  blocked: Tristate;
  reason: string;
  evidence: Evidence[];
}

/** Grant controls legacy clients cannot send (MFA, device compliance, join state). */
const legacyUnsatisfiable = new Set(["mfa", "compliantDevice", "domainJoinedDevice"]);

/**
 * Whether no way through a policy's grant is open to a legacy client. Microsoft: legacy clients cannot
 * send MFA, compliance or join information, so a policy with such grant controls applied to all client
 * apps blocks their sign-ins ("indirectly blocking legacy authentication", entra-docs
 * block-legacy-authentication.md; reference/wave2-apis.md §3.4). With OR, every alternative must be one.
 */
function blocksLegacyIndirectly(p: ConditionalAccessPolicy): boolean {
  const g = p.grantControls;
  if (!g) return false;
  const controls = [
    ...g.builtInControls.map((c) => legacyUnsatisfiable.has(c)),
    ...(g.authenticationStrength ? [true] : []),
    ...g.customAuthenticationFactors.map(() => false),
    ...g.termsOfUse.map(() => false),
  ];
  if (controls.length === 0) return false;
  return (g.operator ?? "AND").toUpperCase() === "OR" ? controls.every(Boolean) : controls.some(Boolean);
}

/**
 * Whether legacy-authentication clients (Exchange ActiveSync and other basic-auth protocols, which cannot
 * do MFA) are blocked for the user: by security defaults, by enabled block policies, or indirectly by
 * enabled policies whose grant legacy clients cannot satisfy (MFA, compliant or joined device) — each
 * covering the legacy client type for all apps with no narrowing.
 */
export function evaluateLegacyAuthentication(facts: EntraFacts, userId: string): LegacyAuthenticationResult {
  const user = facts.users.byId.get(userId);
  const sd = facts.securityDefaults;
  if (sd.status === "read" && sd.enabled)
    return {
      blocked: true,
      reason: "security defaults block legacy authentication",
      evidence: factEvidence(facts, entraFactKinds.securityDefaults, "isEnabled=true"),
    };
  const ca = facts.conditionalAccess;
  if (!user)
    return {
      blocked: "unknown",
      reason: `user ${userId} is not in the directory listing`,
      evidence: factEvidence(facts, entraFactKinds.users, "user not listed"),
    };
  if (ca.status !== "read" && ca.status !== "not-licensed")
    return {
      blocked: "unknown",
      reason: `Conditional Access policies could not be read (${ca.reason ?? ca.status})`,
      evidence: factEvidence(facts, entraFactKinds.conditionalAccess, ca.reason ?? ca.status),
    };
  if (sd.status !== "read" && !ca.policies.some((p) => p.state === "enabled"))
    return {
      blocked: "unknown",
      reason: `security defaults could not be read (${sd.reason ?? sd.status})`,
      evidence: factEvidence(facts, entraFactKinds.securityDefaults, sd.reason ?? sd.status),
    };
  const effects = ca.policies.map((p) => effectOf(facts, p, user, "All"));
  const blocks = effects.filter(
    (e): e is Extract<Effect, { kind: "enforces" }> => e.kind === "enforces" && e.control === "block",
  );
  const indirect = ca.policies.filter(
    (p) =>
      p.state === "enabled" &&
      blocksLegacyIndirectly(p) &&
      p.conditions.users !== null &&
      p.conditions.users !== undefined &&
      (p.conditions.clientApplications?.includeServicePrincipals.length ?? 0) === 0 &&
      usersMatch(facts, p.conditions.users, user, "include").value === true &&
      usersMatch(facts, p.conditions.users, user, "exclude").value === false &&
      appScope(p, "All").applies === true &&
      appScope(p, "All").gaps.length === 0 &&
      narrowing(facts, p).length === 0,
  );
  const full = (t: ClientType) => blocks.filter((b) => b.gaps.length === 0 && b.clientTypes.has(t));
  const fullIndirect = (t: ClientType) => indirect.filter((p) => clientTypes(p).has(t));
  const open = legacyTypes.filter((t) => full(t).length === 0 && fullIndirect(t).length === 0);
  if (open.length === 0) {
    const by = [...new Set(legacyTypes.flatMap(full))];
    const byIndirect = [...new Set(legacyTypes.filter((t) => full(t).length === 0).flatMap(fullIndirect))];
    const direct = by.length
      ? `legacy authentication is blocked by ${by.map((b) => quote(b.policy)).join(", ")}`
      : "";
    const viaGrant = byIndirect.length
      ? `${direct ? "; " : ""}legacy clients are blocked indirectly by ${byIndirect.map(quote).join(", ")}: grant controls applied to all client apps that legacy clients cannot satisfy (MFA, compliant or joined device), as Microsoft documents; an explicit block policy for legacy clients is still recommended`
      : "";
    return {
      blocked: true,
      reason: `${direct}${viaGrant}`,
      evidence: [
        ...by.flatMap((b) => effectEvidence(facts, b)),
        ...byIndirect.map((p) =>
          policyEvidence(
            facts,
            p,
            "grantControls",
            (p.grantControls ?? null) as JsonValue,
            `${quote(p)} applies grant controls to all client apps (clientAppTypes ${JSON.stringify(p.conditions.clientAppTypes)}): legacy clients cannot satisfy them`,
          ),
        ),
      ],
    };
  }
  const unknown = effects.filter(
    (e): e is Extract<Effect, { kind: "unknown" }> =>
      e.kind === "unknown" &&
      e.policy.grantControls?.builtInControls.includes("block") === true &&
      open.some((t) => e.clientTypes.has(t)),
  );
  const partial = blocks.filter((b) => open.some((t) => b.clientTypes.has(t)));
  const excluded = effects.filter(
    (e) => e.kind === "excluded" && e.policy.grantControls?.builtInControls.includes("block"),
  );
  const evidence = [...unknown, ...partial, ...excluded].flatMap((e) => effectEvidence(facts, e));
  if (unknown.length)
    return {
      blocked: "unknown",
      reason: unknown.map((e) => `${quote(e.policy)}: ${e.why}`).join("; "),
      evidence,
    };
  const details = [
    ...partial.map((b) => `${quote(b.policy)} ${b.gaps.map((g) => g.gap).join("; ")}`),
    ...excluded.map((e) => `excluded from ${quote(e.policy)}`),
  ];
  return {
    blocked: false,
    reason: `${open.join(" and ")} clients can sign in with a password alone${details.length ? ` (${details.join("; ")})` : ca.status === "not-licensed" ? " (no Conditional Access: the tenant has no Entra ID P1, and security defaults are off)" : " (no enabled policy blocks them)"}`,
    evidence: evidence.length
      ? evidence
      : factEvidence(facts, entraFactKinds.conditionalAccess, "no block policy for legacy clients"),
  };
}

// ---------------------------------------------------------------------------------------------------
// Break-glass accounts

/**
 * Emergency-access (break-glass) accounts: those the connection declares, and enabled members excluded
 * by name from every enabled policy that requires MFA of all users (the usual way a break-glass account
 * is kept out of Conditional Access). Values: why the account is recognised.
 */
export function recognisedBreakGlass(facts: EntraFacts): Map<string, string> {
  const out = new Map<string, string>();
  const declared = new Set((facts.tenant?.breakGlassAccounts ?? []).map((a) => a.toLowerCase()));
  for (const u of facts.users.byId.values()) {
    if (declared.has(u.id.toLowerCase()) || declared.has(u.userPrincipalName.toLowerCase()))
      out.set(u.id, "declared as a break-glass account in the connection");
  }
  if (facts.conditionalAccess.status !== "read") return out;
  const allUserMfa = facts.conditionalAccess.policies.filter(
    (p) =>
      p.state === "enabled" &&
      p.conditions.users?.includeUsers.includes("All") &&
      grantOf(facts, p).kind === "mfa",
  );
  if (allUserMfa.length === 0) return out;
  for (const u of facts.users.byId.values()) {
    if (out.has(u.id) || u.accountEnabled === false || guestTypeOf(u)) continue;
    if (allUserMfa.every((p) => p.conditions.users?.excludeUsers.includes(u.id)))
      out.set(u.id, `excluded by name from every all-users MFA policy (${allUserMfa.map(quote).join(", ")})`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Tenant-level coverage

export type TenantScope =
  | "all-users"
  | "admins"
  | "guests"
  | "azure-management"
  | "security-info-registration";

export interface TenantScopeResult {
  scope: TenantScope;
  title: string;
  status: "pass" | "fail" | "unknown";
  /** Where it differs from the scope's usual severity. */
  severity?: Severity;
  reason: string;
  policies: PolicyRef[];
  evidence: Evidence[];
}

/** An enabled policy that requires MFA (or blocks) for every sign-in it targets: no narrowing, no OR escape. */
function unconditionalMfa(facts: EntraFacts, p: ConditionalAccessPolicy): boolean {
  if (p.state !== "enabled" || !p.conditions.users) return false;
  const grant = grantOf(facts, p);
  if (grant.kind !== "mfa" || grant.alternatives.length) return false;
  const types = clientTypes(p);
  return narrowing(facts, p).length === 0 && modernTypes.every((t) => types.has(t));
}

function allApps(p: ConditionalAccessPolicy): boolean {
  const apps = p.conditions.applications;
  return (apps?.includeApplications ?? []).includes("All") && (apps?.excludeApplications ?? []).length === 0;
}

function exclusionsOf(p: ConditionalAccessPolicy): string[] {
  const u = p.conditions.users;
  if (!u) return [];
  return [
    ...u.excludeUsers.map((x) => `user ${x}`),
    ...u.excludeGroups.map((x) => `group ${x}`),
    ...u.excludeRoles.map((x) => `role ${directoryRoles[x]?.name ?? x}`),
    ...(u.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes
      ? [`guest types ${u.excludeGuestsOrExternalUsers.guestOrExternalUserTypes}`]
      : []),
  ];
}

/**
 * Whether the tenant has a policy that requires MFA for all users, for admins, for guests, for Azure
 * management and for security-info registration (Maester MT.1007/1006/1016/1008/1011, ScubaGear
 * MS.AAD.3.2/3.6). Exclusions do not fail a scope here: the per-user results judge the excluded people.
 */
export function evaluateTenantCoverage(facts: EntraFacts): TenantScopeResult[] {
  const ca = facts.conditionalAccess;
  const sd = facts.securityDefaults;
  const titles: Record<TenantScope, string> = {
    "all-users": "MFA for all users on all cloud apps",
    admins: "MFA for administrator roles",
    guests: "MFA for guests and external users",
    "azure-management": "MFA for Azure management",
    "security-info-registration": "protected security-info registration",
  };
  const scopes = Object.keys(titles) as TenantScope[];
  if (sd.status === "read" && sd.enabled) {
    const evidence = factEvidence(facts, entraFactKinds.securityDefaults, "isEnabled=true");
    const enabled = [...facts.users.byId.values()].filter((u) => u.accountEnabled !== false);
    // Counts what the sentence says (#18 item 7): accounts known not to be administrators; the undecided apart.
    const admin = enabled.map((u) => securityDefaultsAdmin(facts, u.id).value);
    const users = admin.filter((v) => v === false).length;
    const undecided = admin.filter((v) => v !== true && v !== false).length;
    const whenNecessary = `${securityDefaultsUserGap}: ${users} of ${enabled.length} enabled accounts are not administrators${undecided ? ` (${undecided} more whose administrator roles could not be resolved)` : ""}. Recommended: a Conditional Access policy requiring MFA for all users on all cloud apps (needs Entra ID P1), then turn security defaults off`;
    const byScope: Record<TenantScope, Pick<TenantScopeResult, "status" | "reason" | "severity">> = {
      "all-users": { status: "fail", severity: "medium", reason: whenNecessary },
      guests: {
        status: "fail",
        severity: "medium",
        reason:
          "security defaults treat guests as users: prompted only when Entra deems it necessary (see MFA for all users)",
      },
      admins: { status: "pass", reason: "security defaults require MFA of administrators at every sign-in" },
      "azure-management": {
        status: "pass",
        reason:
          "security defaults require MFA of every user for Azure Resource Manager (portal, PowerShell, CLI)",
      },
      "security-info-registration": {
        status: "fail",
        reason:
          "security defaults are on but cannot protect security-info registration: a new account's methods can be registered by anyone with its password (Conditional Access needs Entra ID P1)",
      },
    };
    return scopes.map((scope) => ({
      scope,
      title: titles[scope],
      ...byScope[scope],
      policies: [],
      evidence,
    }));
  }
  if (ca.status !== "read" && ca.status !== "not-licensed") {
    return scopes.map((scope) => ({
      scope,
      title: titles[scope],
      status: "unknown" as const,
      reason: `Conditional Access policies could not be read (${ca.reason ?? ca.status})`,
      policies: [],
      evidence: factEvidence(facts, entraFactKinds.conditionalAccess, ca.reason ?? ca.status),
    }));
  }
  if (sd.status !== "read" && !ca.policies.some((p) => p.state === "enabled")) {
    return scopes.map((scope) => ({
      scope,
      title: titles[scope],
      status: "unknown" as const,
      reason: `security defaults could not be read (${sd.reason ?? sd.status})`,
      policies: [],
      evidence: factEvidence(facts, entraFactKinds.securityDefaults, sd.reason ?? sd.status),
    }));
  }
  const strong = ca.policies.filter((p) => unconditionalMfa(facts, p));
  const noCa = ca.status === "not-licensed" ? " (the tenant has no Conditional Access: no Entra ID P1)" : "";
  const result = (
    scope: TenantScope,
    matching: ConditionalAccessPolicy[],
    missing: string,
  ): TenantScopeResult => {
    const caEvidence = factEvidence(
      facts,
      entraFactKinds.conditionalAccess,
      `${ca.policies.length} policies read`,
    );
    if (matching.length === 0)
      return {
        scope,
        title: titles[scope],
        status: "fail",
        reason: `${missing}${noCa}`,
        policies: [],
        evidence: caEvidence,
      };
    const exclusions = matching.flatMap((p) => exclusionsOf(p).map((x) => `${quote(p)} excludes ${x}`));
    return {
      scope,
      title: titles[scope],
      status: "pass",
      reason: `${matching.map(quote).join(", ")} ${matching.length > 1 ? "require" : "requires"} it${exclusions.length ? `; ${exclusions.join("; ")} (judged per user)` : ""}`,
      policies: matching.map(ref),
      evidence: matching.map((p) =>
        policyEvidence(facts, p, "conditions", p.conditions as JsonValue, `${quote(p)} requires MFA`),
      ),
    };
  };
  const users = (p: ConditionalAccessPolicy) => p.conditions.users!;
  const allUsers = strong.filter((p) => users(p).includeUsers.includes("All") && allApps(p));

  const adminPolicies = strong.filter(
    (p) => allApps(p) && (users(p).includeUsers.includes("All") || users(p).includeRoles.length),
  );
  const uncoveredRoles = adminRoleTemplates.filter(
    (r) =>
      !adminPolicies.some(
        (p) =>
          (users(p).includeUsers.includes("All") || users(p).includeRoles.includes(r)) &&
          !users(p).excludeRoles.includes(r),
      ),
  );
  const admins =
    uncoveredRoles.length === 0
      ? result("admins", adminPolicies, "")
      : {
          ...result(
            "admins",
            [],
            `no enabled policy requires MFA on all apps for ${uncoveredRoles.map((r) => directoryRoles[r]?.name ?? r).join(", ")}`,
          ),
          policies: adminPolicies.map(ref),
        };

  const guestDirectoryTypes = ["internalGuest", "b2bCollaborationGuest", "b2bCollaborationMember"];
  const guestPolicies = strong.filter((p) => {
    const u = users(p);
    if (
      !allApps(p) ||
      u.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes ||
      u.excludeUsers.includes("GuestsOrExternalUsers")
    )
      return false;
    if (u.includeUsers.includes("All") || u.includeUsers.includes("GuestsOrExternalUsers")) return true;
    const types = (u.includeGuestsOrExternalUsers?.guestOrExternalUserTypes ?? "").split(",");
    const allTenants = (u.includeGuestsOrExternalUsers?.externalTenants?.membershipKind ?? "all") === "all";
    return allTenants && guestDirectoryTypes.every((t) => types.includes(t));
  });
  const azure = strong.filter((p) => {
    const apps = p.conditions.applications;
    const include = apps?.includeApplications ?? [];
    return (
      users(p).includeUsers.includes("All") &&
      (include.includes("All") || include.includes(azureManagementAppId)) &&
      !(apps?.excludeApplications ?? []).includes(azureManagementAppId)
    );
  });
  const registration = ca.policies.filter((p) => {
    if (p.state !== "enabled" || !p.conditions.users?.includeUsers.includes("All")) return false;
    if (!(p.conditions.applications?.includeUserActions ?? []).includes(registerSecurityInfoAction))
      return false;
    const grant = grantOf(facts, p);
    if (grant.kind === "mfa") return grant.alternatives.length === 0;
    // A block outside trusted locations also protects registration (Maester MT.1011).
    return grant.kind === "block" && (p.conditions.locations?.excludeLocations ?? []).length > 0;
  });
  return [
    result(
      "all-users",
      allUsers,
      "no enabled policy requires MFA for all users on all cloud apps without conditions",
    ),
    admins,
    result(
      "guests",
      guestPolicies,
      "no enabled policy requires MFA for every guest type on all cloud apps without excluding guests",
    ),
    result(
      "azure-management",
      azure,
      "no enabled policy requires MFA for all users on Azure management (Windows Azure Service Management API)",
    ),
    result(
      "security-info-registration",
      registration,
      "no enabled policy protects 'Register security information' (MFA, or a block outside trusted locations)",
    ),
  ];
}

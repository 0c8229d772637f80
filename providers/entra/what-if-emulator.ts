import type { EmulatorRequest, EmulatorResponse } from "../../src/emulator/server.js";
import type { EntraTenantSeed } from "./seed-emulator.js";

/**
 * The emulator's Conditional Access What If (`POST /identity/conditionalAccess/evaluate`), from the
 * documented shapes: microsoft-graph-docs v1.0 api/conditionalaccessroot-evaluate.md (body, response,
 * examples), resources/whatifanalysisresult.md (`policyApplies`, `analysisReasons`), and Entra docs
 * what-if-tool.md / concept-conditional-access-users-groups.md (semantics). It matches the seeded policies
 * with its own small code, on purpose independent of the evaluator it is there to check
 * (src/engines/conditional-access): a second reading of the same documents, so a disagreement between the two is worth
 * looking at.
 *
 * Documented behaviour modelled here:
 * - permissions: Policy.Read.ConditionalAccess (least), Policy.Read.All, Policy.ReadWrite.ConditionalAccess;
 * - enabled and report-only policies are evaluated; a report-only policy that matches is returned with
 *   `policyApplies: true` (the evaluate examples do exactly that); disabled ones are `policyNotEnabled`;
 * - `analysisReasons` is `notSet` when the policy applies, else the first condition not met;
 * - app groups are not matched from the request ("provide the App ID"), but a policy on the Office 365
 *   suite applies to a member app's id (what-if-tool.md example 4: 00000003-0000-0ff1-ce00-000000000000);
 * - a condition the request gives no value for cannot be evaluated, and the policy does not apply;
 * - directory roles count only for users *actively* assigned a built-in role tenant-wide: roles scoped to
 *   an administrative unit are not supported (users-groups doc); PIM-eligible assignments are not active.
 * Not documented, chosen here and marked: the licence refusal without Entra ID P1 (the general shape the
 * other P1-only endpoints use) and throttling (shared with the Conditional Access endpoints).
 */

export const whatIfPermissions = [
  "Policy.Read.ConditionalAccess",
  "Policy.Read.All",
  "Policy.ReadWrite.ConditionalAccess",
];

/** Members of the Office 365 app group the docs name by id (what-if-tool.md example 4). */
const office365Members = new Set(["00000003-0000-0ff1-ce00-000000000000"]);

interface SignIn {
  userId: string;
  externalUserType: string;
  apps: string[];
  clientAppType: string;
  devicePlatform?: string;
  ipAddress?: string;
  country?: string;
  signInRiskLevel: string;
  userRiskLevel: string;
  insiderRiskLevel: string;
  transferMethod?: string;
}

type Reason =
  | "notSet"
  | "policyNotEnabled"
  | "users"
  | "application"
  | "devicePlatform"
  | "location"
  | "clientApps"
  | "signInRisk"
  | "userRisk"
  | "insiderRisk"
  | "devices"
  | "authenticationFlow";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export interface WhatIfHelpers {
  error(status: number, code: string, message: string): EmulatorResponse;
  notPremium(): EmulatorResponse;
  throttled(): EmulatorResponse | undefined;
  /** Authentication strengths by id, to inline in grantControls as the examples do. */
  strengths: Array<Record<string, unknown>>;
}

export function whatIfRoute(
  req: EmulatorRequest,
  tenant: EntraTenantSeed,
  granted: Set<string>,
  helpers: WhatIfHelpers,
): EmulatorResponse {
  if (!whatIfPermissions.some((p) => granted.has(p)))
    return helpers.error(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  if (!tenant.licence.p1) return helpers.notPremium();
  const limited = helpers.throttled();
  if (limited) return limited;
  let body: Obj;
  try {
    body = obj(JSON.parse(req.body));
  } catch {
    return helpers.error(400, "BadRequest", "Invalid JSON in the request body.");
  }
  const identity = obj(body.signInIdentity);
  const context = obj(body.signInContext);
  const conditions = obj(body.signInConditions);
  for (const [name, value] of [
    ["signInIdentity", body.signInIdentity],
    ["signInContext", body.signInContext],
    ["signInConditions", body.signInConditions],
  ] as const)
    if (value === undefined || value === null)
      return helpers.error(400, "BadRequest", `The parameter '${name}' is required.`);
  if (identity["@odata.type"] !== "#microsoft.graph.userSignIn" || !text(identity.userId))
    return helpers.error(400, "BadRequest", "signInIdentity must be a userSignIn with a userId.");
  const userId = String(identity.userId);
  // What Graph answers for an id that is not a user is not documented; a clear 400 here.
  if (!tenant.users.some((u) => u.id === userId))
    return helpers.error(400, "BadRequest", `User '${userId}' was not found in the directory.`);
  const signIn: SignIn = {
    userId,
    externalUserType: text(identity.externalUserType) ?? "none",
    apps:
      context["@odata.type"] === "#microsoft.graph.applicationContext"
        ? list(context.includeApplications)
        : [],
    clientAppType: text(conditions.clientAppType) ?? "all",
    devicePlatform: text(conditions.devicePlatform),
    ipAddress: text(conditions.ipAddress),
    country: text(conditions.country),
    signInRiskLevel: text(conditions.signInRiskLevel) ?? "none",
    userRiskLevel: text(conditions.userRiskLevel) ?? "none",
    insiderRiskLevel: text(conditions.insiderRiskLevel) ?? "none",
    transferMethod: text(obj(conditions.authenticationFlow).transferMethod),
  };
  const value = tenant.policies
    .map((policy) => {
      const reason = firstUnmet(tenant, policy, signIn);
      return {
        ...policy,
        grantControls: inlineStrength(policy.grantControls, helpers.strengths),
        policyApplies: reason === "notSet",
        analysisReasons: reason,
      };
    })
    .filter((r) => body.appliedPoliciesOnly !== true || r.policyApplies);
  return {
    status: 200,
    body: {
      "@odata.context": `${req.baseUrl}/v1.0/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)`,
      value,
    },
  };
}

function inlineStrength(grant: unknown, strengths: Array<Record<string, unknown>>): unknown {
  const g = obj(grant);
  const ref = obj(g.authenticationStrength);
  if (!grant || !text(ref.id)) return grant ?? null;
  return { ...g, authenticationStrength: strengths.find((s) => s.id === ref.id) ?? ref };
}

/** The first condition the sign-in does not meet, in the order the portal lists them; `notSet` if none. */
function firstUnmet(tenant: EntraTenantSeed, policy: Obj, s: SignIn): Reason {
  if (policy.state === "disabled") return "policyNotEnabled";
  const c = obj(policy.conditions);
  const users = obj(c.users);
  if (!principalMatches(tenant, users, "include", s) || principalMatches(tenant, users, "exclude", s))
    return "users";
  const apps = obj(c.applications);
  if (
    !appMatches(list(apps.includeApplications), s.apps) ||
    appMatches(list(apps.excludeApplications), s.apps)
  )
    return "application";
  const platforms = c.platforms ? obj(c.platforms) : undefined;
  if (platforms) {
    const include = list(platforms.includePlatforms);
    const exclude = list(platforms.excludePlatforms);
    const p = s.devicePlatform;
    if (!p || p === "all") return "devicePlatform";
    if (!(include.includes("all") || include.includes(p)) || exclude.includes(p)) return "devicePlatform";
  }
  const locations = c.locations ? obj(c.locations) : undefined;
  if (locations) {
    if (!s.ipAddress && !s.country) return "location";
    const here = locationsOf(tenant, s);
    const matches = (ids: string[]) =>
      ids.some(
        (id) =>
          id === "All" ||
          (id === "AllTrusted" ? here.some((l) => l.isTrusted === true) : here.some((l) => l.id === id)),
      );
    if (!matches(list(locations.includeLocations)) || matches(list(locations.excludeLocations)))
      return "location";
  }
  const clientApps = list(c.clientAppTypes);
  if (clientApps.length && !clientApps.includes("all") && !clientApps.includes(s.clientAppType))
    return "clientApps";
  const levels = (v: unknown, level: string) => {
    const l = list(v);
    return l.length === 0 || l.includes(level);
  };
  if (!levels(c.signInRiskLevels, s.signInRiskLevel)) return "signInRisk";
  if (!levels(c.userRiskLevels, s.userRiskLevel)) return "userRisk";
  if (c.insiderRiskLevels && !levels(c.insiderRiskLevels, s.insiderRiskLevel)) return "insiderRisk";
  // A device filter needs deviceInfo the request does not carry: it cannot be evaluated.
  if (c.devices && obj(obj(c.devices).deviceFilter).rule) return "devices";
  const flows = c.authenticationFlows ? list(obj(c.authenticationFlows).transferMethods) : [];
  if (c.authenticationFlows && !(s.transferMethod && flows.includes(s.transferMethod)))
    return "authenticationFlow";
  return "notSet";
}

function principalMatches(
  tenant: EntraTenantSeed,
  users: Obj,
  side: "include" | "exclude",
  s: SignIn,
): boolean {
  const ids = list(users[`${side}Users`]);
  if (ids.includes("All") || ids.includes(s.userId)) return true;
  const guest = s.externalUserType !== "none";
  if (ids.includes("GuestsOrExternalUsers") && guest) return true;
  if (list(users[`${side}Groups`]).some((g) => membersOf(tenant, g).has(s.userId))) return true;
  const roles = list(users[`${side}Roles`]);
  // Active, tenant-wide assignments only (users-groups doc: "actively assigned"; AU-scoped not supported).
  const holds = tenant.roleAssignments.some(
    (a) =>
      roles.includes(a.roleDefinitionId) &&
      a.directoryScopeId === "/" &&
      (a.principalId === s.userId || membersOf(tenant, a.principalId).has(s.userId)),
  );
  if (holds) return true;
  const guests = obj(users[`${side}GuestsOrExternalUsers`]);
  const types = String(guests.guestOrExternalUserTypes ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  return (
    guest && types.includes(s.externalUserType) && obj(guests.externalTenants).membershipKind !== "enumerated"
  );
}

function membersOf(tenant: EntraTenantSeed, groupId: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(groupId)) return out;
  seen.add(groupId);
  for (const m of tenant.groups.find((g) => g.id === groupId)?.members ?? []) {
    if (tenant.groups.some((g) => g.id === m)) for (const u of membersOf(tenant, m, seen)) out.add(u);
    else out.add(m);
  }
  return out;
}

function appMatches(policyApps: string[], requested: string[]): boolean {
  return policyApps.some(
    (a) =>
      a === "All" ||
      requested.includes(a) ||
      (a === "Office365" && requested.some((r) => office365Members.has(r))),
  );
}

function ipv4(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4) return undefined;
  const n = parts.map(Number);
  if (n.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return undefined;
  return ((n[0]! << 24) >>> 0) + (n[1]! << 16) + (n[2]! << 8) + n[3]!;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const a = ipv4(ip);
  const b = ipv4(base ?? "");
  const n = Number(bits ?? "32");
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/** The named locations the sign-in's IP address or country falls in. */
function locationsOf(tenant: EntraTenantSeed, s: SignIn): Array<{ id: string; isTrusted?: unknown }> {
  return tenant.namedLocations
    .filter((l) => {
      const ranges = Array.isArray(l.ipRanges) ? l.ipRanges.map((r) => String(obj(r).cidrAddress ?? "")) : [];
      const countries = list(l.countriesAndRegions);
      return (
        (s.ipAddress !== undefined && ranges.some((r) => inCidr(s.ipAddress!, r))) ||
        (s.country !== undefined && countries.includes(s.country))
      );
    })
    .map((l) => ({ id: String(l.id), isTrusted: l.isTrusted }));
}

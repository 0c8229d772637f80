import type { ConditionalAccessPolicy } from "../../model/facts/entra.js";
import type { JsonValue } from "../../model/index.js";
import type { EntraFacts } from "./load.js";
import type { AppTarget, Tri } from "./model.js";

// Which sign-ins a Conditional Access policy covers: client apps, cloud apps and the conditions that narrow it.

export type ClientType = "browser" | "mobileAppsAndDesktopClients" | "exchangeActiveSync" | "other";
export const modernTypes: ClientType[] = ["browser", "mobileAppsAndDesktopClients"];
export const legacyTypes: ClientType[] = ["exchangeActiveSync", "other"];

export function clientTypes(p: ConditionalAccessPolicy): Set<ClientType> {
  const listed = p.conditions.clientAppTypes;
  if (listed.length === 0 || listed.includes("all")) return new Set([...modernTypes, ...legacyTypes]);
  return new Set(
    listed
      .map((t) => (t === "easSupported" ? "exchangeActiveSync" : t))
      .filter((t): t is ClientType => [...modernTypes, ...legacyTypes].includes(t as ClientType)),
  );
}

export function locationNames(facts: EntraFacts, ids: string[]): string {
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

/**
 * The condition fields this evaluator reads (Graph v1.0 conditionalAccessConditionSet and its parts). Any
 * other field with a value (beta device states, a condition Microsoft adds later) may narrow the policy
 * in a way we cannot judge, so it is reported instead of silently ignored (fail closed).
 */
const readConditions: Record<string, string[] | null> = {
  users: [
    "includeUsers",
    "excludeUsers",
    "includeGroups",
    "excludeGroups",
    "includeRoles",
    "excludeRoles",
    "includeGuestsOrExternalUsers",
    "excludeGuestsOrExternalUsers",
  ],
  applications: [
    "includeApplications",
    "excludeApplications",
    "includeUserActions",
    "includeAuthenticationContextClassReferences",
    "applicationFilter",
  ],
  clientAppTypes: null,
  platforms: ["includePlatforms", "excludePlatforms"],
  locations: ["includeLocations", "excludeLocations"],
  signInRiskLevels: null,
  userRiskLevels: null,
  insiderRiskLevels: null,
  devices: ["deviceFilter"],
  authenticationFlows: ["transferMethods"],
  // Workload-identity conditions: a policy that sets them does not apply to users (effect.ts).
  clientApplications: null,
};

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>).every(
      ([k, x]) => k.startsWith("@odata") || isEmpty(x),
    );
  return false;
}

/** Condition fields with a value that this evaluator does not read, as `path=value`. */
export function unreadConditions(p: ConditionalAccessPolicy): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(p.conditions as Record<string, unknown>)) {
    if (key.startsWith("@odata") || isEmpty(value)) continue;
    if (!(key in readConditions)) {
      out.push(`conditions.${key}=${JSON.stringify(value)}`);
      continue;
    }
    const known = readConditions[key];
    if (!known || typeof value !== "object" || Array.isArray(value)) continue;
    for (const [sub, x] of Object.entries(value as Record<string, unknown>))
      if (!sub.startsWith("@odata") && !known.includes(sub) && !isEmpty(x))
        out.push(`conditions.${key}.${sub}=${JSON.stringify(x)}`);
  }
  return out;
}

/** Conditions that limit a policy to a slice of sign-ins, each as the gap it leaves. */
export function narrowing(
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
  for (const unread of unreadConditions(p))
    out.push({
      gap: `sets ${unread}, a condition mfasweep does not read, which may narrow it`,
      field: "conditions",
      value: unread,
    });
  if (c.authenticationFlows?.transferMethods)
    out.push({
      gap: `applies only to the ${c.authenticationFlows.transferMethods} flow(s)`,
      field: "conditions.authenticationFlows.transferMethods",
      value: c.authenticationFlows.transferMethods,
    });
  return out;
}

export interface AppScope {
  applies: Tri;
  gaps: Array<{ gap: string; field: string; value: JsonValue }>;
  why?: string;
}

export function appScope(p: ConditionalAccessPolicy, target: AppTarget): AppScope {
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

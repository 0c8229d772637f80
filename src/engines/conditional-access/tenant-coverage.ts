import {
  adminRoleTemplates,
  azureManagementAppId,
  type ConditionalAccessPolicy,
  directoryRoles,
  entraFactKinds,
  registerSecurityInfoAction,
} from "../../model/facts/entra.js";
import type { JsonValue } from "../../model/index.js";
import { grantOf } from "./demand.js";
import { factEvidence, policyEvidence, quote, ref } from "./helpers.js";
import type { EntraFacts } from "./load.js";
import type { TenantScope, TenantScopeResult } from "./model.js";
import { clientTypes, modernTypes, narrowing } from "./scope.js";
import { securityDefaultsAdmin, securityDefaultsUserGap } from "./sign-in.js";

// Tenant-level coverage: whether the tenant's MFA policies reach every scope.

/** An enabled policy that requires MFA (or blocks) for every sign-in it targets: no narrowing, no OR escape. */
export function unconditionalMfa(facts: EntraFacts, p: ConditionalAccessPolicy): boolean {
  if (p.state !== "enabled" || !p.conditions.users) return false;
  const grant = grantOf(facts, p);
  if (grant.kind !== "mfa" || grant.alternatives.length) return false;
  const types = clientTypes(p);
  return narrowing(facts, p).length === 0 && modernTypes.every((t) => types.has(t));
}

export function allApps(p: ConditionalAccessPolicy): boolean {
  const apps = p.conditions.applications;
  return (apps?.includeApplications ?? []).includes("All") && (apps?.excludeApplications ?? []).length === 0;
}

export function exclusionsOf(p: ConditionalAccessPolicy): string[] {
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

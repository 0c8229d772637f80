import { type ConditionalAccessPolicy, type DirectoryUser, directoryRoles } from "../facts.js";
import { triOr } from "./helpers.js";
import type { EntraFacts } from "./load.js";
import type { Tri } from "./model.js";

// Who a Conditional Access policy applies to: users, groups (transitive), roles (active and PIM-eligible), guests.

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

export interface Match {
  value: Tri;
  how: string[];
  unknown: string[];
}

export function groupName(facts: EntraFacts, id: string): string {
  const name = facts.groups.byId.get(id)?.displayName;
  return name ? `'${name}'` : id;
}

export function inGroup(facts: EntraFacts, groupId: string, userId: string): { value: Tri; why?: string } {
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

export function roleTemplate(facts: EntraFacts, roleDefinitionId: string): string {
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
 * Whether the user holds the role, directly or through a role-assignable group. Inclusion counts only
 * active, tenant-wide assignments: Microsoft documents role targeting for users "actively assigned" a role
 * and does not support administrative-unit scopes (learn.microsoft.com/entra/identity/conditional-access/
 * concept-conditional-access-users-groups), so a PIM-eligible holder signs in as a plain user until the role
 * is activated. Exclusion counts eligible and any scope too (fail closed either way).
 */
export function holdsRole(
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
    if (purpose === "include" && kind !== "active") continue;
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

export function guestMatch(
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

export function usersMatch(
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

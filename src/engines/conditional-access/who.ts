import { type ConditionalAccessPolicy, type DirectoryUser, directoryRoles } from "../../model/facts/entra.js";
import { perFacts, triOr } from "./helpers.js";
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

/** A group as the evaluation needs it: its members, or why who it covers is unknown. */
interface GroupLookup {
  members?: Set<string>;
  why?: string;
}

function lookupGroup(facts: EntraFacts, groupId: string): GroupLookup {
  const group = facts.groups.byId.get(groupId);
  if (!group)
    return {
      why: `members of group ${groupId} were not read (${facts.groups.reason ?? facts.groups.status})`,
    };
  if (group.status === "not-found")
    return { why: `group ${groupId} was not found (HTTP 404), so who it covers is unknown` };
  if (group.status === "unavailable")
    return {
      why: `members of group ${groupName(facts, groupId)} could not be read (${group.reason ?? "unavailable"})`,
    };
  return { members: group.members };
}

function memberOf(group: GroupLookup, userId: string): { value: Tri; why?: string } {
  return group.members ? { value: group.members.has(userId) } : { value: "unknown", why: group.why };
}

export function inGroup(facts: EntraFacts, groupId: string, userId: string): { value: Tri; why?: string } {
  return memberOf(lookupGroup(facts, groupId), userId);
}

// Role definition id → template id, once per parsed facts (a linear search per assignment per user was
// quadratic in large tenants).
const templates = perFacts((facts) => {
  const byId = new Map<string, string>();
  for (const d of facts.roles?.definitions.items ?? [])
    if (!byId.has(d.id)) byId.set(d.id, d.templateId ?? d.id);
  return byId;
});

export function roleTemplate(facts: EntraFacts, roleDefinitionId: string): string {
  return templates(facts).get(roleDefinitionId) ?? roleDefinitionId;
}

export function roleName(facts: EntraFacts | undefined, templateId: string): string {
  return (
    directoryRoles[templateId]?.name ??
    facts?.roles?.definitions.items.find((d) => d.templateId === templateId || d.id === templateId)
      ?.displayName ??
    `role ${templateId}`
  );
}

/** One assignment of a role, or a set of assignments that could not be read, in the order they are judged. */
type RoleStep =
  | { unknown: string }
  | { principalId: string; group?: GroupLookup; how: string; howThroughGroup: string };

/** Whether a user is matched, from steps resolved once per tenant; the same answer as scanning every assignment. */
export type UserMatcher = (user: DirectoryUser) => Match;

/**
 * Whether a user holds the role, directly or through a role-assignable group. Inclusion counts only
 * active, tenant-wide assignments: Microsoft documents role targeting for users "actively assigned" a role
 * and does not support administrative-unit scopes (learn.microsoft.com/entra/identity/conditional-access/
 * concept-conditional-access-users-groups), so a PIM-eligible holder signs in as a plain user until the role
 * is activated. Exclusion counts eligible and any scope too (fail closed either way).
 */
function roleMatcher(facts: EntraFacts, templateId: string, purpose: "include" | "exclude"): UserMatcher {
  if (!facts.roles) {
    const why = "directory role assignments were not collected";
    return () => ({ value: "unknown", how: [], unknown: [why] });
  }
  const name = roleName(facts, templateId);
  const steps: RoleStep[] = [];
  for (const [kind, set] of [
    ["active", facts.roles.active],
    ["eligible (PIM)", facts.roles.eligible],
  ] as const) {
    if (purpose === "include" && kind !== "active") continue;
    if (set.status === "not-licensed" || set.status === "not-configured") continue;
    if (set.status !== "read") {
      steps.push({ unknown: `${kind} role assignments could not be read (${set.reason ?? set.status})` });
      continue;
    }
    for (const a of set.items) {
      if (roleTemplate(facts, a.roleDefinitionId) !== templateId) continue;
      if (purpose === "include" && a.directoryScopeId !== "/") continue;
      steps.push({
        principalId: a.principalId,
        ...(a.principalType === "group" ? { group: lookupGroup(facts, a.principalId) } : {}),
        how: `${kind} role ${name}`,
        howThroughGroup: `${kind} role ${name} through group ${groupName(facts, a.principalId)}`,
      });
    }
  }
  return (user) => {
    const how: string[] = [];
    const unknown: string[] = [];
    const values: Tri[] = [];
    for (const step of steps) {
      if ("unknown" in step) {
        values.push("unknown");
        unknown.push(step.unknown);
      } else if (step.principalId === user.id) {
        values.push(true);
        how.push(step.how);
      } else if (step.group) {
        const m = memberOf(step.group, user.id);
        values.push(m.value);
        if (m.value === true) how.push(step.howThroughGroup);
        if (m.value === "unknown" && m.why) unknown.push(m.why);
      }
    }
    return { value: triOr(values), how, unknown };
  };
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

/**
 * Who one side (include or exclude) of a policy's users condition matches, resolved once per tenant: the
 * listed ids as a set, each group's members, each role's assignments.
 */
function audience(
  facts: EntraFacts,
  users: NonNullable<ConditionalAccessPolicy["conditions"]["users"]>,
  side: "include" | "exclude",
): UserMatcher {
  const ids = new Set(side === "include" ? users.includeUsers : users.excludeUsers);
  const groups = (side === "include" ? users.includeGroups : users.excludeGroups).map((g) => ({
    lookup: lookupGroup(facts, g),
    how: `group ${groupName(facts, g)}`,
  }));
  const roles = (side === "include" ? users.includeRoles : users.excludeRoles).map((r) =>
    roleMatcher(facts, r, side),
  );
  const guests = side === "include" ? users.includeGuestsOrExternalUsers : users.excludeGuestsOrExternalUsers;
  const all = ids.has("All");
  const guestsOrExternal = ids.has("GuestsOrExternalUsers");
  return (user) => {
    const parts: Match[] = [];
    if (all) parts.push({ value: true, how: ["All users"], unknown: [] });
    if (ids.has(user.id)) parts.push({ value: true, how: ["directly"], unknown: [] });
    if (guestsOrExternal && guestTypeOf(user))
      parts.push({ value: true, how: ["guests or external users"], unknown: [] });
    for (const g of groups) {
      const m = memberOf(g.lookup, user.id);
      parts.push({ value: m.value, how: m.value === true ? [g.how] : [], unknown: m.why ? [m.why] : [] });
    }
    for (const role of roles) parts.push(role(user));
    parts.push(guestMatch(guests, user));
    return {
      value: triOr(parts.map((p) => p.value)),
      how: parts.flatMap((p) => (p.value === true ? p.how : [])),
      unknown: parts.flatMap((p) => (p.value === "unknown" ? p.unknown : [])),
    };
  };
}

type UsersCondition = NonNullable<ConditionalAccessPolicy["conditions"]["users"]>;
const audiences = perFacts(
  () => new WeakMap<UsersCondition, { include: UserMatcher; exclude: UserMatcher }>(),
);

/** The include and exclude matchers of a users condition, built on first use per parsed facts. */
export function audienceOf(
  facts: EntraFacts,
  users: UsersCondition,
): { include: UserMatcher; exclude: UserMatcher } {
  const byCondition = audiences(facts);
  let found = byCondition.get(users);
  if (!found) {
    found = { include: audience(facts, users, "include"), exclude: audience(facts, users, "exclude") };
    byCondition.set(users, found);
  }
  return found;
}

export function usersMatch(
  facts: EntraFacts,
  users: UsersCondition,
  user: DirectoryUser,
  side: "include" | "exclude",
): Match {
  return audienceOf(facts, users)[side](user);
}

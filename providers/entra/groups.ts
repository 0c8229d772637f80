import { checkShape } from "../../src/collect/http.js";
import { describeError } from "../../src/errors.js";
import type {
  ConditionalAccessPolicy,
  EntraFactData,
  entraFactKinds,
  RoleAssignmentItem,
} from "../../src/model/facts/entra.js";
import { endpoints, Group, GroupMember } from "./api.js";
import { type EntraClient, GraphNotFoundError } from "./client.js";
import { listAll } from "./list-all.js";
import { type Ctx, forEach } from "./read.js";

// Groups that decide who a policy, a role or an app covers: which to read, and their transitive members.

/**
 * The groups to read: `namedAsGroups` are named as groups (by a Conditional Access condition, a group role
 * assignment, an app assignment, customerAccessGroups); `targeted` adds role principals of unknown type
 * and the GDAP groups, whose 404 the GDAP read records itself.
 */
export function groupsToRead(input: {
  policies: ConditionalAccessPolicy[];
  roles: RoleAssignmentItem[];
  servicePrincipals: EntraFactData<typeof entraFactKinds.servicePrincipals>["items"];
  customerAccessGroups: string[];
  gdapGroups: Iterable<string>;
}): { namedAsGroups: Set<string>; targeted: Set<string> } {
  const namedAsGroups = new Set<string>();
  for (const p of input.policies)
    for (const g of [
      ...(p.conditions.users?.includeGroups ?? []),
      ...(p.conditions.users?.excludeGroups ?? []),
    ])
      namedAsGroups.add(g);
  const targeted = new Set(namedAsGroups);
  for (const a of input.roles) {
    if (a.principalType === "group") namedAsGroups.add(a.principalId);
    if (a.principalType === "group" || a.principalType === "unknown") targeted.add(a.principalId);
  }
  for (const sp of input.servicePrincipals)
    for (const p of sp.assignments.principals) if (p.type === "group") namedAsGroups.add(p.id);
  for (const id of input.customerAccessGroups) namedAsGroups.add(id);
  for (const id of namedAsGroups) targeted.add(id);
  for (const id of input.gdapGroups) targeted.add(id);
  return { namedAsGroups, targeted };
}

/**
 * Reads each group in `ids` with its transitive members. A 404 on a group that `namedAsGroups` says is one
 * (a Conditional Access condition, an app assignment, a group role assignment, customerAccessGroups) is a
 * gap, never "matches nobody": a deleted group, a replication delay or a hostile answer look the same, and
 * who that group includes or excludes decides other users' verdicts (issue #19 item 2). A 404 on a role
 * principal of unknown type only says it is not a group.
 */
export async function readGroups(
  ctx: Ctx,
  client: EntraClient,
  ids: string[],
  namedAsGroups: ReadonlySet<string>,
): Promise<EntraFactData<typeof entraFactKinds.groupMembers>["groups"]> {
  return forEach(ids, async (id) => {
    const path = endpoints.groupMembers.path.replace("{id}", encodeURIComponent(id));
    try {
      const group = checkShape(
        Group,
        await client.get(
          endpoints.group,
          `${endpoints.group.path.replace("{id}", encodeURIComponent(id))}?$select=id,displayName`,
        ),
        endpoints.group.label,
      );
      const members = await listAll(
        ctx,
        client,
        endpoints.groupMembers,
        `${path}?$select=id&$top=999`,
        GroupMember,
        `member of group ${id}`,
      );
      return {
        id,
        ...(group.displayName ? { displayName: group.displayName } : {}),
        status: "read" as const,
        memberIds: members.map((m) => m.id),
      };
    } catch (err) {
      if (err instanceof GraphNotFoundError) {
        if (!namedAsGroups.has(id)) return { id, status: "not-found" as const, memberIds: [] };
        const reason = `not found (HTTP 404): ${describeError(err)}`;
        ctx.gap(`group ${id}, named as a group by a policy or an assignment`, reason);
        return { id, status: "not-found" as const, reason, memberIds: [] };
      }
      const reason = describeError(err);
      ctx.gap(`members of group ${id}`, reason);
      return { id, status: "unavailable" as const, reason, memberIds: [] };
    }
  });
}

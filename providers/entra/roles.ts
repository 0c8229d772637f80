import type { RoleAssignmentItem } from "../../src/model/facts/entra.js";
import { endpoints, RoleAssignment, RoleDefinition } from "./api.js";
import type { EntraClient } from "./client.js";
import { listAll } from "./list-all.js";
import { attempt, type Ctx, type Read } from "./read.js";
import { roleItem } from "./transform.js";

// Directory roles: their definitions, who holds them (active) and who may activate them (PIM-eligible).

export function readRoleDefinitions(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "directory role definitions", () =>
    listAll(
      ctx,
      client,
      endpoints.roleDefinitions,
      `${endpoints.roleDefinitions.path}?$select=id,displayName,templateId,isBuiltIn`,
      RoleDefinition,
      "role definition",
    ),
  );
}

export function readActiveRoles(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "active directory role assignments", () =>
    listAll(
      ctx,
      client,
      endpoints.roleAssignments,
      `${endpoints.roleAssignments.path}?$expand=principal`,
      RoleAssignment,
      "role assignment",
    ),
  );
}

export function readEligibleRoles(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "PIM-eligible directory role assignments", () =>
    listAll(
      ctx,
      client,
      endpoints.roleEligibilities,
      endpoints.roleEligibilities.path,
      RoleAssignment,
      "role eligibility",
    ),
  );
}

/** The assignments of a read as fact items, principals classified against the directory's users. */
export function roleItems(read: Read<RoleAssignment[]>, known: Set<string>): RoleAssignmentItem[] {
  return read.status === "read" ? read.data.map((a) => roleItem(a, known)) : [];
}

/**
 * A principal we could expand as a group is a group; one that does not exist as a group is not. Sets the
 * type of each `unknown` principal in place once the targeted groups were read.
 */
export function classifyPrincipals(
  items: RoleAssignmentItem[][],
  groups: ReadonlyArray<{ id: string; status: string }>,
  memberSets: ReadonlyMap<string, Set<string>>,
): void {
  for (const list of items)
    for (const a of list)
      if (a.principalType === "unknown")
        a.principalType = memberSets.has(a.principalId)
          ? "group"
          : groups.some((g) => g.id === a.principalId && g.status === "not-found")
            ? "servicePrincipal"
            : "unknown";
}

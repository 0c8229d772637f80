import { describeError } from "../../src/errors.js";
import type { EntraFactData, entraFactKinds } from "../../src/model/facts/entra.js";
import { AppRoleAssignment, endpoints, ServicePrincipal, servicePrincipalSelect } from "./api.js";
import type { EntraClient } from "./client.js";
import { listAll } from "./list-all.js";
import { attempt, type Ctx, forEach } from "./read.js";

// Enterprise apps (service principals) and, for those that require assignment, who is assigned to them.

export function readServicePrincipals(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "enterprise apps (service principals)", () =>
    listAll(
      ctx,
      client,
      endpoints.servicePrincipals,
      `${endpoints.servicePrincipals.path}?$select=${servicePrincipalSelect.join(",")}&$top=999`,
      ServicePrincipal,
      "service principal",
    ),
  );
}

/** Apps whose assignments are read at most; beyond it the rest is a gap (each costs a paged call). */
const maxAssignmentReads = 200;

/**
 * The users, groups and service principals assigned to each enabled app that requires assignment. An app
 * that does not require it lets every enabled user sign in, so nothing is read for it.
 */
export async function readAssignments(
  ctx: Ctx,
  client: EntraClient,
  sps: ServicePrincipal[],
): Promise<EntraFactData<typeof entraFactKinds.servicePrincipals>["items"]> {
  const needing = sps.filter((sp) => sp.appRoleAssignmentRequired === true && sp.accountEnabled !== false);
  if (needing.length > maxAssignmentReads)
    ctx.gap(
      `assignments of ${needing.length - maxAssignmentReads} app(s) requiring assignment`,
      `more than ${maxAssignmentReads} such apps; the rest are not read`,
    );
  const read = new Set(needing.slice(0, maxAssignmentReads).map((sp) => sp.id));
  return forEach(sps, async (sp) => {
    const base = {
      id: sp.id,
      appId: sp.appId,
      displayName: sp.displayName ?? null,
      servicePrincipalNames: sp.servicePrincipalNames ?? [],
      appRoleAssignmentRequired: sp.appRoleAssignmentRequired ?? null,
      accountEnabled: sp.accountEnabled ?? null,
    };
    if (!read.has(sp.id)) {
      const needed = sp.appRoleAssignmentRequired === true && sp.accountEnabled !== false;
      return {
        ...base,
        assignments: needed
          ? { status: "unavailable" as const, reason: "not read (limit)", principals: [] }
          : { status: "not-needed" as const, principals: [] },
      };
    }
    const path = endpoints.appRoleAssignedTo.path.replace("{id}", encodeURIComponent(sp.id));
    try {
      const items = await listAll(
        ctx,
        client,
        endpoints.appRoleAssignedTo,
        `${path}?$top=999`,
        AppRoleAssignment,
        `assignment of app ${sp.appId}`,
      );
      const typeOf = (t: string | null | undefined) =>
        t === "User"
          ? "user"
          : t === "Group"
            ? "group"
            : t === "ServicePrincipal"
              ? "servicePrincipal"
              : "unknown";
      return {
        ...base,
        assignments: {
          status: "read" as const,
          principals: items.map((a) => ({ id: a.principalId, type: typeOf(a.principalType) })),
        },
      };
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(`assignments of app ${sp.displayName ?? sp.appId}`, reason);
      return { ...base, assignments: { status: "unavailable" as const, reason, principals: [] } };
    }
  });
}

import { type CollectContext, defineProvider } from "../../src/collect/provider.js";
import { describeError } from "../../src/errors.js";
import type { CustomerAccessGroup } from "../../src/model/facts/customer-access.js";
import { directoryRoles } from "../../src/model/facts/entra.js";
import {
  type GdapFactData,
  type GdapRelationship,
  gdapRelationships,
  grantingStatuses,
} from "../../src/model/facts/gdap.js";
import { factOf } from "../../src/model/facts/kind.js";
import type { Evidence, Fact } from "../../src/model/index.js";
import { connect, type EntraClient } from "./client.js";
import {
  DelegatedAdminAccessAssignment,
  DelegatedAdminCustomer,
  DelegatedAdminRelationship,
  gdapEndpoints,
  gdapPageSize,
} from "./gdap-api.js";
import { listAll } from "./list-all.js";
import { EntraSettings } from "./settings.js";
import { source } from "./transform.js";

type Ctx = CollectContext<EntraSettings>;

const rolesOf = (r: {
  accessDetails?: { unifiedRoles?: Array<{ roleDefinitionId: string }> | null } | null;
}) => (r.accessDetails?.unifiedRoles ?? []).map((u) => u.roleDefinitionId);

/** The access assignments of one relationship; only relationships that grant their roles are read. */
async function assignmentsOf(
  ctx: Ctx,
  client: EntraClient,
  r: DelegatedAdminRelationship,
): Promise<GdapRelationship["accessAssignments"]> {
  if (!grantingStatuses.has(r.status))
    return { status: "unavailable", reason: `not read: the relationship is ${r.status}`, items: [] };
  const path = gdapEndpoints.accessAssignments.path.replace("{id}", encodeURIComponent(r.id));
  try {
    const items = await listAll(
      ctx,
      client,
      gdapEndpoints.accessAssignments,
      `${path}?$top=${gdapPageSize}`,
      DelegatedAdminAccessAssignment,
      `access assignment of GDAP relationship ${r.id}`,
    );
    return {
      status: "read",
      items: items.map((a) => ({
        id: a.id,
        status: a.status,
        containerType: a.accessContainer.accessContainerType,
        groupId: a.accessContainer.accessContainerId,
        roles: rolesOf(a),
      })),
    };
  } catch (err) {
    const reason = describeError(err);
    ctx.gap(`access assignments of GDAP relationship ${r.displayName ?? r.id}`, reason);
    return { status: "unavailable", reason, items: [] };
  }
}

/**
 * The MSP's GDAP customers and relationships with their access assignments. A failure of either list
 * leaves the whole fact `unavailable` (and coverage partial): half a list of relationships would let a
 * policy pass what it never saw.
 */
export async function readGdap(ctx: Ctx, client: EntraClient): Promise<GdapFactData> {
  try {
    const [customers, relationships] = await Promise.all([
      listAll(
        ctx,
        client,
        gdapEndpoints.customers,
        `${gdapEndpoints.customers.path}?$top=${gdapPageSize}`,
        DelegatedAdminCustomer,
        "GDAP customer",
      ),
      listAll(
        ctx,
        client,
        gdapEndpoints.relationships,
        `${gdapEndpoints.relationships.path}?$top=${gdapPageSize}`,
        DelegatedAdminRelationship,
        "GDAP relationship",
      ),
    ]);
    const withAssignments = await Promise.all(
      relationships.map(
        async (r): Promise<GdapRelationship> => ({
          id: r.id,
          displayName: r.displayName ?? r.id,
          status: r.status,
          customer: {
            tenantId: r.customer?.tenantId ?? "",
            displayName: r.customer?.displayName ?? r.customer?.tenantId ?? "(unknown customer)",
          },
          roles: rolesOf(r),
          duration: r.duration ?? null,
          activatedDateTime: r.activatedDateTime ?? null,
          endDateTime: r.endDateTime ?? null,
          autoExtendDuration: r.autoExtendDuration ?? null,
          accessAssignments: await assignmentsOf(ctx, client, r),
        }),
      ),
    );
    return { status: "read", customers, relationships: withAssignments };
  } catch (err) {
    const reason = describeError(err);
    ctx.gap("GDAP relationships", reason);
    return { status: "unavailable", reason, customers: [], relationships: [] };
  }
}

export function roleName(id: string): string {
  return directoryRoles[id]?.name ?? `role ${id}`;
}

/**
 * The MSP's security groups that hold a GDAP role through an active access assignment of a relationship
 * that grants its roles, with the customers and roles each reaches.
 */
export function gdapGroups(data: GdapFactData): Map<string, Array<{ customer: string; roles: string[] }>> {
  const groups = new Map<string, Array<{ customer: string; roles: string[] }>>();
  for (const r of data.relationships) {
    if (!grantingStatuses.has(r.status)) continue;
    for (const a of r.accessAssignments.items) {
      if (a.status !== "active" || a.containerType !== "securityGroup") continue;
      groups.set(a.groupId, [
        ...(groups.get(a.groupId) ?? []),
        { customer: r.customer.displayName, roles: a.roles.map(roleName) },
      ]);
    }
  }
  return groups;
}

/**
 * The customer-access groups of the MSP's own tenant: the ones configured by hand and the ones found in
 * GDAP access assignments (with whom they reach). A GDAP group that answers 404 is a gap, not "nobody":
 * Microsoft documents it as a security group of the partner's tenant, so it should be readable.
 */
export function customerAccessGroups(
  ctx: Ctx,
  configured: string[],
  discovered: Map<string, Array<{ customer: string; roles: string[] }>>,
  read: Array<{
    id: string;
    displayName?: string;
    status: CustomerAccessGroup["status"];
    reason?: string;
    memberIds: string[];
  }>,
): CustomerAccessGroup[] {
  return [...new Set([...configured, ...discovered.keys()])].map((id): CustomerAccessGroup => {
    const group = read.find((g) => g.id === id);
    const reaches = discovered.get(id);
    if (reaches && group?.status === "not-found")
      ctx.gap(`members of GDAP group ${id}`, "the group named by a GDAP access assignment answered 404");
    return {
      group: id,
      ...(group?.displayName ? { name: group.displayName } : {}),
      status: group?.status ?? "unavailable",
      ...(group?.reason ? { reason: group.reason } : {}),
      ...(reaches && group?.status === "not-found"
        ? {
            status: "unavailable" as const,
            reason: "GDAP access assignment names it, but the group answered 404",
          }
        : {}),
      members: group?.memberIds ?? [],
      ...(reaches ? { reaches } : {}),
    };
  });
}

export function gdapFactOf(connection: string, data: GdapFactData): Fact {
  const evidence: Evidence[] = [
    { source, connection, endpoint: gdapEndpoints.customers.label },
    {
      source,
      connection,
      endpoint: gdapEndpoints.relationships.label,
      ...(data.status === "read"
        ? { note: `${data.relationships.length} relationship(s)` }
        : { note: data.reason ?? "not read" }),
    },
  ];
  return factOf(
    gdapRelationships,
    { id: `${connection}:${gdapRelationships.name}`, source, connection, evidence },
    data,
  );
}

/**
 * Reads only the GDAP relationships through the MSP's Entra connection: what `tenants discover --from
 * gdap` runs, with the collector's retries, quotas and coverage.
 */
export const gdapDiscovery = defineProvider<EntraSettings>({
  type: source,
  title: "Microsoft Entra ID (GDAP relationships only)",
  connectionSchema: EntraSettings,
  permissions: [`${gdapEndpoints.relationships.permission} in the MSP's own tenant`],
  async collect(ctx) {
    const { client } = await connect(ctx);
    try {
      const data = await readGdap(ctx, client);
      return {
        accounts: [],
        entryPoints: [],
        accessPaths: [],
        settings: [],
        facts: [gdapFactOf(ctx.connectionId, data)],
      };
    } finally {
      await client.close();
    }
  },
});

import { guid } from "../../src/emulator/guid.js";
import type { EmulatorRequest, EmulatorResponse } from "../../src/emulator/server.js";

/**
 * The Graph emulator's GDAP part (reference wave2-apis.md §1), stated here from the documentation and not
 * taken from the provider: the three partner-side lists under `/tenantRelationships`, `$top` up to 300,
 * `@odata.nextLink` paging, the application permission DelegatedAdminRelationship.Read.All, and a
 * `delegatedAdminCustomer` that exists only while the customer has an active relationship.
 */

/** Least-privileged application permission of all three lists (learn pages, current). */
export const gdapReadPermission = "DelegatedAdminRelationship.Read.All";

/** Built-in Entra role template ids (permissions-reference.md), as relationships carry them. */
export const gdapRoles = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  serviceSupportAdministrator: "f023fd81-a637-4b56-95fd-791ac0226033",
  directoryReaders: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
} as const;

export interface SeedAccessAssignment {
  id: string;
  /** A security group of the partner (MSP) tenant. */
  groupId: string;
  roles: string[];
  /** pending, active, deleting, deleted, error. */
  status: string;
}

export interface SeedGdapRelationship {
  id: string;
  displayName: string;
  /** activating, active, approvalPending, approved, created, expired, expiring, terminated, ... */
  status: string;
  customer: { tenantId: string; displayName: string };
  roles: string[];
  /** ISO 8601, P1D…P2Y. */
  duration: string;
  activatedDateTime: string;
  /** activatedDateTime + duration. */
  endDateTime: string;
  /** PT0S (default, no auto-extension) or P180D. */
  autoExtendDuration: string;
  accessAssignments: SeedAccessAssignment[];
}

export interface GdapSeed {
  relationships: SeedGdapRelationship[];
}

type Pager = (items: unknown[], defaultSize: number, maxSize: number) => EmulatorResponse;

const activeStatuses = new Set(["active", "expiring"]);

/** The page size Graph uses without `$top` is not documented; a small one makes paging visible. */
const defaultPageSize = 100;
const maxPageSize = 300;

/**
 * Answers a GDAP path, or undefined when `path` is not one. `allowed` says whether the token carries the
 * permission; without it Graph's usual 403 `Authorization_RequestDenied` (which does not name the
 * permission) is returned by `denied`.
 */
export function gdapRoute(
  path: string,
  seed: GdapSeed | undefined,
  allowed: boolean,
  denied: () => EmulatorResponse,
  notFound: (message: string) => EmulatorResponse,
  page: Pager,
): EmulatorResponse | undefined {
  if (!path.startsWith("/tenantRelationships/")) return undefined;
  if (!allowed) return denied();
  const relationships = seed?.relationships ?? [];
  if (path === "/tenantRelationships/delegatedAdminCustomers") {
    const customers = new Map<string, Record<string, unknown>>();
    for (const r of relationships)
      if (activeStatuses.has(r.status))
        customers.set(r.customer.tenantId, {
          id: r.customer.tenantId,
          tenantId: r.customer.tenantId,
          displayName: r.customer.displayName,
        });
    return page([...customers.values()], defaultPageSize, maxPageSize);
  }
  if (path === "/tenantRelationships/delegatedAdminRelationships")
    return page(
      relationships.map(({ accessAssignments: _, roles, ...r }) => ({
        "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
        ...r,
        createdDateTime: r.activatedDateTime,
        lastModifiedDateTime: r.activatedDateTime,
        accessDetails: { unifiedRoles: roles.map((roleDefinitionId) => ({ roleDefinitionId })) },
      })),
      defaultPageSize,
      maxPageSize,
    );
  const assignments = /^\/tenantRelationships\/delegatedAdminRelationships\/([^/]+)\/accessAssignments$/.exec(
    path,
  );
  if (assignments) {
    const id = decodeURIComponent(assignments[1]!);
    const r = relationships.find((x) => x.id === id);
    if (!r) return notFound(`Relationship '${id}' not found.`);
    return page(
      r.accessAssignments.map((a) => ({
        "@odata.type": "#microsoft.graph.delegatedAdminAccessAssignment",
        id: a.id,
        status: a.status,
        createdDateTime: r.activatedDateTime,
        lastModifiedDateTime: r.activatedDateTime,
        accessContainer: { accessContainerId: a.groupId, accessContainerType: "securityGroup" },
        accessDetails: { unifiedRoles: a.roles.map((roleDefinitionId) => ({ roleDefinitionId })) },
      })),
      defaultPageSize,
      maxPageSize,
    );
  }
  return notFound(`Resource not found for the segment '${path.split("/")[2]}'.`);
}

/** A relationship as Partner Center creates it; the seed names what differs. */
export function gdapRelationship(
  name: string,
  customer: { tenantId: string; displayName: string },
  fields: Partial<SeedGdapRelationship> = {},
): SeedGdapRelationship {
  return {
    id: `${guid(`gdap:${name}`)}-${guid(`gdap2:${name}`)}`,
    displayName: name,
    status: "active",
    customer,
    roles: [gdapRoles.helpdeskAdministrator],
    duration: "P730D",
    activatedDateTime: "2026-01-15T10:00:00Z",
    endDateTime: "2028-01-15T10:00:00Z",
    autoExtendDuration: "PT0S",
    accessAssignments: [],
    ...fields,
  };
}

export function accessAssignment(groupId: string, roles: string[], status = "active"): SeedAccessAssignment {
  return { id: guid(`assignment:${groupId}:${roles.join(",")}`), groupId, roles, status };
}

/**
 * A partner tenant's relationships with its customers, one case each: least-privileged roles held by a
 * group; Global Administrator (auto-extending); expired; active but with no access assignment (its roles
 * reach nobody through a group).
 */
export function partnerRelationships(
  customers: {
    leastPrivileged: { tenantId: string; displayName: string };
    globalAdmin: { tenantId: string; displayName: string };
    expired: { tenantId: string; displayName: string };
    unassigned: { tenantId: string; displayName: string };
  },
  groups: { helpdesk: string; admins: string },
): GdapSeed {
  return {
    relationships: [
      gdapRelationship(`${customers.leastPrivileged.displayName} helpdesk`, customers.leastPrivileged, {
        roles: [gdapRoles.helpdeskAdministrator, gdapRoles.directoryReaders],
        accessAssignments: [
          accessAssignment(groups.helpdesk, [gdapRoles.helpdeskAdministrator, gdapRoles.directoryReaders]),
        ],
      }),
      gdapRelationship(`${customers.globalAdmin.displayName} full admin`, customers.globalAdmin, {
        roles: [gdapRoles.globalAdministrator],
        autoExtendDuration: "P180D",
        accessAssignments: [accessAssignment(groups.admins, [gdapRoles.globalAdministrator])],
      }),
      gdapRelationship(`${customers.expired.displayName} onboarding`, customers.expired, {
        status: "expired",
        duration: "P90D",
        activatedDateTime: "2026-03-01T10:00:00Z",
        endDateTime: "2026-05-30T10:00:00Z",
        accessAssignments: [accessAssignment(groups.helpdesk, [gdapRoles.helpdeskAdministrator])],
      }),
      gdapRelationship(`${customers.unassigned.displayName} support`, customers.unassigned, {
        roles: [gdapRoles.serviceSupportAdministrator],
      }),
    ],
  };
}

export type { EmulatorRequest };

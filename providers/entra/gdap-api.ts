import { z } from "zod";
import type { Endpoint } from "./api.js";

/**
 * Microsoft Graph v1.0 GDAP (granular delegated admin privileges) reads, made with the MSP's own tenant's
 * token (reference wave2-apis.md §1): the customers, the relationships with the roles they grant, and each
 * relationship's access assignments (which security groups of the MSP hold which roles). Application
 * permission DelegatedAdminRelationship.Read.All (least privileged; supported per the current learn pages).
 */
export const gdapPermission = "DelegatedAdminRelationship.Read.All";

/** `$top` is documented up to 300 on all three lists. */
export const gdapPageSize = 300;

export const gdapEndpoints = {
  customers: {
    label: "GET /tenantRelationships/delegatedAdminCustomers",
    path: "/tenantRelationships/delegatedAdminCustomers",
    version: "v1.0",
    permission: gdapPermission,
    quota: "directory",
  },
  relationships: {
    label: "GET /tenantRelationships/delegatedAdminRelationships",
    path: "/tenantRelationships/delegatedAdminRelationships",
    version: "v1.0",
    permission: gdapPermission,
    quota: "directory",
  },
  accessAssignments: {
    label: "GET /tenantRelationships/delegatedAdminRelationships/{id}/accessAssignments",
    path: "/tenantRelationships/delegatedAdminRelationships/{id}/accessAssignments",
    version: "v1.0",
    permission: gdapPermission,
    quota: "directory",
  },
} as const satisfies Record<string, Endpoint>;

const optionalString = z.string().nullish();

/** `delegatedAdminCustomer`: created with the first relationship, deleted when no active one remains. */
export const DelegatedAdminCustomer = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  displayName: z.string(),
});
export type DelegatedAdminCustomer = z.infer<typeof DelegatedAdminCustomer>;

const UnifiedRoles = z.object({
  unifiedRoles: z.array(z.object({ roleDefinitionId: z.string().min(1) })).nullish(),
});

/** `delegatedAdminRelationship` (also its `resellerDelegatedAdminRelationship` subtype, extra fields pass). */
export const DelegatedAdminRelationship = z.object({
  id: z.string().min(1),
  displayName: optionalString,
  status: z.string(),
  customer: z.object({ tenantId: z.string().min(1), displayName: optionalString }).nullish(),
  accessDetails: UnifiedRoles.nullish(),
  duration: optionalString,
  activatedDateTime: optionalString,
  endDateTime: optionalString,
  autoExtendDuration: optionalString,
});
export type DelegatedAdminRelationship = z.infer<typeof DelegatedAdminRelationship>;

/** `delegatedAdminAccessAssignment`: one security group of the partner's tenant and its roles. */
export const DelegatedAdminAccessAssignment = z.object({
  id: z.string().min(1),
  status: z.string(),
  accessContainer: z.object({ accessContainerId: z.string().min(1), accessContainerType: z.string() }),
  accessDetails: UnifiedRoles.nullish(),
});
export type DelegatedAdminAccessAssignment = z.infer<typeof DelegatedAdminAccessAssignment>;

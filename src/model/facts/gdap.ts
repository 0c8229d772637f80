import { z } from "zod";
import type { Evidence } from "../evidence.js";
import type { Fact } from "../inventory.js";
import { defineFactKind, factsOf } from "./kind.js";

/**
 * Fact kind for the MSP's delegated admin (GDAP) relationships, read in its own tenant (reference
 * wave2-apis.md §1): each customer, each relationship with the Entra roles it grants, and which security
 * groups of the MSP hold those roles (access assignments). Policies judge the delegated access from it
 * without knowing the provider; a read that failed is `unavailable`, never an empty list.
 */

const ReadState = z.enum(["read", "unavailable"]);

export const GdapAccessAssignment = z.object({
  id: z.string(),
  /** pending, active, deleting, deleted, error, unknownFutureValue. */
  status: z.string(),
  /** `securityGroup` (the only documented type besides unknownFutureValue). */
  containerType: z.string(),
  /** Object id of the security group in the partner's (the MSP's) tenant. */
  groupId: z.string(),
  /** Entra role definition (template) ids granted to that group. */
  roles: z.array(z.string()),
});
export type GdapAccessAssignment = z.infer<typeof GdapAccessAssignment>;

export const GdapRelationship = z.object({
  id: z.string(),
  displayName: z.string(),
  /** activating, active, approvalPending, approved, created, expired, expiring, terminated, ... */
  status: z.string(),
  customer: z.object({ tenantId: z.string(), displayName: z.string() }),
  roles: z.array(z.string()),
  duration: z.string().nullable(),
  activatedDateTime: z.string().nullable(),
  endDateTime: z.string().nullable(),
  /** ISO 8601; `PT0S`/`P0D` mean no auto-extension. */
  autoExtendDuration: z.string().nullable(),
  accessAssignments: z.object({
    status: ReadState,
    reason: z.string().optional(),
    items: z.array(GdapAccessAssignment),
  }),
});
export type GdapRelationship = z.infer<typeof GdapRelationship>;

export const GdapFactData = z.object({
  status: ReadState,
  reason: z.string().optional(),
  customers: z.array(z.object({ id: z.string(), tenantId: z.string(), displayName: z.string() })),
  relationships: z.array(GdapRelationship),
});
export type GdapFactData = z.infer<typeof GdapFactData>;

/**
 * One per Entra connection of the MSP's own tenant (role: msp), which alone reads GDAP; the fact says
 * `unavailable` when the read failed, so a connection read completely without it lost it.
 */
export const gdapRelationships = defineFactKind({
  name: "gdap-relationships",
  sources: ["entra"],
  schema: GdapFactData,
  presence: { every: "connection", tenantRoles: ["msp"] },
});

/** Statuses in which a relationship grants its roles (or is about to lapse while still granting them). */
export const grantingStatuses = new Set(["active", "expiring"]);

/** Whether `duration` (ISO 8601) is a real auto-extension (anything but zero). */
export function autoExtends(duration: string | null): boolean {
  return duration !== null && !/^P(T0S|0D|T0H|T0M)$/i.test(duration) && /[1-9]/.test(duration);
}

/** The GDAP facts of an inventory, each parsed; a fact that does not match the model is `unavailable`. */
export function gdapFacts(inventory: {
  facts: readonly Fact[];
}): Array<{ source: string; connection: string; evidence: Evidence[]; data: GdapFactData }> {
  return factsOf(inventory, gdapRelationships).map(({ fact, data }) => ({
    source: fact.source,
    connection: fact.connection,
    evidence: fact.evidence,
    data: data ?? {
      status: "unavailable",
      reason: "the GDAP fact does not match the model",
      customers: [],
      relationships: [],
    },
  }));
}

/** Evidence for one relationship: where the list was read, this relationship's id and its roles. */
export function relationshipEvidence(
  at: { source: string; connection: string; evidence: Evidence[] },
  r: GdapRelationship,
): Evidence[] {
  const list = at.evidence.find((e) => e.endpoint?.includes("delegatedAdminRelationships")) ?? at.evidence[0];
  return [
    {
      source: at.source,
      connection: at.connection,
      ...(list?.endpoint ? { endpoint: list.endpoint } : {}),
      objectId: r.id,
      field: "accessDetails.unifiedRoles",
      value: r.roles,
      note: `${r.displayName} with ${r.customer.displayName}: ${r.status}${r.endDateTime ? `, ends ${r.endDateTime}` : ""}`,
    },
  ];
}

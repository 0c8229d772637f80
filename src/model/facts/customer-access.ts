import { z } from "zod";
import { defineFactKind } from "./kind.js";

/**
 * Fact kind any identity provider may emit for a group whose members reach customers: the security groups
 * an MSP uses for GDAP / delegated admin, named in its own tenant's connection. `members` are account ids
 * of the same source and connection; a group not `read` leaves who is in it unknown.
 */
export const CustomerAccessGroup = z.object({
  group: z.string(),
  name: z.string().optional(),
  status: z.enum(["read", "not-found", "unavailable"]),
  reason: z.string().optional(),
  members: z.array(z.string()),
  /**
   * The customers and roles the group reaches, when it was found through GDAP access assignments (the
   * group holds a delegated admin role in each of these customers).
   */
  reaches: z.array(z.object({ customer: z.string(), roles: z.array(z.string()) })).optional(),
});
export type CustomerAccessGroup = z.infer<typeof CustomerAccessGroup>;

/** One per group a connection names in `customerAccessGroups` or finds in GDAP access assignments. */
export const customerAccessGroup = defineFactKind({
  name: "customer-access-group",
  sources: ["entra", "okta", "google-workspace"],
  schema: CustomerAccessGroup,
  presence: {
    every: "none",
    noneMeans: "the connection names no customerAccessGroups and no GDAP access assignment names a group",
  },
});

import {
  type CustomerAccessGroup,
  customerAccessGroupFact,
  type Evidence,
  type Fact,
} from "../model/index.js";

/**
 * The `customer-access-group` facts of the groups a connection names in `customerAccessGroups` (the MSP's
 * GDAP / delegated-admin groups), so that policies judge their members without knowing the provider.
 */
export function customerAccessGroupFacts(
  at: Pick<Evidence, "source" | "connection" | "endpoint">,
  groups: CustomerAccessGroup[],
): Fact[] {
  return groups.map((data) => ({
    kind: customerAccessGroupFact,
    id: `${at.connection}:${customerAccessGroupFact}:${data.group}`,
    source: at.source,
    connection: at.connection,
    data,
    evidence: [
      {
        ...at,
        objectId: data.group,
        note: `${data.reaches ? "GDAP access assignments" : "customerAccessGroups"}: ${data.status === "read" ? `${data.members.length} member(s)` : data.status}${
          data.reaches
            ? `; reaches ${data.reaches.map((r) => `${r.customer} (${r.roles.join(", ")})`).join("; ")}`
            : ""
        }`,
      },
    ],
  }));
}

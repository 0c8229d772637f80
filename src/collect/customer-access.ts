import { type CustomerAccessGroup, customerAccessGroup } from "../model/facts/customer-access.js";
import { factOf } from "../model/facts/kind.js";
import type { Evidence, Fact } from "../model/index.js";

/**
 * The `customer-access-group` facts of the groups a connection names in `customerAccessGroups` (the MSP's
 * GDAP / delegated-admin groups), so that policies judge their members without knowing the provider.
 */
export function customerAccessGroupFacts(
  at: Pick<Evidence, "source" | "connection" | "endpoint">,
  groups: CustomerAccessGroup[],
): Fact[] {
  return groups.map((data) =>
    factOf(
      customerAccessGroup,
      {
        id: `${at.connection}:${customerAccessGroup.name}:${data.group}`,
        source: at.source,
        connection: at.connection,
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
      },
      data,
    ),
  );
}

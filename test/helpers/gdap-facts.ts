import { type GdapFactData, type GdapRelationship, gdapRelationships } from "../../src/model/facts/gdap.js";
import type { TenantInventory } from "../../src/model/index.js";
import { inventory } from "./inventory.js";

/** GDAP facts for policy tests, in the model's shape (what the Entra provider emits from Graph's lists). */
export const role = {
  globalAdmin: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdmin: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  privilegedAuthAdmin: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  helpdeskAdmin: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  exchangeAdmin: "29232cdf-9323-42fd-ade2-1d097af3e4de",
};

export function relationship(name: string, fields: Partial<GdapRelationship> = {}): GdapRelationship {
  return {
    id: `rel-${name}`,
    displayName: name,
    status: "active",
    customer: { tenantId: `tenant-${name}`, displayName: `Customer ${name}` },
    roles: [role.helpdeskAdmin],
    duration: "P730D",
    activatedDateTime: "2026-01-01T00:00:00Z",
    endDateTime: "2028-01-01T00:00:00Z",
    autoExtendDuration: "PT0S",
    accessAssignments: {
      status: "read",
      items: [
        {
          id: `aa-${name}`,
          status: "active",
          containerType: "securityGroup",
          groupId: "g-helpdesk",
          roles: fields.roles ?? [role.helpdeskAdmin],
        },
      ],
    },
    ...fields,
  };
}

export function gdapInventory(
  data: Partial<GdapFactData> & Pick<GdapFactData, "relationships">,
  tenantRole: "msp" | "customer" = "msp",
): TenantInventory {
  return inventory({
    tenant: { role: tenantRole },
    facts: [
      {
        kind: gdapRelationships.name,
        id: `entra:${gdapRelationships.name}`,
        source: "entra",
        connection: "entra",
        data: { status: "read", customers: [], ...data },
        evidence: [
          {
            source: "entra",
            connection: "entra",
            endpoint: "GET /tenantRelationships/delegatedAdminCustomers",
          },
          {
            source: "entra",
            connection: "entra",
            endpoint: "GET /tenantRelationships/delegatedAdminRelationships",
          },
        ],
      },
    ],
  });
}

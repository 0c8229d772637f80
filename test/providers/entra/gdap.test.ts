import { afterEach, describe, expect, it } from "vitest";
import { gdapReadPermission } from "../../../providers/entra/gdap-emulator.js";
import { EntraSettings } from "../../../providers/entra/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { CustomerAccessGroup, customerAccessGroup } from "../../../src/model/facts/customer-access.js";
import { GdapFactData, gdapRelationships } from "../../../src/model/facts/gdap.js";
import { mspConnection, type Partner, startPartner } from "../../helpers/gdap.js";

/**
 * GDAP through the MSP's own Entra connection: the real Graph client and MSAL (client credentials of the
 * multi-tenant app) against the emulator's partner tenant.
 */
let partner: Partner | undefined;
afterEach(async () => {
  await partner?.emulator.close();
  partner = undefined;
});

async function collectMsp(p: Partner, role: "msp" | "customer" = "msp") {
  return collectConnection(
    { id: "msp", name: "The MSP", role },
    { id: "entra", type: "entra", settings: EntraSettings.parse(mspConnection(p)) },
    { quotas: new QuotaRegistry(false), env: p.env, sleep: async () => {} },
  );
}

const factOf = (c: Awaited<ReturnType<typeof collectMsp>>) => {
  const fact = c.inventory.facts.find((f) => f.kind === gdapRelationships.name);
  return fact ? GdapFactData.parse(fact.data) : undefined;
};
const groupsOf = (c: Awaited<ReturnType<typeof collectMsp>>) =>
  c.inventory.facts
    .filter((f) => f.kind === customerAccessGroup.name)
    .map((f) => ({ fact: f, group: CustomerAccessGroup.parse(f.data) }));

describe("Entra provider: GDAP in the MSP's own tenant", () => {
  it("reads customers, relationships with roles and access assignments; the expired customer is no customer", async () => {
    partner = await startPartner();
    const c = await collectMsp(partner);
    expect(c.coverage.status, JSON.stringify(c.coverage.gaps)).toBe("complete");
    const data = factOf(c)!;
    expect(data.status).toBe("read");
    // delegatedAdminCustomer exists only while an active relationship does.
    expect(data.customers.map((x) => x.displayName).sort()).toEqual(
      [partner.names.globalAdmin, partner.names.leastPrivileged, partner.names.unassigned].sort(),
    );
    const byCustomer = new Map(data.relationships.map((r) => [r.customer.displayName, r]));
    expect(byCustomer.get(partner.names.globalAdmin)).toMatchObject({
      status: "active",
      roles: ["62e90394-69f5-4237-9190-012177145e10"],
      autoExtendDuration: "P180D",
      accessAssignments: { status: "read", items: [{ groupId: partner.groups.admins, status: "active" }] },
    });
    expect(byCustomer.get(partner.names.expired)?.status).toBe("expired");
    expect(byCustomer.get(partner.names.unassigned)?.accessAssignments).toEqual({
      status: "read",
      items: [],
    });
    // Sent with the documented $top cap, as a client-credentials token of the MSP's own tenant.
    const gdapRequests = partner.emulator.requests.filter((r) => r.path.includes("/tenantRelationships/"));
    expect(gdapRequests.every((r) => r.query.$top === "300")).toBe(true);
    expect(
      partner.emulator.requests.some((r) => r.path === `/${partner!.msp.tenantId}/oauth2/v2.0/token`),
    ).toBe(true);
  });

  it("the groups holding GDAP roles become customer-access groups, with the customers and roles they reach", async () => {
    partner = await startPartner();
    const c = await collectMsp(partner);
    const groups = groupsOf(c);
    const helpdesk = groups.find((g) => g.group.group === partner!.groups.helpdesk)!;
    expect(helpdesk.group).toMatchObject({
      status: "read",
      name: "GDAP Helpdesk Agents",
      members: [partner.msp.users[0]!.id],
      // The expired relationship's assignment reaches nobody any more.
      reaches: [
        {
          customer: partner.names.leastPrivileged,
          roles: ["Helpdesk Administrator", "Directory Readers"],
        },
      ],
    });
    expect(helpdesk.fact.evidence[0]?.note).toContain(`reaches ${partner.names.leastPrivileged}`);
    expect(groups.find((g) => g.group.group === partner!.groups.admins)?.group.reaches).toEqual([
      { customer: partner.names.globalAdmin, roles: ["Global Administrator"] },
    ]);
  });

  it("pages the relationships by @odata.nextLink past 300", async () => {
    partner = await startPartner({
      edit: ({ msp, customers, names }) => {
        const [first] = msp.gdap!.relationships;
        for (let i = 0; i < 320; i++)
          msp.gdap!.relationships.push({
            ...first!,
            id: `extra-${i}`,
            displayName: `extra ${i}`,
            status: "terminated",
          });
        void customers;
        void names;
      },
    });
    const c = await collectMsp(partner);
    expect(factOf(c)?.relationships).toHaveLength(324);
    const pages = partner.emulator.requests.filter(
      (r) => r.path === "/v1.0/tenantRelationships/delegatedAdminRelationships",
    );
    expect(pages).toHaveLength(2);
  });

  it("without DelegatedAdminRelationship.Read.All: 403, the permission named, the fact unavailable, coverage partial", async () => {
    partner = await startPartner({
      mspPermissions: [
        "User.Read.All",
        "AuditLog.Read.All",
        "Policy.Read.All",
        "RoleManagement.Read.Directory",
        "GroupMember.Read.All",
        "Application.Read.All",
      ],
    });
    const c = await collectMsp(partner);
    expect(c.coverage.status).toBe("partial");
    const gap = c.coverage.gaps.find((g) => g.what === "GDAP relationships");
    expect(gap?.reason).toContain(gdapReadPermission);
    expect(factOf(c)).toMatchObject({ status: "unavailable", relationships: [] });
  });

  it("a GDAP group that answers 404 is a gap and unknown, never an empty group", async () => {
    partner = await startPartner({
      edit: ({ msp, groups }) => {
        msp.groups = msp.groups.filter((g) => g.id !== groups.admins);
      },
    });
    const c = await collectMsp(partner);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps.map((g) => g.what)).toContain(`members of GDAP group ${partner.groups.admins}`);
    expect(groupsOf(c).find((g) => g.group.group === partner!.groups.admins)?.group).toMatchObject({
      status: "unavailable",
      members: [],
    });
  });

  it("a customer tenant's connection reads no GDAP", async () => {
    partner = await startPartner();
    const c = await collectMsp(partner, "customer");
    expect(factOf(c)).toBeUndefined();
    expect(partner.emulator.requests.some((r) => r.path.includes("/tenantRelationships/"))).toBe(false);
  });
});

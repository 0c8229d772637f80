import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../../src/composition.js";
import { doctor } from "../../../src/doctor.js";
import { consentRows, consentTable } from "../../../src/onboarding/consent-table.js";
import { mspConnection, type Partner, startPartner } from "../../helpers/gdap.js";

/**
 * doctor's consent table: per tenant, whether the MSP's app is consented (the token endpoint issues a
 * token whose `roles` claim lists the consented application permissions; an app without a service
 * principal in the directory is refused with AADSTS700016), and which permissions are missing or excessive.
 */
let partner: Partner | undefined;
afterEach(async () => {
  await partner?.emulator.close();
  partner = undefined;
});

function config(p: Partner, customers: Array<[string, string]>) {
  const msp = mspConnection(p);
  const tenants = [
    { id: "msp", name: "The MSP", role: "msp", connections: [msp] },
    ...customers.map(([id, tenantId]) => ({ id, name: id, connections: [{ ...msp, tenantId }] })),
  ];
  return parseConfig(stringify({ version: 1, tenants })).config;
}

describe("consent table", () => {
  it("names per tenant the consent, and exactly the missing and excessive application permissions", async () => {
    partner = await startPartner({
      // Adventure Works never consented the app: its directory has no service principal for it.
      edit: (p) => {
        p.customers.expired.apps = [];
      },
    });
    const { customers } = partner;
    const reports = await doctor(
      config(partner, [
        ["northwind", customers.leastPrivileged.tenantId],
        ["fabrikam", customers.globalAdmin.tenantId],
        ["adventure", customers.expired.tenantId],
        ["contoso", customers.unassigned.tenantId],
      ]),
      { env: partner.env },
    );
    const rows = consentRows(reports);
    const row = (tenant: string) => rows.find((r) => r.tenant === tenant);
    expect(rows.map((r) => r.tenant)).toEqual(["msp", "northwind", "fabrikam", "adventure", "contoso"]);
    expect(row("msp")).toMatchObject({ consented: "yes", missing: [], excessive: [] });
    expect(row("msp")?.granted).toContain("DelegatedAdminRelationship.Read.All");
    // A customer needs no GDAP permission; with everything else granted, nothing is missing.
    expect(row("northwind")).toMatchObject({ consented: "yes", missing: [], excessive: [] });
    expect(row("northwind")?.granted).not.toContain("DelegatedAdminRelationship.Read.All");
    expect(row("fabrikam")).toMatchObject({
      consented: "yes",
      missing: [],
      excessive: ["User.ReadWrite.All"],
    });
    expect(row("contoso")).toMatchObject({ consented: "yes", missing: ["AuditLog.Read.All"], excessive: [] });
    expect(row("adventure")).toMatchObject({ consented: "no", granted: [], excessive: [] });
    expect(row("adventure")?.missing).toContain("User.Read.All");

    const text = consentTable(rows, { wide: true });
    expect(text).toMatch(/^fabrikam\s+entra\s+yes\s+-\s+User\.ReadWrite\.All\s/m);
    expect(text).toMatch(/^contoso\s+entra\s+yes\s+AuditLog\.Read\.All\s+-\s/m);
    expect(text).toMatch(/^adventure\s+entra\s+no\s+\S/m);
    expect(text).toContain("consented: 4 yes, 1 no, 0 unknown; 2 missing permissions, 1 with excessive ones");
  });

  it("a tenant whose sign-in fails for another reason is unknown, never consented", async () => {
    partner = await startPartner();
    const reports = await doctor(
      config(partner, [["northwind", partner.customers.leastPrivileged.tenantId]]),
      {
        env: { MSP_APP_SECRET: "wrong-secret" },
      },
    );
    const rows = consentRows(reports);
    expect(rows.map((r) => [r.tenant, r.consented])).toEqual([
      ["msp", "unknown"],
      ["northwind", "unknown"],
    ]);
  });
});

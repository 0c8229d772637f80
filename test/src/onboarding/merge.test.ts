import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { parseCustomersCsv } from "../../../src/onboarding/discover.js";
import { mergeTenants, tenantIdFrom } from "../../../src/onboarding/merge.js";

const config = `# The MSP's config. Keep this comment.
version: 1
failOn: high # inline comment stays too

tenants:
  # Our own tenant first.
  - id: msp
    name: The MSP
    role: msp
    connections:
      - type: entra
        tenantId: 11111111-1111-1111-1111-111111111111 # the MSP's directory
        auth: { method: client-secret, clientId: 22222222-2222-2222-2222-222222222222, secret: env:APP_SECRET }
  # A customer added by hand, before discovery.
  - id: northwind
    name: Northwind (hand-written)
    connections:
      - type: entra
        tenantId: 33333333-3333-3333-3333-333333333333
        auth: { method: client-secret, clientId: 22222222-2222-2222-2222-222222222222, secret: env:APP_SECRET }

# Exceptions at the end, with their comment.
exceptions: []
`;

const connection = (tenantId: string) => ({
  type: "entra",
  id: "entra",
  tenantId,
  auth: {
    method: "client-secret",
    clientId: "22222222-2222-2222-2222-222222222222",
    secret: "env:APP_SECRET",
  },
});

describe("mergeTenants (yaml Document API)", () => {
  it("appends new customers and keeps every comment, key order and existing entry as written", () => {
    const plan = mergeTenants(
      config,
      "mfasweep.yaml",
      [
        { name: "Northwind Traders", entraTenantId: "33333333-3333-3333-3333-333333333333" },
        { name: "Fabrikam Legal, LLP", entraTenantId: "44444444-4444-4444-4444-444444444444" },
      ],
      connection,
    );
    expect(plan.leftAlone).toEqual([{ id: "northwind", name: "Northwind (hand-written)" }]);
    expect(plan.added).toEqual([
      {
        id: "fabrikam-legal-llp",
        name: "Fabrikam Legal, LLP",
        entraTenantId: "44444444-4444-4444-4444-444444444444",
      },
    ]);
    // Everything before the new entry is byte for byte what the user wrote.
    const before = config.slice(0, config.indexOf("\n# Exceptions"));
    expect(plan.text.startsWith(before)).toBe(true);
    for (const comment of [
      "# The MSP's config. Keep this comment.",
      "# inline comment stays too",
      "# Our own tenant first.",
      "# the MSP's directory",
      "# A customer added by hand, before discovery.",
      "# Exceptions at the end, with their comment.",
    ])
      expect(plan.text).toContain(comment);
    expect(plan.text.indexOf("id: fabrikam-legal-llp")).toBeGreaterThan(plan.text.indexOf("id: northwind"));
    expect(plan.text.indexOf("id: fabrikam-legal-llp")).toBeLessThan(plan.text.indexOf("exceptions:"));
    expect(plan.text).toContain("tenantId: 44444444-4444-4444-4444-444444444444");
    expect(plan.text).toContain("secret: env:APP_SECRET");
  });

  it("merging the same customers again adds nothing (idempotent)", () => {
    const customers = [{ name: "Fabrikam Legal", entraTenantId: "44444444-4444-4444-4444-444444444444" }];
    const once = mergeTenants(config, "f.yaml", customers, connection);
    const twice = mergeTenants(once.text, "f.yaml", customers, connection);
    expect(twice.added).toEqual([]);
    expect(twice.text).toBe(once.text);
  });

  it("tenant ids are plain and unique", () => {
    const taken = new Set(["contoso"]);
    expect(tenantIdFrom("Contoso", taken)).toBe("contoso-2");
    expect(tenantIdFrom("Ünïcode GmbH & Co. KG", taken)).toBe("unicode-gmbh-co-kg");
    expect(tenantIdFrom("***", taken)).toBe("customer");
  });

  it("a config without tenants: is refused with a clear error", () => {
    expect(() => mergeTenants("version: 1\n", "f.yaml", [], connection)).toThrow(ConfigError);
  });
});

describe("customers from CSV", () => {
  it("reads name, entraTenantId or domain, id; quoted fields", () => {
    expect(
      parseCustomersCsv(
        'id,name,domain,Entra Tenant Id\nnw,"Northwind, Inc.",northwind.example,\n,Fabrikam,,44444444-4444-4444-4444-444444444444\n',
        "c.csv",
      ),
    ).toEqual([
      { id: "nw", name: "Northwind, Inc.", entraTenantId: "northwind.example" },
      { name: "Fabrikam", entraTenantId: "44444444-4444-4444-4444-444444444444" },
    ]);
  });

  it("a row without a directory is an error naming file and line", () => {
    expect(() => parseCustomersCsv("name,domain\nA,a.example\nB,\n", "c.csv")).toThrow("c.csv:3:");
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { armGateway, writeGatewayExport } from "../../../providers/azure-vpn/emulator.js";
import { azureVpn } from "../../../providers/azure-vpn/index.js";
import { caPolicy, seedTenant, seedUser, startEntraEmulator } from "../../../providers/entra/emulator.js";
import { entra as entraProvider } from "../../../providers/entra/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import { demoPortfolio } from "../../../src/demo/index.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { scan } from "../../../src/scan.js";

/**
 * The delegated Azure VPN case end to end: an ARM export (AAD + Certificate) and the tenant's Entra
 * (real Graph SDK against the emulator) → collect → link → evaluate. The AAD path takes, per user, what
 * Conditional Access gives the Azure VPN Client app; the certificate path bypasses Entra.
 */

const now = new Date("2026-11-24T12:00:00Z");
const audience = "c632b3df-fb67-4d84-bdcf-b95ad541b5c8";
const alice = seedUser("alice@fabrikam.example");
const bob = seedUser("bob@fabrikam.example");
const token = "eyJ0eXAiOiJKV1QifQ.fabrikam";
const tenant = seedTenant("fabrikam.example", token, {
  users: [alice, bob],
  enterpriseApps: [
    {
      id: "5a1b0c3d-0000-4000-8000-000000000001",
      appId: audience,
      displayName: "Azure VPN Client",
      servicePrincipalNames: [audience],
      appRoleAssignmentRequired: false,
      accountEnabled: true,
      assignedTo: [],
    },
  ],
  policies: [
    caPolicy("VPN requires MFA", {
      users: { includeUsers: ["All"], excludeUsers: [bob.id] },
      applications: { includeApplications: [audience] },
    }),
  ],
});

let entra: RunningEmulator;
let dir: string;
let gateways: string;
let caBundle: string;
beforeAll(async () => {
  entra = await startEntraEmulator({ tenants: [tenant] });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-azure-vpn-e2e-"));
  caBundle = join(dir, "ca.pem");
  await writeFile(caBundle, entra.certificate ?? "");
  gateways = await writeGatewayExport(dir, "gateways.json", [
    armGateway({
      name: "vgw-hub",
      tenantId: tenant.tenantId,
      authenticationTypes: ["AAD", "Certificate"],
      protocols: ["OpenVPN"],
      rootCertificates: ["P2SRoot"],
    }),
  ]);
});
afterAll(async () => {
  await entra.close();
  await rm(dir, { recursive: true, force: true });
});

function config(withEntra: boolean) {
  const connections: Array<Record<string, unknown>> = [{ type: "azure-vpn", exports: [gateways] }];
  if (withEntra)
    connections.unshift({
      type: "entra",
      tenantId: tenant.tenantId,
      endpoint: entra.url,
      caBundle,
      auth: { method: "access-token", token: "env:ENTRA_TOKEN" },
    });
  return parseConfig(
    stringify({ tenants: [{ id: "fabrikam", name: "Fabrikam", connections }] }),
    "t.yaml",
    now,
  ).config;
}

describe("Azure VPN Gateway point-to-site, end to end", () => {
  it("AAD: each Entra user gets Conditional Access's verdict for the Azure VPN Client app; the certificate path fails", async () => {
    const report = await scan(config(true), {
      env: { ENTRA_TOKEN: token },
      now,
      quotas: new QuotaRegistry(false),
    });
    expect(report.coverage.map((c) => [c.source, c.status])).toEqual([
      ["entra", "complete"],
      ["azure-vpn", "complete"],
    ]);
    const vpn = report.results.filter((r) => r.policy === "vpn-login-requires-mfa");
    const byName = new Map(vpn.map((r) => [r.subject.name.split(" @ ")[0], r]));
    expect(byName.get("alice@fabrikam.example")).toMatchObject({
      status: "pass",
      mfa: { state: "enforced" },
    });
    expect(byName.get("alice@fabrikam.example")!.mfa?.via?.some((v) => v.includes(audience))).toBe(true);
    expect(byName.get("bob@fabrikam.example")?.status).toBe("fail");
    const certificate = vpn.find((r) => r.subject.id.endsWith("/certificate"));
    expect(certificate).toMatchObject({ status: "fail", mfa: { state: "none" } });
    expect(
      certificate!.evidence.some((e) => e.file === gateways && e.field === "vpnAuthenticationTypes"),
    ).toBe(true);
  });

  it("without the tenant's Entra connection the AAD path is unknown with the reason, never enforced", async () => {
    const report = await scan(config(false), { env: {}, now, quotas: new QuotaRegistry(false) });
    const aad = report.results.find(
      (r) => r.policy === "vpn-login-requires-mfa" && r.subject.id.includes("/aad"),
    );
    expect(aad).toMatchObject({ status: "unknown", mfa: { state: "unknown" } });
    expect(aad!.message).toContain("no entra connection");
  });
});

describe("demo: Northwind's Azure VPN gateway with the Entra demo", () => {
  it("the AAD path resolves per user assigned to the Azure VPN Client app: the pilot-excluded user fails, the certificate path is none", async () => {
    const entraDemo = await entraProvider.demo!(demoPortfolio);
    const vpnDemo = await azureVpn.demo!(demoPortfolio);
    try {
      const connections = [...entraDemo.connections, ...vpnDemo.connections]
        .filter((c) => c.tenant === "northwind")
        .map((c) => c.connection);
      expect(connections.map((c) => c.type)).toEqual(["entra", "azure-vpn"]);
      const { config } = parseConfig(
        stringify({ tenants: [{ id: "northwind", name: "Northwind", connections }] }),
        "demo.yaml",
        now,
      );
      const report = await scan(config, { env: entraDemo.env, now, quotas: new QuotaRegistry(false) });
      const vpn = report.results.filter(
        (r) => r.policy === "vpn-login-requires-mfa" && r.subject.id.startsWith("azure-vpn:"),
      );
      expect(vpn.map((r) => [r.subject.name.split(" @ ")[0], r.status]).sort()).toEqual([
        ["a.fuller@northwind.example", "pass"],
        ["certificate (accounts the device cannot list)", "fail"],
        ["helpdesk@northwind.example", "pass"],
        ["it.admin@northwind.example", "pass"],
        ["n.davolio@northwind.example", "fail"],
      ]);
      const davolio = vpn.find((r) => r.subject.name.startsWith("n.davolio@"))!;
      expect(davolio.mfa?.via).toEqual([`entra:entra:app/${audience}`]);
      expect(davolio.message).toContain("MFA pilot exclusions");
      expect(vpn.find((r) => r.subject.id.endsWith("/certificate"))!.mfa?.state).toBe("none");
    } finally {
      await entraDemo.close();
      await vpnDemo.close();
    }
  });
});

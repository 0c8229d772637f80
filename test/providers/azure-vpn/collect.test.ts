import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tenantIdOf } from "../../../providers/azure-vpn/api.js";
import { parseGatewayExport } from "../../../providers/azure-vpn/client.js";
import { armGateway, azCliGateway, writeGatewayExport } from "../../../providers/azure-vpn/emulator.js";
import { azureVpn } from "../../../providers/azure-vpn/index.js";
import { AzureVpnSettings } from "../../../providers/azure-vpn/settings.js";
import { typicalValues, writeRegExport } from "../../../providers/nps-extension/emulator.js";
import { NpsExtensionSettings } from "../../../providers/nps-extension/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { ConfigError } from "../../../src/errors.js";
import { npsExtensionServing } from "../../../src/link/nps/index.js";
import { scanDemo } from "../../helpers/connection.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-test-azure-vpn-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(exports: string[]) {
  const settings = AzureVpnSettings.parse({ type: "azure-vpn", exports });
  return collectConnection(
    { id: "fabrikam-legal", name: "Fabrikam Legal" },
    { id: "azure-vpn", type: "azure-vpn", settings },
    { quotas: new QuotaRegistry(false) },
  );
}

const audience = "c632b3df-fb67-4d84-bdcf-b95ad541b5c8";

describe("Azure VPN Gateway provider (point-to-site)", () => {
  it("AAD → a path delegated (OIDC) to the audience app in Entra; Certificate → device certificate only, none", async () => {
    const file = await writeGatewayExport(dir, "gw.json", [
      armGateway({
        name: "vgw-hub",
        authenticationTypes: ["AAD", "Certificate"],
        rootCertificates: ["P2SRoot"],
      }),
    ]);
    const c = await collect([file]);
    expect(c.coverage.status).toBe("complete");
    expect(c.inventory.entryPoints.map((e) => [e.name, e.kind])).toEqual([
      ["Azure VPN Gateway vgw-hub (point-to-site)", "vpn"],
    ]);
    const [aad, cert] = c.inventory.accessPaths;
    expect(aad!.chain.delegation).toEqual({ protocol: "oidc", target: audience, targetSource: "entra" });
    expect(aad!.mfa.state).toBe("unknown");
    expect(aad!.mfa.reason).toContain("Conditional Access");
    expect(aad!.mfa.reason).toContain("Microsoft-registered");
    expect(cert!.chain.delegation).toBeUndefined();
    expect(cert!.mfa.state).toBe("none");
    expect(cert!.mfa.reason).toMatch(/^device certificate only; bypasses Entra/);
    expect(cert!.mfa.reason).toContain("P2SRoot");
    const types = aad!.mfa.evidence.find((e) => e.field === "vpnAuthenticationTypes")!;
    expect(types).toMatchObject({ file, value: ["AAD", "Certificate"] });
    expect(types.line).toBeGreaterThan(1);
    expect(c.inventory.facts[0]!.data).toMatchObject({
      aadAudience: audience,
      authenticationTypes: ["AAD", "Certificate"],
    });
  });

  it("Radius → delegated to each RADIUS server, unknown; the shared secrets never reach the inventory", async () => {
    const file = await writeGatewayExport(
      dir,
      "gw.json",
      [
        armGateway({
          name: "vgw",
          authenticationTypes: ["Radius"],
          radiusServers: ["10.1.0.4", "10.1.0.5"],
          audience: null,
        }),
      ],
      "array",
    );
    const c = await collect([file]);
    expect(c.inventory.accessPaths.map((p) => [p.chain.delegation, p.mfa.state])).toEqual([
      [{ protocol: "radius", target: "10.1.0.4" }, "unknown"],
      [{ protocol: "radius", target: "10.1.0.5" }, "unknown"],
    ]);
    expect(c.inventory.accessPaths[0]!.mfa.reason).toContain("MFA depends on the RADIUS server");
    expect(JSON.stringify(c)).not.toContain("not-a-real-shared-secret");
  });

  it("a RADIUS server that an NPS extension connection names in radiusAddresses is found by npsExtensionServing", async () => {
    const gw = await writeGatewayExport(dir, "gw.json", [
      armGateway({
        name: "vgw",
        authenticationTypes: ["Radius"],
        radiusServerAddress: "10.20.0.10",
        audience: null,
      }),
    ]);
    const reg = await writeRegExport(dir, "nps.reg", typicalValues());
    const vpn = await collect([gw]);
    const nps = await collectConnection(
      { id: "t", name: "T" },
      {
        id: "nps",
        type: "nps-extension",
        settings: NpsExtensionSettings.parse({
          type: "nps-extension",
          frontEnds: [
            {
              name: "vgw",
              frontEnd: "rras",
              npsServer: "nps01",
              registryExport: reg,
              radiusAddresses: ["10.20.0.10"],
            },
          ],
        }),
      },
      { quotas: new QuotaRegistry(false) },
    );
    const target = vpn.inventory.accessPaths[0]!.chain.delegation!.target;
    expect(target).toBe("10.20.0.10");
    expect(npsExtensionServing(nps.inventory.facts, target)).toHaveLength(1);
  });

  it("reads az CLI output (properties flattened) and a single ARM object the same way", async () => {
    const cli = join(dir, "cli.json");
    await writeFile(
      cli,
      JSON.stringify(azCliGateway({ name: "vgw-cli", authenticationTypes: ["Certificate"] })),
    );
    const single = await writeGatewayExport(
      dir,
      "one.json",
      [armGateway({ name: "vgw-arm", authenticationTypes: ["AAD"] })],
      "single",
    );
    const c = await collect([cli, single]);
    expect(c.inventory.accessPaths.map((p) => [p.id.split(":").pop(), p.mfa.state])).toEqual([
      ["rg-network-providers-microsoft.network-virtualnetworkgateways-vgw-cli/certificate", "none"],
      ["rg-network-providers-microsoft.network-virtualnetworkgateways-vgw-arm/aad", "unknown"],
    ]);
  });

  it("legacy audiences are named; a custom audience is still delegated to its app id", async () => {
    const file = await writeGatewayExport(dir, "gw.json", [
      armGateway({ name: "a", audience: "41b23e61-6c1e-4545-b367-cd054e0ed4b4" }),
      armGateway({ name: "b", audience: "0B2F0E4C-1111-4222-8333-944445555666" }),
    ]);
    const c = await collect([file]);
    expect(c.inventory.accessPaths[0]!.mfa.reason).toContain("manually registered, Azure Public");
    expect(c.inventory.accessPaths[1]!.chain.delegation?.target).toBe("0b2f0e4c-1111-4222-8333-944445555666");
    expect(c.inventory.accessPaths[1]!.mfa.reason).toContain("custom app registration");
  });

  it("no vpnAuthenticationTypes → unknown; AAD without an audience → unknown; no P2S or ExpressRoute → no entry point, noted", async () => {
    const file = await writeGatewayExport(dir, "gw.json", [
      armGateway({ name: "no-types", authenticationTypes: null }),
      armGateway({ name: "no-audience", authenticationTypes: ["AAD"], audience: null, protocols: ["IkeV2"] }),
      armGateway({ name: "s2s", noPointToSite: true }),
      armGateway({ name: "er", gatewayType: "ExpressRoute" }),
    ]);
    const c = await collect([file]);
    expect(c.inventory.entryPoints.map((e) => e.name)).toEqual([
      "Azure VPN Gateway no-types (point-to-site)",
      "Azure VPN Gateway no-audience (point-to-site)",
    ]);
    expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["unknown", "unknown"]);
    expect(c.inventory.accessPaths[0]!.mfa.reason).toContain("vpnAuthenticationTypes is not in the export");
    expect(c.inventory.accessPaths[1]!.mfa.reason).toContain("needs the OpenVPN protocol");
    expect(c.coverage.notes).toEqual([
      "s2s has no point-to-site configuration (vpnClientConfiguration)",
      "er has gatewayType ExpressRoute, not Vpn: no point-to-site VPN",
    ]);
  });

  it("invalid JSON fails the file with file:line:column; a record that is not a gateway is skipped with its line", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, '{\n  "value": [\n    { "name": "x", }\n  ]\n}\n');
    expect(() => parseGatewayExport('{\n  "value": [\n    { "name": "x", }\n  ]\n}\n', "bad.json")).toThrow(
      ConfigError,
    );
    const mixed = join(dir, "mixed.json");
    await writeFile(mixed, JSON.stringify({ value: [{ nope: 1 }, armGateway({ name: "ok" })] }, null, 2));
    const c = await collect([bad, mixed]);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]).toMatchObject({ what: bad, reason: expect.stringContaining(`${bad}:3:20`) });
    expect(c.coverage.gaps[1]!.what).toMatch(/mixed\.json:\d+$/);
    expect(c.coverage.counts.skipped).toBe(1);
    expect(c.inventory.entryPoints.map((e) => e.name)).toEqual([
      `Azure VPN gateways in ${bad}`,
      "Azure VPN Gateway ok (point-to-site)",
    ]);
  });

  it("tenantIdOf reads aadTenant and aadIssuer URLs", () => {
    expect(tenantIdOf("https://login.microsoftonline.com/0B2F0E4C-1111-4222-8333-944445555666/")).toBe(
      "0b2f0e4c-1111-4222-8333-944445555666",
    );
    expect(tenantIdOf("https://sts.windows.net/0b2f0e4c-1111-4222-8333-944445555666")).toBe(
      "0b2f0e4c-1111-4222-8333-944445555666",
    );
    expect(tenantIdOf("https://login.microsoftonline.com/common/")).toBeNull();
  });

  it("the export parser never throws anything but a ConfigError (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 200 })), (text) => {
        try {
          const out = parseGatewayExport(text, "f.json");
          for (const g of out.gateways) expect(typeof g.gateway.name).toBe("string");
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
        }
      }),
    );
  });

  it("demo: Fabrikam Legal's certificate path fails vpn-login-requires-mfa through the real pipeline", async () => {
    const report = await scanDemo(azureVpn);
    const cert = report.results.find(
      (r) => r.policy === "vpn-login-requires-mfa" && r.subject.id.endsWith("/certificate"),
    );
    expect(cert?.status).toBe("fail");
    expect(cert?.mfa?.state).toBe("none");
  });
});

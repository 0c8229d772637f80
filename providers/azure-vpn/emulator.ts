import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import { guid } from "../../src/emulator/guid.js";

/**
 * Azure VPN Gateway is read from ARM exports, so its "emulator" writes them: fixture builders for
 * `Microsoft.Network/virtualNetworkGateways` in the documented ARM shape (`properties.vpnClientConfiguration`)
 * or as az CLI prints it (flattened), for tests and the demo.
 */

export interface GatewaySeed {
  name: string;
  subscription?: string;
  resourceGroup?: string;
  tenantId?: string;
  authenticationTypes?: string[] | null;
  protocols?: string[];
  audience?: string | null;
  radiusServers?: string[];
  /** The older single-server field. */
  radiusServerAddress?: string;
  rootCertificates?: string[];
  gatewayType?: string;
  /** No vpnClientConfiguration at all (site-to-site only). */
  noPointToSite?: boolean;
}

/** One gateway as ARM returns it. RADIUS secrets are included, as in a real export, to prove they are dropped. */
export function armGateway(seed: GatewaySeed): Record<string, unknown> {
  const sub = seed.subscription ?? guid("subscription");
  const rg = seed.resourceGroup ?? "rg-network";
  const tenant = seed.tenantId ?? guid(`tenant:${seed.name}`);
  const config: Record<string, unknown> = {
    vpnClientAddressPool: { addressPrefixes: ["172.16.201.0/24"] },
    vpnClientProtocols: seed.protocols ?? ["OpenVPN", "IkeV2"],
    vpnClientRootCertificates: (seed.rootCertificates ?? []).map((name) => ({
      name,
      id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworkGateways/${seed.name}/vpnClientRootCertificates/${name}`,
      properties: { publicCertData: "MIIC5zCCAc+gAwIBAgIQ...", provisioningState: "Succeeded" },
    })),
    vpnClientRevokedCertificates: [],
    radiusServers: (seed.radiusServers ?? []).map((address, i) => ({
      radiusServerAddress: address,
      radiusServerScore: i + 1,
      radiusServerSecret: "not-a-real-shared-secret",
    })),
    vpnClientIpsecPolicies: [],
  };
  if (seed.authenticationTypes !== null) config.vpnAuthenticationTypes = seed.authenticationTypes ?? ["AAD"];
  if (seed.radiusServerAddress) {
    config.radiusServerAddress = seed.radiusServerAddress;
    config.radiusServerSecret = "not-a-real-shared-secret";
  }
  if (seed.audience !== null) {
    config.aadTenant = `https://login.microsoftonline.com/${tenant}/`;
    config.aadAudience = seed.audience ?? "c632b3df-fb67-4d84-bdcf-b95ad541b5c8";
    config.aadIssuer = `https://sts.windows.net/${tenant}/`;
  }
  return {
    name: seed.name,
    id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworkGateways/${seed.name}`,
    etag: `W/"${guid(`etag:${seed.name}`)}"`,
    type: "Microsoft.Network/virtualNetworkGateways",
    location: "westeurope",
    properties: {
      provisioningState: "Succeeded",
      gatewayType: seed.gatewayType ?? "Vpn",
      vpnType: "RouteBased",
      enableBgp: false,
      activeActive: false,
      sku: { name: "VpnGw1", tier: "VpnGw1" },
      ...(seed.noPointToSite ? {} : { vpnClientConfiguration: config }),
    },
  };
}

/** The same gateway as `az network vnet-gateway show -o json` prints it: properties flattened. */
export function azCliGateway(seed: GatewaySeed): Record<string, unknown> {
  const { properties, ...rest } = armGateway(seed) as { properties: Record<string, unknown> } & Record<
    string,
    unknown
  >;
  return { ...rest, ...properties, resourceGroup: seed.resourceGroup ?? "rg-network" };
}

export async function writeGatewayExport(
  dir: string,
  name: string,
  gateways: Array<Record<string, unknown>>,
  shape: "list" | "array" | "single" = "list",
): Promise<string> {
  const path = join(dir, name);
  const body = shape === "list" ? { value: gateways } : shape === "array" ? gateways : gateways[0];
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

/**
 * Northwind's gateway accepts Entra ID sign-ins (the Azure VPN Client app, which the Entra demo seeds with
 * Conditional Access) and, left over from the pilot, client certificates.
 */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-azure-vpn-"));
  const connections: ProviderDemo["connections"] = [];
  const northwind = portfolio.tenants.find((t) => t.id === "northwind");
  if (northwind) {
    const file = await writeGatewayExport(dir, "northwind-gateways.json", [
      armGateway({
        name: "vgw-northwind-hub",
        resourceGroup: "rg-northwind-network",
        // The Entra demo's tenant id for this domain (the same stable guid).
        tenantId: guid(`tenant:${northwind.domain}`),
        authenticationTypes: ["AAD", "Certificate"],
        protocols: ["OpenVPN"],
        rootCertificates: ["NorthwindP2SRoot"],
      }),
    ]);
    connections.push({
      tenant: northwind.id,
      connection: { type: "azure-vpn", id: "azure-vpn", exports: [file] },
    });
  }
  return { env: {}, connections, close: () => rm(dir, { recursive: true, force: true }) };
}

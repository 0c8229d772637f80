import { z } from "zod";

/**
 * The boundary: `Microsoft.Network/virtualNetworkGateways` as ARM returns it (`GET
 * .../virtualNetworkGateways/{name}` or the list's `{ value: [...] }`), or as `az network vnet-gateway
 * show|list -o json` prints it (the same fields with `properties` flattened into the object).
 *
 * Point-to-site settings live in `vpnClientConfiguration`: `vpnAuthenticationTypes` (`AAD`, `Certificate`,
 * `Radius`), `vpnClientProtocols` (Entra ID needs `OpenVPN`), `aadTenant`, `aadAudience`, `aadIssuer`,
 * `radiusServerAddress` / `radiusServers[].radiusServerAddress`, `vpnClientRootCertificates`.
 * `radiusServerSecret` values are shared secrets: these schemas are plain `z.object`s, so every field not
 * declared here (the secrets among them) is dropped at the boundary and never reaches the inventory.
 */

/** Audience app ids of the Azure VPN Client (reference/remote-access-and-ticketing.md §2.4; Microsoft Learn). */
export const azureVpnAudiences: Record<string, string> = {
  "c632b3df-fb67-4d84-bdcf-b95ad541b5c8": "Azure VPN Client (Microsoft-registered)",
  "41b23e61-6c1e-4545-b367-cd054e0ed4b4": "Azure VPN (manually registered, Azure Public)",
  "51bb15d4-3a4f-4ebf-9dca-40096fe32426": "Azure VPN (manually registered, Azure Government)",
  "538ee9e6-310a-468d-afef-ea97365856a9": "Azure VPN (manually registered, Azure Germany)",
  "49f817b6-84ae-4cc0-928c-73f27289b3aa": "Azure VPN (manually registered, Azure operated by 21Vianet)",
};

const strings = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? null);

const certificate = z.object({
  name: z.string().nullish(),
  id: z.string().nullish(),
});

export const VpnClientConfiguration = z.object({
  vpnClientProtocols: strings,
  vpnAuthenticationTypes: strings,
  aadTenant: z.string().nullish(),
  aadAudience: z.string().nullish(),
  aadIssuer: z.string().nullish(),
  radiusServerAddress: z.string().nullish(),
  radiusServers: z
    .array(z.object({ radiusServerAddress: z.string(), radiusServerScore: z.number().nullish() }))
    .nullish(),
  vpnClientRootCertificates: z.array(certificate).nullish(),
  vpnClientRevokedCertificates: z.array(certificate).nullish(),
  vpnClientAddressPool: z.object({ addressPrefixes: strings }).nullish(),
});
export type VpnClientConfiguration = z.infer<typeof VpnClientConfiguration>;

const gatewayProperties = {
  gatewayType: z.string().nullish(),
  vpnType: z.string().nullish(),
  provisioningState: z.string().nullish(),
  vpnClientConfiguration: VpnClientConfiguration.nullish(),
};

export const VirtualNetworkGateway = z.object({
  id: z.string().nullish(),
  name: z.string().min(1),
  type: z.string().nullish(),
  location: z.string().nullish(),
  resourceGroup: z.string().nullish(),
  properties: z.object(gatewayProperties).nullish(),
  // az CLI output: the properties, flattened.
  ...gatewayProperties,
});
export type VirtualNetworkGateway = z.infer<typeof VirtualNetworkGateway>;

/** Which fields of a gateway hold its settings: ARM keeps them under `properties`, az CLI flattens them. */
export function gatewaySettings(g: VirtualNetworkGateway): {
  base: "properties" | null;
  gatewayType: string | null;
  vpnClientConfiguration: VpnClientConfiguration | null;
} {
  if (g.properties)
    return {
      base: "properties",
      gatewayType: g.properties.gatewayType ?? null,
      vpnClientConfiguration: g.properties.vpnClientConfiguration ?? null,
    };
  return {
    base: null,
    gatewayType: g.gatewayType ?? null,
    vpnClientConfiguration: g.vpnClientConfiguration ?? null,
  };
}

/** The tenant GUID in `aadTenant` (`https://login.microsoftonline.com/<tenant>/`) or `aadIssuer` (`https://sts.windows.net/<tenant>/`). */
export function tenantIdOf(url: string | null | undefined): string | null {
  const m = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(url?.trim() ?? "");
  return m ? m[1]!.toLowerCase() : null;
}

export const gatewayFactKind = "azure-vpn.gateway";

/** What the provider records per gateway with point-to-site, for linkers (tenant and audience to resolve). */
export interface GatewayFact {
  entryPoint: string;
  gateway: string;
  resourceId: string | null;
  authenticationTypes: string[] | null;
  protocols: string[] | null;
  aadTenantId: string | null;
  aadAudience: string | null;
  audienceApp: string | null;
  radiusServers: string[];
  rootCertificates: string[];
  file: string;
}

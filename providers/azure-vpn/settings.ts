import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";

/**
 * An Azure VPN Gateway connection: ARM JSON exports of the tenant's virtual network gateways. Config-only:
 * an export is enough (`az network vnet-gateway list -g <rg> -o json`, or the ARM GET), nothing is
 * contacted.
 */
export const AzureVpnSettings = connectionBase.extend({
  type: z.literal("azure-vpn"),
  exports: z
    .array(FilePath)
    .min(1)
    .describe(
      "Files holding a gateway, a JSON array of gateways, or an ARM list ({ value: [...] }) of Microsoft.Network/virtualNetworkGateways.",
    ),
});
export type AzureVpnSettings = z.infer<typeof AzureVpnSettings>;

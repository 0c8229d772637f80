import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { mergeInto } from "../../src/collect/vpn.js";
import { describeError } from "../../src/errors.js";
import { emptyInventory, type ProviderInventory } from "../../src/model/index.js";
import { readGatewayExport } from "./client.js";
import { AzureVpnSettings } from "./settings.js";
import { gatewayInventory, source, unreadExportInventory } from "./transform.js";

type Ctx = CollectContext<AzureVpnSettings>;

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const inventory = emptyInventory();
  const seen = new Set<string>();
  for (const [i, file] of ctx.settings.exports.entries()) {
    ctx.progress("exports", i, ctx.settings.exports.length);
    try {
      const read = await readGatewayExport(file);
      for (const s of read.skipped) ctx.skip(`${file}:${s.line}`, s.reason);
      let p2s = 0;
      for (const gateway of read.gateways) {
        const { inventory: part, skipped } = gatewayInventory(gateway, ctx.connectionId);
        if (skipped) {
          ctx.note(skipped);
          continue;
        }
        const id = part.entryPoints[0]!.id;
        if (seen.has(id)) {
          ctx.skip(
            `${file}:${gateway.lineOf([]) ?? 1}`,
            `gateway ${gateway.gateway.name} appears twice; the first one counts`,
          );
          continue;
        }
        seen.add(id);
        p2s++;
        mergeInto(inventory, part);
      }
      if (read.gateways.length > 0 && p2s === 0) ctx.note(`${file}: no gateway has point-to-site configured`);
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(file, reason);
      mergeInto(inventory, unreadExportInventory(ctx.connectionId, file, reason));
    }
  }
  return inventory;
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const file of ctx.settings.exports) {
    try {
      const read = await readGatewayExport(file);
      checks.push({
        check: `read ${file}`,
        ok: read.skipped.length === 0 && read.gateways.length > 0,
        detail:
          read.skipped.length > 0
            ? read.skipped.map((s) => `${file}:${s.line}: ${s.reason}`).join("; ")
            : `${read.gateways.length} gateway(s)`,
      });
    } catch (err) {
      checks.push({ check: `read ${file}`, ok: false, detail: describeError(err) });
    }
  }
  return checks;
}

export const azureVpn = defineProvider<AzureVpnSettings>({
  type: source,
  title: "Azure VPN Gateway (point-to-site)",
  connectionSchema: AzureVpnSettings,
  permissions: [
    "No credentials in mfasweep: config-only. Export the gateways with a read-only Azure role (Reader, or Microsoft.Network/virtualNetworkGateways/read): `az network vnet-gateway list -g <resource group> -o json > gateways.json`, or the ARM GET of Microsoft.Network/virtualNetworkGateways.",
    "RADIUS shared secrets in the export are dropped by the parser and never stored.",
    "Per-user verdicts for Entra ID (AAD) sign-ins come from the tenant's Entra connection (Conditional Access policies targeting the Azure VPN audience app, per-user MFA).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError } from "../../src/errors.js";
import type { ProviderInventory } from "../../src/model/index.js";
import { apiLabel } from "./api.js";
import { PanOsClient, readExport } from "./client.js";
import { GlobalProtectSettings } from "./settings.js";
import { firewallInventory, type MappingContext, source } from "./transform.js";

type Ctx = CollectContext<GlobalProtectSettings>;

function mapping(ctx: Ctx, where: MappingContext["where"], name: string): MappingContext {
  const s = ctx.settings;
  const target =
    s.samlSpEntityId ?? (s.portalAddress ? `https://${s.portalAddress}:443/SAML20/SP` : undefined);
  return {
    connection: ctx.connectionId,
    name: s.name ?? name,
    where,
    ...(target ? { samlTarget: target } : {}),
    npsServers: new Set(s.radiusMfa.map((r) => r.server)),
  };
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const { configFile } = ctx.settings;
  if (configFile) {
    ctx.progress("configuration export");
    const config = await readExport(configFile);
    return firewallInventory(
      mapping(ctx, { file: configFile }, `PAN-OS ${configFile.split("/").pop()}`),
      config,
    );
  }
  const client = await PanOsClient.connect(ctx);
  try {
    ctx.progress("running configuration");
    const config = await client.showConfig();
    return firewallInventory(mapping(ctx, { endpoint: apiLabel }, `PAN-OS ${client.baseUrl.host}`), config);
  } finally {
    await client.close();
  }
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const check = ctx.settings.configFile ? `read ${ctx.settings.configFile}` : apiLabel;
  try {
    if (ctx.settings.configFile) await readExport(ctx.settings.configFile);
    else {
      const client = await PanOsClient.connect(ctx);
      try {
        await client.showConfig();
      } finally {
        await client.close();
      }
    }
    return [{ check, ok: true, detail: "configuration readable" }];
  } catch (err) {
    return [{ check, ok: false, detail: describeError(err) }];
  }
}

export const globalprotect = defineProvider<GlobalProtectSettings>({
  type: source,
  title: "Palo Alto Networks GlobalProtect (PAN-OS)",
  connectionSchema: GlobalProtectSettings,
  permissions: [
    "API mode: an administrator with a custom Admin Role whose XML API access allows only Configuration (read) and no web-interface write; generate its key with type=keygen and store it as auth.key (sent in the X-PAN-KEY header).",
    "Export mode: a named configuration export (running-config.xml), no device access.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { mergeInto } from "../../src/collect/vpn.js";
import { describeError, ProviderResponseError } from "../../src/errors.js";
import { emptyInventory, type ProviderInventory } from "../../src/model/index.js";
import { type FmcConnectionProfile, FmcExport, FmcConnectionProfile as ProfileSchema } from "./api.js";
import { readConfigFile } from "./client.js";
import { parseRunningConfig } from "./running-config.js";
import { CiscoAsaSettings } from "./settings.js";
import {
  asaInventory,
  ftdInventory,
  type MappingContext,
  readAsaConfig,
  source,
  unreadFtdProfile,
} from "./transform.js";

type Ctx = CollectContext<CiscoAsaSettings>;

/** A connection profile in the export that did not match its schema: its name when it has one, and why. */
export interface UnreadProfile {
  name: string;
  reason: string;
}

/**
 * FMC profiles from an export, each validated on its own: a bad one is skipped and counted, and listed in
 * `unread` so that it stays an entry point (a VPN way in) of unknown state rather than vanishing.
 */
export function parseFtdExport(
  ctx: Pick<Ctx, "skip">,
  file: string,
  text: string,
): { profiles: FmcConnectionProfile[]; unread: UnreadProfile[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProviderResponseError(`${file}: not JSON (${(err as Error).message})`);
  }
  const parsed = FmcExport.safeParse(json);
  if (!parsed.success)
    throw new ProviderResponseError(`${file}: expected { items: [...] } or an array of connection profiles`);
  const items = Array.isArray(parsed.data) ? parsed.data : (parsed.data.items ?? []);
  const unread: UnreadProfile[] = [];
  const profiles = items.flatMap((raw, i) => {
    const p = ProfileSchema.safeParse(raw);
    if (p.success) return [p.data];
    const reason = `${file}: ${p.error.issues[0]?.message} at ${p.error.issues[0]?.path.join(".")}`;
    ctx.skip(`connection profile ${i + 1}`, reason);
    const name = (raw as { name?: unknown } | null)?.name;
    unread.push({ name: typeof name === "string" && name ? name : `#${i + 1}`, reason });
    return [];
  });
  return { profiles, unread };
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const { runningConfig, ftdConnectionProfiles } = ctx.settings;
  const mapping: MappingContext = {
    connection: ctx.connectionId,
    name:
      ctx.settings.name ??
      `Cisco ${runningConfig ? "ASA" : "FTD"} ${(runningConfig ?? ftdConnectionProfiles ?? "").split("/").pop()}`,
    ...(runningConfig ? { file: runningConfig } : {}),
    ...(ftdConnectionProfiles ? { ftdFile: ftdConnectionProfiles } : {}),
    npsServers: new Set(ctx.settings.radiusMfa.map((r) => r.server)),
  };
  const inventory = emptyInventory();
  if (runningConfig) {
    ctx.progress("running-config");
    const parsed = parseRunningConfig(await readConfigFile(runningConfig, "running-config"));
    if (!parsed.ok) throw new ProviderResponseError(`${runningConfig}:${parsed.line}: ${parsed.error}`);
    for (const w of parsed.warnings.slice(0, 5)) ctx.note(`${runningConfig}: ${w}`);
    mergeInto(inventory, asaInventory(mapping, readAsaConfig(parsed.commands)));
  }
  if (ftdConnectionProfiles) {
    ctx.progress("FTD connection profiles");
    const text = await readConfigFile(ftdConnectionProfiles, "FMC connection-profile export");
    const { profiles, unread } = parseFtdExport(ctx, ftdConnectionProfiles, text);
    mergeInto(inventory, ftdInventory(mapping, profiles));
    for (const u of unread) mergeInto(inventory, unreadFtdProfile(mapping, u.name, u.reason));
  }
  return inventory;
}

async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const [file, what] of [
    [ctx.settings.runningConfig, "running-config"],
    [ctx.settings.ftdConnectionProfiles, "FMC connection-profile export"],
  ] as const) {
    if (!file) continue;
    try {
      await readConfigFile(file, what);
      checks.push({ check: `read ${file}`, ok: true, detail: `${what} readable` });
    } catch (err) {
      checks.push({ check: `read ${file}`, ok: false, detail: describeError(err) });
    }
  }
  return checks;
}

export const ciscoAsa = defineProvider<CiscoAsaSettings>({
  type: source,
  title: "Cisco ASA / FTD (configuration files)",
  connectionSchema: CiscoAsaSettings,
  permissions: [
    "No device access: export `show running-config` from the ASA (a read-only privilege level suffices; `more system:running-config` shows unmasked keys, which mfasweep does not need) into runningConfig.",
    "FTD managed by FMC: save the body of GET /api/fmc_config/v1/domain/{domainUUID}/policy/ravpns/{ravpnId}/connectionprofiles?expanded=true (an FMC user with read-only access) into ftdConnectionProfiles.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

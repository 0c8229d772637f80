import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import {
  describeError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderResponseError,
} from "../../src/errors.js";
import type { Evidence, ProviderInventory } from "../../src/model/index.js";
import { type TableId, tables } from "./api.js";
import { type FortiObject, parseFortiConfig } from "./cli.js";
import { FortiGateClient, labelOf, readBackup } from "./client.js";
import { FortiGateSettings } from "./settings.js";
import { deviceInventory, type FortiDevice, type FortiVdom, fieldValue, source } from "./transform.js";

type Ctx = CollectContext<FortiGateSettings>;

const vdomTables = (Object.keys(tables) as TableId[]).filter((t) => !tables[t].global);

/** The device as the configuration backup describes it: VDOM blocks if there are any, else one root VDOM. */
export function deviceFromBackup(root: FortiObject): Omit<FortiDevice, "origin"> {
  const pick = (owner: FortiObject): FortiVdom["tables"] =>
    Object.fromEntries(
      vdomTables.filter((t) => owner.tables[tables[t].cli]).map((t) => [t, owner.tables[tables[t].cli]!]),
    );
  const vdomEntries = (root.tables.vdom ?? []).filter((e) => e.key !== "");
  const global = root.tables.global?.[0] ?? root;
  const unread: Record<string, string> = {};
  let vdoms: FortiVdom[];
  if (vdomEntries.length) {
    // `config vdom` appears twice in a multi-VDOM backup (declared, then configured): merge by name.
    const byName = new Map<string, FortiVdom>();
    for (const entry of vdomEntries) {
      const prior = byName.get(entry.key);
      byName.set(entry.key, { name: entry.key, tables: { ...prior?.tables, ...pick(entry) } });
    }
    vdoms = [...byName.values()];
  } else vdoms = [{ name: "root", tables: pick(root) }];
  const adminTable = global.tables[tables.systemAdmin.cli];
  // A backup without a table simply has none configured; only admins are always present on a device.
  if (!adminTable) unread["global/systemAdmin"] = "no 'config system admin' block in the backup";
  return { vdoms, admins: adminTable, unread };
}

async function collectBackup(ctx: Ctx, file: string): Promise<ProviderInventory> {
  ctx.progress("configuration backup");
  const text = await readBackup(file);
  const parsed = parseFortiConfig(text);
  if (!parsed.ok) throw new ProviderResponseError(`${file}:${parsed.line}: ${parsed.error}`);
  if (parsed.truncated) ctx.gap("configuration backup", `${file}: ${parsed.warnings.at(-1) ?? "truncated"}`);
  for (const w of parsed.warnings.slice(0, 5))
    if (!parsed.truncated || w !== parsed.warnings.at(-1)) ctx.note(`${file}: ${w}`);
  const device: FortiDevice = { ...deviceFromBackup(parsed.root), origin: "backup" };
  const evidence = (
    table: TableId,
    _vdom: string,
    object: FortiObject | undefined,
    field?: string,
    note?: string,
  ): Evidence => {
    const line = (field ? object?.fields[field]?.line : undefined) ?? object?.line;
    return {
      source,
      connection: ctx.connectionId,
      file,
      ...(line ? { line } : {}),
      ...(object ? { objectId: `${tables[table].cli} ${object.key}`.trim() } : {}),
      ...(field ? { field, value: fieldValue(object, field) } : {}),
      ...(note ? { note } : {}),
    };
  };
  return deviceInventory(
    {
      connection: ctx.connectionId,
      name: ctx.settings.name ?? `FortiGate ${file.split("/").pop()}`,
      evidence,
      npsServers: new Set(ctx.settings.radiusMfa.map((r) => r.server)),
    },
    device,
  );
}

async function collectApi(ctx: Ctx): Promise<ProviderInventory> {
  const token = (await ctx.secret(ctx.settings.auth!.token)).reveal();
  const client = new FortiGateClient(ctx, token);
  try {
    const unread: Record<string, string> = {};
    const read = async (table: TableId, vdom?: string): Promise<FortiObject[] | undefined> => {
      try {
        return await client.table(table, vdom);
      } catch (err) {
        // Refused credentials mean nothing can be read: the whole connection fails.
        if (err instanceof ProviderAuthError) throw err;
        const reason = describeError(err);
        ctx.gap(labelOf(table, vdom), reason);
        unread[`${vdom ?? "global"}/${table}`] = reason;
        return undefined;
      }
    };
    ctx.progress("administrators");
    const admins = await read("systemAdmin");
    const vdoms: FortiVdom[] = [];
    for (const vdom of ctx.settings.vdoms) {
      ctx.progress(`vdom ${vdom}`);
      const entries = await Promise.all(vdomTables.map(async (t) => [t, await read(t, vdom)] as const));
      vdoms.push({
        name: vdom,
        tables: Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as FortiVdom["tables"],
      });
    }
    const device: FortiDevice = { vdoms, admins, unread, origin: "api" };
    const evidence = (
      table: TableId,
      vdom: string,
      object: FortiObject | undefined,
      field?: string,
      note?: string,
    ): Evidence => ({
      source,
      connection: ctx.connectionId,
      endpoint: labelOf(table, tables[table].global ? undefined : vdom),
      ...(object ? { objectId: object.key } : {}),
      ...(field ? { field, value: fieldValue(object, field) } : {}),
      ...(note ? { note } : {}),
    });
    return deviceInventory(
      {
        connection: ctx.connectionId,
        name: ctx.settings.name ?? `FortiGate ${ctx.settings.host ?? new URL(client.baseUrl).host}`,
        evidence,
        npsServers: new Set(ctx.settings.radiusMfa.map((r) => r.server)),
      },
      device,
    );
  } finally {
    await client.close();
  }
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  return ctx.settings.backupFile ? collectBackup(ctx, ctx.settings.backupFile) : collectApi(ctx);
}

/** API mode: reads each table once and names the admin-profile permission a 403 means is missing. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  if (ctx.settings.backupFile) {
    try {
      const parsed = parseFortiConfig(await readBackup(ctx.settings.backupFile));
      return [
        {
          check: `read ${ctx.settings.backupFile}`,
          ok: parsed.ok,
          detail: parsed.ok ? "parsed" : `line ${parsed.line}: ${parsed.error}`,
        },
      ];
    } catch (err) {
      return [{ check: `read ${ctx.settings.backupFile}`, ok: false, detail: describeError(err) }];
    }
  }
  const client = new FortiGateClient(ctx, (await ctx.secret(ctx.settings.auth!.token)).reveal());
  const checks: DoctorCheck[] = [];
  try {
    const probes: Array<[TableId, string | undefined]> = [
      ["systemAdmin", undefined],
      ...ctx.settings.vdoms.flatMap((v) => vdomTables.map((t): [TableId, string] => [t, v])),
    ];
    for (const [table, vdom] of probes) {
      try {
        await client.table(table, vdom);
        checks.push({ check: labelOf(table, vdom), ok: true, detail: "readable" });
      } catch (err) {
        const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
        checks.push({
          check: labelOf(table, vdom),
          ok: false,
          ...(missing ? { missing } : {}),
          detail: describeError(err),
        });
        if (err instanceof ProviderAuthError) break;
      }
    }
  } finally {
    await client.close();
  }
  return checks;
}

export const fortigate = defineProvider<FortiGateSettings>({
  type: source,
  title: "Fortinet FortiGate",
  connectionSchema: FortiGateSettings,
  permissions: [
    "API mode: a REST API administrator (System > Administrators > REST API Admin) with trusted hosts set and a read-only admin profile: User & Device read, VPN read, Firewall read, System read. Its token goes in auth.token.",
    "Backup mode: a configuration backup file (`show full-configuration` preferred), no access to the device.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

import { readFile, writeFile } from "node:fs/promises";
import { isMap, isSeq, type YAMLMap } from "yaml";
import { gdapDiscovery } from "../../providers/entra/gdap.js";
import { collectConnection } from "../collect/index.js";
import { QuotaRegistry } from "../collect/quota.js";
import { loadConfig } from "../composition.js";
import { ConfigError, ProviderUnavailableError } from "../errors.js";
import { type GdapFactData, gdapFacts, grantingStatuses } from "../model/facts/gdap.js";
import type { Coverage } from "../model/index.js";
import { unifiedDiff } from "../util/line-diff.js";
import {
  type DiscoveredTenant,
  entraTenantIds,
  type MergePlan,
  mergeTenants,
  parseForEdit,
} from "./merge.js";

export interface DiscoveryResult extends MergePlan {
  /** Tenants of the config whose customer's GDAP relationships all ended (expired, terminated). */
  gone: Array<{ id: string; name: string; reason: string }>;
  /** Whether the file was written (not with dry-run, nor when nothing was added). */
  written: boolean;
  /** The change to the config file as a unified diff; empty when nothing changes. */
  diff: string;
}

/**
 * The connection a discovered customer gets: the MSP's own Entra connection (its multi-tenant app, cloud,
 * endpoint, CA bundle, auth references) pointed at the customer's directory. What is about the MSP's own
 * tenant (its customer-access groups, break-glass accounts) stays there.
 */
export async function mspConnectionTemplate(file: string): Promise<{
  tenant: string;
  connectionId: string;
  template: (tenantId: string) => Record<string, unknown>;
}> {
  const found = await mspConnectionInFile(file, (c) => c.get("type") === "entra");
  if (!found)
    throw new ConfigError(
      `${file}: no tenant with role: msp and an Entra connection (the MSP's own tenant, whose app reaches the customers)`,
    );
  const { id, tenantId: _, customerAccessGroups: __, breakGlassAccounts: ___, ...shared } = found.connection;
  return {
    tenant: found.tenant,
    connectionId: typeof id === "string" ? id : "entra",
    template: (tenantId) => ({ type: "entra", id: "entra", ...shared, tenantId }),
  };
}

/** The first connection of the MSP's tenant (role: msp) that `accept` takes, as written in the file. */
export async function mspConnectionInFile(
  file: string,
  accept: (connection: YAMLMap) => boolean,
): Promise<{ tenant: string; connection: Record<string, unknown> } | undefined> {
  const doc = parseForEdit(await readConfigText(file), file);
  const tenants = doc.get("tenants");
  for (const t of isSeq(tenants) ? tenants.items : []) {
    if (!isMap(t) || t.get("role") !== "msp") continue;
    const connections = t.get("connections");
    for (const c of isSeq(connections) ? connections.items : [])
      if (isMap(c) && accept(c))
        return { tenant: String(t.get("id")), connection: c.toJSON() as Record<string, unknown> };
  }
  return undefined;
}

/** Why a collection was not complete, for an error that says nothing changed. */
export function incompleteReason(coverage: Coverage): string {
  return [coverage.reason, ...coverage.gaps.map((g) => `${g.what}: ${g.reason}`)].filter(Boolean).join("; ");
}

export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

/**
 * Reads the MSP's GDAP relationships through its own Entra connection. Refuses a partial read: a customer
 * missing from half a list is not a customer whose relationship ended.
 */
export async function readGdapCustomers(
  file: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<GdapFactData> {
  const { config } = await loadConfig(file);
  const msp = config.tenants.find((t) => t.role === "msp" && t.connections.some((c) => c.type === "entra"));
  const connection = msp?.connections.find((c) => c.type === "entra");
  if (!msp || !connection) throw new ConfigError(`${file}: no tenant with role: msp and an Entra connection`);
  const collection = await collectConnection({ id: msp.id, name: msp.name, role: "msp" }, connection, {
    quotas: new QuotaRegistry(true),
    provider: gdapDiscovery,
    ...(options.env ? { env: options.env } : {}),
  });
  const [gdap] = gdapFacts(collection.inventory);
  if (collection.coverage.status !== "complete" || gdap?.data.status !== "read") {
    const why = incompleteReason(collection.coverage);
    throw new ProviderUnavailableError(
      `tenant '${msp.id}', connection '${connection.id}': GDAP relationships not read completely (${why || "no GDAP data"}); nothing changed`,
    );
  }
  return gdap.data;
}

/** Customers with a granting relationship, and the Entra ids of those whose every relationship ended. */
export function gdapCustomers(data: GdapFactData): {
  active: DiscoveredTenant[];
  ended: Map<string, string>;
} {
  const active = new Map<string, DiscoveredTenant>();
  const seen = new Map<string, string[]>();
  for (const r of data.relationships) {
    const id = r.customer.tenantId.toLowerCase();
    seen.set(id, [...(seen.get(id) ?? []), `${r.displayName} ${r.status}`]);
    if (grantingStatuses.has(r.status))
      active.set(id, { name: r.customer.displayName, entraTenantId: r.customer.tenantId });
  }
  const ended = new Map([...seen].filter(([id]) => !active.has(id)).map(([id, rs]) => [id, rs.join(", ")]));
  return { active: [...active.values()], ended };
}

/**
 * Writes the merged config only when something changed (the file keeps its mode: secrets nearby) and
 * says what changed as a diff of the file.
 */
export async function save(
  file: string,
  before: string,
  plan: MergePlan,
  dryRun: boolean,
): Promise<{ written: boolean; diff: string }> {
  const diff = unifiedDiff(before, plan.text, file);
  if (dryRun || plan.added.length === 0) return { written: false, diff };
  await writeFile(file, plan.text);
  return { written: true, diff };
}

/** `tenants discover --from gdap`: adds each GDAP customer missing from the config, reports those gone. */
export async function discoverFromGdap(
  file: string,
  options: { dryRun?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<DiscoveryResult> {
  const { template } = await mspConnectionTemplate(file);
  const data = await readGdapCustomers(file, options);
  const { active, ended } = gdapCustomers(data);
  const text = await readConfigText(file);
  const plan = mergeTenants(text, file, active, template);
  const gone = [...entraTenantIds(parseForEdit(text, file))]
    .filter(([entraId]) => ended.has(entraId))
    .map(([entraId, t]) => ({ ...t, reason: `GDAP relationship ended (${ended.get(entraId)})` }));
  return { ...plan, gone, ...(await save(file, text, plan, options.dryRun ?? false)) };
}

/** Splits one CSV line (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field.trim());
      field = "";
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

/**
 * Customers from a CSV file with a header naming `name` and `entraTenantId` and/or `domain` (a verified
 * domain also identifies the directory), optionally `id`. A row without either is an error at its line.
 */
export function parseCustomersCsv(text: string, file: string): DiscoveredTenant[] {
  const lines = text.split(/\r?\n/);
  const header = csvFields(lines[0] ?? "").map((h) => h.toLowerCase().replace(/[^a-z]/g, ""));
  const col = (name: string) => header.indexOf(name);
  if (col("name") < 0 || (col("entratenantid") < 0 && col("domain") < 0))
    throw new ConfigError(`${file}:1: the header needs name and entraTenantId or domain (also: id)`);
  const out: DiscoveredTenant[] = [];
  lines.slice(1).forEach((line, i) => {
    if (!line.trim()) return;
    const f = csvFields(line);
    const get = (name: string) => (col(name) >= 0 ? f[col(name)] : undefined) || undefined;
    const name = get("name");
    const directory = get("entratenantid") ?? get("domain");
    if (!name || !directory)
      throw new ConfigError(`${file}:${i + 2}: a customer needs a name and an entraTenantId or domain`);
    const id = get("id");
    out.push({ name, entraTenantId: directory, ...(id ? { id } : {}) });
  });
  return out;
}

/** `tenants discover --from csv FILE`: adds each customer of the file missing from the config. */
export async function discoverFromCsv(
  file: string,
  csvFile: string,
  options: { dryRun?: boolean } = {},
): Promise<DiscoveryResult> {
  const { template } = await mspConnectionTemplate(file);
  let csv: string;
  try {
    csv = await readFile(csvFile, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${csvFile} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const text = await readConfigText(file);
  const plan = mergeTenants(text, file, parseCustomersCsv(csv, csvFile), template);
  return { ...plan, gone: [], ...(await save(file, text, plan, options.dryRun ?? false)) };
}

/** The report of a discovery, one line per tenant. */
export function discoveryText(r: DiscoveryResult, dryRun: boolean): string {
  const lines = [
    ...r.added.map(
      (t) =>
        `${dryRun ? "would add" : "added"}  ${t.id}  ${t.name}  (${t.from ?? `Entra ${t.entraTenantId}`})`,
    ),
    ...r.gone.map(
      (t) =>
        `gone       ${t.id}  ${t.name}: ${t.reason}; remove it from the config if you no longer manage it`,
    ),
    ...r.leftAlone.map((t) => `unchanged  ${t.id}  ${t.name}`),
    `${r.added.length} to add, ${r.gone.length} gone, ${r.leftAlone.length} left alone${dryRun ? " (dry run: nothing written)" : r.written ? "" : " (nothing to write)"}`,
  ];
  return `${lines.join("\n")}\n`;
}

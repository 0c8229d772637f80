import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { type Document, isMap, isNode, isScalar, type LineCounter, type Node } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { type ProfileName, resolvePolicySettings, type TenantPolicyOverrides } from "../evaluate/profiles.js";
import { appendAll } from "../util/arrays.js";
import { didYouMean } from "../util/did-you-mean.js";
import { hasUserinfo } from "../util/redact.js";
import { readYaml } from "../util/yaml-read.js";
import { relativeToConfig } from "./paths.js";
import type { ConfigRegistries } from "./registries.js";
import { logoProblem } from "./report.js";
import { ConfigFile, type ExceptionEntry, TenantConfig as TenantSchema } from "./schema.js";
import { sharedIdentityWarnings } from "./shared-identity.js";

export interface ConnectionConfig {
  id: string;
  type: string;
  /** Validated by the provider's `connectionSchema`; secrets still as references. */
  settings: unknown;
}

export interface TenantConfig {
  id: string;
  name: string;
  role: "customer" | "msp";
  profile: ProfileName;
  policies?: TenantPolicyOverrides;
  connections: ConnectionConfig[];
}

export type Config = Omit<z.infer<typeof ConfigFile>, "tenants"> & { tenants: TenantConfig[] };

export interface LoadedConfig {
  config: Config;
  /** Problems that do not stop a run (an exception that has expired, a tenant with one connection disabled). */
  warnings: string[];
  /** What `config validate` adds: tenants that share an endpoint, a credential reference or a PSA company. */
  advice: string[];
}

type Path = ReadonlyArray<PropertyKey>;

/** Renders a zod path as `tenants[2].connections[0].auth.token`. */
export function formatPath(path: Path): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

/** Maps config paths to `file:line` using the YAML source; a missing field is reported at its parent. */
class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}
  at(path: Path, key?: string): string {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (!isNode(node)) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
        if (pair && isNode(pair.key)) return this.line(pair.key);
      }
      return this.line(node);
    }
    return `${this.file}:1`;
  }
  /** The scalar written at `path`, if any (zod issues do not carry the input). */
  value(path: Path): unknown {
    const node = this.doc.getIn(path, true);
    return isScalar(node) ? node.value : undefined;
  }
  private line(node: Node): string {
    return `${this.file}:${this.lines.linePos(node.range?.[0] ?? 0).line}`;
  }
}

function issueMessages(issues: z.core.$ZodIssue[], base: Path, locator: Locator): string[] {
  return issues.map((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map((k) => `${locator.at(path, k)} ${formatPath([...path, k])}: unknown field`)
        .join("\n");
    }
    const given = locator.value(path);
    const hint =
      issue.code === "invalid_value" && typeof given === "string"
        ? didYouMean(
            given,
            issue.values.filter((v): v is string => typeof v === "string"),
          )
        : "";
    return `${locator.at(path)} ${formatPath(path) || "(top level)"}: ${issue.message}${hint}`;
  });
}

/**
 * Every string in the config that is a URL carrying a user name or password (`https://user:secret@host`),
 * wherever it is (connection endpoints, ticketing targets, anything added later): a password there would
 * reach the terminal, the queue and reports. The message names the place, never the value.
 */
function userinfoProblems(raw: unknown, locator: Locator): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: PropertyKey[]): void => {
    if (typeof value === "string") {
      if (hasUserinfo(value))
        problems.push(
          `${locator.at(path)} ${formatPath(path)}: a URL must not carry a user name or password (user:password@); give credentials in auth as env:NAME or file:PATH`,
        );
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(v, [...path, i]);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(raw, []);
  return problems;
}

/**
 * Parses and validates a config file: YAML → zod (config shape, then each connection by its provider's
 * schema) → semantic rules. Every problem is reported with `file:line path`; nothing throws a stack.
 * The registries come from the composition root (`parseConfig` in `src/composition.ts` binds them).
 */
export function parseConfigWith(
  registries: ConfigRegistries,
  text: string,
  file = "mfasweep.yaml",
  now = new Date(),
): LoadedConfig {
  const { providers } = registries;
  const name = basename(file);
  const read = readYaml(text);
  if (!read.ok)
    throw new ConfigError(
      `invalid YAML\n${read.errors.map((e) => `${name}:${e.line} ${e.message}`).join("\n")}`,
    );
  const { doc, lines, value: raw } = read;
  const locator = new Locator(name, doc, lines);
  const dir = dirname(file);
  const parsed = relativeToConfig(dir, () => ConfigFile.safeParse(raw));
  const errors = parsed.success ? [] : issueMessages(parsed.error.issues, [], locator);
  const schemaProblems = errors.length;
  // Connections are validated by their provider's schema even when the rest has errors: report all at once.
  const rawTenants =
    typeof raw === "object" && raw !== null && "tenants" in raw && Array.isArray(raw.tenants)
      ? raw.tenants
      : [];
  const connections = rawTenants.map((tenant: unknown, t) => {
    const list =
      typeof tenant === "object" &&
      tenant !== null &&
      "connections" in tenant &&
      Array.isArray(tenant.connections)
        ? tenant.connections
        : [];
    return list.flatMap((rawConnection: unknown, c): ConnectionConfig[] => {
      const path = ["tenants", t, "connections", c];
      const given =
        typeof rawConnection === "object" && rawConnection !== null && "type" in rawConnection
          ? rawConnection.type
          : undefined;
      // Not String(given): an object whose `toString` is not a function would throw a TypeError.
      const type = typeof given === "string" ? given : undefined;
      const provider = type ? providers.find((p) => p.type === type) : undefined;
      if (!provider) {
        const types = providers.map((p) => p.type);
        const known = types.join(", ");
        const problem = type
          ? `unknown connection type '${type}'${didYouMean(type, types)}`
          : given === undefined
            ? "missing"
            : "expected a connection type name";
        errors.push(
          `${locator.at(path, "type")} ${formatPath([...path, "type"])}: ${problem} (known: ${known})`,
        );
        return [];
      }
      const settings = relativeToConfig(dir, () => provider.connectionSchema.safeParse(rawConnection));
      if (!settings.success) {
        appendAll(errors, issueMessages(settings.error.issues, path, locator));
        return [];
      }
      const id = (settings.data as { id?: string }).id ?? provider.type;
      return [{ id, type: provider.type, settings: settings.data }];
    });
  });
  const connectionsValid = errors.length === schemaProblems;
  appendAll(errors, userinfoProblems(raw, locator));
  // The semantic rules run even when the schema failed, on the sections that did parse: one run of
  // `config validate` shows every problem (issue #23 item 5).
  const sections = parsed.success ? undefined : salvage(raw);
  const intact = (section: Section) =>
    (sections === undefined || sections.intact.has(section)) && (section !== "tenants" || connectionsValid);
  const data = parsed.success ? parsed.data : sections?.data;
  if (!data) throw new ConfigError(`invalid configuration\n${byLine(errors, name).join("\n")}`);
  const tenants: TenantConfig[] = data.tenants.map((tenant, t) => ({
    id: tenant.id,
    name: tenant.name,
    role: tenant.role,
    profile: tenant.profile ?? (tenant.role === "msp" ? "msp-self" : "standard"),
    ...(tenant.policies ? { policies: tenant.policies } : {}),
    connections: connections[t] ?? [],
  }));
  const config: Config = { ...data, tenants };
  const warnings: string[] = [];
  for (const rule of semanticRules)
    rule(
      config,
      { error: (m) => errors.push(m), warn: (m) => warnings.push(m) },
      {
        locator,
        now,
        file,
        registries,
        intact,
        tenantIds: rawTenantIds(rawTenants),
        parsedTenants: parsedTenants(rawTenants, tenants, connections, parsed.success && connectionsValid),
      },
    );
  if (errors.length > 0) throw new ConfigError(`invalid configuration\n${byLine(errors, name).join("\n")}`);
  const advice = sharedIdentityWarnings(config, (path) => `${locator.at(path)} ${formatPath(path)}`);
  return { config, warnings, advice };
}

type Section = keyof typeof ConfigFile.shape;

function rawTenantIds(rawTenants: unknown[]): string[] {
  return rawTenants.flatMap((t) =>
    typeof t === "object" && t !== null && "id" in t && typeof t.id === "string" ? [t.id] : [],
  );
}

/** The tenants that parsed on their own (with their connections all valid), by their index in the file. */
function parsedTenants(
  rawTenants: unknown[],
  tenants: TenantConfig[],
  connections: ConnectionConfig[][],
  valid: boolean,
): Array<{ index: number; tenant: TenantConfig }> {
  if (valid) return tenants.map((tenant, index) => ({ index, tenant }));
  return rawTenants.flatMap((raw, index) => {
    const parsed = TenantSchema.safeParse(raw);
    const list = connections[index] ?? [];
    if (!parsed.success || list.length !== parsed.data.connections.length) return [];
    const t = parsed.data;
    const profile = t.profile ?? (t.role === "msp" ? "msp-self" : "standard");
    return [{ index, tenant: { ...t, profile, connections: list } as TenantConfig }];
  });
}

/**
 * Each top-level section parsed on its own, for the semantic rules when the whole file did not parse: a
 * section that fails takes its default (an empty list) and is not `intact`, so no rule judges by it.
 */
function salvage(raw: unknown): { data: z.infer<typeof ConfigFile>; intact: Set<Section> } {
  const given = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const intact = new Set<Section>();
  const data: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(ConfigFile.shape) as Array<[Section, z.ZodType]>) {
    const section = schema.safeParse(given[key]);
    if (section.success) {
      intact.add(key);
      data[key] = section.data;
    } else {
      const fallback = schema.safeParse(undefined);
      data[key] = fallback.success ? fallback.data : [];
    }
  }
  return { data: data as z.infer<typeof ConfigFile>, intact };
}

/** Problems in file order (a problem is `file:line path: message`; one entry may hold several lines). */
function byLine(problems: string[], file: string): string[] {
  const line = (p: string) => Number.parseInt(p.slice(file.length + 1), 10) || 0;
  return problems.flatMap((p) => p.split("\n")).sort((a, b) => line(a) - line(b));
}

interface Report {
  error(message: string): void;
  warn(message: string): void;
}
type Rule = (
  config: Config,
  report: Report,
  ctx: {
    locator: Locator;
    now: Date;
    file: string;
    registries: ConfigRegistries;
    /** Whether a section parsed; rules do not judge by one that did not (it stands empty). */
    intact: (section: Section) => boolean;
    /** Every tenant id written, even in a tenant with other problems: to judge references to tenants. */
    tenantIds: string[];
    /** Each tenant that parsed, with its index in the file (all of them when the config is valid). */
    parsedTenants: Array<{ index: number; tenant: TenantConfig }>;
  },
) => void;

const policyIds = (policies: ConfigRegistries["policies"]) => policies.map((p) => p.meta.id);

/** Rules that need the whole config; they report rather than throw (changesets' validation style). */
const semanticRules: Rule[] = [
  function tenantListedOnce(config, report, { locator, intact }) {
    if (!intact("tenants")) return;
    const seen = new Set<string>();
    config.tenants.forEach((t, i) => {
      if (seen.has(t.id))
        report.error(
          `${locator.at(["tenants", i, "id"])} tenants[${i}].id: tenant '${t.id}' is listed twice`,
        );
      seen.add(t.id);
    });
  },
  function connectionIdsUnique(config, report, { locator, intact }) {
    if (!intact("tenants")) return;
    config.tenants.forEach((t, i) => {
      const seen = new Set<string>();
      t.connections.forEach((c, j) => {
        if (seen.has(c.id)) {
          report.error(
            `${locator.at(["tenants", i, "connections", j])} tenants[${i}].connections[${j}]: connection id '${c.id}' is used twice in tenant '${t.id}'; give each an id`,
          );
        }
        seen.add(c.id);
      });
    });
  },
  function policyOverridesExist(_config, report, { locator, parsedTenants, registries: { policies } }) {
    for (const { index: i, tenant } of parsedTenants) {
      const at = (...path: Array<string | number>) =>
        `${locator.at(["tenants", i, "policies", ...path])} ${formatPath(["tenants", i, "policies", ...path])}`;
      const o = tenant.policies ?? {};
      const named: Array<[string, Array<string | number>]> = [
        ...(o.disable ?? []).map((id, j): [string, Array<string | number>] => [id, ["disable", j]]),
        ...Object.keys(o.severity ?? {}).map((id): [string, Array<string | number>] => [
          id,
          ["severity", id],
        ]),
        ...Object.keys(o.options ?? {}).map((id): [string, Array<string | number>] => [id, ["options", id]]),
      ];
      for (const [id, path] of named) {
        if (!policies.some((p) => p.meta.id === id))
          report.error(
            `${at(...path)}: no policy '${id}'${didYouMean(id, policyIds(policies))} (see: mfasweep policies list)`,
          );
      }
      // Options are checked against what each policy declares, after the profile's own settings.
      const { settings } = resolvePolicySettings(tenant.profile, tenant.policies);
      for (const policy of policies) {
        const options = settings.get(policy.meta.id)?.options;
        if (!options) continue;
        if (!policy.options) {
          report.error(`${at("options", policy.meta.id)}: policy '${policy.meta.id}' takes no options`);
          continue;
        }
        const parsed = policy.options.safeParse({ ...(policy.defaultOptions as object), ...options });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
            report.error(
              `${at("options", policy.meta.id, ...issue.path.map(String))}: ${keys.length ? `unknown option ${keys.join(", ")}` : issue.message}`,
            );
          }
        }
      }
    }
  },
  function customerAccessGroupsInMspTenant(config, report, { locator, intact }) {
    if (!intact("tenants")) return;
    // Only the MSP's own tenant is judged for customer access; elsewhere the groups would be read for nothing.
    config.tenants.forEach((t, i) => {
      if (t.role === "msp") return;
      t.connections.forEach((c, j) => {
        if ((c.settings as { customerAccessGroups?: unknown[] }).customerAccessGroups?.length)
          report.warn(
            `${locator.at(["tenants", i, "connections", j, "customerAccessGroups"])} tenants[${i}].connections[${j}].customerAccessGroups: only a tenant with role: msp is judged for customer access; tenant '${t.id}' is a ${t.role}`,
          );
      });
    });
  },
  function reportBrandingResolves(config, report, { locator, file, intact, tenantIds }) {
    if (!intact("report")) return;
    const at = (...path: Array<string | number>) =>
      `${locator.at(["report", ...path])} ${formatPath(["report", ...path])}`;
    const logo = config.report?.msp?.logo;
    const problem = logo ? logoProblem(logo, file) : null;
    if (problem) report.error(`${at("msp", "logo")}: ${problem}`);
    const known = tenantIds;
    for (const id of Object.keys(config.report?.preparedFor ?? {}))
      if (!known.includes(id))
        report.error(`${at("preparedFor", id)}: no tenant has the id '${id}'${didYouMean(id, known)}`);
  },
  function exceptionsAreBounded(config, report, { locator, now, intact, tenantIds, registries }) {
    const { policies } = registries;
    if (!intact("exceptions")) return;
    config.exceptions.forEach((e: ExceptionEntry, i) => {
      const at = `${locator.at(["exceptions", i])} exceptions[${i}]`;
      const tenant = config.tenants.find((t) => t.id === e.match.tenant);
      if (e.match.tenant !== "*" && !tenantIds.includes(e.match.tenant))
        report.error(
          `${at}.match.tenant: no tenant '${e.match.tenant}'${didYouMean(e.match.tenant, tenantIds)}`,
        );
      const policyAt = `${locator.at(["exceptions", i, "match", "policy"])} exceptions[${i}].match.policy`;
      if (e.match.policy !== "*" && !policies.some((p) => p.meta.id === e.match.policy)) {
        report.error(
          `${policyAt}: no policy '${e.match.policy}'${didYouMean(e.match.policy, policyIds(policies))} (see: mfasweep policies list)`,
        );
      }
      // Every subject of every policy of every customer: that is switching mfasweep off, not an exception.
      if (e.match.tenant === "*" && e.match.policy === "*" && e.match.subject === "*")
        report.error(
          `${at}.match: tenant, policy and subject are all '*'; an exception must name at least one of them`,
        );
      const connection = e.match.connection;
      if (
        intact("tenants") &&
        connection !== undefined &&
        tenant &&
        !tenant.connections.some((c) => c.id === connection)
      )
        report.error(
          `${locator.at(["exceptions", i, "match", "connection"])} exceptions[${i}].match.connection: tenant '${tenant.id}' has no connection '${connection}' (known: ${tenant.connections.map((c) => c.id).join(", ")})`,
        );
      const expires = Date.parse(`${e.expires}T23:59:59Z`);
      const days = (expires - now.getTime()) / 86_400_000;
      if (days < 0)
        report.warn(`${at}: exception expired on ${e.expires}; matching results count as failures again`);
      else if (intact("maxExceptionDays") && days > config.maxExceptionDays) {
        report.error(`${at}.expires: more than ${config.maxExceptionDays} days ahead (maxExceptionDays)`);
      }
    });
  },
  function ticketingTenantsKnown(config, report, { locator, intact, tenantIds: known }) {
    // A mapping under a misspelt tenant id never applies: that tenant's findings would never be ticketed.
    if (!intact("ticketing")) return;
    (config.ticketing ?? []).forEach((target, i) => {
      for (const id of Object.keys((target as { tenants?: object }).tenants ?? {}))
        if (!known.includes(id))
          report.error(
            `${locator.at(["ticketing", i, "tenants"], id)} ${formatPath(["ticketing", i, "tenants", id])}: no tenant '${id}'${didYouMean(id, known)}; this mapping would never be used`,
          );
    });
  },
];

export async function loadConfigWith(
  registries: ConfigRegistries,
  file: string,
  now = new Date(),
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  return parseConfigWith(registries, text, file, now);
}

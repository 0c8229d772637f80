import { readFile, writeFile } from "node:fs/promises";
import { isMap, isSeq, YAMLMap } from "yaml";
import { z } from "zod";
import { realSleep } from "../collect/retry.js";
import { loadConfig } from "../composition.js";
import type { Config, TenantConfig } from "../config/load.js";
import { ConfigError } from "../errors.js";
import { forTerminal } from "../export/sanitize.js";
import { findTicketingConnector, ticketingConnectors } from "../export/ticketing/index.js";
import { openClient, type TargetCommon, targetHttp } from "../export/ticketing/sync.js";
import type { PsaCompany } from "../export/ticketing/types.js";
import { unifiedDiff } from "../util/line-diff.js";
import { parseForEdit } from "./merge.js";
import { type MappingProposal, matchCompanies, type TenantForMatch } from "./psa-match.js";

export interface PsaMapResult extends MappingProposal {
  target: string;
  type: string;
  /** The mapping field written (`companyId`, `clientId`). */
  field: string;
  companies: number;
  /** The change to the config file as a unified diff; empty when nothing would change. */
  diff: string;
  written: boolean;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EntraDirectory = z.object({ tenantId: z.string() });
const GoogleAdmin = z.object({ auth: z.object({ subject: z.string() }) });

/**
 * The domains a tenant's connections name: an Entra directory given by a verified domain, and the domain
 * of the Google Workspace admin the service account acts as. Endpoints and console hosts are the vendors'
 * (okta.com, myconnectwise.net), not the customer's, so they are not used.
 */
export function tenantDomains(tenant: TenantConfig): string[] {
  const out = new Set<string>();
  for (const c of tenant.connections) {
    const entra = c.type === "entra" ? EntraDirectory.safeParse(c.settings) : undefined;
    if (entra?.success && !guid.test(entra.data.tenantId)) out.add(entra.data.tenantId.toLowerCase());
    const google = c.type === "google-workspace" ? GoogleAdmin.safeParse(c.settings) : undefined;
    const domain = google?.success ? google.data.auth.subject.split("@")[1] : undefined;
    if (domain) out.add(domain.toLowerCase());
  }
  return [...out];
}

function findTarget(config: Config, file: string, id: string): TargetCommon {
  const target = (config.ticketing ?? []).find((t) => t.id === id) as TargetCommon | undefined;
  if (!target)
    throw new ConfigError(
      `${file}: no ticketing target '${id}' (targets: ${(config.ticketing ?? []).map((t) => t.id).join(", ") || "none"})`,
    );
  return target;
}

/** Reads every active company of the target's PSA, through the connector's own client. */
async function readCompanies(
  target: TargetCommon,
  options: { env?: NodeJS.ProcessEnv; now?: Date },
): Promise<{ companies: PsaCompany[]; field: string }> {
  const connector = findTicketingConnector(target.type);
  const supported = ticketingConnectors.filter((c) => c.companyField).map((c) => c.type);
  if (!connector?.companyField)
    throw new ConfigError(
      `ticketing target '${target.id}' is ${target.type}: tickets map reads companies from ${supported.join(", ")} only`,
    );
  const http = targetHttp(target, {
    retry: { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 10_000 },
    sleep: realSleep,
  });
  try {
    const client = await openClient(target, connector, http, {
      now: options.now ?? new Date(),
      env: options.env,
    });
    if (!client.listCompanies)
      throw new ConfigError(`ticketing target '${target.id}': ${target.type} cannot list its companies`);
    return { companies: await client.listCompanies(), field: connector.companyField };
  } finally {
    await http.close();
  }
}

/** One line of YAML comment from PSA text (a company name can hold anything). */
function commentText(text: string): string {
  return ` ${forTerminal(text).slice(0, 160)}`;
}

/**
 * Adds `tenant: { <field>: id }` under the target's `tenants:` for each proposal, with the company's name
 * and the evidence as a trailing comment, through the yaml Document API (the user's comments, order and
 * formatting stay), as `tenants discover` does.
 */
export function mergeMapping(
  text: string,
  file: string,
  targetId: string,
  field: string,
  proposed: MappingProposal["proposed"],
): string {
  const doc = parseForEdit(text, file);
  const ticketing = doc.get("ticketing");
  const target = isSeq(ticketing)
    ? ticketing.items.find((t) => isMap(t) && t.get("id") === targetId)
    : undefined;
  if (!isMap(target))
    throw new ConfigError(`${file}: no ticketing target '${targetId}' to write the mapping to`);
  let tenants = target.get("tenants");
  if (tenants === undefined || tenants === null) {
    tenants = new YAMLMap();
    target.set("tenants", tenants);
  }
  if (!isMap(tenants))
    throw new ConfigError(`${file}: ticketing target '${targetId}': tenants is not a mapping`);
  if (tenants.items.length === 0) tenants.flow = false;
  for (const p of proposed) {
    const value = doc.createNode({ [field]: p.company.id }, { flow: true });
    value.comment = commentText(`${p.company.name} (by ${p.confidence}: ${p.because})`);
    tenants.set(p.tenant, value);
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * `tickets map --target ID [--write]`: reads the PSA's companies, proposes a mapping for each tenant the
 * target does not map yet, and with `write` merges it into the config. Nothing is written unless every
 * page of companies was read.
 */
export async function mapPsaCompanies(
  file: string,
  targetId: string,
  options: { write?: boolean; env?: NodeJS.ProcessEnv; now?: Date } = {},
): Promise<PsaMapResult> {
  const { config } = await loadConfig(file);
  const target = findTarget(config, file, targetId);
  const { companies, field } = await readCompanies(target, options);
  const connector = findTicketingConnector(target.type);
  const tenants: TenantForMatch[] = config.tenants.map((t) => {
    const mapping = connector?.mapping(target, t.id) as Record<string, unknown> | undefined;
    const mapped = mapping?.[field];
    return {
      id: t.id,
      name: t.name,
      domains: tenantDomains(t),
      ...(typeof mapped === "number" ? { mapped } : {}),
    };
  });
  const proposal = matchCompanies(tenants, companies);
  const before = await readFile(file, "utf8");
  const after = proposal.proposed.length
    ? mergeMapping(before, file, target.id, field, proposal.proposed)
    : before;
  const written = Boolean(options.write) && after !== before;
  if (written) await writeFile(file, after);
  return {
    ...proposal,
    target: target.id,
    type: target.type,
    field,
    companies: companies.length,
    diff: unifiedDiff(before, after, file),
    written,
  };
}

/** The report of `tickets map`, one line per tenant. */
export function psaMapText(r: PsaMapResult, write: boolean): string {
  const lines = [
    `${r.target} (${r.type}): ${r.companies} active ${r.type === "halopsa" ? "clients" : "companies"} read`,
    ...r.proposed.map(
      (p) =>
        `${write ? "mapped  " : "propose "} ${p.tenant} → ${p.company.name} (${r.field} ${p.company.id}), by ${p.confidence}: ${p.because}`,
    ),
    ...r.kept.map(
      (k) =>
        `kept     ${k.tenant} → ${r.field} ${k.companyId}${k.found ? "" : " (not among the PSA's active companies: check it)"}`,
    ),
    ...r.unmatched.map((u) => `unmatched ${u.tenant} (${u.tenantName}): ${u.reason}; map it by hand`),
    `${r.proposed.length} proposed, ${r.kept.length} kept, ${r.unmatched.length} unmatched${write ? (r.written ? "" : " (nothing to write)") : " (not written: --write merges the proposed mapping)"}`,
  ];
  return `${lines.join("\n")}\n`;
}

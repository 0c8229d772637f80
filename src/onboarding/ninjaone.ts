import { isMap, isSeq } from "yaml";
import { ninjaOneOrganizations } from "../../providers/ninjaone/index.js";
import { collectConnection } from "../collect/index.js";
import { QuotaRegistry } from "../collect/quota.js";
import { loadConfig } from "../composition.js";
import { ConfigError, ProviderUnavailableError } from "../errors.js";
import {
  type DiscoveryResult,
  incompleteReason,
  mspConnectionInFile,
  readConfigText,
  save,
} from "./discover.js";
import { type MergePlan, parseForEdit, tenantIdFrom } from "./merge.js";
import { normaliseName } from "./psa-match.js";

interface Organization {
  id: number;
  name: string;
}

/**
 * The MSP's own NinjaOne connection (role: msp, no organizationId), as written in the file: a discovered
 * organization's connection is a copy of it scoped to the organization (its end users; the technicians
 * stay with the MSP).
 */
async function mspNinjaOne(
  file: string,
): Promise<{ tenant: string; template: (org: number) => Record<string, unknown> }> {
  const found = await mspConnectionInFile(
    file,
    (c) => c.get("type") === "ninjaone" && !c.has("organizationId"),
  );
  if (!found)
    throw new ConfigError(
      `${file}: no tenant with role: msp and a NinjaOne connection (the MSP's console, which lists the organizations)`,
    );
  const { id: _, includeEndUsers: __, ...shared } = found.connection;
  return {
    tenant: found.tenant,
    template: (org) => ({ type: "ninjaone", id: "ninjaone", ...shared, organizationId: org }),
  };
}

/** Reads every organization through the MSP's NinjaOne connection; a partial read changes nothing. */
async function readOrganizations(
  file: string,
  tenantId: string,
  env?: NodeJS.ProcessEnv,
): Promise<Organization[]> {
  const { config } = await loadConfig(file);
  const tenant = config.tenants.find((t) => t.id === tenantId);
  const connection = tenant?.connections.find(
    (c) => c.type === "ninjaone" && (c.settings as { organizationId?: number }).organizationId === undefined,
  );
  if (!tenant || !connection)
    throw new ConfigError(`${file}: no NinjaOne connection in tenant '${tenantId}'`);
  let found: Organization[] | undefined;
  const collection = await collectConnection({ id: tenant.id, name: tenant.name, role: "msp" }, connection, {
    quotas: new QuotaRegistry(true),
    provider: ninjaOneOrganizations((list) => {
      found = list;
    }),
    ...(env ? { env } : {}),
  });
  if (collection.coverage.status !== "complete" || !found) {
    const why = incompleteReason(collection.coverage);
    throw new ProviderUnavailableError(
      `tenant '${tenant.id}', connection '${connection.id}': NinjaOne organizations not read completely (${why || "no list"}); nothing changed`,
    );
  }
  return found;
}

/**
 * Appends a tenant for each organization the config does not have: none of its NinjaOne connections is
 * scoped to the organization, and no tenant has the organization's name (normalised: a customer already
 * configured by its directory is left alone, not added twice).
 */
export function mergeOrganizations(
  text: string,
  file: string,
  organizations: Organization[],
  connection: (org: number) => Record<string, unknown>,
): MergePlan {
  const doc = parseForEdit(text, file);
  const tenants = doc.get("tenants");
  if (!isSeq(tenants)) throw new ConfigError(`${file}: no tenants: list to add to`);
  const byOrg = new Map<number, { id: string; name: string }>();
  const byName = new Map<string, { id: string; name: string }>();
  for (const t of tenants.items.filter(isMap)) {
    const entry = { id: String(t.get("id")), name: String(t.get("name")) };
    byName.set(normaliseName(entry.name), entry);
    const connections = t.get("connections");
    for (const c of isSeq(connections) ? connections.items : [])
      if (isMap(c) && c.get("type") === "ninjaone" && typeof c.get("organizationId") === "number")
        byOrg.set(Number(c.get("organizationId")), entry);
  }
  const taken = new Set(tenants.items.filter(isMap).map((t) => String(t.get("id"))));
  const plan: MergePlan = { text, added: [], leftAlone: [] };
  for (const org of organizations) {
    const existing = byOrg.get(org.id) ?? byName.get(normaliseName(org.name));
    if (existing) {
      plan.leftAlone.push(existing);
      continue;
    }
    const id = tenantIdFrom(org.name, taken);
    tenants.add(doc.createNode({ id, name: org.name, connections: [connection(org.id)] }));
    byOrg.set(org.id, { id, name: org.name });
    plan.added.push({ id, name: org.name, from: `NinjaOne organization ${org.id}` });
  }
  return { ...plan, text: doc.toString({ lineWidth: 0 }) };
}

/** `tenants discover --from ninjaone`: adds a tenant per NinjaOne organization missing from the config. */
export async function discoverFromNinjaOne(
  file: string,
  options: { dryRun?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<DiscoveryResult> {
  const { tenant, template } = await mspNinjaOne(file);
  const organizations = await readOrganizations(file, tenant, options.env);
  const text = await readConfigText(file);
  const plan = mergeOrganizations(text, file, organizations, template);
  return { ...plan, gone: [], ...(await save(file, text, plan, options.dryRun ?? false)) };
}

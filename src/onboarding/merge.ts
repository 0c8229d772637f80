import { type Document, isMap, isSeq, parseDocument } from "yaml";
import { ConfigError } from "../errors.js";

/** A customer found by discovery (GDAP, a CSV file): what a tenant entry is made of. */
export interface DiscoveredTenant {
  name: string;
  /** The customer's Entra directory id (or a verified domain). */
  entraTenantId: string;
  /** Wanted tenant id; default: made from the name. */
  id?: string;
}

export interface MergePlan {
  /** The config with the new tenants appended; comments, order and everything else as they were. */
  text: string;
  /** `entraTenantId` for a customer found by its directory, `from` for one found elsewhere (NinjaOne). */
  added: Array<{ id: string; name: string; entraTenantId?: string; from?: string }>;
  /** Tenants already in the config for a discovered customer. */
  leftAlone: Array<{ id: string; name: string }>;
}

/** A tenant id (lowercase letters, digits, '.', '_', '-'; 63 at most) from a customer's name. */
export function tenantIdFrom(name: string, taken: Set<string>): string {
  const base =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 56) || "customer";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** The Entra directory ids each tenant of the config names, lowercased. */
export function entraTenantIds(doc: Document): Map<string, { id: string; name: string }> {
  const found = new Map<string, { id: string; name: string }>();
  const tenants = doc.get("tenants");
  if (!isSeq(tenants)) return found;
  for (const t of tenants.items) {
    if (!isMap(t)) continue;
    const connections = t.get("connections");
    if (!isSeq(connections)) continue;
    for (const c of connections.items)
      if (isMap(c) && c.get("type") === "entra" && typeof c.get("tenantId") === "string")
        found.set(String(c.get("tenantId")).toLowerCase(), {
          id: String(t.get("id")),
          name: String(t.get("name")),
        });
  }
  return found;
}

export function parseForEdit(text: string, file: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length)
    throw new ConfigError(`${file}: invalid YAML (${doc.errors[0]?.message.split("\n")[0]})`);
  if (!isSeq(doc.get("tenants"))) throw new ConfigError(`${file}: no tenants: list to add to`);
  return doc;
}

/**
 * Appends a tenant entry for each discovered customer the config does not have yet (matched by Entra
 * directory id), each with `connection(tenantId)` as its one connection. Uses the yaml Document API, so
 * the user's comments, key order and formatting survive.
 */
export function mergeTenants(
  text: string,
  file: string,
  discovered: DiscoveredTenant[],
  connection: (entraTenantId: string) => Record<string, unknown>,
): MergePlan {
  const doc = parseForEdit(text, file);
  const tenants = doc.get("tenants");
  if (!isSeq(tenants)) throw new ConfigError(`${file}: no tenants: list to add to`);
  const known = entraTenantIds(doc);
  const taken = new Set(tenants.items.filter(isMap).map((t) => String(t.get("id"))));
  const added: MergePlan["added"] = [];
  const leftAlone: MergePlan["leftAlone"] = [];
  for (const d of discovered) {
    const existing = known.get(d.entraTenantId.toLowerCase());
    if (existing) {
      leftAlone.push(existing);
      continue;
    }
    const wanted = d.id && !taken.has(d.id) ? d.id : undefined;
    if (wanted) taken.add(wanted);
    const id = wanted ?? tenantIdFrom(d.name, taken);
    tenants.add(doc.createNode({ id, name: d.name, connections: [connection(d.entraTenantId)] }));
    known.set(d.entraTenantId.toLowerCase(), { id, name: d.name });
    added.push({ id, name: d.name, entraTenantId: d.entraTenantId });
  }
  // No re-folding: lines the user wrote long (flow maps) stay as they are.
  return { text: doc.toString({ lineWidth: 0 }), added, leftAlone };
}

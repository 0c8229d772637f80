/**
 * Advice for `config validate` (issue #19 item 9): two tenants that share what identifies a customer's
 * system (an API endpoint, a directory or org id, a credential reference, a PSA company) are usually one
 * copy-and-paste away from scanning one customer under the other's name, or filing one customer's tickets
 * in the other's company. Warnings, not errors: an MSP can have a reason (one firewall serving two
 * customers), but it should be a decision.
 */

type Path = Array<string | number>;

interface Use {
  tenant: string;
  path: Path;
}

export interface SharedIdentityInput {
  tenants: Array<{ id: string; connections: Array<{ id: string; type: string; settings: unknown }> }>;
  ticketing: ReadonlyArray<unknown>;
}

/** Settings that name one customer's directory or org: never shared between two customers. */
const directoryKeys = ["tenantId", "orgUrl", "customer"] as const;
/** Values that name no particular customer (Google's "the credential's own account"). */
const generic = new Set(["my_customer"]);
/**
 * Settings that do not change which system a connection reads. Two tenants whose connections agree on all
 * the others (an RMM or firewall endpoint, its site or scope) read the same system under two names; two
 * tenants that share one RMM instance with different scopes do not.
 */
const tuningKeys = new Set([
  "id",
  "auth",
  "name",
  "timeoutSeconds",
  "maxRecords",
  "maxResponseBytes",
  "caBundle",
]);
/** Mapping fields that name the customer's company or project in a PSA. */
const companyKeys = ["companyId", "company", "clientId", "projectKey"] as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** Every secret reference (`env:`/`file:`) in a connection's settings, with its path. */
function references(value: unknown, path: Path, out: Array<{ ref: string; path: Path }>): void {
  if (typeof value === "string") {
    if (/^(env|file):/.test(value)) out.push({ ref: value, path });
  } else if (Array.isArray(value))
    value.forEach((v, i) => {
      references(v, [...path, i], out);
    });
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) references(v, [...path, k], out);
}

function normalise(key: string, value: string): string {
  if (key === "endpoint" || key === "orgUrl") {
    try {
      const url = new URL(value);
      return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, "")}`;
    } catch {
      return value;
    }
  }
  return value.toLowerCase();
}

export function sharedIdentityWarnings(
  config: SharedIdentityInput,
  locate: (path: Path) => string,
): string[] {
  const uses = new Map<string, { what: string; uses: Use[] }>();
  const note = (key: string, what: string, use: Use) => {
    const entry = uses.get(key) ?? { what, uses: [] };
    entry.uses.push(use);
    uses.set(key, entry);
  };
  config.tenants.forEach((tenant, t) => {
    tenant.connections.forEach((connection, c) => {
      const base: Path = ["tenants", t, "connections", c];
      const settings = record(connection.settings);
      for (const key of directoryKeys) {
        const value = settings[key];
        if (typeof value !== "string" || generic.has(value)) continue;
        note(`${connection.type}\0${key}\0${normalise(key, value)}`, `the same ${connection.type} ${key}`, {
          tenant: tenant.id,
          path: [...base, key],
        });
      }
      if (typeof settings.endpoint === "string" || typeof settings.host === "string") {
        const addressing = Object.entries(settings)
          .filter(([k]) => !tuningKeys.has(k))
          .map(([k, v]) => [k, typeof v === "string" ? normalise(k, v) : v] as const)
          .sort(([a], [b]) => a.localeCompare(b));
        const key = typeof settings.endpoint === "string" ? "endpoint" : "host";
        note(
          `${connection.type}\0system\0${JSON.stringify(addressing)}`,
          `the same ${connection.type} ${key} with the same settings`,
          { tenant: tenant.id, path: [...base, key] },
        );
      }
      // The MSP's multi-tenant Entra app signs in to each directory with its one credential, by design
      // (a token per tenantId, whose tid is checked); a minted access token belongs to one directory.
      if (connection.type === "entra" && record(settings.auth).method !== "access-token") return;
      // Likewise the MSP's NinjaOne app, scoped per customer by organizationId (tenants discover --from
      // ninjaone): one instance, one credential; the organization tells the customers apart.
      if (connection.type === "ninjaone" && typeof settings.organizationId === "number") return;
      const refs: Array<{ ref: string; path: Path }> = [];
      references(settings.auth, [...base, "auth"], refs);
      for (const { ref, path } of refs)
        note(`ref\0${ref}`, `the credential reference ${ref}`, { tenant: tenant.id, path });
    });
  });
  config.ticketing.forEach((raw, i) => {
    const target = record(raw);
    for (const [tenant, mapping] of Object.entries(record(target.tenants))) {
      for (const key of companyKeys) {
        const value = record(mapping)[key];
        if (value === undefined) continue;
        note(
          `psa\0${String(target.id)}\0${key}\0${String(value)}`,
          `the same ${key} ${String(value)} in ticketing target '${String(target.id)}'`,
          { tenant, path: ["ticketing", i, "tenants", tenant, key] },
        );
      }
    }
  });
  const warnings: string[] = [];
  for (const { what, uses: list } of uses.values()) {
    const tenants = [...new Set(list.map((u) => u.tenant))];
    if (tenants.length < 2) continue;
    const where = list.map((u) => `${locate(u.path)} (${u.tenant})`).join(", ");
    warnings.push(
      `tenants ${tenants.map((t) => `'${t}'`).join(", ")} share ${what}: ${where}; one customer's data or tickets could land under another's name`,
    );
  }
  return warnings;
}

import type { Config, ConnectionConfig, TenantConfig } from "../config/load.js";
import { MfasweepError } from "../errors.js";
import type { CollectJob } from "./jobs.js";
import { siteOf } from "./jobs.js";

/**
 * The worker's side of the trust boundary (README "Running at scale"): whoever can write the queue's
 * Redis can forge jobs, so a job only names what to collect. The worker collects a connection of its
 * own config, with its own settings and its own secret references, and refuses a job naming a
 * connection it does not have or describing it differently: a forged job cannot point a worker's
 * credentials at an endpoint of the forger's choosing, nor make it read another local file.
 */

/** A job this worker will not run; the message is the reason its connection's coverage fails with. */
export class JobRefusedError extends MfasweepError {}

/** Same pattern as `SecretRef`: a setting that is a reference, never the secret itself. */
const secretReference = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;
const masked = "(secret reference)";

/**
 * Settings with every secret reference replaced by one placeholder, as JSON would carry them. Jobs go
 * out masked (which variable or file holds a secret is the worker machine's business), and the worker
 * compares what is left: a site may keep a token in another variable than the central config names.
 */
export function maskSecrets(settings: unknown): unknown {
  return JSON.parse(JSON.stringify(settings ?? null), (_key, value: unknown) =>
    typeof value === "string" && secretReference.test(value) ? masked : value,
  );
}

/** Paths (`auth.method`, `hosts[2]`) where two JSON values differ; names only, never values. */
export function differingSettings(a: unknown, b: unknown, path = ""): string[] {
  if (Object.is(a, b)) return [];
  const bothObjects =
    typeof a === "object" &&
    a !== null &&
    typeof b === "object" &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [path || "(all settings)"];
  const out: string[] = [];
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      for (const p of differingSettings(a[i], b[i], `${path}[${i}]`)) out.push(p);
    return out;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of [...keys].sort())
    for (const p of differingSettings(left[key], right[key], path ? `${path}.${key}` : key)) out.push(p);
  return out;
}

/**
 * The tenant and connection of this worker's own config that a job names, or a refusal saying why not:
 * not in the config, tagged for another site, or with other non-secret settings than the job carries.
 */
export function localConnection(
  config: Config,
  job: Pick<CollectJob, "tenant" | "connection">,
  workerSite: string | undefined,
): { tenant: TenantConfig; connection: ConnectionConfig } {
  const where = `tenant '${job.tenant.id}', connection '${job.connection.id}'`;
  const tenant = config.tenants.find((t) => t.id === job.tenant.id);
  if (!tenant)
    throw new JobRefusedError(`${where}: refused: this worker's config has no tenant '${job.tenant.id}'`);
  const connection = tenant.connections.find((c) => c.id === job.connection.id);
  if (!connection)
    throw new JobRefusedError(
      `${where}: refused: this worker's config has no connection '${job.connection.id}' for that tenant`,
    );
  const site = siteOf(connection);
  if (site !== workerSite)
    throw new JobRefusedError(
      `${where}: refused: this worker's config gives the connection ${site ? `site '${site}'` : "no site"}, and the worker runs ${workerSite ? `site '${workerSite}'` : "untagged connections"}`,
    );
  const differ =
    connection.type === job.connection.type
      ? differingSettings(maskSecrets(connection.settings), maskSecrets(job.connection.settings))
      : ["type"];
  if (differ.length)
    throw new JobRefusedError(
      `${where}: refused: the job's settings differ from this worker's config in ${differ
        .slice(0, 5)
        .map((p) => (p.length > 80 ? `${p.slice(0, 80)}…` : p))
        .join(
          ", ",
        )}${differ.length > 5 ? ` and ${differ.length - 5} more` : ""}; give the central and the worker's config the same connection`,
    );
  return { tenant, connection };
}

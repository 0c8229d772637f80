import type { ExceptionEntry } from "../../config/schema.js";
import { link } from "../../link/index.js";
import type { Result, TenantInventory } from "../../model/index.js";
import { evaluate } from "../index.js";
import type { Policy } from "../policy.js";
import type { PolicySetting } from "../profiles.js";

/**
 * One tenant's link + evaluate, as plain data: what the main thread hands an evaluation thread (a
 * structured clone: the merged inventory, exceptions and settings are JSON-shaped, `now` a Date).
 */
export interface TenantJob {
  /** The tenant's merged collections, not yet linked. */
  inventory: TenantInventory;
  exceptions: ExceptionEntry[];
  now: Date;
  /** Per policy id: the tenant's resolved profile and overrides (default: the standard profile). */
  settings?: Map<string, PolicySetting>;
}

/** link → evaluate for one tenant: the same code in the main thread and in an evaluation thread. */
export function linkAndEvaluate(job: TenantJob, policies: ReadonlyArray<Policy<unknown>>): Result[] {
  return evaluate({
    tenants: [link(job.inventory)],
    policies,
    exceptions: job.exceptions,
    now: job.now,
    ...(job.settings ? { policySettings: new Map([[job.inventory.tenant.id, job.settings]]) } : {}),
  });
}

import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { FilePath } from "../../../config/paths.js";
import { JsonValue, Severity } from "../../../model/vocabulary.js";

/*
 * What every ticketing target's configuration shares. The target schemas (this folder) are what the
 * config file is checked against; they import zod and the config's own schema pieces, never a connector,
 * the sync or the queue (issue #25 items 6 and 8), so loading a config does not load the connectors.
 */

/** A JSON object passed through to a system as is (instance-specific required fields, statuses). */
export const JsonObject = z.record(z.string(), JsonValue);
export type JsonObject = z.infer<typeof JsonObject>;

/** Settings every target shares; each connector extends it with `type`, `auth`, `tenants` and its own. */
export const targetBase = z.strictObject({
  id: Identifier.describe("Names the target in commands and in the ledger: keep it stable."),
  endpoint: z
    .url({ protocol: /^https?$/ })
    .describe("Base URL of the system's API (see the connector's notes)."),
  caBundle: FilePath.optional().describe(
    "PEM file of extra CA certificates (a proxy that re-signs traffic).",
  ),
  timeoutSeconds: z
    .number()
    .positive()
    .max(600)
    .default(30)
    .describe("Per-request timeout, covering the whole response body."),
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Largest response body read (default 8 MiB); a larger one fails the request."),
  grouping: z
    .enum(["per-finding", "per-tenant-policy"])
    .default("per-finding")
    .describe("One ticket per finding, or one per tenant and policy listing its subjects."),
  closeOnResolve: z
    .boolean()
    .default(false)
    .describe("Close the ticket when its findings are resolved or accepted (a note is always added)."),
  minSeverity: Severity.default("low").describe("Findings below this severity get no ticket."),
  fields: JsonObject.optional().describe(
    "Fields added to every ticket this target creates (tenants' own win).",
  ),
  severityFields: z
    .partialRecord(Severity, JsonObject)
    .optional()
    .describe("Fields by severity, e.g. the system's priority: { critical: { priority: { id: 1 } } }."),
});

/** The per-tenant part every mapping has. */
export const mappingBase = z.strictObject({
  fields: JsonObject.optional().describe(
    "Fields added to this tenant's tickets (instance-specific requireds).",
  ),
});

/** `closeOnResolve` without the fields that close a ticket in this instance is refused at config load. */
export function requireCloseFields(
  target: { closeOnResolve: boolean; closeFields?: unknown },
  ctx: z.RefinementCtx,
  example: string,
): void {
  if (target.closeOnResolve && target.closeFields === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["closeFields"],
      message: `closeOnResolve needs closeFields: the fields that close a ticket in your instance, e.g. ${example}`,
    });
}

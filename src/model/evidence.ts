import { z } from "zod";
import { JsonValue } from "./vocabulary.js";

/**
 * Where a fact came from: an API object (endpoint + object id) or a config file line, plus the raw value.
 * Every verdict carries at least one.
 */
export const Evidence = z.object({
  /** Connection type that produced the fact (`google-workspace`, `ssh`, ...). */
  source: z.string(),
  /** Connection id within the tenant. */
  connection: z.string(),
  /** API call, e.g. `GET admin/directory/v1/users`. */
  endpoint: z.string().optional(),
  objectId: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  /** Field or setting name the value was read from. */
  field: z.string().optional(),
  value: JsonValue.optional(),
  /** Why this fact matters, in a sentence. */
  note: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** One-line rendering for tables, CSV and ticket bodies. */
export function describeEvidence(e: Evidence): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ""}` : (e.endpoint ?? e.source);
  const what = e.field ? ` ${e.field}=${JSON.stringify(e.value ?? null)}` : "";
  const object = e.objectId ? ` [${e.objectId}]` : "";
  return `${where}${object}${what}${e.note ? ` (${e.note})` : ""}`;
}

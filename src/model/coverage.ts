import { z } from "zod";

/**
 * What a sweep saw of one connection. Only `complete` coverage may resolve queue items; `partial` lists in
 * `gaps` what was not read and why.
 */
export const Coverage = z.object({
  tenant: z.string(),
  connection: z.string(),
  source: z.string(),
  status: z.enum(["complete", "partial", "failed"]),
  /** Why the status is not complete: the error class and message, naming what failed. */
  reason: z.string().optional(),
  gaps: z.array(z.object({ what: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
  counts: z.object({
    accounts: z.number().int(),
    /** Records the provider could not map (malformed, unexpected shape); each one is a gap. */
    skipped: z.number().int(),
    requests: z.number().int(),
    retries: z.number().int(),
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type Coverage = z.infer<typeof Coverage>;

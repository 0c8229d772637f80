import { parentPort } from "node:worker_threads";
import { z } from "zod";
import { describeError } from "../../errors.js";
import type { Result } from "../../model/index.js";
import type { TenantJob } from "./tenant.js";

/**
 * What an evaluation thread answers for one job: the results as JSON text. Results are JSON values by
 * their schema (model/result.ts), and the main thread parses JSON text in about half the time it takes
 * to receive the same results as a structured clone, which would eat much of what the thread saves.
 * Only the envelope is checked: the results were built by this same code in the thread, and parsing them
 * again with zod would cost more still (#20 item 3).
 */
export const ThreadReply = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), results: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/**
 * Serves jobs in a worker thread, one at a time: each message is a `TenantJob`, each answer a
 * `ThreadReply`. A job that throws is answered with its error; the thread stays up for the next.
 */
export function serveJobs(evaluateOne: (job: TenantJob) => Result[]): void {
  const port = parentPort;
  if (!port) throw new Error("an evaluation thread must be started as a worker thread");
  port.on("message", (job: TenantJob) => {
    let reply: z.input<typeof ThreadReply>;
    try {
      reply = { ok: true, results: JSON.stringify(evaluateOne(job)) };
    } catch (err) {
      reply = { ok: false, error: describeError(err) };
    }
    port.postMessage(reply);
  });
}

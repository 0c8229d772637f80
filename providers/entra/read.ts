import { z } from "zod";
import type { CollectContext } from "../../src/collect/provider.js";
import { describeError } from "../../src/errors.js";
import type { Evidence } from "../../src/model/index.js";
import type { Endpoint } from "./api.js";
import { NotLicensedError } from "./client.js";
import type { EntraSettings } from "./settings.js";
import { source } from "./transform.js";

// What every read of the Entra provider shares: the context, a read's outcome, licence refusals, evidence.

export type Ctx = CollectContext<EntraSettings>;

/** Kept raw for the facts (validated there against the shared schemas). */
export const rawRecord = z.looseObject({ id: z.string() });

/** Reads a tenant without the licence refused (what, Graph's message), told in one coverage line at the end. */
const licenceRefusals = new WeakMap<object, Array<{ what: string; message: string }>>();

export function refusedForLicence(ctx: Ctx, what: string, message: string): void {
  const list = licenceRefusals.get(ctx) ?? [];
  list.push({ what, message });
  licenceRefusals.set(ctx, list);
}

/**
 * One line for a tenant without Entra ID P1: what Graph refused, and whether the per-user fallback ran
 * and what it cost (issue #18 item 4), instead of one raw note per refused endpoint.
 */
export function licenceNote(ctx: Ctx, fallbackCost: string | undefined): void {
  const list = licenceRefusals.get(ctx);
  if (!list?.length) return;
  const message = list[0]!.message;
  const fallback = fallbackCost
    ? `registration read per user instead (GET /users/{id}/authentication/methods through $batch): ${fallbackCost}`
    : "no per-user fallback ran";
  ctx.note(
    `no Entra ID P1 in this tenant: Graph refused ${list.map((r) => r.what).join(", ")} (${message}); ${fallback}`,
  );
}

export type Read<T> =
  | { status: "read"; data: T }
  | { status: "not-licensed" | "unavailable"; reason: string };

/**
 * Runs one read. A licence refusal is the tenant's state (a note); any other failure is a gap in
 * coverage. Either way the caller records the status instead of an empty list.
 */
export async function attempt<T>(ctx: Ctx, what: string, read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { status: "read", data: await read() };
  } catch (err) {
    const reason = describeError(err);
    if (err instanceof NotLicensedError) {
      refusedForLicence(ctx, what, err.message);
      return { status: "not-licensed", reason };
    }
    ctx.gap(what, reason);
    return { status: "unavailable", reason };
  }
}

export function state<T>(r: Read<T>): { status: "read" | "not-licensed" | "unavailable"; reason?: string } {
  return r.status === "read" ? { status: "read" } : { status: r.status, reason: r.reason };
}

export function evidenceOf(ctx: Ctx, endpoint: Endpoint, note?: string): Evidence[] {
  return [{ source, connection: ctx.connectionId, endpoint: endpoint.label, ...(note ? { note } : {}) }];
}

/** Runs `task` for each item with the quota domain's concurrency; results in input order. */
export async function forEach<I, O>(items: I[], task: (item: I) => Promise<O>): Promise<O[]> {
  return Promise.all(items.map(task));
}

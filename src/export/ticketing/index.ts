import { z } from "zod";
import { autotask } from "./autotask.js";
import { connectwise } from "./connectwise.js";
import { halopsa } from "./halopsa.js";
import { jira } from "./jira.js";
import { servicenow } from "./servicenow.js";
import { runTicketSync, type SyncOptions, type SyncSummary } from "./sync.js";
import type { TicketingConnector } from "./types.js";
import { webhook } from "./webhook.js";

/**
 * The one registry of ticketing connectors: adding a system is its file plus one line here. The config's
 * `ticketing:` entries are validated by the connector their `type` names.
 */
export const ticketingConnectors: ReadonlyArray<TicketingConnector<{ type: string; id: string }, unknown>> = [
  connectwise,
  autotask,
  halopsa,
  jira,
  servicenow,
  webhook,
];

export function findTicketingConnector(
  type: string,
): TicketingConnector<{ type: string; id: string }, unknown> | undefined {
  return ticketingConnectors.find((c) => c.type === type);
}

/** One `ticketing[]` entry: the schema of the connector its `type` names. */
function targetSchema() {
  const [first, ...rest] = ticketingConnectors.map((c) => c.schema as unknown as z.ZodObject);
  if (!first) throw new Error("no ticketing connectors registered");
  return z.discriminatedUnion("type", [first, ...rest]);
}

export const TicketTarget = targetSchema();
export type TicketTarget = { type: string; id: string } & Record<string, unknown>;

/** The `ticketing:` list: target ids are unique (they key the ledger). */
export const TicketingConfig = z
  .array(TicketTarget)
  .default([])
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      const id = (t as { id: string }).id;
      if (seen.has(id))
        ctx.addIssue({
          code: "custom",
          path: [i, "id"],
          message: `ticketing target '${id}' is listed twice`,
        });
      seen.add(id);
    });
  });

/** Syncs the queue to every configured (or the chosen) ticketing target; see sync.ts. */
export function syncTickets(options: SyncOptions): Promise<SyncSummary> {
  return runTicketSync(options, ticketingConnectors);
}

export type { RecordedRequest } from "./http.js";
export { groupKey, type SyncOptions, type SyncSummary, type TargetSummary } from "./sync.js";
export type { TicketingConnector } from "./types.js";

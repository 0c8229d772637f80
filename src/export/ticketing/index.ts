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

/** Syncs the queue to every configured (or the chosen) ticketing target; see sync.ts. */
export function syncTickets(options: SyncOptions): Promise<SyncSummary> {
  return runTicketSync(options, ticketingConnectors);
}

export { TicketingConfig, TicketTarget } from "./config.js";
export type { RecordedRequest } from "./http.js";
export { groupKey, type SyncOptions, type SyncSummary, type TargetSummary } from "./sync.js";
export type { TicketingConnector } from "./types.js";

import type { z } from "zod";
import type { Secret } from "../../config/secrets.js";
import type { Severity } from "../../model/index.js";
import type { TicketHttp } from "./http.js";
import type { TicketDoc } from "./render.js";

export { JsonObject, mappingBase, requireCloseFields, targetBase } from "./targets/base.js";

/**
 * The contract between the ticketing sync (sync.ts, the one algorithm) and a connector (one file per
 * system). A connector knows its system's endpoints, auth, dedupe field and body shapes, nothing about
 * the queue; the sync knows the queue and the ledger, nothing about any system.
 */

/** The system's own reference to a ticket. */
export interface RemoteTicket {
  id: string;
  url?: string;
}

/** What one ticket says, before a connector renders it for its format. */
export interface TicketDraft {
  /** The dedupe key written to the system's dedupe field (fingerprint, or a group key). */
  key: string;
  tenant: { id: string; name: string };
  title: string;
  doc: TicketDoc;
  severity: Severity;
  /** The findings this ticket covers (one, or a tenant's findings of one policy). */
  members: Array<{
    fingerprint: string;
    policy: string;
    subject: { kind: string; id: string; name: string; source: string; connection: string };
    mfaState: string | null;
    state: string;
    dueAt: string | null;
  }>;
}

/** A tenant's mapping for a target, with the tenant it belongs to. */
export interface Scope<M> {
  tenant: string;
  mapping: M;
}

/**
 * How creates are retried after a 5xx or a lost answer (the ticket may exist):
 * - `idempotent`: the request carries its own idempotency key (webhook-id): retry.
 * - `after-lookup`: the dedupe field is searchable and consistent: look the key up, then retry if absent.
 * - `no`: the next run decides (ledger, or an eventually consistent search).
 */
export type CreateRetry = "idempotent" | "after-lookup" | "no";

/**
 * A customer record of a PSA (ConnectWise company, Autotask company, HaloPSA client), for `tickets map`:
 * only what matching needs. `website` is the vendor's own field, as the PSA holds it (a URL or a host).
 */
export interface PsaCompany {
  id: number;
  name: string;
  website?: string;
  /** ConnectWise's short company identifier. */
  identifier?: string;
}

/** Pages read at most when listing a PSA's companies: a list that does not end is an error, not a loop. */
export const maxCompanyPages = 500;

/** One target's client for one run. */
export interface TicketingClient<M> {
  /**
   * Every active company (client) of the PSA, all pages, for `tickets map` (issue #22 item 4). Throws on
   * any page it cannot read: a partial list would leave tenants unmatched that are not.
   */
  listCompanies?(): Promise<PsaCompany[]>;
  /** Looks the key up in the system's dedupe field, within the tenant's company/project only. */
  find?(key: string, scope: Scope<M>): Promise<RemoteTicket | undefined>;
  /**
   * A read-only request that proves the system is reachable and takes the credentials, for `doctor`
   * (issue #23 item 8); says what it did. Without it, doctor looks up a key that does not exist (`find`).
   */
  probe?(): Promise<string>;
  create(draft: TicketDraft, scope: Scope<M>, previous?: RemoteTicket): Promise<RemoteTicket>;
  update(ticket: RemoteTicket, draft: TicketDraft, scope: Scope<M>): Promise<void>;
  note(ticket: RemoteTicket, note: TicketDoc, scope: Scope<M>, draft: TicketDraft): Promise<void>;
  close(ticket: RemoteTicket, scope: Scope<M>, draft: TicketDraft): Promise<void>;
}

export interface ConnectorContext {
  http: TicketHttp;
  /** Resolves an env:/file: reference; the value is registered for redaction. */
  secret(ref: string): Promise<Secret>;
  /** The clock, for webhook event timestamps. */
  now: () => Date;
}

/** A registry entry: adding a system is one file exporting one of these, plus one line in index.ts. */
export interface TicketingConnector<T extends { type: string; id: string }, M> {
  type: T["type"];
  /** The target's config schema (`ticketing[]` entries with this `type`). */
  schema: z.ZodType<T>;
  /** How the remote dedupe lookup behaves, for messages and docs. */
  lookup: "dedupe-field" | "search (eventually consistent)" | "none (ledger only)";
  createRetry: CreateRetry;
  /** The mapping field that holds the customer's company id (`companyId`, `clientId`), for `tickets map`. */
  companyField?: string;
  /** The tenant's mapping, or undefined when the target does not serve that tenant. */
  mapping(target: T, tenant: string): M | undefined;
  open(target: T, ctx: ConnectorContext): Promise<TicketingClient<M>>;
}

/**
 * Erases a connector's own types so all fit one registry. Safe: the sync only passes a target parsed by
 * the same connector's schema, and only passes back the mapping that connector returned.
 */
export function defineConnector<T extends { type: string; id: string }, M>(
  connector: TicketingConnector<T, M>,
): TicketingConnector<{ type: string; id: string }, unknown> {
  return connector as unknown as TicketingConnector<{ type: string; id: string }, unknown>;
}

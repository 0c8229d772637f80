import { z } from "zod";
import {
  AppliedException,
  Coverage,
  Evidence,
  JsonValue,
  ResultMfa,
  Severity,
  Subject,
} from "../model/index.js";

/**
 * The remediation queue's records. Timestamps are ISO-8601 UTC strings (`Date#toISOString`), which sort
 * and compare as text in any SQL database; structured values travel as JSON text. Every store parses
 * its rows back through these schemas, so a damaged row is an error, not a silent default.
 */

/**
 * `open → ticketed → resolved`; `accepted` while an exception applies; `reopened` when a resolved item
 * fails again (a regression), an exception ends, or someone reopens it by hand.
 */
export const ItemState = z.enum(["open", "ticketed", "resolved", "accepted", "reopened"]);
export type ItemState = z.infer<typeof ItemState>;

/** States that are work to do: they have a due date and can be overdue. */
export const openStates: ReadonlyArray<ItemState> = ["open", "ticketed", "reopened"];
export function isOpenState(state: ItemState): boolean {
  return openStates.includes(state);
}

/** An exception applied to an item, and where it came from: the config file or `queue accept`. */
export const ItemException = AppliedException.extend({ source: z.enum(["config", "queue"]) });
export type ItemException = z.infer<typeof ItemException>;

/** One finding in the queue, keyed by its fingerprint. Content fields are from the last result seen. */
export const QueueItem = z.object({
  fingerprint: z.string(),
  tenant: z.string(),
  policy: z.string(),
  title: z.string(),
  severity: Severity,
  subject: Subject,
  state: ItemState,
  /** Status of the last result seen for it. */
  status: z.enum(["fail", "unknown", "excepted"]),
  message: z.string(),
  mfa: ResultMfa.nullable(),
  evidence: z.array(Evidence),
  remediation: z.string(),
  details: z.record(z.string(), JsonValue).nullable(),
  /**
   * Connections the last result seen depended on (`Result.dependsOn`): the item resolves only when every
   * one of them was read completely. Null for items stored before it was recorded: those need every
   * connection of the tenant complete.
   */
  dependsOn: z.array(z.string()).nullable(),
  /** The exception that applies while `accepted`; null otherwise. */
  exception: ItemException.nullable(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Start of the current open period (first seen, or reopened): the SLA clock starts here. */
  openedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** openedAt + the SLA days of its severity; null while accepted or resolved, or without an SLA. */
  dueAt: z.string().nullable(),
  /** Times it failed again after being resolved. */
  regressionCount: z.number().int().nonnegative(),
  /** The sweep that last saw or changed it. */
  lastSweep: z.string().nullable(),
  updatedAt: z.string(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/** The columns of an item a store reads for all of a tenant's items before reconciling (steady state). */
export type StoredItem = Pick<QueueItem, "fingerprint" | "tenant" | "state" | "dueAt"> & {
  contentHash: string | null;
};

/** What a refresh of an item rewrites: the result's content, and the exception. */
export type ItemContent = Pick<
  QueueItem,
  | "policy"
  | "title"
  | "severity"
  | "subject"
  | "status"
  | "message"
  | "mfa"
  | "evidence"
  | "remediation"
  | "details"
  | "dependsOn"
  | "exception"
>;

/** One state change (or a noted change within a state), by a sweep id or a person. */
export const HistoryEntry = z.object({
  fingerprint: z.string(),
  at: z.string(),
  actor: z.string(),
  from: ItemState.nullable(),
  to: ItemState,
  note: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** An exception recorded by `queue accept`; applied to its fingerprint in every later sweep. */
export const Acceptance = z.object({
  fingerprint: z.string(),
  tenant: z.string(),
  reason: z.string(),
  approvedBy: z.string(),
  /** YYYY-MM-DD, valid through the end of that day (UTC), like config exceptions. */
  expires: z.iso.date(),
  createdAt: z.string(),
});
export type Acceptance = z.infer<typeof Acceptance>;

/** Ledger of tickets opened for items (filled by the ticketing connectors, issue #9). */
export const TicketRef = z.object({
  fingerprint: z.string(),
  system: z.string(),
  ticketId: z.string(),
  url: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TicketRef = z.infer<typeof TicketRef>;

/**
 * Where a ledgered ticket stands, as the ticketing sync left it: `open` (content in sync), `resolved` (the
 * item left the open states and a note said so; the ticket stays open) or `closed` (the sync closed it).
 */
export const TicketPhase = z.enum(["open", "resolved", "closed"]);
export type TicketPhase = z.infer<typeof TicketPhase>;

/**
 * A ledger row with what the ticketing sync needs to stay idempotent: the dedupe key written to the remote
 * system (the fingerprint, or a group key when one ticket covers a tenant's policy), a digest of the content
 * last sent (so only a change is sent again), and the phase. Null for rows written before issue #9.
 */
export const TicketLedgerEntry = TicketRef.extend({
  key: z.string().nullable(),
  digest: z.string().nullable(),
  phase: TicketPhase.nullable(),
});
export type TicketLedgerEntry = z.infer<typeof TicketLedgerEntry>;

/** Days to fix a finding, by severity, counted from when it opened. */
export const Sla = z.object({
  critical: z.number().int().positive(),
  high: z.number().int().positive(),
  medium: z.number().int().positive(),
  low: z.number().int().positive(),
  info: z.number().int().positive().optional(),
});
export type Sla = z.infer<typeof Sla>;
export const defaultSla: Sla = { critical: 2, high: 7, medium: 30, low: 90 };

/** What one sweep did to one tenant's queue: flows (new ... accepted) and the stock afterwards. */
export const TenantDiff = z.object({
  tenant: z.string(),
  /** Findings seen for the first time (open). */
  new: z.number().int(),
  /** Resolved items that failed again. */
  regressed: z.number().int(),
  /** Accepted items whose exception ended (expired, withdrawn), now open again. */
  reopened: z.number().int(),
  resolved: z.number().int(),
  /** Items that came under an exception in this sweep. */
  newlyAccepted: z.number().int(),
  /** Open items that were already open before this sweep. */
  stillOpen: z.number().int(),
  /** Open items after this sweep (new + regressed + reopened + still open). */
  open: z.number().int(),
  overdue: z.number().int(),
  /** Items under an exception after this sweep. */
  accepted: z.number().int(),
});
export type TenantDiff = z.infer<typeof TenantDiff>;

export const ChangeKind = z.enum([
  "new",
  "seen",
  "regressed",
  "reopened",
  "resolved",
  "accepted",
  "ticketed",
]);
export type ChangeKind = z.infer<typeof ChangeKind>;

/** One line of a sweep's diff, for summaries and reports. */
export const ChangeLine = z.object({
  kind: ChangeKind,
  fingerprint: z.string(),
  tenant: z.string(),
  policy: z.string(),
  severity: Severity,
  subject: z.string(),
  from: ItemState.nullable(),
  to: ItemState,
  note: z.string().nullable(),
});
export type ChangeLine = z.infer<typeof ChangeLine>;

export const SweepKind = z.enum(["sweep", "demo"]);
export const SweepStatus = z.enum(["running", "finished", "interrupted"]);

/** The end-of-sweep summary: per tenant, what changed and how much of it was seen. */
export const SweepSummary = z.object({
  sweep: z.object({
    id: z.string(),
    kind: SweepKind,
    startedAt: z.string(),
    finishedAt: z.string(),
    status: SweepStatus,
  }),
  totals: TenantDiff.omit({ tenant: true }),
  tenants: z.array(
    z.object({
      tenant: z.string(),
      name: z.string(),
      /** False when the tenant's results were not written (an error, or the sweep was stopped). */
      reconciled: z.boolean(),
      error: z.string().optional(),
      coverage: z.object({
        status: z.enum(["complete", "partial", "failed"]),
        connections: z.array(Coverage.pick({ connection: true, source: true, status: true, reason: true })),
      }),
      diff: TenantDiff.nullable(),
    }),
  ),
  /**
   * The state changes of this sweep (new, regressed, reopened, resolved, accepted): every one, or when the
   * sweep kept no results, the most severe `changeLineLimit` of them (the queue's history has them all).
   */
  changes: z.array(ChangeLine),
  /** Changes left out of `changes` (counted in `totals` and kept in the queue's history). */
  omittedChanges: z.number().int().nonnegative().optional(),
});
export type SweepSummary = z.infer<typeof SweepSummary>;

/** A sweep as the store keeps it, for history and trend reports. */
export const SweepRecord = z.object({
  id: z.string(),
  kind: SweepKind,
  status: SweepStatus,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  tenants: z.array(z.string()),
  coverage: z.array(Coverage),
  summary: SweepSummary.nullable(),
});
export type SweepRecord = z.infer<typeof SweepRecord>;

/** Who holds a named lock; `heartbeatAt` is refreshed while the holder runs. */
export const LockHolder = z.object({
  owner: z.string(),
  pid: z.number().int(),
  host: z.string(),
  acquiredAt: z.string(),
  heartbeatAt: z.string(),
});
export type LockHolder = z.infer<typeof LockHolder>;

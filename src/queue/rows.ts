import { z } from "zod";
import { severityRank } from "../model/index.js";
import { sha256Hex } from "../util/hash.js";
import { StoreError } from "./errors.js";
import {
  Acceptance,
  HistoryEntry,
  type ItemContent,
  ItemState,
  LockHolder,
  QueueItem,
  type StoredItem,
  SweepRecord,
  TenantDiff,
  TicketLedgerEntry,
  TicketRef,
} from "./model.js";

/**
 * Rows of the queue's tables as records, and back: shared by the SQLite and PostgreSQL stores, whose
 * tables have the same columns (text timestamps, JSON as text). Every row is parsed through the model's
 * schemas, so a damaged row is a StoreError naming the store and the record, never a silent default.
 */

export type Row = Record<string, unknown>;

export const itemColumns = [
  "fingerprint",
  "tenant",
  "policy",
  "title",
  "severity",
  "subject",
  "connection",
  "state",
  "status",
  "message",
  "mfa",
  "evidence",
  "remediation",
  "details",
  "depends_on",
  "exception",
  "first_seen",
  "last_seen",
  "opened_at",
  "resolved_at",
  "due_at",
  "regression_count",
  "last_sweep",
  "updated_at",
  "content_hash",
] as const;
export type ItemColumn = (typeof itemColumns)[number];

export const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/** An item's content as its columns hold it (JSON as text). */
function contentColumns(c: ItemContent) {
  return {
    policy: c.policy,
    title: c.title,
    severity: c.severity,
    subject: json(c.subject),
    status: c.status,
    message: c.message,
    mfa: json(c.mfa),
    evidence: json(c.evidence),
    remediation: c.remediation,
    details: json(c.details),
    depends_on: json(c.dependsOn),
    exception: json(c.exception),
  };
}

/** Length-prefixed, so no two different contents join to the same text. */
function hashColumns(columns: ReturnType<typeof contentColumns>): string {
  // One string built in place (the arrays of map/join showed in a first sweep's profile); the text, and
  // so every stored hash, is the same as before: "-" or "length:value" per column, joined by ",".
  let text = "";
  let first = true;
  for (const key in columns) {
    const v = columns[key as keyof typeof columns];
    text += `${first ? "" : ","}${v === null ? "-" : `${v.length}:${v}`}`;
    first = false;
  }
  return sha256Hex(text);
}

/**
 * A hash of an item's content as its columns hold it: equal hashes mean a refresh would write the same
 * values. Stores keep it beside the item and compare it instead of reading and parsing the whole row.
 */
export function contentHash(c: ItemContent): string {
  return hashColumns(contentColumns(c));
}

/** An item as column values (JSON columns as text), with its content hash. */
export function itemValues(i: QueueItem): Record<ItemColumn, unknown> {
  const content = contentColumns(i);
  return {
    fingerprint: i.fingerprint,
    tenant: i.tenant,
    ...content,
    connection: i.subject.connection,
    state: i.state,
    first_seen: i.firstSeen,
    last_seen: i.lastSeen,
    opened_at: i.openedAt,
    resolved_at: i.resolvedAt,
    due_at: i.dueAt,
    regression_count: i.regressionCount,
    last_sweep: i.lastSweep,
    updated_at: i.updatedAt,
    content_hash: hashColumns(content),
  };
}

/** The columns `StoredItem` reads (the steady-state reconcile reads these of every item, not the whole row). */
export const storedItemColumns = "fingerprint, tenant, state, due_at, content_hash";

/** Rows in the order of `fingerprints` (the order the store listed the tenant's items in, as before). */
export function inOrderOf(fingerprints: string[], rows: Row[]): Row[] {
  const byFingerprint = new Map(rows.map((r) => [String(r.fingerprint), r]));
  return fingerprints.flatMap((f) => {
    const row = byFingerprint.get(f);
    return row ? [row] : [];
  });
}

const StoredItemRow = z.object({
  fingerprint: z.string(),
  tenant: z.string(),
  state: ItemState,
  dueAt: z.string().nullable(),
  contentHash: z.string().nullable(),
});

const stateOrder: Record<ItemState, number> = { reopened: 0, open: 1, ticketed: 2, accepted: 3, resolved: 4 };

/** Most urgent first: the order `findItems` returns, the same in every store. */
export function byUrgency(a: QueueItem, b: QueueItem): number {
  return (
    stateOrder[a.state] - stateOrder[b.state] ||
    severityRank[b.severity] - severityRank[a.severity] ||
    (a.dueAt ?? "~").localeCompare(b.dueAt ?? "~") ||
    a.tenant.localeCompare(b.tenant) ||
    a.policy.localeCompare(b.policy) ||
    a.subject.name.localeCompare(b.subject.name) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** Reads rows of one store; errors name `location` (a file, or a URL without its password). */
export class RowReader {
  constructor(readonly location: string) {}

  parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoreError(
        `${this.location}: ${what} is damaged (${issue?.path.join(".") || "value"}: ${issue?.message ?? "invalid"})`,
      );
    }
    return parsed.data;
  }

  json(text: unknown, what: string): unknown {
    if (text === null || text === undefined) return null;
    try {
      return JSON.parse(String(text));
    } catch {
      throw new StoreError(`${this.location}: ${what} is damaged (not JSON)`);
    }
  }

  item(row: Row): QueueItem {
    const what = `item ${String(row.fingerprint)}`;
    return this.parse(
      QueueItem,
      {
        fingerprint: row.fingerprint,
        tenant: row.tenant,
        policy: row.policy,
        title: row.title,
        severity: row.severity,
        subject: this.json(row.subject, what),
        state: row.state,
        status: row.status,
        message: row.message,
        mfa: this.json(row.mfa, what),
        evidence: this.json(row.evidence, what),
        remediation: row.remediation,
        details: this.json(row.details, what),
        dependsOn: this.json(row.depends_on, what),
        exception: this.json(row.exception, what),
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        openedAt: row.opened_at,
        resolvedAt: row.resolved_at,
        dueAt: row.due_at,
        regressionCount: row.regression_count,
        lastSweep: row.last_sweep,
        updatedAt: row.updated_at,
      },
      what,
    );
  }

  stored(row: Row): StoredItem {
    return this.parse(
      StoredItemRow,
      {
        fingerprint: row.fingerprint,
        tenant: row.tenant,
        state: row.state,
        dueAt: row.due_at,
        contentHash: row.content_hash,
      },
      `item ${String(row.fingerprint)}`,
    );
  }

  acceptance(row: Row): Acceptance {
    return this.parse(
      Acceptance,
      {
        fingerprint: row.fingerprint,
        tenant: row.tenant,
        reason: row.reason,
        approvedBy: row.approved_by,
        expires: row.expires,
        createdAt: row.created_at,
      },
      `acceptance of ${String(row.fingerprint)}`,
    );
  }

  history(row: Row): HistoryEntry {
    return this.parse(
      HistoryEntry,
      {
        fingerprint: row.fingerprint,
        at: row.at,
        actor: row.actor,
        from: row.from_state,
        to: row.to_state,
        note: row.note,
      },
      `history of ${String(row.fingerprint)}`,
    );
  }

  sweep(row: Row): SweepRecord {
    const what = `sweep ${String(row.id)}`;
    return this.parse(
      SweepRecord,
      {
        id: row.id,
        kind: row.kind,
        status: row.status,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        tenants: this.json(row.tenants, what),
        coverage: this.json(row.coverage, what),
        summary: this.json(row.summary, what),
      },
      what,
    );
  }

  diff(text: unknown, sweepId: string): TenantDiff {
    return this.parse(TenantDiff, this.json(text, `sweep ${sweepId}`), `sweep ${sweepId} diff`);
  }

  lockHolder(row: Row, name: string): LockHolder {
    return this.parse(
      LockHolder,
      {
        owner: row.owner,
        pid: row.pid,
        host: row.host,
        acquiredAt: row.acquired_at,
        heartbeatAt: row.heartbeat_at,
      },
      `lock ${name}`,
    );
  }

  ticketLedger(row: Row): TicketLedgerEntry {
    return this.parse(
      TicketLedgerEntry,
      {
        fingerprint: row.fingerprint,
        system: row.system,
        ticketId: row.ticket_id,
        url: row.url,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        key: row.ticket_key,
        digest: row.digest,
        phase: row.phase,
      },
      `ticket of ${String(row.fingerprint)}`,
    );
  }

  ticketRef(row: Row): TicketRef {
    return this.parse(
      TicketRef,
      {
        fingerprint: row.fingerprint,
        system: row.system,
        ticketId: row.ticket_id,
        url: row.url,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
      `ticket of ${String(row.fingerprint)}`,
    );
  }
}

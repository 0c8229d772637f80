import { dependenciesOf, isExpired } from "../evaluate/index.js";
import type { Coverage, Result, Severity, Subject } from "../model/index.js";
import { QueueItemError, QueueRuleError } from "./errors.js";
import {
  type Acceptance,
  type ChangeKind,
  type ChangeLine,
  type ItemContent,
  type ItemException,
  type ItemState,
  isOpenState,
  type QueueItem,
  type Sla,
  type StoredItem,
  type TenantDiff,
} from "./model.js";
import { contentHash } from "./rows.js";

/**
 * The queue's rules, as pure functions: (items, this sweep's results and coverage, acceptances, SLA,
 * now) → changes. Stores call them inside a transaction and write what they return; nothing here does
 * I/O or reads the clock.
 */

/** One item written by a change, and the history row it gets (null: a refresh without a state change). */
export interface ItemChange {
  kind: ChangeKind;
  item: QueueItem;
  history: { actor: string; from: ItemState | null; to: ItemState; note: string | null } | null;
}

export interface ReconcileInput {
  tenant: string;
  sweepId: string;
  now: Date;
  sla: Sla;
  /**
   * Every item the store holds for the tenant, in any state; with `steady`, only those `unchangedFindings`
   * says are needed.
   */
  items: QueueItem[];
  /**
   * Steady state: what the store read of every item of the tenant (state, due date, content hash) and
   * what `unchangedFindings` made of it; the store loads whole only the `needed` items. Findings seen
   * again unchanged are then `touched`, not rewritten.
   */
  steady?: { stored: StoredItem[]; unchanged: Set<string> };
  /** This sweep's results for the tenant. */
  results: Result[];
  /** This sweep's coverage for the tenant. */
  coverage: Coverage[];
  /** The store's `queue accept` records for the tenant. */
  acceptances?: Acceptance[];
}

export interface ReconcilePlan {
  /** `results` with queue acceptances applied. */
  results: Result[];
  changes: ItemChange[];
  /**
   * Items seen again with the same content in an open state: only `lastSeen`, `lastSweep` and `updatedAt`
   * change (to the sweep's time and id), which the store writes in bulk.
   */
  touched: string[];
  diff: TenantDiff;
}

const day = 86_400_000;

/** openedAt + the SLA of the severity; null when the severity has no SLA (info, unless configured). */
export function dueDate(openedAt: string, severity: Severity, sla: Sla): string | null {
  const days = sla[severity];
  return days === undefined ? null : new Date(Date.parse(openedAt) + days * day).toISOString();
}

/** `now` as a Date, or as its ISO text (a reconcile formats it once, not once per item). */
export function isOverdue(item: Pick<QueueItem, "state" | "dueAt">, now: Date | string): boolean {
  const at = typeof now === "string" ? now : now.toISOString();
  return isOpenState(item.state) && item.dueAt !== null && item.dueAt < at;
}

/**
 * Applies `queue accept` records to results exactly as `evaluate` applies config exceptions: a failing or
 * unknown result with a valid acceptance becomes `excepted` with it; an expired one stays failing and
 * says so. Config exceptions were applied first, so they win when both exist.
 */
export function applyAcceptances(results: Result[], acceptances: Acceptance[], now: Date): Result[] {
  if (acceptances.length === 0) return results;
  const byFingerprint = new Map(acceptances.map((a) => [a.fingerprint, a]));
  return results.map((r) => {
    const acceptance = byFingerprint.get(r.fingerprint);
    if (!acceptance || (r.status !== "fail" && r.status !== "unknown")) return r;
    if (isExpired(acceptance.expires, now))
      return {
        ...r,
        message: `${r.message} (exception expired on ${acceptance.expires}: ${acceptance.reason})`,
      };
    const { reason, approvedBy, expires } = acceptance;
    return { ...r, status: "excepted", exception: { reason, approvedBy, expires } };
  });
}

const statusRank: Record<Result["status"], number> = { fail: 3, unknown: 2, excepted: 1, pass: 0 };

function contentOf(result: Result): Omit<ItemContent, "exception"> {
  return {
    policy: result.policy,
    title: result.title,
    severity: result.severity,
    subject: result.subject,
    status: result.status === "pass" ? "fail" : result.status,
    message: result.message,
    mfa: result.mfa,
    evidence: result.evidence,
    remediation: result.remediation,
    details: result.details ?? null,
    dependsOn: dependsOnOf(result),
  };
}

/** What a result depended on; a result from before `dependsOn` was recorded: its subject and evidence. */
function dependsOnOf(result: Result): string[] {
  return result.dependsOn ?? dependenciesOf(result);
}

function exceptionOf(result: Result, acceptances: Map<string, Acceptance>): ItemException | null {
  if (!result.exception) return null;
  const a = acceptances.get(result.fingerprint);
  const fromQueue =
    a !== undefined &&
    a.reason === result.exception.reason &&
    a.approvedBy === result.exception.approvedBy &&
    a.expires === result.exception.expires;
  return { ...result.exception, source: fromQueue ? "queue" : "config" };
}

function describeException(e: ItemException): string {
  return `${e.source === "queue" ? "accepted" : "config exception"} by ${e.approvedBy} until ${e.expires}: ${e.reason}`;
}

function sameException(a: ItemException | null, b: ItemException | null): boolean {
  return (
    a?.reason === b?.reason &&
    a?.approvedBy === b?.approvedBy &&
    a?.expires === b?.expires &&
    a?.source === b?.source
  );
}

/** Whether a sweep re-read what an item's verdict depended on, and which connections it was not. */
interface Reread {
  complete: boolean;
  /** The connections that had to be complete. */
  needed: string[];
  /** Those of them this sweep did not read completely (or did not sweep at all). */
  incomplete: string[];
}

/**
 * Judges re-reads against this sweep's coverage. An item resolves only when every connection its verdict
 * depended on (`dependsOn`: its own, the identity provider behind a delegation, a linked account's
 * directory) was swept with `complete` coverage. Without a recorded set (items stored before it was, a
 * result naming none) every connection of the tenant must be complete, the subject's own among them.
 */
function rereadJudge(coverage: Coverage[]): (dependsOn: string[] | null, subject: Subject) => Reread {
  const status = new Map(coverage.map((c) => [c.connection, c.status]));
  return (dependsOn, subject) => {
    const needed =
      dependsOn && dependsOn.length > 0
        ? dependsOn
        : [...new Set([...(subject.connection === "-" ? [] : [subject.connection]), ...status.keys()])];
    const incomplete = needed.filter((c) => status.get(c) !== "complete");
    return { complete: needed.length > 0 && incomplete.length === 0, needed, incomplete };
  };
}

const quoted = (list: string[]) => list.map((c) => `'${c}'`).join(", ");

function whyNotRechecked(judged: Reread | undefined, policy: string): string {
  if (!judged) return `policy ${policy} could not be evaluated`;
  if (judged.incomplete.length === 0) return "no connection of the tenant was swept";
  const noun = judged.incomplete.length === 1 ? "connection" : "connections";
  return `${noun} ${quoted(judged.incomplete)} not read completely`;
}

/** The tenant's results with acceptances applied, one per fingerprint (the worse status when a policy reports a subject twice). */
function tenantResults(input: Pick<ReconcileInput, "tenant" | "results" | "acceptances" | "now">): {
  results: Result[];
  seen: Map<string, Result>;
} {
  const results = applyAcceptances(
    input.results.filter((r) => r.tenant === input.tenant),
    input.acceptances ?? [],
    input.now,
  );
  const seen = new Map<string, Result>();
  for (const r of results) {
    const prior = seen.get(r.fingerprint);
    if (!prior || statusRank[r.status] > statusRank[prior.status]) seen.set(r.fingerprint, r);
  }
  return { results, seen };
}

/**
 * Steady state, before a store loads whole items: the findings seen again, still open (open, ticketed,
 * reopened), without an exception, whose content hash is unchanged (a refresh of them writes only
 * `lastSeen`, `lastSweep` and `updatedAt`), and the items that must be loaded whole because something
 * else may change: every other item, except resolved ones this sweep does not find failing (they stay
 * as they are).
 */
export function unchangedFindings(
  input: Pick<ReconcileInput, "tenant" | "results" | "acceptances" | "now"> & { stored: StoredItem[] },
): { unchanged: Set<string>; needed: string[] } {
  const { seen } = tenantResults(input);
  const unchanged = new Set<string>();
  const needed: string[] = [];
  for (const item of input.stored) {
    if (item.tenant !== input.tenant) continue;
    const result = seen.get(item.fingerprint);
    const failing = result !== undefined && result.status !== "pass";
    if (
      failing &&
      !result.exception &&
      isOpenState(item.state) &&
      item.contentHash !== null &&
      item.contentHash === contentHash({ ...contentOf(result), exception: null })
    )
      unchanged.add(item.fingerprint);
    else if (failing || item.state !== "resolved") needed.push(item.fingerprint);
  }
  return { unchanged, needed };
}

/**
 * Reconciles one tenant's queue with one sweep:
 * - a new failing/unknown result opens an item; a new excepted result creates it `accepted`;
 * - a finding seen again refreshes `lastSeen` and content (due date follows a severity change);
 * - an accepted item whose finding is no longer excepted (exception expired or withdrawn) reopens;
 * - a resolved item that fails again reopens and counts as a regression;
 * - an item not found again (or passing) resolves ONLY if every connection its verdict depended on had
 *   complete coverage, and never while its policy could not be evaluated (`evaluationFailed`);
 * - an accepted item whose exception has expired reopens even when its connection was not fully read;
 * - everything else stays as it was. Items of other tenants are never touched.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { tenant, sweepId, now, sla } = input;
  const at = now.toISOString();
  const acceptances = new Map((input.acceptances ?? []).map((a) => [a.fingerprint, a]));
  const { results, seen } = tenantResults(input);
  const reread = rereadJudge(input.coverage.filter((c) => c.tenant === tenant));
  const failedPolicies = new Set(results.filter((r) => r.evaluationFailed).map((r) => r.policy));
  const unchanged = input.steady?.unchanged ?? new Set<string>();

  const changes: ItemChange[] = [];
  const change = (
    kind: ChangeKind,
    item: QueueItem,
    from: ItemState | null,
    note: string | null,
    record = true,
  ) => changes.push({ kind, item, history: record ? { actor: sweepId, from, to: item.state, note } : null });

  const existing = new Map(input.items.filter((i) => i.tenant === tenant).map((i) => [i.fingerprint, i]));
  // Items opened now are due at the same time per severity: parsed and formatted once each.
  const dueFromNow = new Map<Severity, string | null>();
  const dueNow = (severity: Severity) => {
    let due = dueFromNow.get(severity);
    if (due === undefined) {
      due = dueDate(at, severity, sla);
      dueFromNow.set(severity, due);
    }
    return due;
  };

  for (const result of seen.values()) {
    if (result.status === "pass" || unchanged.has(result.fingerprint)) continue;
    const item = existing.get(result.fingerprint);
    const exception = exceptionOf(result, acceptances);
    const content = contentOf(result);

    if (!item) {
      const accepted = exception !== null;
      const created: QueueItem = {
        fingerprint: result.fingerprint,
        tenant,
        ...content,
        state: accepted ? "accepted" : "open",
        exception,
        firstSeen: at,
        lastSeen: at,
        openedAt: accepted ? null : at,
        resolvedAt: null,
        dueAt: accepted ? null : dueNow(result.severity),
        regressionCount: 0,
        lastSweep: sweepId,
        updatedAt: at,
      };
      change("new", created, null, accepted ? describeException(exception) : result.message);
      continue;
    }

    const base = { ...item, ...content, lastSeen: at, lastSweep: sweepId, updatedAt: at };
    if (exception) {
      if (item.state === "accepted") {
        const renewed = !sameException(item.exception, exception);
        change(
          "seen",
          { ...base, exception },
          "accepted",
          renewed ? `exception now ${describeException(exception)}` : null,
          renewed,
        );
      } else {
        change(
          "accepted",
          { ...base, state: "accepted", exception, dueAt: null, resolvedAt: null },
          item.state,
          describeException(exception),
        );
      }
      continue;
    }

    if (item.state === "resolved" || item.state === "accepted") {
      const regression = item.state === "resolved";
      const ended = item.exception
        ? isExpired(item.exception.expires, now)
          ? `exception expired on ${item.exception.expires}`
          : "exception no longer applies (withdrawn)"
        : "exception no longer applies";
      change(
        regression ? "regressed" : "reopened",
        {
          ...base,
          state: "reopened",
          exception: null,
          openedAt: at,
          resolvedAt: null,
          dueAt: dueNow(result.severity),
          regressionCount: item.regressionCount + (regression ? 1 : 0),
        },
        item.state,
        regression ? `failing again since it was resolved on ${item.resolvedAt}: ${result.message}` : ended,
      );
      continue;
    }

    // Still open (open, ticketed, reopened): refresh; a severity change moves the due date.
    const severityChanged = item.severity !== result.severity;
    change(
      "seen",
      {
        ...base,
        dueAt: severityChanged ? dueDate(item.openedAt ?? item.firstSeen, result.severity, sla) : item.dueAt,
      },
      item.state,
      severityChanged ? `severity ${item.severity} → ${result.severity}` : null,
      severityChanged,
    );
  }

  for (const item of existing.values()) {
    if (item.state === "resolved") continue;
    const result = seen.get(item.fingerprint);
    if (result && result.status !== "pass") continue;
    const judged = failedPolicies.has(item.policy)
      ? undefined
      : reread(result ? dependsOnOf(result) : item.dependsOn, item.subject);
    if (judged?.complete) {
      change(
        "resolved",
        {
          ...item,
          ...(result ? { dependsOn: dependsOnOf(result) } : {}),
          state: "resolved",
          exception: null,
          resolvedAt: at,
          dueAt: null,
          lastSweep: sweepId,
          updatedAt: at,
        },
        item.state,
        result
          ? "passes now"
          : `not found any more (every connection it depended on was read completely: ${quoted(judged.needed)})`,
      );
    } else if (item.state === "accepted" && item.exception && isExpired(item.exception.expires, now)) {
      change(
        "reopened",
        {
          ...item,
          state: "reopened",
          exception: null,
          openedAt: at,
          dueAt: dueNow(item.severity),
          lastSweep: sweepId,
          updatedAt: at,
        },
        "accepted",
        `exception expired on ${item.exception.expires} (not re-checked: ${whyNotRechecked(judged, item.policy)})`,
      );
    }
  }

  // Stock for the diff: what was stored, the loaded items over it.
  const before = input.steady ? [...input.steady.stored, ...input.items] : input.items;
  return { results, changes, touched: [...unchanged], diff: diffOf(tenant, before, changes, now) };
}

/** Flows from the changes, stock from the items as they are after them. */
function diffOf(
  tenant: string,
  before: Array<Pick<QueueItem, "fingerprint" | "tenant" | "state" | "dueAt">>,
  changes: ItemChange[],
  now: Date,
): TenantDiff {
  const at = now.toISOString();
  const after = new Map(before.filter((i) => i.tenant === tenant).map((i) => [i.fingerprint, i]));
  const kindOf = new Map<string, ChangeKind>();
  for (const c of changes) {
    after.set(c.item.fingerprint, c.item);
    kindOf.set(c.item.fingerprint, c.kind);
  }
  const count = (kind: ChangeKind, state?: ItemState) =>
    changes.filter((c) => c.kind === kind && (state === undefined || c.item.state === state)).length;
  const items = [...after.values()];
  const open = items.filter((i) => isOpenState(i.state));
  const freshlyOpened = new Set<ChangeKind>(["new", "regressed", "reopened"]);
  return {
    tenant,
    new: count("new", "open"),
    regressed: count("regressed"),
    reopened: count("reopened"),
    resolved: count("resolved"),
    newlyAccepted: count("accepted") + count("new", "accepted"),
    stillOpen: open.filter((i) => !freshlyOpened.has(kindOf.get(i.fingerprint) ?? "seen")).length,
    open: open.length,
    overdue: open.filter((i) => isOverdue(i, at)).length,
    accepted: items.filter((i) => i.state === "accepted").length,
  };
}

/** A change as one line of a sweep's diff (refreshes without a state change are left out). */
export function changeLine(c: ItemChange): ChangeLine | undefined {
  if (!c.history || c.history.from === c.history.to) return undefined;
  return {
    kind: c.kind,
    fingerprint: c.item.fingerprint,
    tenant: c.item.tenant,
    policy: c.item.policy,
    severity: c.item.severity,
    subject: c.item.subject.name,
    from: c.history.from,
    to: c.history.to,
    note: c.history.note,
  };
}

/**
 * `queue accept`: the same exception data a config exception carries, recorded against one fingerprint.
 * `limits` has no default: a default would quietly replace a stricter `maxExceptionDays` in the config.
 */
export function planAccept(
  item: QueueItem,
  acceptance: Pick<Acceptance, "reason" | "approvedBy" | "expires">,
  now: Date,
  limits: AcceptLimits,
): ItemChange {
  if (item.state === "resolved")
    throw new QueueItemError(`${item.fingerprint} is resolved; there is nothing to accept`);
  checkAcceptance(acceptance, now, limits);
  const at = now.toISOString();
  const exception: ItemException = { ...acceptance, source: "queue" };
  return {
    kind: "accepted",
    item: { ...item, state: "accepted", exception, dueAt: null, updatedAt: at },
    history: {
      actor: acceptance.approvedBy,
      from: item.state,
      to: "accepted",
      note:
        item.state === "accepted"
          ? `exception replaced: ${describeException(exception)}`
          : describeException(exception),
    },
  };
}

/**
 * The config's rules for an acceptance. A loaded `Config` is one: library callers pass the config itself
 * (`store.accept(fp, acceptance, now, config)`), so the limit an MSP configured is the one that holds.
 */
export interface AcceptLimits {
  /** The config's `maxExceptionDays`: an acceptance expires at most this many days ahead. */
  readonly maxExceptionDays: number;
}

/**
 * The rules every acceptance keeps, whoever records it: a reason worth reading later, who approved it,
 * and an expiry day (UTC) that is neither past nor further ahead than `maxExceptionDays`.
 */
function checkAcceptance(
  acceptance: Pick<Acceptance, "reason" | "approvedBy" | "expires">,
  now: Date,
  limits: AcceptLimits,
): void {
  // The type requires the limits; a JavaScript caller can still leave them out, and must not get no limit.
  const maxExceptionDays = (limits as Partial<AcceptLimits> | undefined)?.maxExceptionDays;
  if (typeof maxExceptionDays !== "number" || !Number.isInteger(maxExceptionDays) || maxExceptionDays <= 0)
    throw new QueueRuleError(
      "an acceptance is checked against the config's maxExceptionDays (a positive whole number of days): pass the loaded config as the limits",
    );
  if (acceptance.reason.trim().length < 3)
    throw new QueueRuleError("an acceptance says why (a reason of at least 3 characters)");
  if (!acceptance.approvedBy.trim()) throw new QueueRuleError("an acceptance names who approved it");
  const end = Date.parse(`${acceptance.expires}T23:59:59Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(acceptance.expires) || Number.isNaN(end))
    throw new QueueRuleError(`the expiry must be a date as YYYY-MM-DD (got '${acceptance.expires}')`);
  if (isExpired(acceptance.expires, now))
    throw new QueueRuleError(`the expiry ${acceptance.expires} is in the past`);
  if ((end - now.getTime()) / 86_400_000 > maxExceptionDays)
    throw new QueueRuleError(
      `the expiry ${acceptance.expires} is more than ${maxExceptionDays} days ahead (maxExceptionDays in the config)`,
    );
}

/**
 * `queue prune` may not forget a tenant the config still lists: the next sweep would bring its items
 * back as new, without their history.
 */
export function checkPrune(options: {
  forgetTenants?: readonly string[];
  configuredTenants: readonly string[];
}): void {
  // Required by the type; a JavaScript caller can still leave it out, and must not forget blind.
  if (!Array.isArray(options.configuredTenants))
    throw new QueueRuleError(
      "prune is checked against the tenants the config lists: pass configuredTenants (config.tenants ids)",
    );
  const listed = (options.forgetTenants ?? []).filter((id) => options.configuredTenants.includes(id));
  if (listed.length)
    throw new QueueRuleError(
      `cannot forget ${listed.map((id) => `'${id}'`).join(", ")}: still in the config; the next sweep would bring its items back as new. Remove it from the config first`,
    );
}

/** `queue reopen`: back to work, with a fresh SLA clock. Open items cannot be reopened. */
export function planReopen(
  item: QueueItem,
  by: { actor: string; reason?: string },
  sla: Sla,
  now: Date,
): ItemChange {
  if (isOpenState(item.state))
    throw new QueueItemError(`${item.fingerprint} is already open (state ${item.state})`);
  const at = now.toISOString();
  return {
    kind: "reopened",
    item: {
      ...item,
      state: "reopened",
      exception: null,
      openedAt: at,
      resolvedAt: null,
      dueAt: dueDate(at, item.severity, sla),
      updatedAt: at,
    },
    history: {
      actor: by.actor,
      from: item.state,
      to: "reopened",
      note: `reopened by hand${by.reason ? `: ${by.reason}` : ""}`,
    },
  };
}

/** A ticket was opened for an item: open and reopened items become `ticketed`; others keep their state. */
export function planTicket(
  item: QueueItem,
  ticket: { system: string; ticketId: string },
  actor: string,
  now: Date,
): ItemChange {
  const at = now.toISOString();
  const moves = item.state === "open" || item.state === "reopened";
  return {
    kind: "ticketed",
    item: { ...item, state: moves ? "ticketed" : item.state, updatedAt: at },
    history: {
      actor,
      from: item.state,
      to: moves ? "ticketed" : item.state,
      note: `${ticket.system} ${ticket.ticketId}`,
    },
  };
}

import type { ExceptionEntry } from "../../config/schema.js";
import { ConfigError } from "../../errors.js";
import { matchesSubject } from "../../evaluate/exceptions.js";
import { isExpired } from "../../evaluate/index.js";
import { type Coverage, severityRank } from "../../model/index.js";
import { isOverdue } from "../../queue/lifecycle.js";
import {
  type HistoryEntry,
  isOpenState,
  type QueueItem,
  type SweepRecord,
  type TenantDiff,
} from "../../queue/model.js";
import type { Store } from "../../queue/store.js";
import { version } from "../../report.js";
import { formatTime } from "../html/components.js";
import {
  type Counts,
  type ExpiredException,
  openStandings,
  type Standing,
  Standing as StandingEnum,
  type TenantCoverage,
  type TrendPoint,
  type WeeklyItem,
  type WeeklySummary,
  type WeeklyTenant,
} from "./model.js";
import { compareRisk, riskOf } from "./risk.js";

export interface WeeklyReportOptions {
  /**
   * Start of the period: `last-sweep` (default: what each tenant's latest sweep changed, plus anything done
   * by hand since the sweep before it), a date (`2026-11-17`, from 00:00 UTC) or timestamp, or a sweep id
   * (full, or a unique prefix of at least 6 characters: everything after that sweep).
   */
  since?: string;
  /** Only these tenants (default: every tenant the store or the config knows). */
  tenants?: string[];
  now?: Date;
  /** Sweeps the trends show at most (default 8). */
  trendSweeps?: number;
  /**
   * The config, when there is one: current tenant names, tenants never swept (reported as such) and expired
   * config exceptions (listed with the queue's).
   */
  config?: {
    tenants: Array<{ id: string; name: string }>;
    exceptions: Array<{
      match: { tenant: string; policy: string; subject: string };
      reason: string;
      approvedBy: string;
      expires: string;
    }>;
  };
}

type Reconcile = { sweepId: string; tenant: string; reconciledAt: string; diff: TenantDiff };

const day = 86_400_000;
/** History times are ISO text: the instant just after `at` starts a period "after" it. */
const after = (at: string) => new Date(Date.parse(at) + 1).toISOString();

interface Period {
  basis: WeeklySummary["period"]["basis"];
  /** Global start (date, sweep); per tenant for last-sweep. */
  from: string | null;
  label: string;
}

/** Parses `--since`; a sweep id is looked up in the store. */
async function periodOf(store: Store, since: string): Promise<Period> {
  if (since === "last-sweep") return { basis: "last-sweep", from: null, label: "" };
  if (/^\d{4}-\d{2}-\d{2}$/.test(since)) {
    const at = Date.parse(`${since}T00:00:00.000Z`);
    if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== since)
      throw new ConfigError(`--since ${since} is not a date (YYYY-MM-DD)`);
    return { basis: "date", from: new Date(at).toISOString(), label: `since ${since}` };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(since)) {
    const at = Date.parse(since);
    if (Number.isNaN(at)) throw new ConfigError(`--since ${since} is not an ISO-8601 timestamp`);
    const iso = new Date(at).toISOString();
    return { basis: "date", from: iso, label: `since ${formatTime(iso)}` };
  }
  const sweep = await findSweep(store, since);
  // A sweep's items carry its clock (`now`), which is also when it reconciled each tenant.
  const reconciled = (await store.sweepTenants(sweep.id)).map((t) => t.reconciledAt).sort();
  const at = reconciled.at(-1) ?? sweep.startedAt;
  return {
    basis: "sweep",
    from: after(at),
    label: `since sweep ${sweep.id.slice(0, 8)} (${formatTime(at)})`,
  };
}

/** A sweep by its full id, or by a unique prefix of at least 6 characters of its (UUID) id. */
async function findSweep(store: Store, id: string): Promise<SweepRecord> {
  const exact = await store.getSweep(id);
  if (exact) return exact;
  if (!/^[0-9a-f-]{6,}$/i.test(id))
    throw new ConfigError(
      `--since '${id}' is neither last-sweep, a date (YYYY-MM-DD), a timestamp nor a sweep id`,
    );
  const matches = (await store.listSweeps({ limit: 1000 })).filter((s) => s.id.startsWith(id.toLowerCase()));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new ConfigError(`--since ${id} matches ${matches.length} sweeps; give more characters`);
  throw new ConfigError(
    `--since ${id}: no such sweep in ${store.location} (see the sweep ids in \`mfasweep report --format json\`, or use a date)`,
  );
}

/** Where an item stands, from its state now and its history inside the period (see `Standing`). */
function standingOf(item: QueueItem, inPeriod: HistoryEntry[], now: Date): Standing | null {
  if (item.state === "resolved") return inPeriod.some((e) => e.to === "resolved") ? "resolved" : null;
  if (item.state === "accepted")
    return item.exception && isExpired(item.exception.expires, now) ? "expired" : "accepted";
  if (inPeriod.some((e) => e.from === null)) return "new";
  if (inPeriod.some((e) => e.from === "resolved" && e.to === "reopened")) return "regressed";
  if (inPeriod.some((e) => e.to === "reopened")) return "reopened";
  return "still-open";
}

const standingOrder = new Map(StandingEnum.options.map((s, i) => [s, i]));

function compareItems(a: WeeklyItem, b: WeeklyItem): number {
  return (
    standingOrder.get(a.standing)! - standingOrder.get(b.standing)! ||
    Number(b.overdue) - Number(a.overdue) ||
    severityRank[b.severity] - severityRank[a.severity] ||
    (a.exception?.expires ?? "~").localeCompare(b.exception?.expires ?? "~") ||
    (a.dueAt ?? "~").localeCompare(b.dueAt ?? "~") ||
    (a.subject.name < b.subject.name ? -1 : a.subject.name > b.subject.name ? 1 : 0) ||
    (a.fingerprint < b.fingerprint ? -1 : 1)
  );
}

function weeklyItem(item: QueueItem, standing: Standing, inPeriod: HistoryEntry[], now: Date): WeeklyItem {
  const overdue = isOverdue(item, now);
  const last = inPeriod.at(-1);
  return {
    fingerprint: item.fingerprint,
    tenant: item.tenant,
    standing,
    state: item.state,
    status: item.status,
    severity: item.severity,
    policy: item.policy,
    title: item.title,
    subject: item.subject,
    message: item.message,
    firstSeen: item.firstSeen,
    openedAt: item.openedAt,
    dueAt: item.dueAt,
    overdue,
    daysOverdue: overdue && item.dueAt ? Math.floor((now.getTime() - Date.parse(item.dueAt)) / day) : null,
    resolvedAt: item.resolvedAt,
    regressionCount: item.regressionCount,
    exception: item.exception,
    changedAt: last?.at ?? null,
    note: last?.note ?? null,
    acceptedInPeriod: inPeriod.some((e) => e.to === "accepted"),
  };
}

export function countsOf(items: WeeklyItem[]): Counts {
  const n = (s: Standing) => items.filter((i) => i.standing === s).length;
  const open = items.filter((i) => openStandings.includes(i.standing));
  return {
    new: n("new"),
    regressed: n("regressed"),
    reopened: n("reopened"),
    stillOpen: n("still-open"),
    open: open.length,
    overdue: open.filter((i) => i.overdue).length,
    resolved: n("resolved"),
    accepted: n("accepted"),
    expired: n("expired"),
  };
}

function coverageStatus(connections: Coverage[]): "complete" | "partial" | "failed" {
  if (connections.length > 0 && connections.every((c) => c.status === "complete")) return "complete";
  if (connections.length === 0 || connections.every((c) => c.status === "failed")) return "failed";
  return "partial";
}

/** The tenant's latest reconciled sweep: what it read, and later sweeps that could not reconcile it. */
function tenantCoverage(
  tenant: string,
  latest: Reconcile | undefined,
  record: SweepRecord | undefined,
  recent: SweepRecord[],
): TenantCoverage {
  const failedLater = recent
    .filter(
      (s) =>
        s.tenants.includes(tenant) &&
        s.id !== latest?.sweepId &&
        s.summary?.tenants.find((t) => t.tenant === tenant)?.reconciled !== true &&
        (record === undefined || s.startedAt > record.startedAt),
    )
    .map((s) => ({
      sweep: s.id,
      startedAt: s.startedAt,
      error:
        s.summary?.tenants.find((t) => t.tenant === tenant)?.error ??
        (s.status === "running" ? "the sweep is still running" : "the sweep stopped before this tenant"),
    }));
  if (!latest) return { status: "none", sweep: null, at: null, connections: [], failedLater };
  const connections = (record?.coverage ?? []).filter((c) => c.tenant === tenant);
  const entry = record?.summary?.tenants.find((t) => t.tenant === tenant);
  return {
    status: entry ? entry.coverage.status : connections.length ? coverageStatus(connections) : "unrecorded",
    sweep: latest.sweepId,
    at: latest.reconciledAt,
    connections,
    failedLater,
  };
}

/** Same matching as config exceptions in evaluate: by id or `*`, by name only within the named connection. */
function matchesException(match: ExceptionEntry["match"], item: QueueItem): boolean {
  return matchesSubject(match, item.tenant, item.policy, item.subject) === "yes";
}

/**
 * Expired exceptions whose situation is not settled, for the top of the report: items still marked
 * accepted under an expired exception, queue acceptances that expired while their finding is open, and
 * (with the config) expired config entries, which also make `config` warn.
 */
async function expiredExceptions(
  store: Store,
  items: QueueItem[],
  byFingerprint: Map<string, WeeklyItem>,
  selected: Set<string>,
  config: WeeklyReportOptions["config"],
  now: Date,
): Promise<ExpiredException[]> {
  const rows: ExpiredException[] = [];
  const itemRow = (
    i: QueueItem,
    e: { reason: string; approvedBy: string; expires: string },
    source: "queue" | "config",
    consequence: string,
  ): ExpiredException => ({
    tenant: i.tenant,
    source,
    reason: e.reason,
    approvedBy: e.approvedBy,
    expires: e.expires,
    fingerprint: i.fingerprint,
    subject: i.subject.name,
    policy: i.policy,
    severity: i.severity,
    state: i.state,
    match: null,
    matches: null,
    consequence,
  });
  const itemsByFingerprint = new Map(items.map((i) => [i.fingerprint, i]));
  for (const w of byFingerprint.values()) {
    const i = itemsByFingerprint.get(w.fingerprint);
    if (w.standing !== "expired" || !w.exception || !i) continue;
    rows.push(
      itemRow(
        i,
        w.exception,
        w.exception.source,
        "Still marked accepted: the next sweep reopens it unless the exception is renewed.",
      ),
    );
  }
  const listed = new Set(rows.map((r) => r.fingerprint));
  for (const a of await store.listAcceptances()) {
    if (!selected.has(a.tenant) || !isExpired(a.expires, now) || listed.has(a.fingerprint)) continue;
    const i = itemsByFingerprint.get(a.fingerprint);
    if (!i || !isOpenState(i.state)) continue;
    rows.push(
      itemRow(i, a, "queue", `Open again (${i.state}): fix it, or accept it again with a new expiry date.`),
    );
  }
  for (const e of config?.exceptions ?? []) {
    if (!isExpired(e.expires, now)) continue;
    if (e.match.tenant !== "*" && !selected.has(e.match.tenant)) continue;
    const same = (r: ExpiredException) =>
      r.source === "config" &&
      r.reason === e.reason &&
      r.approvedBy === e.approvedBy &&
      r.expires === e.expires;
    if (rows.some(same)) continue;
    const matches = items.filter(
      (i) => selected.has(i.tenant) && i.state !== "resolved" && matchesException(e.match, i),
    ).length;
    rows.push({
      tenant: e.match.tenant,
      source: "config",
      reason: e.reason,
      approvedBy: e.approvedBy,
      expires: e.expires,
      fingerprint: null,
      subject: null,
      policy: null,
      severity: null,
      state: null,
      match: e.match,
      matches,
      consequence: matches
        ? `Matching findings count as failures again (${matches} not resolved): remove the entry from the config, or renew it.`
        : "Matches no unresolved finding: remove the entry from the config.",
    });
  }
  return rows.sort(
    (a, b) =>
      a.expires.localeCompare(b.expires) ||
      a.tenant.localeCompare(b.tenant) ||
      (a.subject ?? "").localeCompare(b.subject ?? ""),
  );
}

/**
 * The weekly summary from the queue, through the Store interface only: per tenant what is new,
 * regressed, reopened, resolved, still open, overdue, accepted (and until when) in the period; the
 * coverage of its latest sweep; the open-findings trend over its last sweeps; tenants ranked by risk.
 */
export async function weeklyReport(store: Store, options: WeeklyReportOptions = {}): Promise<WeeklySummary> {
  const now = options.now ?? new Date();
  const since = options.since ?? "last-sweep";
  const trendSweeps = options.trendSweeps ?? 8;
  if (!Number.isInteger(trendSweeps) || trendSweeps < 1)
    throw new ConfigError(`the trend needs at least 1 sweep (got ${trendSweeps})`);
  const period = await periodOf(store, since);

  const reconciles = await store.reconcileHistory({
    tenants: options.tenants,
    last: Math.max(trendSweeps, 2),
  });
  const allItems = await store.findItems(options.tenants ? { tenants: options.tenants } : {});
  const configTenants = options.config?.tenants ?? [];
  const known = new Set([
    ...reconciles.map((r) => r.tenant),
    ...allItems.map((i) => i.tenant),
    ...configTenants.map((t) => t.id),
  ]);
  if (options.tenants) {
    const unknown = options.tenants.filter((t) => !known.has(t));
    if (unknown.length) {
      const everything = new Set([
        ...(await store.reconcileHistory({ last: 1 })).map((r) => r.tenant),
        ...configTenants.map((t) => t.id),
      ]);
      throw new ConfigError(
        `no tenant ${unknown.map((u) => `'${u}'`).join(", ")} in ${store.location}${
          everything.size ? ` (known: ${[...everything].sort().join(", ")})` : ""
        }`,
      );
    }
  }
  const selected = new Set(options.tenants ?? known);

  const byTenant = new Map<string, Reconcile[]>();
  for (const r of reconciles) {
    const list = byTenant.get(r.tenant) ?? [];
    list.push(r);
    byTenant.set(r.tenant, list);
  }
  // Per tenant: for last-sweep, after the sweep before its latest one (everything when it had one sweep).
  const fromOf = (tenant: string): string | null => {
    if (period.basis !== "last-sweep") return period.from;
    const previous = byTenant.get(tenant)?.[1];
    return previous ? after(previous.reconciledAt) : null;
  };
  const froms = [...selected].map(fromOf);
  const earliest = froms.includes(null) ? undefined : froms.sort()[0];
  const history = await store.historySince({ since: earliest ?? undefined, tenants: options.tenants });
  const historyOf = new Map<string, HistoryEntry[]>();
  for (const h of history) {
    const list = historyOf.get(h.fingerprint) ?? [];
    list.push(h);
    historyOf.set(h.fingerprint, list);
  }

  const recent = await store.listSweeps({ limit: Math.max(20, trendSweeps * 2) });
  const [latestSweep] = recent;
  const records = new Map(recent.map((s) => [s.id, s]));
  const recordOf = async (id: string) => {
    if (!records.has(id)) {
      const found = await store.getSweep(id);
      if (found) records.set(id, found);
    }
    return records.get(id);
  };

  const itemsOf = new Map<string, QueueItem[]>();
  for (const item of allItems) {
    const list = itemsOf.get(item.tenant) ?? [];
    list.push(item);
    itemsOf.set(item.tenant, list);
  }
  const weeklyItems = new Map<string, WeeklyItem>();
  const tenants: Array<Omit<WeeklyTenant, "rank">> = [];
  for (const id of selected) {
    const from = fromOf(id);
    const items: WeeklyItem[] = [];
    for (const item of itemsOf.get(id) ?? []) {
      const inPeriod = (historyOf.get(item.fingerprint) ?? []).filter((h) => from === null || h.at >= from);
      const standing = standingOf(item, inPeriod, now);
      if (!standing) continue;
      const w = weeklyItem(item, standing, inPeriod, now);
      items.push(w);
      weeklyItems.set(w.fingerprint, w);
    }
    items.sort(compareItems);
    const reconciled = byTenant.get(id) ?? [];
    const latest = reconciled[0];
    const record = latest ? await recordOf(latest.sweepId) : undefined;
    const coverage = tenantCoverage(id, latest, record, recent);
    const name =
      configTenants.find((t) => t.id === id)?.name ??
      record?.summary?.tenants.find((t) => t.tenant === id)?.name ??
      id;
    const trend: TrendPoint[] = reconciled
      .slice(0, trendSweeps)
      .reverse()
      .map((r) => ({
        sweep: r.sweepId,
        at: r.reconciledAt,
        open: r.diff.open,
        overdue: r.diff.overdue,
        accepted: r.diff.accepted,
      }));
    tenants.push({
      id,
      name,
      risk: riskOf(items, coverage.status !== "complete"),
      from,
      counts: countsOf(items),
      coverage,
      trend,
      items,
    });
  }
  tenants.sort((a, b) =>
    compareRisk(
      { name: a.name, risk: a.risk, overdue: a.counts.overdue },
      { name: b.name, risk: b.risk, overdue: b.counts.overdue },
    ),
  );
  const ranked: WeeklyTenant[] = tenants.map((t, i) => ({ ...t, rank: i + 1 }));

  const totals = countsOf(ranked.flatMap((t) => t.items));
  return {
    schemaVersion: 1,
    kind: "weekly-summary",
    tool: { name: "mfasweep", version },
    generatedAt: now.toISOString(),
    period: {
      basis: period.basis,
      since,
      from: period.from,
      label: period.basis === "last-sweep" ? lastSweepLabel(ranked, byTenant) : period.label,
    },
    latestSweep: latestSweep
      ? {
          id: latestSweep.id,
          kind: latestSweep.kind,
          status: latestSweep.status,
          startedAt: latestSweep.startedAt,
          finishedAt: latestSweep.finishedAt,
        }
      : null,
    demo: latestSweep?.kind === "demo",
    trendSweeps,
    totals,
    trend: portfolioTrend(reconciles, selected, trendSweeps),
    expiredExceptions: await expiredExceptions(store, allItems, weeklyItems, selected, options.config, now),
    tenants: ranked,
  };
}

function lastSweepLabel(tenants: WeeklyTenant[], byTenant: Map<string, Reconcile[]>): string {
  const swept = tenants.filter((t) => byTenant.has(t.id));
  if (swept.length === 0) return "no sweep recorded yet";
  const baselines = new Set(swept.map((t) => byTenant.get(t.id)?.[1]?.sweepId ?? null));
  if (baselines.size === 1) {
    const [only] = [...baselines];
    if (only === null) return "since the first sweep";
    const at = swept.map((t) => byTenant.get(t.id)?.[1]?.reconciledAt).find(Boolean)!;
    return `since the previous sweep (${formatTime(at)})`;
  }
  return "since each tenant's previous sweep";
}

/**
 * Open findings across the selected tenants after each of the last `n` sweeps. A tenant that a sweep did
 * not include (a `--tenant` sweep) counts with its figure from its previous sweep, so a partial sweep
 * does not show as a drop.
 */
function portfolioTrend(reconciles: Reconcile[], selected: Set<string>, n: number): WeeklySummary["trend"] {
  const oldestFirst = [...reconciles].reverse().filter((r) => selected.has(r.tenant));
  const order: string[] = [];
  for (const r of oldestFirst) if (!order.includes(r.sweepId)) order.push(r.sweepId);
  const shown = new Set(order.slice(-n));
  const last = new Map<string, TenantDiff>();
  const points: WeeklySummary["trend"] = [];
  for (const sweepId of order) {
    const inSweep = oldestFirst.filter((r) => r.sweepId === sweepId);
    for (const r of inSweep) last.set(r.tenant, r.diff);
    if (!shown.has(sweepId)) continue;
    const sum = (key: "open" | "overdue" | "accepted") =>
      [...last.values()].reduce((total, d) => total + d[key], 0);
    points.push({
      sweep: sweepId,
      at: inSweep[0]!.reconciledAt,
      open: sum("open"),
      overdue: sum("overdue"),
      accepted: sum("accepted"),
      tenants: inSweep.length,
    });
  }
  return points;
}

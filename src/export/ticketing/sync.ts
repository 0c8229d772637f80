import { createHash, randomUUID } from "node:crypto";
import {
  defaultRetryPolicy,
  type RetryPolicy,
  realSleep,
  type Sleep,
  withRetry,
} from "../../collect/retry.js";
import type { Config } from "../../config/load.js";
import { resolveSecret } from "../../config/secrets.js";
import {
  ConfigError,
  describeError,
  ProviderAuthError,
  ProviderThrottledError,
  ProviderUnavailableError,
  SecretError,
} from "../../errors.js";
import { describeEvidence, type Severity, severityRank } from "../../model/index.js";
import { StoreError } from "../../queue/errors.js";
import { acquireLock, type HeldLock } from "../../queue/lock.js";
import { isOpenState, type QueueItem, type TicketLedgerEntry, type TicketPhase } from "../../queue/model.js";
import type { Store } from "../../queue/store.js";
import { AmbiguousWriteError, type RecordedRequest, TicketHttp, type TicketHttpOptions } from "./http.js";
import type { Block, TicketDoc } from "./render.js";
import type { RemoteTicket, Scope, TicketDraft, TicketingClient, TicketingConnector } from "./types.js";

/**
 * The ticketing sync, written once for every system (DESIGN.md §3 "export / tickets"). For each target and
 * each unit of work (one finding, or a tenant's findings of one policy when grouped):
 * 1. the ledger in the store (fingerprint → ticket, with the dedupe key, a digest of what was sent, and the
 *    phase) is the source of truth; the system's dedupe field is asked only when the ledger has nothing
 *    (and for Jira that search is eventually consistent, for HaloPSA there is none);
 * 2. an open finding without a ticket gets one; a changed one is updated; a finding that is no longer open
 *    gets a note (and the ticket is closed when `closeOnResolve`); one that fails again gets a note;
 * 3. what was done is written to the ledger (`store.recordTicket` moves an item to `ticketed`).
 * A failure for one ticket is collected and the rest go on; a target whose credentials are refused stops
 * at once (repeated refused logins lock accounts in some PSAs). Nothing is written under --dry-run.
 */

export interface SyncOptions {
  store: Store;
  config: Pick<Config, "tenants" | "ticketing">;
  /** Only these target ids (default: every target). */
  targets?: string[];
  /** Only these tenants. */
  tenants?: string[];
  /** Send reads (lookups, tokens) but record writes instead of sending them; write nothing to the store. */
  dryRun?: boolean;
  /** Receives each write that --dry-run would have sent (secrets redacted). */
  onRequest?: (request: RecordedRequest) => void;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  sleep?: Sleep;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Actor written to the items' history (default `tickets:<target>`). */
  actor?: string;
  /** How long to wait for another sync of the same target on this store (default 10 s). */
  lockWaitMs?: number;
  warn?: (message: string) => void;
}

export interface TargetSummary {
  target: string;
  type: string;
  dryRun: boolean;
  created: number;
  updated: number;
  noted: number;
  closed: number;
  /** Tickets already in step with their findings. */
  unchanged: number;
  /** Findings not sent: their tenant has no mapping for this target. */
  skipped: number;
  failed: Array<{ fingerprint: string; tenant: string; reason: string }>;
  /** What a user should know: skipped tenants, adopted tickets, a stopped target. */
  messages: string[];
  /** Requests that reached the system. */
  requests: number;
}

export interface SyncSummary {
  targets: TargetSummary[];
}

/** The settings every target has (targetBase), read from a target its connector's schema parsed. */
export interface TargetCommon {
  id: string;
  type: string;
  endpoint: string;
  caBundle?: string;
  timeoutSeconds: number;
  maxResponseBytes?: number;
  grouping: "per-finding" | "per-tenant-policy";
  closeOnResolve: boolean;
  minSeverity: Severity;
  tenants: Record<string, unknown>;
}

interface Unit {
  key: string;
  tenant: string;
  policy: string;
  grouped: boolean;
  members: QueueItem[];
}

type Connector = TicketingConnector<{ type: string; id: string }, unknown>;

/** Runs the sync over `registry` (index.ts passes the registered connectors; tests may pass their own). */
export async function runTicketSync(
  options: SyncOptions,
  registry: ReadonlyArray<Connector>,
): Promise<SyncSummary> {
  const targets = (options.config.ticketing ?? []) as unknown as TargetCommon[];
  const unknown = (options.targets ?? []).filter((id) => !targets.some((t) => t.id === id));
  if (unknown.length)
    throw new ConfigError(
      `no ticketing target ${unknown.map((u) => `'${u}'`).join(", ")} in the config (known: ${targets.map((t) => t.id).join(", ") || "none"})`,
    );
  const selected = options.targets ? targets.filter((t) => options.targets?.includes(t.id)) : targets;
  const summaries: TargetSummary[] = [];
  for (const target of selected) {
    const connector = registry.find((c) => c.type === target.type);
    const summary = emptySummary(target, options.dryRun ?? false);
    if (!connector) {
      summary.messages.push(`no connector for type '${target.type}'`);
      summaries.push(summary);
      continue;
    }
    await syncTarget(target, connector, options, summary);
    summaries.push(summary);
  }
  return { targets: summaries };
}

function emptySummary(target: TargetCommon, dryRun: boolean): TargetSummary {
  return {
    target: target.id,
    type: target.type,
    dryRun,
    created: 0,
    updated: 0,
    noted: 0,
    closed: 0,
    unchanged: 0,
    skipped: 0,
    failed: [],
    messages: [],
    requests: 0,
  };
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** The dedupe key of a grouped ticket: stable per (tenant, policy), tenant-scoped like fingerprints. */
export function groupKey(tenant: string, policy: string): string {
  return sha(`group\u0000${tenant}\u0000${policy}`).slice(0, 32);
}

function buildUnits(items: QueueItem[], grouping: TargetCommon["grouping"]): Unit[] {
  if (grouping === "per-finding")
    return items.map((i) => ({
      key: i.fingerprint,
      tenant: i.tenant,
      policy: i.policy,
      grouped: false,
      members: [i],
    }));
  const groups = new Map<string, Unit>();
  for (const item of items) {
    const key = groupKey(item.tenant, item.policy);
    let unit = groups.get(key);
    if (!unit) {
      unit = { key, tenant: item.tenant, policy: item.policy, grouped: true, members: [] };
      groups.set(key, unit);
    }
    unit.members.push(item);
  }
  return [...groups.values()];
}

async function syncTarget(
  target: TargetCommon,
  connector: Connector,
  options: SyncOptions,
  summary: TargetSummary,
): Promise<void> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const actor = options.actor ?? `tickets:${target.id}`;
  const { store } = options;
  const tenantNames = new Map(options.config.tenants.map((t) => [t.id, t.name]));
  for (const id of Object.keys(target.tenants ?? {}))
    if (!tenantNames.has(id))
      summary.messages.push(`tenants.${id}: no tenant '${id}' in the config; that mapping is not used`);
  const sleep = options.sleep ?? realSleep;
  const retry = options.retry ?? defaultRetryPolicy;

  // Two syncs of one target at once could both create a ticket for the same finding: one at a time,
  // and the ledger is read only once the lock is held.
  let lock: HeldLock | undefined;
  if (!dryRun) {
    try {
      lock = await acquireLock(store, `tickets:${target.id}`, {
        owner: randomUUID(),
        waitMs: options.lockWaitMs ?? 10_000,
        sleep,
      });
    } catch (err) {
      const { work } = await plan(target, connector, options, summary);
      failAll(summary, work, `another ticket sync of ${target.id} is running: ${describeError(err)}`);
      return;
    }
  }
  try {
    const { work, ledger } = await plan(target, connector, options, summary);
    if (work.length === 0) return;
    await runTarget(target, connector, options, summary, work, {
      now,
      dryRun,
      actor,
      ledger,
      tenantNames,
      sleep,
      retry,
    });
  } finally {
    await lock?.release();
  }
}

/** The units of work for a target, and the ledger they were planned from. */
async function plan(
  target: TargetCommon,
  connector: Connector,
  options: SyncOptions,
  summary: TargetSummary,
): Promise<{ work: Array<{ unit: Unit; scope: Scope<unknown> }>; ledger: Map<string, TicketLedgerEntry> }> {
  const { store } = options;
  const ledger = new Map<string, TicketLedgerEntry>(
    (await store.ticketLedger(target.id)).map((row) => [row.fingerprint, row]),
  );
  const items = (await store.findItems(options.tenants ? { tenants: options.tenants } : {})).filter(
    (i) =>
      ledger.has(i.fingerprint) ||
      (isOpenState(i.state) && severityRank[i.severity] >= severityRank[target.minSeverity]),
  );
  const units = buildUnits(items, target.grouping).sort(
    (a, b) => a.tenant.localeCompare(b.tenant) || a.key.localeCompare(b.key),
  );

  // Tenant isolation: a tenant without a mapping is never sent anywhere (no default company).
  const unmapped = new Map<string, number>();
  const work: Array<{ unit: Unit; scope: Scope<unknown> }> = [];
  for (const unit of units) {
    const mapping = connector.mapping(target, unit.tenant);
    if (mapping === undefined) {
      const open = unit.members.filter((m) => isOpenState(m.state)).length;
      if (open > 0) unmapped.set(unit.tenant, (unmapped.get(unit.tenant) ?? 0) + open);
      continue;
    }
    work.push({ unit, scope: { tenant: unit.tenant, mapping } });
  }
  for (const [tenant, count] of unmapped) {
    summary.skipped += count;
    summary.messages.push(
      `tenant '${tenant}' has no mapping under ${target.id}.tenants: its ${count} open finding(s) were not sent (tickets only ever go to a tenant's own ${companyWord(target.type)})`,
    );
  }
  return { work, ledger };
}

async function runTarget(
  target: TargetCommon,
  connector: Connector,
  options: SyncOptions,
  summary: TargetSummary,
  work: Array<{ unit: Unit; scope: Scope<unknown> }>,
  run: {
    now: Date;
    dryRun: boolean;
    actor: string;
    ledger: Map<string, TicketLedgerEntry>;
    tenantNames: Map<string, string>;
    sleep: Sleep;
    retry: RetryPolicy;
  },
): Promise<void> {
  const { now, dryRun, actor, ledger, tenantNames, sleep, retry } = run;
  const { store } = options;
  let http: TicketHttp;
  try {
    http = targetHttp(target, {
      retry,
      sleep,
      signal: options.signal,
      ...(dryRun ? { record: (r: RecordedRequest) => options.onRequest?.(r) } : {}),
    });
  } catch (err) {
    failAll(summary, work, describeError(err));
    return;
  }
  try {
    let client: TicketingClient<unknown>;
    try {
      client = await openClient(target, connector, http, { now, env: options.env, warn: options.warn });
    } catch (err) {
      failAll(summary, work, describeError(err));
      return;
    }
    const ctx: UnitContext = {
      target,
      connector,
      client,
      store,
      now,
      dryRun,
      actor,
      ledger,
      tenantNames,
      summary,
      sleep,
      retry,
    };
    // Consecutive tickets that failed because the system could not be reached (down, 5xx after retries).
    let unreachable = 0;
    for (let i = 0; i < work.length; i++) {
      const { unit, scope } = work[i]!;
      if (options.signal?.aborted) {
        failAll(summary, work.slice(i), "stopped before this ticket was synced");
        return;
      }
      try {
        await syncUnit(ctx, unit, scope);
        unreachable = 0;
      } catch (err) {
        const reason = http.redact(describeError(err));
        unreachable = err instanceof ProviderUnavailableError ? unreachable + 1 : 0;
        const stop = (why: string) => {
          failAll(summary, [work[i]!], reason);
          failAll(summary, work.slice(i + 1), `not attempted: ${target.id} stopped after: ${reason}`);
          summary.messages.push(why);
        };
        // Refused credentials (lockouts), endless throttling, or a store that cannot record what was
        // sent (the next ticket would be sent blind): stop this target.
        if (
          err instanceof ProviderAuthError ||
          err instanceof SecretError ||
          err instanceof ProviderThrottledError ||
          err instanceof StoreError
        )
          return stop(`stopped after: ${reason}`);
        // A system that is down fails every ticket alike, each after its own retries: say so once and stop
        // (issue #23 item 8), rather than minutes of retries and one identical line per ticket.
        if (unreachable >= unreachableLimit)
          return stop(
            `stopped: ${unreachableLimit} tickets in a row failed to reach ${target.id}; the ${work.length - i - 1} not attempted wait for the next run (last error: ${reason})`,
          );
        failAll(summary, [work[i]!], hint(reason, err, connector));
      }
    }
  } finally {
    summary.requests = http.sent;
    await http.close();
  }
}

/** The HTTP client of one target (throws on an unreadable caBundle). */
export function targetHttp(
  target: TargetCommon,
  options: Pick<TicketHttpOptions, "retry" | "sleep" | "signal" | "record">,
): TicketHttp {
  return new TicketHttp({
    target: `${target.id} (${target.type})`,
    timeoutSeconds: target.timeoutSeconds,
    caBundle: target.caBundle,
    maxResponseBytes: target.maxResponseBytes,
    ...options,
  });
}

/** Opens a target's client; every secret it resolves is registered for redaction. */
export function openClient(
  target: TargetCommon,
  connector: Connector,
  http: TicketHttp,
  options: { now: Date; env?: NodeJS.ProcessEnv; warn?: (message: string) => void },
): Promise<TicketingClient<unknown>> {
  return connector.open(target, {
    http,
    now: () => options.now,
    secret: async (ref) => {
      const secret = await resolveSecret(ref, { env: options.env, warn: options.warn });
      http.addSecret(secret.reveal());
      return secret;
    },
  });
}

/** Consecutive unreachable failures after which a target is given up for the run. */
export const unreachableLimit = 3;

function companyWord(type: string): string {
  if (type === "jira") return "project";
  if (type === "halopsa") return "client";
  if (type === "webhook") return "mapping";
  return "company";
}

function hint(reason: string, err: unknown, connector: Connector): string {
  if (!(err instanceof AmbiguousWriteError)) return reason;
  if (connector.createRetry === "no")
    return `${reason}; if the ticket was made after all, the next run ${connector.lookup.startsWith("search") ? "may find it by its key label" : "cannot find it (no lookup): check before re-running"}`;
  return reason;
}

function failAll(summary: TargetSummary, work: Array<{ unit: Unit }>, reason: string): void {
  for (const { unit } of work)
    for (const m of unit.members)
      summary.failed.push({ fingerprint: m.fingerprint, tenant: m.tenant, reason });
}

interface UnitContext {
  target: TargetCommon;
  connector: Connector;
  client: TicketingClient<unknown>;
  store: Store;
  now: Date;
  dryRun: boolean;
  actor: string;
  ledger: Map<string, TicketLedgerEntry>;
  tenantNames: Map<string, string>;
  summary: TargetSummary;
  sleep: Sleep;
  retry: RetryPolicy;
}

const phaseOf = (row: TicketLedgerEntry): TicketPhase => row.phase ?? "open";

async function syncUnit(ctx: UnitContext, unit: Unit, scope: Scope<unknown>): Promise<void> {
  const { client, target, summary } = ctx;
  const rows = new Map<string, TicketLedgerEntry>();
  for (const m of unit.members) {
    const row = ctx.ledger.get(m.fingerprint);
    if (row && (row.key ?? row.fingerprint) === unit.key) rows.set(m.fingerprint, row);
  }
  // The ticket this unit is tracked in: the newest ledgered one the sync has not closed.
  const current = [...rows.values()]
    .filter((r) => phaseOf(r) !== "closed")
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  const active = unit.members.filter((m) => isOpenState(m.state));
  const done = unit.members.filter((m) => !isOpenState(m.state));
  const onTicket = (m: QueueItem) => {
    const row = rows.get(m.fingerprint);
    return row !== undefined && current !== undefined && row.ticketId === current.ticketId ? row : undefined;
  };
  // Findings that left the open states since the ticket last said they were open.
  const leaving = done.filter((m) => {
    const row = onTicket(m);
    return row !== undefined && phaseOf(row) === "open";
  });

  if (active.length === 0) {
    if (!current) return;
    const ticket = { id: current.ticketId, ...(current.url ? { url: current.url } : {}) };
    // A close that failed after its note, or closeOnResolve turned on later, still closes the ticket.
    const closing = target.closeOnResolve && (leaving.length > 0 || phaseOf(current) === "resolved");
    if (leaving.length === 0 && !closing) return;
    const draft = buildDraft(ctx, unit, unit.members);
    if (leaving.length > 0) {
      await client.note(ticket, resolutionNote(leaving, unit.grouped, closing), scope, draft);
      summary.noted++;
      // Recorded at once, so a failing close is retried next run without a second note.
      await setPhase(ctx, leaving, "resolved");
    }
    if (closing) {
      await client.close(ticket, scope, draft);
      summary.closed++;
      await setPhase(
        ctx,
        done.filter((m) => onTicket(m)),
        "closed",
      );
    }
    return;
  }

  const previous = [...rows.values()].find((r) => phaseOf(r) === "closed");
  const draft = buildDraft(ctx, unit, active, previous?.ticketId);
  const digest = sha(JSON.stringify({ title: draft.title, severity: draft.severity, doc: draft.doc }));

  let ticket: RemoteTicket;
  let changed = false;
  if (current) {
    ticket = { id: current.ticketId, ...(current.url ? { url: current.url } : {}) };
    const again = active.filter((m) => {
      const row = onTicket(m);
      return row !== undefined && phaseOf(row) !== "open";
    });
    if (again.length > 0 || leaving.length > 0) {
      await client.note(ticket, changeNote(again, leaving), scope, draft);
      summary.noted++;
      changed = true;
      // Recorded at once, so a failing update is retried next run without a second note.
      await setPhase(ctx, leaving, "resolved");
      await setPhase(ctx, again, "open");
    }
    if (digest !== current.digest) {
      await client.update(ticket, draft, scope);
      summary.updated++;
      changed = true;
    }
    if (!changed) summary.unchanged++;
  } else {
    const found = client.find ? await client.find(unit.key, scope) : undefined;
    if (found) {
      ticket = found;
      await client.update(ticket, draft, scope);
      summary.updated++;
      summary.messages.push(
        `${unit.key}: found ${found.id} by its ${ctx.connector.lookup === "dedupe-field" ? "dedupe field" : "key label"} (not in the local ledger); adopted it`,
      );
    } else {
      ticket = await createTicket(ctx, draft, scope);
      summary.created++;
    }
  }

  if (ctx.dryRun) return;
  for (const m of active) {
    const row = rows.get(m.fingerprint);
    const inStep = row && row.ticketId === ticket.id && phaseOf(row) === "open" && m.state === "ticketed";
    if (!inStep) {
      await ctx.store.recordTicket(
        m.fingerprint,
        {
          system: target.id,
          ticketId: ticket.id,
          ...(ticket.url ? { url: ticket.url } : {}),
          key: unit.key,
          digest,
          phase: "open",
        },
        ctx.actor,
        ctx.now,
      );
    } else if (row.digest !== digest) {
      await ctx.store.updateTicketSync(m.fingerprint, target.id, { digest }, ctx.now);
    }
  }
  await setPhase(ctx, leaving, "resolved");
}

/**
 * Creates a ticket. A 5xx or a lost answer may hide a ticket that was made: a connector whose dedupe field
 * is searchable looks the key up before trying again; an idempotent one (webhook-id) just retries; others
 * leave it to the next run.
 */
async function createTicket(
  ctx: UnitContext,
  draft: TicketDraft,
  scope: Scope<unknown>,
): Promise<RemoteTicket> {
  const { client, connector } = ctx;
  if (connector.createRetry !== "after-lookup" || !client.find) return client.create(draft, scope);
  const find = client.find.bind(client);
  let attempt = 0;
  return withRetry(
    `${ctx.target.id} create ${draft.key}`,
    async () => {
      if (attempt++ > 0) {
        const found = await find(draft.key, scope);
        if (found) return found;
      }
      return client.create(draft, scope);
    },
    (err) =>
      err instanceof AmbiguousWriteError
        ? { kind: "transient", detail: err.message }
        : { kind: "fatal", error: err instanceof Error ? err : new Error(String(err)) },
    ctx.retry,
    { sleep: ctx.sleep },
  );
}

async function setPhase(ctx: UnitContext, members: QueueItem[], phase: TicketPhase): Promise<void> {
  if (ctx.dryRun) return;
  for (const m of members) await ctx.store.updateTicketSync(m.fingerprint, ctx.target.id, { phase }, ctx.now);
}

// ---- what the tickets say ----------------------------------------------------------------------------

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "none");

function mfaLine(item: QueueItem): string {
  if (!item.mfa) return "not determined";
  const via = item.mfa.via?.length ? ` via ${item.mfa.via.join(" → ")}` : "";
  return `${item.mfa.state}${item.mfa.strength ? ` (weakest factor: ${item.mfa.strength})` : ""}${via}`;
}

function subjectLine(item: QueueItem): string {
  const s = item.subject;
  return `${s.name} (${s.kind} ${s.id}, ${s.source}/${s.connection})`;
}

const maxEvidence = 20;
const maxMembers = 50;
const footer =
  "Opened and kept up to date by mfasweep (mfasweep tickets sync). Fix the finding and the next sweep resolves it; closing this ticket alone changes nothing.";

function buildDraft(ctx: UnitContext, unit: Unit, members: QueueItem[], previous?: string): TicketDraft {
  const tenantName = ctx.tenantNames.get(unit.tenant) ?? unit.tenant;
  const first = members[0]!;
  const severity = members.reduce<Severity>(
    (s, m) => (severityRank[m.severity] > severityRank[s] ? m.severity : s),
    first.severity,
  );
  const blocks: Block[] = [];
  let title: string;
  if (!unit.grouped) {
    title = `[MFA] ${tenantName}: ${first.subject.name} — ${first.title}`;
    const evidence = first.evidence.map(describeEvidence);
    blocks.push(
      { kind: "paragraph", text: first.message },
      { kind: "field", label: "Tenant", value: `${tenantName} (${unit.tenant})` },
      { kind: "field", label: "Subject", value: subjectLine(first) },
      { kind: "field", label: "MFA state", value: mfaLine(first) },
      { kind: "field", label: "Severity", value: first.severity },
      { kind: "field", label: "Policy", value: `${first.title} (${first.policy})` },
      {
        kind: "field",
        label: "Result",
        value: first.status === "unknown" ? "could not be decided (unknown)" : "fails",
      },
      { kind: "field", label: "First seen", value: day(first.firstSeen) },
      { kind: "field", label: "Due", value: day(first.dueAt) },
      { kind: "heading", text: "Evidence" },
      {
        kind: "list",
        items: evidence.length
          ? [
              ...evidence.slice(0, maxEvidence),
              ...(evidence.length > maxEvidence ? [`… and ${evidence.length - maxEvidence} more`] : []),
            ]
          : ["none recorded"],
      },
      { kind: "heading", text: "Remediation" },
      { kind: "paragraph", text: first.remediation },
      { kind: "field", label: "Fingerprint", value: first.fingerprint },
    );
  } else {
    const n = members.length;
    title = `[MFA] ${tenantName}: ${n} ${n === 1 ? "finding" : "findings"} — ${first.title}`;
    const sorted = [...members].sort((a, b) => a.subject.name.localeCompare(b.subject.name));
    const dues = members
      .map((m) => m.dueAt)
      .filter((d): d is string => d !== null)
      .sort();
    blocks.push(
      {
        kind: "paragraph",
        text: `${n} ${n === 1 ? "subject fails" : "subjects fail"} this policy in ${tenantName}.`,
      },
      { kind: "field", label: "Tenant", value: `${tenantName} (${unit.tenant})` },
      { kind: "field", label: "Policy", value: `${first.title} (${first.policy})` },
      { kind: "field", label: "Severity", value: severity },
      { kind: "field", label: "Earliest due", value: day(dues[0] ?? null) },
      { kind: "heading", text: "Findings" },
      {
        kind: "list",
        items: [
          ...sorted
            .slice(0, maxMembers)
            .map(
              (m) =>
                `${m.subject.name}: MFA ${m.mfa?.state ?? "not determined"}; ${m.message} (due ${day(m.dueAt)}; ${m.fingerprint.slice(0, 12)})`,
            ),
          ...(n > maxMembers
            ? [`… and ${n - maxMembers} more (mfasweep queue list --policy ${first.policy})`]
            : []),
        ],
      },
      { kind: "heading", text: "Remediation" },
      { kind: "paragraph", text: first.remediation },
      { kind: "field", label: "Group key", value: unit.key },
    );
  }
  if (previous) blocks.push({ kind: "field", label: "Previously tracked in", value: previous });
  blocks.push({ kind: "paragraph", text: footer });
  return {
    key: unit.key,
    tenant: { id: unit.tenant, name: tenantName },
    title,
    doc: { blocks },
    severity,
    members: members.map((m) => ({
      fingerprint: m.fingerprint,
      policy: m.policy,
      subject: m.subject,
      mfaState: m.mfa?.state ?? null,
      state: m.state,
      dueAt: m.dueAt,
    })),
  };
}

function why(item: QueueItem): string {
  if (item.state === "accepted" && item.exception)
    return `accepted as a risk by ${item.exception.approvedBy} until ${item.exception.expires}: ${item.exception.reason}`;
  return `resolved: mfasweep no longer finds it (${day(item.resolvedAt)})`;
}

function resolutionNote(leaving: QueueItem[], grouped: boolean, closing: boolean): TicketDoc {
  const blocks: Block[] = [];
  if (!grouped && leaving[0]) {
    blocks.push({ kind: "paragraph", text: `${leaving[0].subject.name}: ${why(leaving[0])}.` });
  } else {
    blocks.push(
      { kind: "paragraph", text: "No finding of this ticket fails any more:" },
      { kind: "list", items: leaving.map((m) => `${m.subject.name}: ${why(m)}`) },
    );
  }
  blocks.push({
    kind: "paragraph",
    text: closing ? "mfasweep closes this ticket." : "mfasweep leaves this ticket open for you to close.",
  });
  return { blocks };
}

function changeNote(again: QueueItem[], leaving: QueueItem[]): TicketDoc {
  const blocks: Block[] = [];
  if (again.length)
    blocks.push(
      { kind: "paragraph", text: "Failing again:" },
      {
        kind: "list",
        items: again.map(
          (m) =>
            `${m.subject.name}: ${m.message}${m.regressionCount ? ` (regression ${m.regressionCount})` : ""}`,
        ),
      },
    );
  if (leaving.length)
    blocks.push(
      { kind: "paragraph", text: "No longer failing:" },
      { kind: "list", items: leaving.map((m) => `${m.subject.name}: ${why(m)}`) },
    );
  return { blocks };
}

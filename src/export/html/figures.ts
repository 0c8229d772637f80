import type { Coverage, FactorStrength, MfaState, Result, Severity } from "../../model/index.js";
import { severityRank, strengthRank } from "../../model/index.js";
import type { ScanReport } from "../../report.js";
import { type Score, score } from "./score.js";

/**
 * The figures a report states, derived from a ScanReport alone (no inventory), so the HTML report, the
 * weekly report and the tests compute them the same way. Definitions (they are what the summary sentence
 * promises, so they are spelled out):
 *
 * - account: a distinct (tenant, source, connection, subject id) among results whose subject kind is
 *   `account`. Several policies judging one account (user policy, admin policy, factor strength) count it
 *   once.
 * - accounts (the "M" of "N of M"): per connection, the larger of the accounts judged and the accounts the
 *   provider read (coverage counts, which include suspended and archived accounts and accounts judged only
 *   as part of a shared access path); summed over connections.
 * - without a second factor (the "N"): accounts with at least one `fail` result whose `mfa.state` is
 *   `none`, `optional` (registered, not required) or `bypassable`. Excepted results do not count (they are
 *   reported separately); `unknown` results do not count either (reported as not checked).
 * - administrators among them: accounts without a second factor that have a `fail` result from an admin
 *   policy (its id names `admin`, e.g. `google-admin-2sv-enrolled`) or of severity `critical` (policies give
 *   administrators critical severity).
 * - open paths: access-path and entry-point subjects with such a failing result (a VPN or SSH path that
 *   accepts a password alone for everyone on it).
 */

/**
 * Code-unit order: stable and fast. ICU collation (`localeCompare`, `Intl.Collator`) cost most of the
 * render time for a 5,000-account tenant, and names here are mostly e-mail addresses.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const withoutSecondFactor: ReadonlySet<MfaState> = new Set<MfaState>([
  "none",
  "optional",
  "bypassable",
]);

/** Worst first: how bad each MFA state is for "can someone get in without a second factor". */
const stateRank: Record<MfaState, number> = { none: 4, bypassable: 3, optional: 2, unknown: 1, enforced: 0 };

export function isAdminPolicy(policy: string): boolean {
  return /(^|-)admins?(-|$)/.test(policy);
}

function opensWithoutSecondFactor(r: Result): boolean {
  return r.status === "fail" && r.mfa !== null && withoutSecondFactor.has(r.mfa.state);
}

export interface ConnectionKey {
  tenant: string;
  source: string;
  connection: string;
}

const connectionKey = (c: ConnectionKey) => `${c.tenant}\u0000${c.source}\u0000${c.connection}`;

export interface AccountRow extends ConnectionKey {
  key: string;
  id: string;
  name: string;
  /** Worst MFA state any result recorded for it; null when no result carried one. */
  state: MfaState | null;
  /** Weakest factor among its enforced results. */
  strength: FactorStrength | null;
  /** Judged (pass, fail or excepted) by an admin policy. */
  admin: boolean;
  withoutSecondFactor: boolean;
  adminWithoutSecondFactor: boolean;
  /** Can sign in without a second factor, but an exception covers it. */
  excepted: boolean;
  /** At least one result could not be decided. */
  undecided: boolean;
  /** Most severe fail/unknown result. */
  worst: Result | null;
  findings: number;
  results: Result[];
}

export function accountRows(results: Result[]): AccountRow[] {
  const rows = new Map<string, AccountRow>();
  for (const r of results) {
    if (r.subject.kind !== "account") continue;
    const base = { tenant: r.tenant, source: r.subject.source, connection: r.subject.connection };
    const key = `${connectionKey(base)}\u0000${r.subject.id}`;
    const row = rows.get(key) ?? {
      ...base,
      key,
      id: r.subject.id,
      name: r.subject.name,
      state: null,
      strength: null,
      admin: false,
      withoutSecondFactor: false,
      adminWithoutSecondFactor: false,
      excepted: false,
      undecided: false,
      worst: null,
      findings: 0,
      results: [],
    };
    rows.set(key, row);
    row.results.push(r);
    // Policies about a path name the account "name @ entry point"; the shortest name is the account's own.
    if (r.subject.name.length < row.name.length) row.name = r.subject.name;
    if (r.mfa) {
      if (row.state === null || stateRank[r.mfa.state] > stateRank[row.state]) row.state = r.mfa.state;
      if (
        r.mfa.state === "enforced" &&
        r.mfa.strength &&
        (row.strength === null || strengthRank[r.mfa.strength] < strengthRank[row.strength])
      )
        row.strength = r.mfa.strength;
    }
    if (isAdminPolicy(r.policy) && r.status !== "unknown") row.admin = true;
    if (r.status === "unknown") row.undecided = true;
    if (r.status === "fail" || r.status === "unknown") {
      row.findings++;
      if (!row.worst || compareFindings(r, row.worst) < 0) row.worst = r;
    }
    if (r.status === "excepted" && r.mfa && withoutSecondFactor.has(r.mfa.state)) row.excepted = true;
  }
  for (const row of rows.values()) {
    row.withoutSecondFactor = row.results.some(opensWithoutSecondFactor);
    row.adminWithoutSecondFactor =
      row.withoutSecondFactor &&
      row.results.some((r) => r.status === "fail" && (isAdminPolicy(r.policy) || r.severity === "critical"));
    if (row.withoutSecondFactor) row.excepted = false;
    if (row.adminWithoutSecondFactor) row.admin = true;
  }
  return [...rows.values()].sort(
    (a, b) =>
      Number(b.withoutSecondFactor) - Number(a.withoutSecondFactor) ||
      Number(b.adminWithoutSecondFactor) - Number(a.adminWithoutSecondFactor) ||
      (b.worst ? severityRank[b.worst.severity] : -1) - (a.worst ? severityRank[a.worst.severity] : -1) ||
      compareText(a.tenant, b.tenant) ||
      compareText(a.name, b.name),
  );
}

/** fail before unknown, then by severity: negative when `a` is worse. */
function compareFindings(a: Result, b: Result): number {
  return (
    Number(a.status !== "fail") - Number(b.status !== "fail") ||
    severityRank[b.severity] - severityRank[a.severity]
  );
}

/** One system the tenant was read from (a connection), with what its results say. */
export interface ConnectionRow extends ConnectionKey {
  coverage: Coverage | undefined;
  accountsRead: number;
  accountsJudged: number;
  /** max(read, judged): this connection's share of the "M". */
  accounts: number;
  withoutSecondFactor: number;
  adminsWithoutSecondFactor: number;
  /** Access paths / entry points that accept a password alone. */
  openPaths: number;
  fail: number;
  unknown: number;
  worst: Severity | null;
}

export function connectionRows(
  report: Pick<ScanReport, "coverage" | "results">,
  accounts: AccountRow[] = accountRows(report.results),
): ConnectionRow[] {
  const rows = new Map<string, ConnectionRow>();
  const row = (k: ConnectionKey) => {
    const key = connectionKey(k);
    const existing = rows.get(key);
    if (existing) return existing;
    const created: ConnectionRow = {
      tenant: k.tenant,
      source: k.source,
      connection: k.connection,
      coverage: undefined,
      accountsRead: 0,
      accountsJudged: 0,
      accounts: 0,
      withoutSecondFactor: 0,
      adminsWithoutSecondFactor: 0,
      openPaths: 0,
      fail: 0,
      unknown: 0,
      worst: null,
    };
    rows.set(key, created);
    return created;
  };
  for (const c of report.coverage) {
    const r = row(c);
    r.coverage = c;
    r.accountsRead += c.counts.accounts;
  }
  for (const a of accounts) {
    const r = row(a);
    r.accountsJudged++;
    if (a.withoutSecondFactor) r.withoutSecondFactor++;
    if (a.adminWithoutSecondFactor) r.adminsWithoutSecondFactor++;
  }
  const paths = new Set<string>();
  for (const result of report.results) {
    const r = row({
      tenant: result.tenant,
      source: result.subject.source,
      connection: result.subject.connection,
    });
    if (result.status === "fail") r.fail++;
    if (result.status === "unknown") r.unknown++;
    if (
      (result.status === "fail" || result.status === "unknown") &&
      (r.worst === null || severityRank[result.severity] > severityRank[r.worst])
    )
      r.worst = result.severity;
    const pathKey = `${connectionKey(r)}\u0000${result.subject.id}`;
    if (
      (result.subject.kind === "access-path" || result.subject.kind === "entry-point") &&
      opensWithoutSecondFactor(result) &&
      !paths.has(pathKey)
    ) {
      paths.add(pathKey);
      r.openPaths++;
    }
  }
  for (const r of rows.values()) r.accounts = Math.max(r.accountsRead, r.accountsJudged);
  return [...rows.values()].sort(
    (a, b) =>
      compareText(a.tenant, b.tenant) ||
      compareText(a.source, b.source) ||
      compareText(a.connection, b.connection),
  );
}

/** The numbers of the summary sentence and the score, for one tenant or a whole report. */
export interface Figures {
  tenants: number;
  accounts: number;
  accountsRead: number;
  accountsJudged: number;
  withoutSecondFactor: number;
  adminsWithoutSecondFactor: number;
  openPaths: number;
  /** Would be without a second factor, but a recorded exception covers them. */
  exceptedAccounts: number;
  /** Accounts with at least one result that could not be decided. */
  undecidedAccounts: number;
  /** Undecided results about something other than an account (a setting, a path, a connection). */
  undecidedOther: number;
  /** fail / unknown / excepted / pass result counts. */
  fail: number;
  unknown: number;
  excepted: number;
  pass: number;
  /** Connections not read completely. */
  incomplete: Coverage[];
  gaps: number;
  /** Every connection read completely, without gaps. */
  readComplete: boolean;
  /** Nothing unseen: read completely and every result decided. */
  complete: boolean;
  score: Score;
  /** Per connection, for "by system" clauses. */
  connections: ConnectionRow[];
}

export function figures(report: Pick<ScanReport, "coverage" | "results">, tenant?: string): Figures {
  const coverage = tenant ? report.coverage.filter((c) => c.tenant === tenant) : report.coverage;
  const results = tenant ? report.results.filter((r) => r.tenant === tenant) : report.results;
  const accounts = accountRows(results);
  const connections = connectionRows({ coverage, results }, accounts);
  const count = (status: Result["status"]) => results.filter((r) => r.status === status).length;
  const incomplete = coverage.filter((c) => c.status !== "complete");
  const gaps = coverage.reduce((n, c) => n + c.gaps.length, 0);
  const unknown = count("unknown");
  return {
    tenants: new Set([...coverage.map((c) => c.tenant), ...results.map((r) => r.tenant)]).size,
    accounts: connections.reduce((n, c) => n + c.accounts, 0),
    accountsRead: connections.reduce((n, c) => n + c.accountsRead, 0),
    accountsJudged: accounts.length,
    withoutSecondFactor: accounts.filter((a) => a.withoutSecondFactor).length,
    adminsWithoutSecondFactor: accounts.filter((a) => a.adminWithoutSecondFactor).length,
    openPaths: connections.reduce((n, c) => n + c.openPaths, 0),
    exceptedAccounts: accounts.filter((a) => a.excepted).length,
    undecidedAccounts: accounts.filter((a) => a.undecided).length,
    undecidedOther: results.filter((r) => r.status === "unknown" && r.subject.kind !== "account").length,
    fail: count("fail"),
    unknown,
    excepted: count("excepted"),
    pass: count("pass"),
    incomplete,
    gaps,
    readComplete: incomplete.length === 0 && gaps === 0,
    complete: incomplete.length === 0 && gaps === 0 && unknown === 0,
    score: score(results, coverage),
    connections,
  };
}

/**
 * One entry point or access path that a policy judged as a whole (an app behind Okta, a VPN, an RMM API
 * key), at its worst result.
 */
export interface EntryPointRow extends ConnectionKey {
  key: string;
  id: string;
  name: string;
  kind: "entry-point" | "access-path";
  state: MfaState | null;
  /** Some login on it needs no second factor (a failing result with none/optional/bypassable). */
  open: boolean;
  worst: Result;
  results: Result[];
}

export function entryPointRows(results: Result[]): EntryPointRow[] {
  const rows = new Map<string, EntryPointRow>();
  for (const r of results) {
    if (r.subject.kind !== "entry-point" && r.subject.kind !== "access-path") continue;
    const base = { tenant: r.tenant, source: r.subject.source, connection: r.subject.connection };
    const key = `${connectionKey(base)}\u0000${r.subject.kind}\u0000${r.subject.id}`;
    const row = rows.get(key) ?? {
      ...base,
      key,
      id: r.subject.id,
      name: r.subject.name,
      kind: r.subject.kind,
      state: null,
      open: false,
      worst: r,
      results: [],
    };
    rows.set(key, row);
    row.results.push(r);
    if (r.mfa && (row.state === null || stateRank[r.mfa.state] > stateRank[row.state]))
      row.state = r.mfa.state;
    if (opensWithoutSecondFactor(r)) row.open = true;
    if (resultRank(r) > resultRank(row.worst)) row.worst = r;
  }
  return [...rows.values()].sort(
    (a, b) =>
      Number(b.open) - Number(a.open) ||
      resultRank(b.worst) - resultRank(a.worst) ||
      compareText(a.tenant, b.tenant) ||
      compareText(a.name, b.name),
  );
}

/** fail > unknown > excepted > pass, then severity. */
function resultRank(r: Result): number {
  const status = { fail: 3, unknown: 2, excepted: 1, pass: 0 }[r.status];
  return status * 10 + severityRank[r.severity];
}

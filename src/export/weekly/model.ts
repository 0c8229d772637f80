import { z } from "zod";
import { Coverage, Severity, Subject } from "../../model/index.js";
import { ItemException, ItemState, SweepKind, SweepStatus } from "../../queue/model.js";

/**
 * The weekly summary (`mfasweep report`): what the queue says about each tenant for a period, read through
 * the Store interface only. It is the `--format json` output and what the HTML and table renderers draw, so
 * the three never disagree. Field names are a contract like DESIGN.md §5: additions only.
 */

/**
 * Where an item stands in the period; each item is counted under exactly one:
 * - `new`: first found in the period and open now;
 * - `regressed`: was resolved, open again (failed again at a sweep, or reopened by hand);
 * - `reopened`: was accepted, open again (its exception ended or was withdrawn);
 * - `still-open`: open before the period and still open;
 * - `expired`: still marked accepted, but its exception has expired (the next sweep reopens it);
 * - `accepted`: covered by an exception that is still valid;
 * - `resolved`: resolved in the period and still resolved.
 * Items resolved before the period are not listed.
 */
export const Standing = z.enum([
  "regressed",
  "new",
  "reopened",
  "still-open",
  "expired",
  "accepted",
  "resolved",
]);
export type Standing = z.infer<typeof Standing>;

/** The standings that are work to do now (the open states of the queue). */
export const openStandings: ReadonlyArray<Standing> = ["regressed", "new", "reopened", "still-open"];

export const WeeklyItem = z.object({
  fingerprint: z.string(),
  tenant: z.string(),
  standing: Standing,
  state: ItemState,
  /** Last result: `unknown` means it could not be decided (counted, never treated as safe). */
  status: z.enum(["fail", "unknown", "excepted"]),
  severity: Severity,
  policy: z.string(),
  title: z.string(),
  subject: Subject,
  message: z.string(),
  firstSeen: z.string(),
  openedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  /** Whole days past the due date at the report's time; null when not overdue. */
  daysOverdue: z.number().int().nullable(),
  resolvedAt: z.string().nullable(),
  regressionCount: z.number().int(),
  exception: ItemException.nullable(),
  /** The item's last state change inside the period, and its note; null when nothing changed in it. */
  changedAt: z.string().nullable(),
  note: z.string().nullable(),
  /** Came under an exception in the period (accepted and expired items). */
  acceptedInPeriod: z.boolean(),
});
export type WeeklyItem = z.infer<typeof WeeklyItem>;

export const Counts = z.object({
  new: z.number().int(),
  regressed: z.number().int(),
  reopened: z.number().int(),
  stillOpen: z.number().int(),
  /** new + regressed + reopened + still open. */
  open: z.number().int(),
  /** Open items past their due date. */
  overdue: z.number().int(),
  resolved: z.number().int(),
  /** Under a valid exception. */
  accepted: z.number().int(),
  /** Marked accepted, exception expired. */
  expired: z.number().int(),
});
export type Counts = z.infer<typeof Counts>;

/** Risk points: see risk.ts for the definition. */
export const Risk = z.object({
  points: z.number(),
  /** The latest sweep did not read everything (or the tenant was never swept): points are a lower bound. */
  provisional: z.boolean(),
  openBySeverity: z.record(Severity, z.number().int()),
});
export type Risk = z.infer<typeof Risk>;

/** One point of the open-findings trend: the stock after one sweep. */
export const TrendPoint = z.object({
  sweep: z.string(),
  at: z.string(),
  open: z.number().int(),
  overdue: z.number().int(),
  accepted: z.number().int(),
});
export type TrendPoint = z.infer<typeof TrendPoint>;

export const LatestSweep = z.object({
  id: z.string(),
  kind: SweepKind,
  status: SweepStatus,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const TenantCoverage = z.object({
  /** `none`: no sweep has reconciled this tenant; `unrecorded`: its sweep stopped before saving coverage. */
  status: z.enum(["complete", "partial", "failed", "none", "unrecorded"]),
  /** The sweep that last reconciled the tenant, and when (the sweep's clock). */
  sweep: z.string().nullable(),
  at: z.string().nullable(),
  connections: z.array(Coverage),
  /** A later sweep that included the tenant but could not reconcile it, and why. */
  failedLater: z.array(z.object({ sweep: z.string(), startedAt: z.string(), error: z.string() })),
});
export type TenantCoverage = z.infer<typeof TenantCoverage>;

export const WeeklyTenant = z.object({
  id: z.string(),
  name: z.string(),
  /** 1 = the highest risk. */
  rank: z.number().int(),
  risk: Risk,
  /** Where this tenant's period starts (inclusive); null = from the first sweep. */
  from: z.string().nullable(),
  counts: Counts,
  coverage: TenantCoverage,
  /** Open findings after each of the tenant's last sweeps, oldest first. */
  trend: z.array(TrendPoint),
  items: z.array(WeeklyItem),
});
export type WeeklyTenant = z.infer<typeof WeeklyTenant>;

export const ExpiredException = z.object({
  tenant: z.string(),
  source: z.enum(["queue", "config"]),
  reason: z.string(),
  approvedBy: z.string(),
  expires: z.string(),
  /** The item it covered; null for a config entry listed on its own. */
  fingerprint: z.string().nullable(),
  subject: z.string().nullable(),
  policy: z.string().nullable(),
  severity: Severity.nullable(),
  /** The item's state now. */
  state: ItemState.nullable(),
  /** A config entry: its match, and how many items not resolved it matches. */
  match: z
    .object({
      tenant: z.string(),
      policy: z.string(),
      subject: z.string(),
      connection: z.string().optional(),
      source: z.string().optional(),
    })
    .nullable(),
  matches: z.number().int().nullable(),
  /** In plain words: what this means now. */
  consequence: z.string(),
});
export type ExpiredException = z.infer<typeof ExpiredException>;

export const WeeklySummary = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal("weekly-summary"),
  tool: z.object({ name: z.literal("mfasweep"), version: z.string() }),
  generatedAt: z.string(),
  period: z.object({
    basis: z.enum(["last-sweep", "date", "sweep"]),
    /** What was asked for: `last-sweep`, a date or a sweep id. */
    since: z.string(),
    /** Start of the period for `date` and `sweep` (inclusive); per tenant (`from`) for `last-sweep`. */
    from: z.string().nullable(),
    /** In words, for headings. */
    label: z.string(),
  }),
  latestSweep: LatestSweep.nullable(),
  demo: z.boolean(),
  /** How many sweeps the trends cover at most. */
  trendSweeps: z.number().int(),
  totals: Counts,
  /** Open findings across all tenants after each sweep (a tenant not in a sweep keeps its last figure). */
  trend: z.array(TrendPoint.extend({ tenants: z.number().int() })),
  expiredExceptions: z.array(ExpiredException),
  /** Ranked: highest risk first. */
  tenants: z.array(WeeklyTenant),
});
export type WeeklySummary = z.infer<typeof WeeklySummary>;

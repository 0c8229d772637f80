import { plural } from "../export/html/components.js";
import { forTerminal } from "../export/sanitize.js";
import { weeklyHeadline } from "../export/weekly/html.js";
import type { WeeklySummary, WeeklyTenant } from "../export/weekly/model.js";

/**
 * What every channel says about one weekly summary, in plain strings (each channel escapes for its own
 * format): the headline, the tenants ranked by risk with their changes, and which tenants were not fully
 * read (their figures are a lower bound, never a clean bill). Built once so mail, Teams and Slack agree.
 */

export interface DigestTenant {
  rank: number;
  id: string;
  name: string;
  /** One line: "3 open (1 new, 1 regressed), 2 resolved, 1 overdue". */
  changes: string;
  /** "read completely", or why not. */
  coverage: string;
  complete: boolean;
}

export interface Digest {
  /** The subject line and card title. */
  title: string;
  lead: string;
  details: string;
  tenants: DigestTenant[];
  /** Tenants whose latest sweep did not read everything (or that were never swept). */
  notFullyRead: string[];
  expiredExceptions: number;
  /** YYYY-MM-DD of the report, for file names. */
  date: string;
  demo: boolean;
}

const coverageWords: Record<WeeklyTenant["coverage"]["status"], string> = {
  complete: "read completely",
  partial: "only partly read: figures are a lower bound",
  failed: "could not be read: figures are a lower bound",
  none: "never swept",
  unrecorded: "its sweep stopped before recording coverage",
};

const n = (x: number) => x.toLocaleString("en-US");

function changesOf(t: WeeklyTenant): string {
  const c = t.counts;
  const opened = [
    c.new ? `${n(c.new)} new` : "",
    c.regressed ? `${n(c.regressed)} regressed` : "",
    c.reopened ? `${n(c.reopened)} reopened` : "",
  ].filter(Boolean);
  return [
    `${n(c.open)} open${opened.length ? ` (${opened.join(", ")})` : ""}`,
    `${n(c.resolved)} resolved`,
    ...(c.overdue ? [`${n(c.overdue)} overdue`] : []),
    ...(c.expired ? [`${plural(c.expired, "expired exception")}`] : []),
  ].join(", ");
}

/** One line of a tenant's name: no control characters, no line breaks, bounded. */
export function oneLine(text: string, max = 120): string {
  const flat = forTerminal(text.replace(/\s+/g, " ").trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function digestOf(summary: WeeklySummary, options: { msp?: string } = {}): Digest {
  const { lead, details } = weeklyHeadline(summary);
  const date = summary.generatedAt.slice(0, 10);
  const tenants = summary.tenants.map(
    (t): DigestTenant => ({
      rank: t.rank,
      id: t.id,
      name: oneLine(t.name),
      changes: changesOf(t),
      coverage: coverageWords[t.coverage.status],
      complete: t.coverage.status === "complete" && t.coverage.failedLater.length === 0,
    }),
  );
  for (const [i, t] of summary.tenants.entries())
    if (t.coverage.status === "complete" && t.coverage.failedLater.length > 0 && tenants[i])
      tenants[i].coverage = "a later sweep could not read it: figures are a lower bound";
  const by = options.msp ? ` · ${oneLine(options.msp, 80)}` : "";
  return {
    title: `${summary.demo ? "[demo] " : ""}Weekly MFA summary ${date}${by}`,
    lead,
    details,
    tenants,
    notFullyRead: tenants.filter((t) => !t.complete).map((t) => t.name),
    expiredExceptions: summary.expiredExceptions.length,
    date,
    demo: summary.demo,
  };
}

/** The plain-text version (the mail's text part; Slack's notification text is its first lines). */
export function digestText(d: Digest, options: { attachment?: string } = {}): string {
  const lines = [d.title, "", d.lead, d.details, ""];
  if (d.notFullyRead.length)
    lines.push(
      `Not fully read (its figures are a lower bound, not a clean result): ${d.notFullyRead.join(", ")}.`,
      "",
    );
  if (d.expiredExceptions)
    lines.push(`${plural(d.expiredExceptions, "exception")} expired and need a decision.`, "");
  if (d.tenants.length) lines.push("Tenants by risk:");
  for (const t of d.tenants)
    lines.push(
      `${String(t.rank).padStart(3)}. ${t.name}: ${t.changes}${t.complete ? "" : ` [${t.coverage}]`}`,
    );
  if (options.attachment) lines.push("", `The full report is attached (${options.attachment}).`);
  return `${lines.join("\n")}\n`;
}

import { forTerminal } from "../sanitize.js";
import type { WeeklySummary, WeeklyTenant } from "./model.js";

/**
 * The weekly summary for a terminal (`--format table`): expired exceptions first, the ranking, then each
 * tenant's coverage, trend and findings. Every string from a tenant goes through `forTerminal`.
 */

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

function cut(text: string, width: number): string {
  const clean = forTerminal(text);
  return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, Math.max(0, width - 1))}…`;
}

const points = (t: WeeklyTenant) => {
  const p = Number.isInteger(t.risk.points) ? String(t.risk.points) : t.risk.points.toFixed(1);
  return t.risk.provisional ? `≥${p}` : p;
};

export function weeklyTable(s: WeeklySummary, options: { color: boolean; width?: number }): string {
  const width = Math.max(80, options.width ?? 120);
  const out: string[] = [];
  const latest = s.latestSweep;
  out.push(
    paint(options.color, "1", `Weekly summary: changes ${s.period.label}`),
    latest
      ? `Latest sweep ${latest.id} (${latest.kind}${latest.status === "finished" ? "" : `, ${latest.status}`}), ${latest.finishedAt ?? latest.startedAt}`
      : "No sweep has been recorded in this store yet.",
  );

  if (s.expiredExceptions.length) {
    out.push("", paint(options.color, "31;1", `EXPIRED EXCEPTIONS (${s.expiredExceptions.length})`));
    for (const e of s.expiredExceptions) {
      const what = e.subject
        ? `${forTerminal(e.subject)} ${e.policy ?? ""}`
        : `config match ${forTerminal(`${e.match?.tenant}/${e.match?.policy}/${e.match?.subject}`)}`;
      out.push(
        `  ${e.expires}  ${cut(e.tenant, 16)}  ${what}`,
        `              ${forTerminal(e.reason)} (by ${forTerminal(e.approvedBy)}, ${e.source}): ${e.consequence}`,
      );
    }
  }

  const columns = [
    "#",
    "TENANT",
    "RISK",
    "OPEN",
    "OVERDUE",
    "NEW",
    "REGRESSED",
    "REOPENED",
    "RESOLVED",
    "ACCEPTED",
    "EXPIRED",
    "COVERAGE",
  ];
  const widths = [3, 22, 6, 5, 7, 4, 9, 8, 8, 8, 7, 10];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 11 ? cut(c, widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  out.push("", paint(options.color, "1", line(columns)));
  for (const t of s.tenants) {
    const c = t.counts;
    const text = line([
      String(t.rank),
      t.name,
      points(t),
      ...[c.open, c.overdue, c.new, c.regressed, c.reopened, c.resolved, c.accepted, c.expired].map(String),
      t.coverage.status,
    ]);
    out.push(c.overdue || c.expired ? paint(options.color, "31", text) : text);
  }
  const c = s.totals;
  out.push(
    line([
      "",
      "total",
      "",
      ...[c.open, c.overdue, c.new, c.regressed, c.reopened, c.resolved, c.accepted, c.expired].map(String),
      "",
    ]),
  );
  if (s.trend.length > 1) out.push("", `Open after each sweep: ${s.trend.map((p) => p.open).join(" → ")}`);

  for (const t of s.tenants) {
    out.push(
      "",
      paint(
        options.color,
        "1",
        `#${t.rank} ${forTerminal(t.name)} (${forTerminal(t.id)}): risk ${points(t)}`,
      ),
    );
    const cov = t.coverage;
    if (cov.status === "none") out.push("  never swept: nothing of this tenant has been read yet");
    else if (cov.status === "unrecorded")
      out.push(`  the latest sweep (${cov.at}) did not record what it read`);
    else if (cov.status !== "complete")
      for (const x of cov.connections.filter((x) => x.status !== "complete"))
        out.push(
          `  NOT READ ${forTerminal(x.source)}/${forTerminal(x.connection)}: ${x.status}${x.reason ? `: ${forTerminal(x.reason)}` : ""}${
            x.gaps.length ? ` (${x.gaps.map((g) => forTerminal(`${g.what}: ${g.reason}`)).join("; ")})` : ""
          }; nothing from it was resolved`,
        );
    for (const f of cov.failedLater)
      out.push(`  the sweep of ${f.startedAt} did not reconcile this tenant: ${forTerminal(f.error)}`);
    out.push(
      t.trend.length > 1
        ? `  open after each sweep: ${t.trend.map((p) => p.open).join(" → ")}`
        : t.trend.length === 1
          ? `  one sweep so far: ${t.trend[0]!.open} open (no trend yet)`
          : "  no sweep yet",
    );
    if (t.items.length === 0) out.push("  nothing open, nothing accepted, nothing changed in this period");
    const rest = Math.max(20, width - 10 - 8 - 30 - 22 - 8);
    for (const i of t.items) {
      const due =
        i.standing === "resolved"
          ? `resolved ${i.resolvedAt?.slice(0, 10) ?? ""}`
          : i.exception
            ? `${i.standing === "expired" ? "EXPIRED" : "until"} ${i.exception.expires}`
            : i.dueAt
              ? `due ${i.dueAt.slice(0, 10)}${i.overdue ? " OVERDUE" : ""}`
              : "";
      const text = `  ${i.standing.padEnd(10)} ${i.severity.padEnd(8)} ${cut(i.subject.name, 30)}  ${cut(due, 22)}  ${cut(i.message, rest)}`;
      out.push((i.overdue || i.standing === "expired" ? paint(options.color, "31", text) : text).trimEnd());
    }
  }
  return `${out.join("\n")}\n`;
}

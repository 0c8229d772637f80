import { appendAll } from "../../util/arrays.js";
import { type Column, type Layout, renderGrid } from "../grid.js";
import { forTerminal } from "../sanitize.js";
import type { WeeklySummary, WeeklyTenant } from "./model.js";

/**
 * The weekly summary for a terminal (`--format table`): expired exceptions first, the ranking, then each
 * tenant's coverage, trend and findings. Every string from a tenant goes through `forTerminal`.
 */

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

const points = (t: WeeklyTenant) => {
  const p = Number.isInteger(t.risk.points) ? String(t.risk.points) : t.risk.points.toFixed(1);
  return t.risk.provisional ? `≥${p}` : p;
};

type Item = WeeklyTenant["items"][number];

const itemColumns: Column<Item>[] = [
  { header: "STANDING", value: (i) => i.standing },
  { header: "SEVERITY", value: (i) => i.severity },
  { header: "POLICY", value: (i) => i.policy },
  { header: "SUBJECT", value: (i) => i.subject.name, shrink: true },
  {
    header: "DUE",
    value: (i) =>
      i.standing === "resolved"
        ? `resolved ${i.resolvedAt?.slice(0, 10) ?? ""}`
        : i.exception
          ? `${i.standing === "expired" ? "EXPIRED" : "until"} ${i.exception.expires}`
          : i.dueAt
            ? `due ${i.dueAt.slice(0, 10)}${i.overdue ? " OVERDUE" : ""}`
            : "",
  },
  { header: "MESSAGE", value: (i) => i.message, shrink: true },
];

export function weeklyTable(s: WeeklySummary, options: Layout & { color: boolean }): string {
  const indented = { ...options, width: options.width === undefined ? undefined : options.width - 2 };
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
        `  ${e.expires}  ${forTerminal(e.tenant)}  ${what}`,
        `              ${forTerminal(e.reason)} (by ${forTerminal(e.approvedBy)}, ${e.source}): ${e.consequence}`,
      );
    }
  }

  const number = (header: string, at: number): Column<string[]> => ({
    header,
    value: (r) => r[at]!,
    align: "right",
  });
  const columns: Column<string[]>[] = [
    number("#", 0),
    { header: "TENANT", value: (r) => r[1]!, shrink: true },
    ...["RISK", "OPEN", "OVERDUE", "NEW", "REGRESSED", "REOPENED", "RESOLVED", "ACCEPTED", "EXPIRED"].map(
      (h, i) => number(h, i + 2),
    ),
    { header: "COVERAGE", value: (r) => r[11]! },
  ];
  const counts = (c: WeeklySummary["totals"]) =>
    [c.open, c.overdue, c.new, c.regressed, c.reopened, c.resolved, c.accepted, c.expired].map(String);
  const red = new Set(s.tenants.filter((t) => t.counts.overdue || t.counts.expired).map((t) => t.id));
  const rows = [
    ...s.tenants.map((t) => [
      String(t.rank),
      t.name,
      points(t),
      ...counts(t.counts),
      t.coverage.status,
      t.id,
    ]),
    ["", "total", "", ...counts(s.totals), "", ""],
  ];
  out.push("");
  appendAll(
    out,
    renderGrid(rows, columns, options, {
      header: (line) => paint(options.color, "1", line),
      row: (r, line) => (red.has(r[12]!) ? paint(options.color, "31", line) : line),
    }),
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
    appendAll(
      out,
      renderGrid(t.items, itemColumns, indented, {
        row: (i, line) => (i.overdue || i.standing === "expired" ? paint(options.color, "31", line) : line),
      }).map((line) => `  ${line}`),
    );
  }
  return `${out.join("\n")}\n`;
}

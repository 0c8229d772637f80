import { type Layout, renderGrid } from "../export/grid.js";
import { forTerminal } from "../export/sanitize.js";
import type { VerifyEntry } from "./model.js";

/**
 * The verify table: one row per sampled user, then the reason of every disagreement and of every user that
 * could not be compared (agreements need no explanation). Names come from the tenant: sanitised.
 */
export function verifyTable(entries: VerifyEntry[], layout: Layout): string {
  if (entries.length === 0) return "No Entra user was sampled.\n";
  const rows = renderGrid(
    entries,
    [
      { header: "TENANT", value: (e) => e.tenant },
      { header: "USER", value: (e) => e.user, shrink: true },
      { header: "SAMPLED AS", value: (e) => e.sampledAs.join(", ") },
      { header: "MFASWEEP", value: (e) => e.ours.state },
      { header: "MICROSOFT", value: (e) => e.microsoft?.requirement ?? "no answer" },
      { header: "OUTCOME", value: (e) => e.outcome },
      {
        header: "POLICIES MICROSOFT NAMED",
        value: (e) => (e.microsoft?.enforcing ?? []).map((p) => p.displayName).join(", ") || "-",
        shrink: true,
      },
    ],
    layout,
  );
  const details = entries
    .filter((e) => e.outcome !== "agree")
    .map((e) => `${e.outcome}: ${forTerminal(e.tenant)} ${forTerminal(e.user)}: ${forTerminal(e.reason)}`);
  const counts = (["agree", "disagree", "unknown"] as const)
    .map((o) => `${entries.filter((e) => e.outcome === o).length} ${o}`)
    .join(", ");
  const scenarios = [...new Set(entries.map((e) => e.scenario))].map((s) => `asked: ${forTerminal(s)}`);
  return `${[...rows, "", ...scenarios, `${entries.length} sampled: ${counts}`, ...(details.length ? ["", ...details] : [])].join("\n")}\n`;
}

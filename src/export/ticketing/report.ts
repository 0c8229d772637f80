import { forTerminal } from "../sanitize.js";
import type { RecordedRequest } from "./http.js";
import type { SyncSummary } from "./sync.js";

/** Text views of a ticket sync for the CLI; server messages and tenant data pass through `forTerminal`. */

export function syncSummaryText(summary: SyncSummary): string {
  if (summary.targets.length === 0)
    return "No ticketing targets in the config (see `ticketing:` in mfasweep init).\n";
  const lines: string[] = [];
  for (const t of summary.targets) {
    const verb = t.dryRun ? "would be " : "";
    lines.push(
      `${t.target} (${t.type})${t.dryRun ? " [dry run]" : ""}: ${t.created} ${verb}created, ${t.updated} ${verb}updated, ${t.noted} ${verb}noted, ${t.closed} ${verb}closed, ${t.unchanged} unchanged, ${t.skipped} skipped, ${t.failed.length} failed`,
    );
    for (const m of t.messages) lines.push(`  note: ${forTerminal(m)}`);
    // Failures that share a reason (a target that stopped, a system that is down) print once, counted.
    const byReason = new Map<string, typeof t.failed>();
    for (const f of t.failed) byReason.set(f.reason, [...(byReason.get(f.reason) ?? []), f]);
    const groups = [...byReason.entries()];
    for (const [reason, failed] of groups.slice(0, 20)) {
      const first = failed[0]!;
      const which =
        failed.length === 1
          ? `${first.fingerprint.slice(0, 12)} (${first.tenant})`
          : `${failed.length} items`;
      lines.push(`  failed ${which}: ${forTerminal(reason)}`);
    }
    if (groups.length > 20) lines.push(`  … and ${groups.length - 20} more failure reasons`);
  }
  return `${lines.join("\n")}\n`;
}

/** One request --dry-run did not send: method, URL, headers (credentials redacted) and the body. */
export function recordedRequestText(r: RecordedRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `  ${k}: ${forTerminal(v)}`)
    .join("\n");
  let body = "";
  if (r.body !== undefined) {
    try {
      body = JSON.stringify(JSON.parse(r.body), null, 2);
    } catch {
      body = r.body;
    }
    body = `\n${forTerminal(body).replace(/\\x0a/g, "\n")}`;
  }
  return `${r.target}: ${r.method} ${forTerminal(r.url)}\n${headers}${body}\n\n`;
}

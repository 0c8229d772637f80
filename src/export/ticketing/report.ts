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
    const shown = t.failed.slice(0, 20);
    for (const f of shown)
      lines.push(`  failed ${f.fingerprint.slice(0, 12)} (${f.tenant}): ${forTerminal(f.reason)}`);
    if (t.failed.length > shown.length) lines.push(`  … and ${t.failed.length - shown.length} more failures`);
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

import { forTerminal } from "../export/sanitize.js";
import type { Coverage } from "../model/coverage.js";
import type { SweepSummary } from "../queue/model.js";
import { redactUrls } from "../util/redact.js";

/**
 * What the CLI says on stderr besides the one-line failure (issue #23 item 7): warnings, per-tenant
 * progress and per-connection detail. stdout stays the report. Set once from the global options:
 * - `--quiet`: only errors and the final result (no warnings, no progress);
 * - `--verbose`: also one line per connection as it finishes;
 * - `--log-format json`: one JSON object per line (warning, connection, tenant) for log shippers; they
 *   are written even with --quiet, which then only stops the text.
 */
export type LogLevel = "quiet" | "normal" | "verbose";
export type LogFormat = "text" | "json";

let level: LogLevel = "normal";
let format: LogFormat = "text";

export function setLog(options: { quiet?: boolean; verbose?: boolean; logFormat?: string }): void {
  level = options.quiet ? "quiet" : options.verbose ? "verbose" : "normal";
  format = options.logFormat === "json" ? "json" : "text";
}

const json = (event: Record<string, unknown>) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
const text = (line: string) => process.stderr.write(`${forTerminal(line)}\n`);

export function warn(message: string): void {
  if (format === "json") return void json({ event: "warning", message: redactUrls(message) });
  if (level !== "quiet") text(`warning: ${redactUrls(message)}`);
}

/** A connection finished collecting: its coverage, counts and how long it took. */
export function connectionDone(tenant: string, c: Coverage): void {
  const durationMs = Date.parse(c.finishedAt) - Date.parse(c.startedAt);
  const error = c.reason === undefined ? undefined : redactUrls(c.reason);
  if (format === "json")
    return void json({
      event: "connection",
      tenant,
      connection: c.connection,
      type: c.source,
      status: c.status,
      counts: c.counts,
      durationMs,
      ...(error === undefined ? {} : { error }),
    });
  if (level === "verbose")
    text(
      `${tenant}/${c.connection} (${c.source}): ${c.status}, ${c.counts.accounts} accounts, ${c.counts.requests} requests, ${c.counts.retries} retries, ${(durationMs / 1000).toFixed(1)} s${error ? `: ${error}` : ""}`,
    );
}

/** A sweep reconciled a tenant (or could not): one line, on a terminal or not. */
export function tenantDone(
  t: SweepSummary["tenants"][number],
  progress: { done: number; total: number },
): void {
  const error = t.error === undefined ? undefined : redactUrls(t.error);
  if (format === "json")
    return void json({
      event: "tenant",
      tenant: t.tenant,
      reconciled: t.reconciled,
      status: t.coverage.status,
      ...(t.diff
        ? {
            counts: {
              new: t.diff.new,
              regressed: t.diff.regressed,
              resolved: t.diff.resolved,
              open: t.diff.open,
            },
          }
        : {}),
      done: progress.done,
      total: progress.total,
      ...(error === undefined ? {} : { error }),
    });
  if (level === "quiet") return;
  const what = t.diff
    ? `${t.diff.new} new, ${t.diff.regressed} regressed, ${t.diff.resolved} resolved, ${t.diff.open} open`
    : `not reconciled: ${error ?? "unknown error"}`;
  // On a terminal the line replaces the progress indicator's.
  const clear = process.stderr.isTTY ? "\r\x1b[K" : "";
  process.stderr.write(
    `${clear}${forTerminal(`[${progress.done}/${progress.total}] ${t.tenant}: ${what}`)}\n`,
  );
}

/** Whether the live progress indicator may draw (a terminal, text logs, not quiet). */
export function liveProgress(): boolean {
  return process.stderr.isTTY === true && format === "text" && level !== "quiet";
}

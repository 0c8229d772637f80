import type { Coverage, Evidence, JsonValue, Result } from "../../model/index.js";
import type { ScanReport } from "../../report.js";
import { displayFile, fileNameRewriter } from "./components.js";

/**
 * The report as a customer receives it (issue #24 item 4): every file the technician's machine read is
 * named by its file name, not by where the technician kept it. Evidence files are rewritten wherever their
 * path appears; beyond those, absolute paths under the usual places for a person's or a program's files
 * (home directories, temporary directories, a Windows drive) are too, so an error such as "cannot read
 * /home/tech/acme/asa.txt" does not reveal them. API endpoints (`/users/{id}/…`) are left alone.
 * JSON and CSV keep the full paths: they are the technician's.
 */
const localPath =
  /(?:[A-Za-z]:[\\/]|\/(?:home|Users|tmp|var|private|root|opt|mnt|srv|media|run)\/)(?:[^\s:,;()'"<>\\/]+[\\/])*[^\s:,;()'"<>\\/]+/g;

export function customerFacing(report: ScanReport): ScanReport {
  const known = fileNameRewriter(
    report.results.flatMap((r) => r.evidence.flatMap((e) => (e.file ? [e.file] : []))),
  );
  const text = (s: string) => known(s).replace(localPath, (m) => displayFile(m));
  const value = (v: JsonValue): JsonValue =>
    typeof v === "string"
      ? text(v)
      : Array.isArray(v)
        ? v.map(value)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]))
          : v;
  const evidence = (e: Evidence): Evidence => ({
    ...e,
    ...(e.file ? { file: displayFile(e.file) } : {}),
    ...(e.note ? { note: text(e.note) } : {}),
    ...(e.value !== undefined ? { value: value(e.value) } : {}),
  });
  const result = (r: Result): Result => ({
    ...r,
    message: text(r.message),
    remediation: text(r.remediation),
    evidence: r.evidence.map(evidence),
  });
  const coverage = (c: Coverage): Coverage => ({
    ...c,
    ...(c.reason ? { reason: text(c.reason) } : {}),
    gaps: c.gaps.map((g) => ({ what: text(g.what), reason: text(g.reason) })),
    notes: c.notes.map(text),
  });
  return { ...report, results: report.results.map(result), coverage: report.coverage.map(coverage) };
}

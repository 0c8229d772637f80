import type { Coverage, Result, Severity } from "../../model/index.js";

/**
 * The report's 0–100 score. Documented here and, in plain words, in the report's footer (`scoreMethod`,
 * which takes its numbers from the constants below).
 *
 * 1. Every result is a check of one subject, weighted by its severity: critical 10, high 5, medium 3, low 1,
 *    info 0 (info never moves the score).
 * 2. A check earns its full weight when it passes, half its weight when it could not be decided (unknowns
 *    are not free: we could not show it is safe), nothing when it fails. An excepted check earns nothing
 *    either: a recorded exception is an accepted risk, not a fix (issue #19 item 10), and the report shows
 *    it as such.
 * 3. score = 100 × earned ÷ possible, rounded down.
 * 4. Caps: while any critical check fails or is accepted as a risk (typically an administrator without a
 *    second factor) the score is at most 59; while any connection was not read completely it is at most 74
 *    and marked provisional.
 * 5. No grade at all when too little was read to stand behind one: no system read, at least half of the
 *    systems not read, or less than half of the weight decided. A tenant that read nothing would
 *    otherwise get "50 · D" from its unknowns alone.
 */
export const severityWeight: Record<Severity, number> = { critical: 10, high: 5, medium: 3, low: 1, info: 0 };
const credit: Record<Result["status"], number> = { pass: 1, excepted: 0, unknown: 0.5, fail: 0 };
export const criticalCap = 59;
export const incompleteCap = 74;
/** Below this share of the weight decided (or of the systems read), there is no grade. */
export const minimumDecidedShare = 0.5;
export const notGradedLead = "Not enough could be read to grade this tenant";

export interface Band {
  letter: "A" | "B" | "C" | "D" | "F";
  label: string;
  /** CSS token for the band's colour; the letter and label carry the meaning without it. */
  tone: "good" | "fair" | "poor" | "bad";
  min: number;
}

export const bands: Band[] = [
  { letter: "A", label: "Strong", tone: "good", min: 90 },
  { letter: "B", label: "Good", tone: "good", min: 75 },
  { letter: "C", label: "Fair", tone: "fair", min: 60 },
  { letter: "D", label: "Weak", tone: "poor", min: 40 },
  { letter: "F", label: "At risk", tone: "bad", min: 0 },
];

export interface Score {
  /** null when nothing with a weight was judged: no score rather than a perfect one. */
  value: number | null;
  band: Band | null;
  /** Before caps. */
  uncapped: number | null;
  /** Why the score is lower than the checks alone would give. */
  caps: string[];
  /** Part of the tenant was not read; the score may move when it is. */
  provisional: boolean;
  /** Why there is no grade, in words ("3 of 4 systems could not be read"); null when graded. */
  notGraded: string | null;
}

export function bandOf(value: number): Band {
  return bands.find((b) => value >= b.min) ?? bands[bands.length - 1]!;
}

/** Why too little was read to grade, or null when enough was. */
function notGradedReason(possible: number, decided: number, coverage: Coverage[]): string | null {
  if (coverage.length === 0) return "no system was read";
  const failed = coverage.filter((c) => c.status === "failed").length;
  if (failed === coverage.length)
    return coverage.length === 1
      ? "its one system could not be read"
      : `none of its ${coverage.length} systems could be read`;
  if (failed / coverage.length >= minimumDecidedShare)
    return `${failed} of its ${coverage.length} systems could not be read`;
  if (possible === 0) return "no check with a weight could be judged";
  if (decided / possible < minimumDecidedShare)
    return `only ${Math.floor((100 * decided) / possible)}% of what was checked (weighted by severity) could be decided`;
  return null;
}

export function score(results: Result[], coverage: Coverage[]): Score {
  let possible = 0;
  let earned = 0;
  let decided = 0;
  for (const r of results) {
    const weight = severityWeight[r.severity];
    possible += weight;
    earned += weight * credit[r.status];
    if (r.status !== "unknown") decided += weight;
  }
  const provisional = coverage.some((c) => c.status !== "complete");
  const notGraded = notGradedReason(possible, decided, coverage);
  if (notGraded !== null)
    return { value: null, band: null, uncapped: null, caps: [], provisional, notGraded };
  const uncapped = Math.floor((100 * earned) / possible);
  let value = uncapped;
  const caps: string[] = [];
  const criticalOpen = results.some(
    (r) => r.severity === "critical" && (r.status === "fail" || r.status === "excepted"),
  );
  if (criticalOpen && value > criticalCap) {
    value = criticalCap;
    caps.push(`capped at ${criticalCap}: a critical check fails or is accepted as a risk`);
  }
  if (provisional && value > incompleteCap) {
    value = incompleteCap;
    caps.push(`capped at ${incompleteCap}: part of the tenant could not be read`);
  }
  return { value, band: bandOf(value), uncapped, caps, provisional, notGraded: null };
}

/** The formula in words, for the report's footer. */
export function scoreMethod(): string[] {
  const weights = Object.entries(severityWeight)
    .map(([s, w]) => `${s} ${w}`)
    .join(", ");
  return [
    `Each check of one account, setting or entry point is weighted by its severity (${weights}).`,
    "A check earns its full weight when it passes, half its weight when it could not be decided (an unknown is not treated as safe), and nothing when it fails. A check covered by a recorded, dated exception earns nothing either: it is an accepted risk, not a fix.",
    "The score is 100 × earned ÷ possible, rounded down.",
    `While any critical check fails or is accepted as a risk (typically an administrator who can sign in without a second factor) the score is at most ${criticalCap}. While any connected system could not be read completely the score is at most ${incompleteCap} and is marked provisional.`,
    `There is no grade when too little was read to stand behind one: no system read, at least half of the systems not read, or less than half of the checks (weighted by severity) decided.`,
    `Bands: ${bands.map((b) => `${b.letter} ${b.label} (${b.min}+)`).join(", ")}.`,
  ];
}

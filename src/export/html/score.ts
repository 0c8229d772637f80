import type { Coverage, Result, Severity } from "../../model/index.js";

/**
 * The report's 0–100 score. Documented here and, in plain words, in the report's footer (`scoreMethod`,
 * which takes its numbers from the constants below).
 *
 * 1. Every result is a check of one subject, weighted by its severity: critical 10, high 5, medium 3, low 1,
 *    info 0 (info never moves the score).
 * 2. A check earns its full weight when it passes or a recorded exception covers it, half its weight when
 *    it could not be decided (unknowns are not free: we could not show it is safe), nothing when it fails.
 * 3. score = 100 × earned ÷ possible, rounded down.
 * 4. Caps: while any critical check fails (typically an administrator without a second factor) the score
 *    is at most 59; while any connection was not read completely it is at most 74 and marked provisional.
 */
export const severityWeight: Record<Severity, number> = { critical: 10, high: 5, medium: 3, low: 1, info: 0 };
const credit: Record<Result["status"], number> = { pass: 1, excepted: 1, unknown: 0.5, fail: 0 };
export const criticalCap = 59;
export const incompleteCap = 74;

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
}

export function bandOf(value: number): Band {
  return bands.find((b) => value >= b.min) ?? bands[bands.length - 1]!;
}

export function score(results: Result[], coverage: Coverage[]): Score {
  let possible = 0;
  let earned = 0;
  for (const r of results) {
    const weight = severityWeight[r.severity];
    possible += weight;
    earned += weight * credit[r.status];
  }
  const provisional = coverage.some((c) => c.status !== "complete");
  if (possible === 0) return { value: null, band: null, uncapped: null, caps: [], provisional };
  const uncapped = Math.floor((100 * earned) / possible);
  let value = uncapped;
  const caps: string[] = [];
  if (results.some((r) => r.status === "fail" && r.severity === "critical") && value > criticalCap) {
    value = criticalCap;
    caps.push(`capped at ${criticalCap}: a critical check fails`);
  }
  if (provisional && value > incompleteCap) {
    value = incompleteCap;
    caps.push(`capped at ${incompleteCap}: part of the tenant could not be read`);
  }
  return { value, band: bandOf(value), uncapped, caps, provisional };
}

/** The formula in words, for the report's footer. */
export function scoreMethod(): string[] {
  const weights = Object.entries(severityWeight)
    .map(([s, w]) => `${s} ${w}`)
    .join(", ");
  return [
    `Each check of one account, setting or entry point is weighted by its severity (${weights}).`,
    "A check earns its full weight when it passes or a recorded, dated exception covers it, half its weight when it could not be decided (an unknown is not treated as safe), and nothing when it fails.",
    "The score is 100 × earned ÷ possible, rounded down.",
    `While any critical check fails (typically an administrator who can sign in without a second factor) the score is at most ${criticalCap}. While any connected system could not be read completely the score is at most ${incompleteCap} and is marked provisional.`,
    `Bands: ${bands.map((b) => `${b.letter} ${b.label} (${b.min}+)`).join(", ")}.`,
  ];
}

import type { Evidence } from "./evidence.js";
import type { MfaVerdict } from "./inventory.js";
import { type FactorStrength, type MfaState, strengthRank } from "./vocabulary.js";

/**
 * How the ways one login can complete add up to its verdict, shared by the entry points that enumerate
 * them (an SSH login's method lists, an OpenVPN server's verifiers): the login is as weak as its weakest
 * way in. Each caller classifies its own ways, because what counts as a factor differs per system.
 */

/** What one way in amounts to; ordered from worst to best. */
export type WayClass = Extract<MfaState, "none" | "bypassable" | "unknown" | "enforced">;
const classOrder: WayClass[] = ["none", "bypassable", "unknown", "enforced"];

/** One way in as the verdict needs it. */
export interface WayReading {
  class: WayClass;
  /** How many factors the way presents; of two equally bad ways, the one with fewer is named first. */
  factorCount: number;
  /** The strongest factor the way presents, or null when none has a known strength. */
  strength: FactorStrength | null;
  description: string;
  evidence: Evidence[];
}

/** How a caller names who signs in, in the verdict's two sentences that need it. */
export interface WayPhrases {
  /** Completes "no factor … : how" and "one factor … : how", e.g. `logs root in`. */
  letsIn: string;
  /** Completes "cannot tell whether … a second factor", e.g. `this login needs`. */
  needs: string;
}

/** The strongest of `factors` by `strengthOf`, or null when none has a known strength. */
export function strongestOf<F extends string>(
  factors: readonly F[],
  strengthOf: Partial<Record<F, FactorStrength>>,
): FactorStrength | null {
  let best: FactorStrength | null = null;
  for (const f of factors) {
    const s = strengthOf[f];
    if (s && (best === null || strengthRank[s] > strengthRank[best])) best = s;
  }
  return best;
}

/** Evidence without repeats of the same file, line, endpoint, field, value and note. */
export function distinctEvidence(items: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return items.filter((e) => {
    const key = JSON.stringify([e.file, e.line, e.endpoint, e.field, e.value, e.note]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The verdict of the worst way in (none < bypassable < unknown < enforced), described by up to three of
 * the ways that share that class, with the evidence of all of them. When every way is enforced, the
 * strength is the weakest way's (null when any way's is unknown). `ways` must not be empty.
 */
export function worstWayVerdict<W>(
  ways: readonly W[],
  read: (way: W) => WayReading,
  phrases: WayPhrases,
): { verdict: MfaVerdict; worst: W[] } {
  const readings = ways
    .map((way) => ({ way, reading: read(way) }))
    .sort(
      (a, b) =>
        classOrder.indexOf(a.reading.class) - classOrder.indexOf(b.reading.class) ||
        a.reading.factorCount - b.reading.factorCount,
    );
  const worstClass = readings[0]!.reading.class;
  const worst = readings.filter((r) => r.reading.class === worstClass);
  const how = worst
    .slice(0, 3)
    .map((r) => r.reading.description)
    .join("; ");
  let reason: string;
  let strength: FactorStrength | null = null;
  switch (worstClass) {
    case "none":
      reason = `${worst[0]!.reading.factorCount === 0 ? "no factor" : "one factor"} ${phrases.letsIn}: ${how}`;
      break;
    case "bypassable":
      reason = `a second factor is asked for, but it can be skipped: ${how}`;
      break;
    case "unknown":
      reason = `cannot tell whether ${phrases.needs} a second factor: ${how}`;
      break;
    case "enforced": {
      const strengths = readings.map((r) => r.reading.strength);
      strength = strengths.includes(null)
        ? null
        : strengths.reduce<FactorStrength>(
            (min, s) => (strengthRank[s!] < strengthRank[min] ? s! : min),
            "phishing-resistant",
          );
      reason = `every way in needs two factors: ${how}`;
    }
  }
  return {
    verdict: {
      state: worstClass,
      strength,
      reason,
      evidence: distinctEvidence(worst.flatMap((r) => r.reading.evidence)),
    },
    worst: worst.map((r) => r.way),
  };
}

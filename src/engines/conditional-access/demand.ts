import type { AuthenticationStrengthPolicy, ConditionalAccessPolicy } from "../../model/facts/entra.js";
import { type FactorStrength, strengthRank } from "../../model/index.js";
import type { EntraFacts } from "./load.js";

// What a Conditional Access policy demands: its grant controls and authentication strengths.

export type Grant =
  | { kind: "block" }
  /**
   * `combinations`: the authentication-strength combinations one of which must be completed; null for
   * the built-in "Require MFA" control (any registered multi-factor method).
   */
  | { kind: "mfa"; floor: FactorStrength; alternatives: string[]; combinations: string[] | null }
  /** `control`: a built-in non-MFA control (a compliant device); `strength`: a strength that is not MFA. */
  | { kind: "none"; why: string; from?: "control" | "strength" }
  | { kind: "unknown"; why: string };

/** Single methods that are multi-factor on their own (authentication strength combinations). */
export const multiFactorSingles = new Set([
  "fido2",
  "windowsHelloForBusiness",
  "x509CertificateMultiFactor",
  "deviceBasedPush",
  "temporaryAccessPassOneTime",
  "temporaryAccessPassMultiUse",
  "federatedMultiFactor",
]);
export const phishingResistantModes = new Set([
  "fido2",
  "windowsHelloForBusiness",
  "x509CertificateMultiFactor",
]);
/** Modes an attacker can intercept or talk a help desk into: SMS, voice, email, and handed-out passes. */
export const weakModes = new Set([
  "sms",
  "voice",
  "email",
  "temporaryAccessPassOneTime",
  "temporaryAccessPassMultiUse",
]);

export function combinationStrength(combination: string): FactorStrength | null {
  const parts = combination.split(",").map((p) => p.trim());
  if (parts.length < 2 && !multiFactorSingles.has(parts[0] ?? "")) return null;
  if (parts.every((p) => phishingResistantModes.has(p))) return "phishing-resistant";
  if (parts.some((p) => weakModes.has(p))) return "weak";
  return "app";
}

export function weakest(strengths: FactorStrength[]): FactorStrength {
  return strengths.reduce(
    (a, b) => (strengthRank[b] < strengthRank[a] ? b : a),
    "phishing-resistant" as FactorStrength,
  );
}

export function strengthGrant(facts: EntraFacts, inline: AuthenticationStrengthPolicy): Grant {
  const strength = inline.allowedCombinations?.length
    ? inline
    : (facts.strengths.byId.get(inline.id) ?? inline);
  const name = `authentication strength '${strength.displayName ?? strength.id}'`;
  const combos = strength.allowedCombinations ?? [];
  if (combos.length === 0) {
    if (strength.requirementsSatisfied === "mfa")
      return { kind: "mfa", floor: "weak", alternatives: [], combinations: null };
    return { kind: "unknown", why: `the combinations of ${name} were not read` };
  }
  const single = combos.filter((c) => combinationStrength(c) === null);
  if (single.length)
    return { kind: "none", why: `${name} accepts single-factor ${single.join(", ")}`, from: "strength" };
  return {
    kind: "mfa",
    floor: weakest(combos.map((c) => combinationStrength(c) ?? "weak")),
    alternatives: [],
    combinations: combos,
  };
}

/** Combinations that satisfy every one of several requirements (null: no constraint). */
export function intersectCombinations(sets: Array<string[] | null>): string[] | null {
  const constrained = sets.filter((s): s is string[] => s !== null);
  if (constrained.length === 0) return null;
  return constrained.reduce((a, b) => a.filter((c) => b.includes(c)));
}

/** Combinations that satisfy any one of several alternatives (null: an alternative has no constraint). */
export function unionCombinations(sets: Array<string[] | null>): string[] | null {
  if (sets.some((s) => s === null)) return null;
  return [...new Set(sets.flatMap((s) => s ?? []))];
}

export const controlNames: Record<string, string> = {
  compliantDevice: "a compliant device",
  domainJoinedDevice: "a hybrid-joined device",
  approvedApplication: "an approved client app",
  compliantApplication: "an app protection policy",
  passwordChange: "a password change",
};

export function grantOf(facts: EntraFacts, p: ConditionalAccessPolicy): Grant {
  const g = p.grantControls;
  if (!g) return { kind: "none", why: "it has no grant controls (session controls only)" };
  if (g.builtInControls.includes("block")) return { kind: "block" };
  const options: Grant[] = [
    // A terms-of-use acceptance is a grant control like the others (Graph conditionalAccessGrantControls:
    // `operator` relates all of them), so under OR accepting the terms satisfies the grant on its own.
    ...g.termsOfUse.map(
      (t): Grant => ({
        kind: "none",
        why: `it requires accepting terms of use ${t}, not MFA`,
        from: "control",
      }),
    ),
    ...g.builtInControls.map(
      (c): Grant =>
        c === "mfa"
          ? { kind: "mfa", floor: "weak", alternatives: [], combinations: null }
          : { kind: "none", why: `it requires ${controlNames[c] ?? c}, not MFA`, from: "control" },
    ),
    ...(g.authenticationStrength ? [strengthGrant(facts, g.authenticationStrength)] : []),
    ...g.customAuthenticationFactors.map(
      (c): Grant => ({ kind: "unknown", why: `custom control '${c}' cannot be judged` }),
    ),
  ];
  if (options.length === 0) return { kind: "none", why: "it grants access without any control" };
  const mfa = options.filter((o): o is Extract<Grant, { kind: "mfa" }> => o.kind === "mfa");
  const operator = (g.operator ?? "AND").toUpperCase();
  if (operator === "AND" || options.length === 1) {
    // Every control is required: one MFA control is enough, and the strongest floor wins.
    if (mfa.length)
      return {
        kind: "mfa",
        floor: mfa.map((m) => m.floor).reduce((a, b) => (strengthRank[b] > strengthRank[a] ? b : a)),
        alternatives: [],
        combinations: intersectCombinations(mfa.map((m) => m.combinations)),
      };
    const unknown = options.find((o) => o.kind === "unknown");
    return unknown ?? options[0]!;
  }
  // OR: any one control satisfies the grant, so every alternative must itself be MFA.
  if (mfa.length === 0) {
    const unknown = options.find((o) => o.kind === "unknown");
    return unknown ?? { kind: "none", why: "none of its alternative controls is MFA" };
  }
  const floor = weakest(mfa.map((m) => m.floor));
  const notMfa = [
    ...g.builtInControls.filter((c) => c !== "mfa").map((c) => controlNames[c] ?? c),
    ...g.termsOfUse.map((t) => `accepting terms of use ${t}`),
  ];
  const strengthNone = options.filter(
    (o): o is Extract<Grant, { kind: "none" }> => o.kind === "none" && o.from === "strength",
  );
  const alternatives = [
    ...notMfa.map((c) => `${c} satisfies the grant instead of MFA (OR)`),
    ...strengthNone.map((s) => s.why),
  ];
  if (alternatives.length === 0 && options.some((o) => o.kind === "unknown"))
    return options.find((o) => o.kind === "unknown")!;
  return {
    kind: "mfa",
    floor,
    alternatives,
    combinations: unionCombinations(mfa.map((m) => m.combinations)),
  };
}

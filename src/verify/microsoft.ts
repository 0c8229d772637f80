import type { WhatIfAnalysisResult } from "../../providers/entra/api.js";
import type { MicrosoftRequirement, NamedPolicy, VerifyEntry } from "./model.js";

/**
 * What Microsoft's What If answer demands of the sign-in. Only `state: enabled` policies enforce: the
 * documented examples return report-only (`enabledForReportingButNotEnforced`) policies with
 * `policyApplies: true`, so the state is judged here, not taken from `policyApplies`.
 */

const rank: Record<MicrosoftRequirement, number> = {
  none: 0,
  other: 1,
  mfa: 2,
  "authentication-strength": 3,
  block: 4,
};

/** One policy's grant: what it demands, and its controls in words. */
export function grantOf(policy: WhatIfAnalysisResult): {
  requirement: MicrosoftRequirement;
  controls: string;
} {
  const g = policy.grantControls;
  const builtIn = g?.builtInControls ?? [];
  const custom = g?.customAuthenticationFactors ?? [];
  const terms = g?.termsOfUse ?? [];
  const strength = g?.authenticationStrength;
  const words = [
    ...builtIn,
    ...(strength ? [`authentication strength ${strength.displayName ?? strength.id ?? "?"}`] : []),
    ...custom.map((c) => `custom control ${c}`),
    ...(terms.length ? ["terms of use"] : []),
  ];
  const controls = words.length
    ? words.join(` ${(g?.operator ?? "AND").toUpperCase()} `)
    : "no grant controls";
  if (builtIn.includes("block")) return { requirement: "block", controls };
  const second: MicrosoftRequirement | undefined = strength
    ? "authentication-strength"
    : builtIn.includes("mfa")
      ? "mfa"
      : undefined;
  if (!second) return { requirement: words.length ? "other" : "none", controls };
  // OR: any one control satisfies the grant, so MFA is demanded only if every alternative is MFA.
  const alternatives = builtIn.filter((c) => c !== "mfa").length + custom.length + terms.length;
  if ((g?.operator ?? "AND").toUpperCase() === "OR" && alternatives > 0)
    return { requirement: "other", controls };
  return { requirement: second, controls };
}

function named(policy: WhatIfAnalysisResult): NamedPolicy {
  return {
    id: policy.id,
    displayName: policy.displayName ?? policy.id,
    state: policy.state,
    controls: grantOf(policy).controls,
    ...(policy.policyApplies ? {} : { notApplied: policy.analysisReasons ?? "not given" }),
  };
}

/**
 * Microsoft's answer, reduced: the strongest demand of the enabled applying policies, those policies, the
 * applying ones that do not enforce, and which of `ours` (policy ids mfasweep named) Microsoft left out.
 */
export function microsoftView(
  policies: WhatIfAnalysisResult[],
  ours: string[] = [],
): NonNullable<VerifyEntry["microsoft"]> {
  const applying = policies.filter((p) => p.policyApplies);
  const enforcing = applying.filter((p) => p.state === "enabled");
  let requirement: MicrosoftRequirement = "none";
  for (const p of enforcing) {
    const r = grantOf(p).requirement;
    if (rank[r] > rank[requirement]) requirement = r;
  }
  return {
    requirement,
    enforcing: enforcing.map(named),
    notEnforced: applying.filter((p) => p.state !== "enabled").map(named),
    notApplied: policies.filter((p) => !p.policyApplies && ours.includes(p.id)).map(named),
  };
}

export function describeRequirement(r: MicrosoftRequirement): string {
  switch (r) {
    case "block":
      return "blocks this sign-in";
    case "authentication-strength":
      return "requires an authentication strength";
    case "mfa":
      return "requires MFA";
    case "other":
      return "requires no second factor (only other grant controls, or MFA as one alternative among them)";
    case "none":
      return "requires nothing: no enabled policy applies";
  }
}

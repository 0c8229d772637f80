import { describe, expect, it } from "vitest";
import type { WhatIfAnalysisResult } from "../../../providers/entra/api.js";
import { compareVerdicts, microsoftView, type VerifyEntry } from "../../../src/verify/index.js";

/**
 * mfasweep's verdict against Microsoft's What If answer for one sign-in (issue #18 item 12). The What If
 * shapes are those of microsoft-graph-docs v1.0 api/conditionalaccessroot-evaluate.md: whatIfAnalysisResult
 * = the policy + policyApplies + analysisReasons; its examples return report-only policies with
 * policyApplies true, so only `state: enabled` may count as enforcing.
 */

function policy(
  name: string,
  fields: Partial<WhatIfAnalysisResult> & { controls?: string[]; operator?: string; strength?: string } = {},
): WhatIfAnalysisResult {
  const { controls = ["mfa"], operator = "OR", strength, ...rest } = fields;
  return {
    id: `id-${name}`,
    displayName: name,
    state: "enabled",
    policyApplies: true,
    analysisReasons: "notSet",
    grantControls: {
      operator,
      builtInControls: controls,
      customAuthenticationFactors: [],
      termsOfUse: [],
      authenticationStrength: strength ? { id: `strength-${strength}`, displayName: strength } : null,
    },
    ...rest,
  };
}

const ours = (
  state: VerifyEntry["ours"]["state"],
  fields: Partial<VerifyEntry["ours"]> = {},
): VerifyEntry["ours"] => ({
  state,
  basis: state === "none" || state === "optional" ? "none" : "conditional-access",
  blocked: false,
  policies: state === "enforced" ? ["MFA for all"] : [],
  reason: "our reason",
  ...fields,
});

const mfaAll = policy("MFA for all");
const reportOnly = policy("Pilot MFA", { state: "enabledForReportingButNotEnforced" });
const block = policy("Block", { controls: ["block"] });
const strength = policy("Phishing-resistant", { controls: [], strength: "Phishing-resistant MFA" });
const orDevice = policy("MFA or compliant device", { controls: ["mfa", "compliantDevice"] });
const andTerms = policy("MFA and password change", { controls: ["mfa", "passwordChange"], operator: "AND" });
const notApplying = policy("Admins MFA", { policyApplies: false, analysisReasons: "users" });

describe("Microsoft's requirement from a What If answer", () => {
  it.each([
    ["an enabled MFA policy", [mfaAll], "mfa"],
    ["report-only returned as applying (documented example): not enforced", [reportOnly], "none"],
    ["a policy that does not apply", [notApplying], "none"],
    ["an authentication strength", [strength], "authentication-strength"],
    ["block wins over MFA", [mfaAll, block], "block"],
    ["MFA OR compliant device: a device satisfies it", [orDevice], "other"],
    ["MFA AND password change: MFA is demanded", [andTerms], "mfa"],
    ["no answer at all", [], "none"],
  ] as const)("%s → %s", (_, policies, requirement) => {
    expect(microsoftView([...policies]).requirement).toBe(requirement);
  });

  it("names the enforcing, the report-only and the policies of ours Microsoft left out", () => {
    const view = microsoftView([mfaAll, reportOnly, notApplying], ["id-Admins MFA"]);
    expect(view.enforcing.map((p) => p.displayName)).toEqual(["MFA for all"]);
    expect(view.notEnforced.map((p) => p.displayName)).toEqual(["Pilot MFA"]);
    expect(view.notApplied).toEqual([
      expect.objectContaining({ displayName: "Admins MFA", notApplied: "users" }),
    ]);
  });
});

describe("compareVerdicts", () => {
  const view = (...p: WhatIfAnalysisResult[]) => microsoftView(p);
  it.each([
    // agree
    ["enforced vs MFA", ours("enforced"), view(mfaAll), "agree"],
    ["enforced vs authentication strength", ours("enforced"), view(strength), "agree"],
    [
      "enforced (MFA) vs block: stricter, a password alone is not enough either way",
      ours("enforced"),
      view(block),
      "agree",
    ],
    ["enforced and blocked vs block", ours("enforced", { blocked: true }), view(block), "agree"],
    ["none vs nothing applies", ours("none"), view(notApplying), "agree"],
    ["optional vs only report-only applies", ours("optional"), view(reportOnly), "agree"],
    ["none vs a block (narrowed blocks leave other sign-ins open)", ours("none"), view(block), "agree"],
    ["bypassable vs MFA for this sign-in", ours("bypassable"), view(mfaAll), "agree"],
    ["bypassable vs nothing for this sign-in", ours("bypassable"), view(), "agree"],
    // disagree
    ["enforced vs nothing applies", ours("enforced"), view(notApplying), "disagree"],
    ["enforced vs only report-only applies", ours("enforced"), view(reportOnly), "disagree"],
    ["enforced vs MFA OR compliant device", ours("enforced"), view(orDevice), "disagree"],
    ["blocked vs MFA only", ours("enforced", { blocked: true }), view(mfaAll), "disagree"],
    ["none vs MFA", ours("none"), view(mfaAll), "disagree"],
    ["optional vs authentication strength", ours("optional"), view(strength), "disagree"],
    // unknown
    ["ours unknown", ours("unknown"), view(mfaAll), "unknown"],
    [
      "security defaults: What If judges Conditional Access only",
      ours("enforced", { basis: "security-defaults" }),
      view(),
      "unknown",
    ],
    [
      "per-user MFA: What If judges Conditional Access only",
      ours("enforced", { basis: "per-user-mfa" }),
      view(),
      "unknown",
    ],
  ] as const)("%s → %s", (_, o, microsoft, outcome) => {
    expect(compareVerdicts({ ours: o, microsoft }).outcome).toBe(outcome);
  });

  it("a What If that failed is unknown with its reason, never agreement", () => {
    for (const state of ["enforced", "none", "bypassable"] as const) {
      const r = compareVerdicts({
        ours: ours(state),
        microsoft: null,
        failure:
          "permission missing: POST /identity/conditionalAccess/evaluate: Authorization_RequestDenied (missing: Policy.Read.All)",
      });
      expect(r).toEqual({
        outcome: "unknown",
        reason: expect.stringContaining("could not be asked: permission missing: "),
      });
    }
    expect(
      compareVerdicts({ ours: ours("enforced"), microsoft: null, failure: "HTTP 429" }).reason,
    ).toContain("HTTP 429");
  });

  it("a location that may be a listed one makes an answer unknown, not agreement", () => {
    const r = compareVerdicts({
      ours: ours("enforced"),
      microsoft: view(mfaAll),
      locationDoubt: "named locations could not be read",
    });
    expect(r.outcome).toBe("unknown");
    expect(r.reason).toContain("named locations could not be read");
  });

  it("a disagreement names Microsoft's policies and why ours did not apply", () => {
    const r = compareVerdicts({
      ours: ours("enforced"),
      microsoft: microsoftView([reportOnly, notApplying], ["id-Admins MFA"]),
    });
    expect(r.outcome).toBe("disagree");
    expect(r.reason).toContain("'Admins MFA' does not apply (users)");
    const none = compareVerdicts({ ours: ours("none"), microsoft: view(mfaAll) });
    expect(none.reason).toContain("(MFA for all)");
  });
});

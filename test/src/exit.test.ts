import { describe, expect, it } from "vitest";
import { countFinding, exitFor, type RunVerdict } from "../../src/exit.js";

const verdict = (v: Partial<RunVerdict>): RunVerdict => ({ incomplete: [], findings: {}, ...v });

describe("exitFor: the one exit-code rule (DESIGN.md §5)", () => {
  it("0 when nothing is at or above --fail-on", () => {
    expect(exitFor(verdict({}), "low")).toEqual({ code: 0 });
    expect(exitFor(verdict({ findings: { medium: 3, info: 1 } }), "high")).toEqual({ code: 0 });
    expect(exitFor(verdict({ findings: { critical: 0 } }), "info")).toEqual({ code: 0 });
  });

  it("1 when a finding is at or above --fail-on, naming how many of which severity", () => {
    expect(exitFor(verdict({ findings: { high: 1 } }), "high")).toEqual({
      code: 1,
      reason: "1 finding(s) at or above high (1 high)",
    });
    expect(exitFor(verdict({ findings: { medium: 2, critical: 1, low: 5 } }), "medium")).toEqual({
      code: 1,
      reason: "3 finding(s) at or above medium (1 critical, 2 medium)",
    });
  });

  it("findings never fail a run without --fail-on (the demo's findings are there on purpose)", () => {
    expect(exitFor(verdict({ findings: { critical: 4 } }), undefined)).toEqual({ code: 0 });
  });

  it("2 when anything was not seen, even with no findings and no --fail-on (fail closed)", () => {
    expect(exitFor(verdict({ incomplete: ["acme/entra was not read: 401"] }), "critical")).toEqual({
      code: 2,
      reason: "incomplete: acme/entra was not read: 401",
    });
    expect(exitFor(verdict({ incomplete: ["a", "b", "c"], findings: { critical: 1 } }), undefined)).toEqual({
      code: 2,
      reason: "incomplete: a (and 2 more)",
    });
  });

  it("incomplete coverage wins over findings", () => {
    expect(exitFor(verdict({ incomplete: ["x"], findings: { critical: 9 } }), "info").code).toBe(2);
  });

  it("countFinding adds to a severity's count", () => {
    const findings: RunVerdict["findings"] = {};
    countFinding(findings, "high");
    countFinding(findings, "high", 2);
    expect(findings).toEqual({ high: 3 });
  });
});

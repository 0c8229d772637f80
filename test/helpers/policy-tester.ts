import { describe, expect, it } from "vitest";
import type { Policy, PolicyContext, Verdict } from "../../src/evaluate/policy.js";
import { type MfaState, type Severity, signInPathsOf, type TenantInventory } from "../../src/model/index.js";
import { linked } from "./link.js";

/**
 * typescript-eslint's RuleTester, for policies: each case is an inventory and the verdict expected for
 * one subject. Every case asserts a status, so every case can fail.
 */
export interface PolicyCase {
  name: string;
  inventory: TenantInventory;
  /** Subject name (or id) whose verdict is checked; may be omitted when the policy yields exactly one. */
  subject?: string;
  severity?: Severity;
  mfa?: MfaState | null;
  /** Substrings the verdict's message must contain. */
  message?: string[];
  now?: Date;
  options?: unknown;
}

export interface PolicyCases {
  pass: PolicyCase[];
  fail: PolicyCase[];
  unknown: PolicyCase[];
  /** Inventories for which the policy must say nothing (not applicable: suspended accounts, other sources). */
  silent?: Array<Omit<PolicyCase, "severity" | "mfa" | "message">>;
}

/**
 * A policy's context as the evaluate stage builds it: the sign-in paths indexed from the inventory, and the
 * link stage's Conditional Access answers (computed here when the test built the inventory unlinked).
 */
export function contextOf<Options>(
  c: Omit<PolicyContext<Options>, "signInPaths" | "entraAccess">,
): PolicyContext<Options> {
  return { ...c, signInPaths: signInPathsOf(c.inventory), entraAccess: linked(c.inventory).access.entra };
}

function verdictsOf(
  policy: Policy<unknown>,
  c: Pick<PolicyCase, "inventory" | "now" | "options">,
): Verdict[] {
  return policy.evaluate(
    contextOf({
      inventory: c.inventory,
      now: c.now ?? new Date("2026-11-24T12:00:00Z"),
      options: c.options ?? policy.defaultOptions,
    }),
  );
}

export function testPolicy(policy: Policy<unknown>, cases: PolicyCases): void {
  describe(policy.meta.id, () => {
    for (const status of ["pass", "fail", "unknown"] as const) {
      for (const c of cases[status]) {
        it(`${status}: ${c.name}`, () => {
          const verdicts = verdictsOf(policy, c);
          const mine = c.subject
            ? verdicts.filter((v) => v.subject.name === c.subject || v.subject.id === c.subject)
            : verdicts;
          expect(mine, `verdicts for ${c.subject ?? "the only subject"}`).toHaveLength(1);
          const verdict = mine[0]!;
          expect(verdict.status).toBe(status);
          expect(verdict.evidence.length, "every verdict carries evidence").toBeGreaterThan(0);
          if (c.severity) expect(verdict.severity ?? policy.meta.severity).toBe(c.severity);
          if (c.mfa !== undefined) expect(verdict.mfa?.state ?? null).toBe(c.mfa);
          for (const part of c.message ?? []) expect(verdict.message).toContain(part);
        });
      }
    }
    for (const c of cases.silent ?? []) {
      it(`silent: ${c.name}`, () => {
        const verdicts = verdictsOf(policy, c);
        const mine = c.subject
          ? verdicts.filter((v) => v.subject.name === c.subject || v.subject.id === c.subject)
          : verdicts;
        expect(mine).toEqual([]);
      });
    }
  });
}

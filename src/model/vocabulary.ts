import { z } from "zod";

/** How a login on a path relates to a second factor (DESIGN.md §2). */
export const MfaState = z.enum(["enforced", "bypassable", "optional", "none", "unknown"]);
export type MfaState = z.infer<typeof MfaState>;

/** Strength of the weakest factor that still completes a login. */
export const FactorStrength = z.enum(["phishing-resistant", "app", "weak"]);
export type FactorStrength = z.infer<typeof FactorStrength>;

/** Higher number = stronger factor; for picking the weakest or strongest of several. */
export const strengthRank: Record<FactorStrength, number> = { weak: 0, app: 1, "phishing-resistant": 2 };

export const Severity = z.enum(["critical", "high", "medium", "low", "info"]);
export type Severity = z.infer<typeof Severity>;

/** Higher number = more severe; used for sorting and for `--fail-on`. */
export const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export const ResultStatus = z.enum(["fail", "pass", "unknown", "excepted"]);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** JSON values: what evidence may carry verbatim from an API or a config file. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

/**
 * "MFA required, nothing enrolled", said the same way for every identity provider (issue #18 item 11):
 * whoever holds the password enrols first, so where the account can enrol a factor at sign-in the path is
 * `bypassable`; where it cannot, the path is `enforced` with `strength: null` and the reason says the
 * account cannot sign in. `term` is the vendor's word (Entra registers methods, Okta and Google enroll).
 */
export function nothingEnrolled(term: "register" | "enroll"): string {
  return `MFA is required but nothing is ${term}ed: whoever signs in first with the password ${term}s the second factor`;
}

/** The other half of the rule: nothing enrolled, and nothing can be enrolled at sign-in. */
export const cannotSignInUntilEnrolled = "the account cannot sign in until a second factor is set up for it";

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

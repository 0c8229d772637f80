import { z } from "zod";
import { Evidence } from "./evidence.js";
import { FactorStrength, JsonValue, MfaState, ResultStatus, Severity } from "./vocabulary.js";

export const SubjectKind = z.enum([
  "account",
  "entry-point",
  "access-path",
  "setting",
  "connection",
  "tenant",
]);
export type SubjectKind = z.infer<typeof SubjectKind>;

/** What a result is about. `source` is the connection type (DESIGN.md §5). */
export const Subject = z.object({
  kind: SubjectKind,
  id: z.string(),
  name: z.string(),
  source: z.string(),
  connection: z.string(),
});
export type Subject = z.infer<typeof Subject>;

export const ResultMfa = z.object({
  state: MfaState,
  strength: FactorStrength.nullable(),
  via: z.array(z.string()).optional(),
});
export type ResultMfa = z.infer<typeof ResultMfa>;

export const AppliedException = z.object({
  reason: z.string(),
  approvedBy: z.string(),
  expires: z.string(),
});

/** One policy's judgement of one subject, after exceptions. A `fail`/`unknown` result is a finding. */
export const Result = z.object({
  fingerprint: z.string(),
  policy: z.string(),
  title: z.string(),
  severity: Severity,
  status: ResultStatus,
  tenant: z.string(),
  subject: Subject,
  mfa: ResultMfa.nullable(),
  message: z.string(),
  evidence: z.array(Evidence),
  remediation: z.string(),
  exception: AppliedException.optional(),
  details: z.record(z.string(), JsonValue).optional(),
  /**
   * Ids of the tenant's connections whose data decided this result, sorted: the subject's own and every
   * connection its evidence came from (the identity provider a delegated path signs in through, the IdP
   * account a console account is linked to, the Entra tenant behind the NPS extension). The queue resolves
   * the finding only when every one of them was read completely in the sweep. Absent in output written
   * before it was recorded.
   */
  dependsOn: z.array(z.string()).optional(),
  /**
   * Marks the one `unknown` result that stands for a policy that could not be evaluated for the tenant (it
   * threw): nothing re-checked that policy's other findings, so the queue leaves them as they are.
   */
  evaluationFailed: z.literal(true).optional(),
});
export type Result = z.infer<typeof Result>;

export function isFinding(r: Pick<Result, "status">): boolean {
  return r.status === "fail" || r.status === "unknown";
}

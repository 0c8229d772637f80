import type { ExceptionEntry } from "../config/schema.js";
import { describeError } from "../errors.js";
import type { Result, Subject } from "../model/index.js";
import { fingerprint } from "./fingerprint.js";
import type { Policy, TenantInventory, Verdict } from "./policy.js";

export interface EvaluateInput {
  tenants: TenantInventory[];
  policies: ReadonlyArray<Policy<unknown>>;
  exceptions: ExceptionEntry[];
  now: Date;
}

/**
 * Pure: (inventory, policies, exceptions, now) → results. A connection whose collection failed yields an
 * `unknown` result for every policy that judges its source, so nothing unread ever looks compliant.
 */
export function evaluate(input: EvaluateInput): Result[] {
  const results: Result[] = [];
  for (const inventory of input.tenants) {
    for (const policy of input.policies) {
      const relevant = inventory.coverage.filter((c) => policy.meta.sources.includes(c.source));
      if (relevant.length === 0) continue;
      const verdicts: Verdict[] = [];
      try {
        verdicts.push(...policy.evaluate({ inventory, now: input.now, options: policy.defaultOptions }));
      } catch (err) {
        verdicts.push({
          subject: {
            kind: "tenant",
            id: inventory.tenant.id,
            name: inventory.tenant.name,
            source: "mfasweep",
            connection: "-",
          },
          status: "unknown",
          message: `policy could not be evaluated: ${describeError(err)}`,
          mfa: null,
          evidence: [],
        });
      }
      for (const coverage of relevant.filter((c) => c.status === "failed")) {
        verdicts.push({
          subject: {
            kind: "connection",
            id: coverage.connection,
            name: coverage.connection,
            source: coverage.source,
            connection: coverage.connection,
          },
          status: "unknown",
          message: `not checked: collection failed (${coverage.reason ?? "no reason recorded"})`,
          mfa: null,
          evidence: [{ source: coverage.source, connection: coverage.connection, note: coverage.reason }],
        });
      }
      for (const verdict of verdicts) results.push(toResult(inventory.tenant.id, policy, verdict, input));
    }
  }
  return results;
}

function toResult(tenant: string, policy: Policy<unknown>, verdict: Verdict, input: EvaluateInput): Result {
  const base: Result = {
    fingerprint: fingerprint(tenant, policy.meta.id, verdict.subject),
    policy: policy.meta.id,
    title: policy.meta.title,
    severity: verdict.severity ?? policy.meta.severity,
    status: verdict.status,
    tenant,
    subject: verdict.subject,
    mfa: verdict.mfa,
    message: verdict.message,
    evidence: verdict.evidence,
    remediation: policy.meta.remediation,
    ...(verdict.details ? { details: verdict.details } : {}),
  };
  if (base.status === "pass") return base;
  const exception = findException(input.exceptions, tenant, policy.meta.id, verdict.subject);
  if (!exception) return base;
  if (isExpired(exception.expires, input.now)) {
    return {
      ...base,
      message: `${base.message} (exception expired on ${exception.expires}: ${exception.reason})`,
    };
  }
  return {
    ...base,
    status: "excepted",
    exception: { reason: exception.reason, approvedBy: exception.approvedBy, expires: exception.expires },
  };
}

function findException(exceptions: ExceptionEntry[], tenant: string, policy: string, subject: Subject) {
  const matches = (pattern: string, ...values: string[]) => pattern === "*" || values.includes(pattern);
  return exceptions.find(
    (e) =>
      matches(e.match.tenant, tenant) &&
      matches(e.match.policy, policy) &&
      matches(e.match.subject, subject.id, subject.name),
  );
}

/** An exception is valid through the end of its `expires` day (UTC). */
export function isExpired(expires: string, now: Date): boolean {
  return Date.parse(`${expires}T23:59:59.999Z`) < now.getTime();
}

export { fingerprint } from "./fingerprint.js";
export type { Policy, PolicyContext, PolicyMeta, TenantInventory, Verdict } from "./policy.js";
export { accountSubject, definePolicy } from "./policy.js";

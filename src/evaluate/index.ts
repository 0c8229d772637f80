import type { ExceptionEntry } from "../config/schema.js";
import { describeError } from "../errors.js";
import { type LinkedInventory, type Result, signInPathsOf, type TenantInventory } from "../model/index.js";
import { findException } from "./exceptions.js";
import { fingerprint } from "./fingerprint.js";
import type { Policy, Verdict } from "./policy.js";
import { type PolicySetting, profiles } from "./profiles.js";

export interface EvaluateInput {
  /** Each tenant's inventory after the link stage (`link`), which carries the engines' answers. */
  tenants: LinkedInventory[];
  policies: ReadonlyArray<Policy<unknown>>;
  exceptions: ExceptionEntry[];
  now: Date;
  /** Per tenant id, per policy id: the resolved profile and overrides (default: the standard profile). */
  policySettings?: Map<string, Map<string, PolicySetting>>;
}

function settingFor(input: EvaluateInput, tenant: string, policy: string): PolicySetting {
  const resolved = input.policySettings?.get(tenant);
  return (resolved ? resolved.get(policy) : profiles.standard.policies[policy]) ?? {};
}

/**
 * Applies to the tenant if the tenant has a role the policy judges and a connection of a source the policy
 * judges (`*`: any source). A failed connection yields `unknown` only for policies that apply.
 */
function relevantCoverage(policy: Policy<unknown>, inventory: TenantInventory) {
  if (policy.meta.tenantRoles && !policy.meta.tenantRoles.includes(inventory.tenant.role)) return [];
  const all = policy.meta.sources.includes("*");
  return inventory.coverage.filter((c) => all || policy.meta.sources.includes(c.source));
}

/**
 * Pure: (inventory, policies, exceptions, now) → results. A connection whose collection failed yields an
 * `unknown` result for every policy that judges its source, so nothing unread ever looks compliant. A
 * policy that throws yields one `unknown` result marked `evaluationFailed`, which keeps the queue from
 * resolving any of that policy's findings: nothing re-checked them.
 */
export function evaluate(input: EvaluateInput): Result[] {
  const results: Result[] = [];
  for (const inventory of input.tenants) {
    // What the policies look up in the linked inventory, indexed once per tenant rather than per policy.
    const signInPaths = signInPathsOf(inventory);
    for (const policy of input.policies) {
      const relevant = relevantCoverage(policy, inventory);
      const setting = settingFor(input, inventory.tenant.id, policy.meta.id);
      if (relevant.length === 0 || setting.enabled === false) continue;
      // No copy per result unless something is added to it.
      const add = (verdict: Verdict, extra?: Partial<Result>) => {
        const result = toResult(inventory.tenant.id, policy, verdict, input, setting);
        results.push(extra ? { ...result, ...extra } : result);
      };
      let verdicts: Verdict[];
      try {
        // Options were validated at config load; parsing again applies the schema's defaults.
        const options = policy.options
          ? policy.options.parse({ ...(policy.defaultOptions as object), ...setting.options })
          : policy.defaultOptions;
        verdicts = policy.evaluate({
          inventory,
          signInPaths,
          entraAccess: inventory.access.entra,
          now: input.now,
          options,
        });
      } catch (err) {
        verdicts = [];
        add(
          {
            subject: {
              kind: "tenant",
              id: inventory.tenant.id,
              name: inventory.tenant.name,
              source: "mfasweep",
              connection: "-",
            },
            status: "unknown",
            message: `policy could not be evaluated: ${describeError(err)}; its earlier findings for this tenant are kept as they are, not resolved`,
            mfa: null,
            evidence: [],
          },
          // It stands for every connection the policy judges.
          { dependsOn: sortedUnique(relevant.map((c) => c.connection)), evaluationFailed: true },
        );
      }
      // A loop, not push(...verdicts): a spread passes each verdict as an argument, and a tenant with
      // ~125k of them exceeds V8's argument limit.
      for (const verdict of verdicts) add(verdict);
      for (const coverage of relevant.filter((c) => c.status === "failed")) {
        add({
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
    }
  }
  return results;
}

/**
 * The connections a verdict was decided from: its subject's, every one its evidence came from, and any
 * the policy names besides (`Verdict.dependsOn`). `-` (no connection) is left out.
 */
export function dependenciesOf(verdict: Pick<Verdict, "subject" | "evidence" | "dependsOn">): string[] {
  const own = verdict.subject.connection;
  // Most verdicts depend on their own connection alone: no set, no sort.
  if (!verdict.dependsOn?.length && verdict.evidence.every((e) => e.connection === own))
    return own === "-" || own === "" ? [] : [own];
  const all = [own];
  for (const e of verdict.evidence) all.push(e.connection);
  for (const c of verdict.dependsOn ?? []) all.push(c);
  return sortedUnique(all.filter((c) => c !== "-" && c !== ""));
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * Severity: a verdict's own (an administrator raised to critical) wins, then the tenant's profile or
 * override, then the policy's.
 */
function toResult(
  tenant: string,
  policy: Policy<unknown>,
  verdict: Verdict,
  input: EvaluateInput,
  setting: PolicySetting,
): Result {
  const base: Result = {
    fingerprint: fingerprint(tenant, policy.meta.id, verdict.subject),
    policy: policy.meta.id,
    title: policy.meta.title,
    severity: verdict.severity ?? setting.severity ?? policy.meta.severity,
    status: verdict.status,
    tenant,
    subject: verdict.subject,
    mfa: verdict.mfa,
    message: verdict.message,
    evidence: verdict.evidence,
    remediation: policy.meta.remediationBySource?.[verdict.subject.source] ?? policy.meta.remediation,
    ...(verdict.details ? { details: verdict.details } : {}),
    dependsOn: dependenciesOf(verdict),
  };
  if (base.status === "pass") return base;
  const found = findException(input.exceptions, tenant, policy.meta.id, verdict.subject);
  if (!found) return base;
  if (found.unscopedName) {
    // Named by name alone: the same name in another source of the tenant would be covered too. Not applied.
    return {
      ...base,
      message: `${base.message} (an exception names '${verdict.subject.name}' without its connection, so it is not applied: add connection: ${verdict.subject.connection} to its match)`,
    };
  }
  const exception = found.exception;
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

/** An exception is valid through the end of its `expires` day (UTC). */
export function isExpired(expires: string, now: Date): boolean {
  return Date.parse(`${expires}T23:59:59.999Z`) < now.getTime();
}

export type { TenantInventory } from "../model/index.js";
export { fingerprint } from "./fingerprint.js";
export type { Policy, PolicyContext, PolicyMeta, Verdict } from "./policy.js";
export { accountSubject, definePolicy } from "./policy.js";

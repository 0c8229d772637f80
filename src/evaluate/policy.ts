import type { z } from "zod";
import type {
  Account,
  EntraAccess,
  Evidence,
  JsonValue,
  ResultMfa,
  Severity,
  SignInPaths,
  Subject,
  SubjectKind,
  TenantInventory,
} from "../model/index.js";

export interface PolicyMeta {
  /** Reads as the desired condition; equals the file name. */
  id: string;
  /** The desired condition in words. */
  title: string;
  severity: Severity;
  /** Connection types the policy judges (`*`: any); results for other sources never come from it. */
  sources: string[];
  /** Tenant roles the policy applies to (default: every tenant), e.g. `["msp"]` for the MSP's own bar. */
  tenantRoles?: Array<"customer" | "msp">;
  subject: SubjectKind;
  /** Why it matters (advisory, baseline). */
  rationale: string;
  /** What the policy reads to decide. */
  evidence: string;
  /** How to fix a failure: what a result shows unless `remediationBySource` has steps for its source. */
  remediation: string;
  /**
   * How to fix it on one vendor's system, by connection type (`subject.source`): replaces `remediation` in
   * that source's results, so a finding about an Okta account never lists Entra's steps. Each text stands
   * alone.
   */
  remediationBySource?: Record<string, string>;
  references: Array<{ title: string; url: string }>;
}

/** One judgement before the engine adds tenant, fingerprint, exceptions and metadata. */
export interface Verdict {
  subject: Subject;
  status: "pass" | "fail" | "unknown";
  message: string;
  mfa: ResultMfa | null;
  evidence: Evidence[];
  /** Overrides the policy's severity for this subject (an administrator, a stale account). */
  severity?: Severity;
  details?: Record<string, JsonValue>;
  /**
   * Connections the verdict was decided from that neither its subject nor its evidence names; the engine
   * adds those two itself (see `Result.dependsOn`).
   */
  dependsOn?: string[];
}

export interface PolicyContext<Options> {
  inventory: TenantInventory;
  /** Each account's own directory sign-in path in the linked inventory, indexed once per tenant. */
  signInPaths: SignInPaths;
  /**
   * The Conditional Access answers the link stage computed for this tenant (`LinkedInventory.access`):
   * policies read them here, never from the engine or a cache of their own.
   */
  entraAccess: EntraAccess;
  now: Date;
  options: Options;
}

/** A rule in the typescript-eslint mould: metadata plus a pure function of the inventory. */
export interface Policy<Options = Record<string, never>> {
  meta: PolicyMeta;
  /** Options a tenant may set for this policy (issue #13); validated at config load. */
  options?: z.ZodType<Options>;
  defaultOptions: Options;
  evaluate(ctx: PolicyContext<Options>): Verdict[];
}

/**
 * Type-checks a policy against its own options type, then erases it so all policies fit one registry.
 * Safe: the engine only passes `defaultOptions` or values parsed by the policy's own `options` schema.
 */
export function definePolicy<Options = Record<string, never>>(policy: Policy<Options>): Policy<unknown> {
  return policy as unknown as Policy<unknown>;
}

/** Subject for an account, keyed by its id in its source. */
export function accountSubject(account: Account): Subject {
  return {
    kind: "account",
    id: account.id,
    name: account.name,
    source: account.source,
    connection: account.connection,
  };
}

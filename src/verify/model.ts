import { z } from "zod";
import { MfaState } from "../model/vocabulary.js";

/**
 * A second opinion from Microsoft (issue #18 item 12): for a sample of Entra users, what Microsoft's own
 * Conditional Access engine (the What If API) says applies to one interactive sign-in, next to mfasweep's
 * verdict for the same user. Part of the scan report (an addition to the DESIGN §5 contract).
 */

/** Why a user is in the sample: every admin, every account a policy excludes, and N others. */
export const SampledAs = z.enum(["admin", "excluded", "sample"]);
export type SampledAs = z.infer<typeof SampledAs>;

/**
 * What Microsoft's enabled, applying policies demand of the sign-in, strongest first: block, an
 * authentication strength, MFA, another grant control only (compliant device, terms of use, ...), nothing.
 */
export const MicrosoftRequirement = z.enum(["block", "authentication-strength", "mfa", "other", "none"]);
export type MicrosoftRequirement = z.infer<typeof MicrosoftRequirement>;

export const NamedPolicy = z.object({
  id: z.string(),
  displayName: z.string(),
  state: z.string(),
  /** Its grant controls in a few words ("mfa", "block", "authentication strength Phishing-resistant MFA"). */
  controls: z.string(),
  /** Why it does not apply (What If `analysisReasons`), for policies that do not. */
  notApplied: z.string().optional(),
});
export type NamedPolicy = z.infer<typeof NamedPolicy>;

export const VerifyOutcome = z.enum(["agree", "disagree", "unknown"]);
export type VerifyOutcome = z.infer<typeof VerifyOutcome>;

export const VerifyEntry = z.object({
  tenant: z.string(),
  connection: z.string(),
  userId: z.string(),
  user: z.string(),
  sampledAs: z.array(SampledAs),
  /** The sign-in asked about, in words. */
  scenario: z.string(),
  ours: z.object({
    state: MfaState,
    /** What the verdict rests on; What If judges Conditional Access only. */
    basis: z.enum(["conditional-access", "security-defaults", "per-user-mfa", "none"]),
    blocked: z.boolean(),
    policies: z.array(z.string()),
    reason: z.string(),
  }),
  /** Null when Microsoft could not be asked or did not answer. */
  microsoft: z
    .object({
      requirement: MicrosoftRequirement,
      /** Enabled policies that apply: what Microsoft enforces on this sign-in. */
      enforcing: z.array(NamedPolicy),
      /** Policies that apply but do not enforce (report-only): What If returns them as applying. */
      notEnforced: z.array(NamedPolicy),
      /** The policies mfasweep named that Microsoft says do not apply, with Microsoft's reason. */
      notApplied: z.array(NamedPolicy),
    })
    .nullable(),
  outcome: VerifyOutcome,
  reason: z.string(),
});
export type VerifyEntry = z.infer<typeof VerifyEntry>;

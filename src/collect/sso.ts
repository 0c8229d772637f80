import { z } from "zod";
import type { AuthChain, Evidence, MfaVerdict } from "../model/index.js";

/**
 * What RMM and remote-support providers share about single sign-on (issue #7): the connection setting
 * that names the identity provider behind a console's SSO, and the delegated path a provider emits for an
 * account that signs in through it. The delegated path stays `unknown` until a linker in `src/link/`
 * resolves it against the identity provider's own verdict for that account (matched by email).
 */

export const SsoSettings = z
  .strictObject({
    identityProvider: z
      .enum(["entra", "okta"])
      .optional()
      .describe("Connection type of the identity provider this console's SSO trusts, when known."),
    protocol: z
      .enum(["saml", "oidc"])
      .optional()
      .describe(
        "How the console hands sign-in to the identity provider, when the vendor's default is not it.",
      ),
    target: z
      .string()
      .min(1)
      .optional()
      .describe(
        "What names this console in the identity provider (SAML entity id or app id); default: the console's URL.",
      ),
  })
  .describe("Single sign-on of this console: lets SSO users' paths be linked to the identity provider.");
export type SsoSettings = z.infer<typeof SsoSettings>;

export interface Delegation {
  protocol: "saml" | "oidc" | "radius";
  /** What the tool names as the sign-in's destination (a provider name, a domain, the console URL). */
  target: string;
  /** How the console said it (e.g. `authType SSO`), for the reason text. */
  said: string;
  evidence: Evidence[];
}

/** The chain and `unknown` verdict of a path whose sign-in an identity provider decides. */
export function delegatedPath(
  delegation: Delegation,
  sso: SsoSettings | undefined,
): { chain: AuthChain; mfa: MfaVerdict } {
  const targetSource = sso?.identityProvider;
  return {
    chain: {
      factors: [],
      delegation: {
        protocol: delegation.protocol,
        target: delegation.target,
        ...(targetSource ? { targetSource } : {}),
      },
    },
    mfa: {
      state: "unknown",
      strength: null,
      reason: `signs in through SSO (${delegation.said}): the identity provider decides whether a second factor is required${targetSource ? ` (${targetSource})` : "; collect it to resolve this path"}`,
      evidence: delegation.evidence,
    },
  };
}

/**
 * A console's own SSO: the protocol and target the connection's `sso` setting names, else SAML to
 * `defaultTarget` (what the console itself is known by).
 */
export function ssoPath(
  sso: SsoSettings | undefined,
  defaultTarget: string,
  said: string,
  evidence: Evidence[],
): { chain: AuthChain; mfa: MfaVerdict } {
  return delegatedPath(
    { protocol: sso?.protocol ?? "saml", target: sso?.target ?? defaultTarget, said, evidence },
    sso,
  );
}

/** The reason every provider gives when the console's API has no MFA state at all. */
export const noMfaStateReason = "the API exposes no MFA state; needs attestation";

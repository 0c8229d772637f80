import { z } from "zod";
import { vpnAuthOverrideCookie, vpnLocalFallback } from "../model/facts/vpn.js";
import type { AuthChain, EntryPoint, Evidence, MfaVerdict, ProviderInventory } from "../model/index.js";
import { appendAll } from "../util/arrays.js";
import { unreadPath } from "./unread.js";

/**
 * What VPN gateway providers share (issue #6): recognising the identity provider behind a SAML IdP entity
 * id, the delegated path a gateway emits for a SAML or RADIUS sign-in (resolved later by
 * `src/link/delegation.ts`), and the fact kinds the VPN policies read.
 */

/** Facts VPN providers emit for policies that judge more than a login path (declared in src/model/facts/vpn.ts). */
export const vpnFactKinds = {
  localFallback: vpnLocalFallback.name,
  authOverride: vpnAuthOverrideCookie.name,
} as const;

/**
 * The identity provider an IdP entity id belongs to: Entra issues `https://sts.windows.net/<tenant>/`
 * (and `https://login.microsoftonline.com/<tenant>/…`), Okta `http://www.okta.com/<key>` or its org host.
 */
export function identityProviderOf(idpEntityId: string | undefined): "entra" | "okta" | undefined {
  if (!idpEntityId) return undefined;
  let host: string;
  try {
    host = new URL(idpEntityId.trim()).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === "sts.windows.net" || host === "login.microsoftonline.com") return "entra";
  if (/(^|\.)okta(preview|-emea)?\.com$/.test(host)) return "okta";
  return undefined;
}

/** The Entra tenant id in an `https://sts.windows.net/<tenant>/` entity id. */
export function entraTenantOf(idpEntityId: string | undefined): string | undefined {
  return /^https:\/\/(?:sts\.windows\.net|login\.microsoftonline\.com)\/([0-9a-f-]{36})/i.exec(
    idpEntityId ?? "",
  )?.[1];
}

/** A SAML sign-in: delegated to the app `target` names in the identity provider, pending the linker. */
export function samlDelegated(input: {
  /** What names the gateway in the IdP: the SP entity id (the app's Identifier / Audience). */
  target: string;
  idpEntityId?: string;
  said: string;
  evidence: Evidence[];
}): { chain: AuthChain; mfa: MfaVerdict } {
  const targetSource = identityProviderOf(input.idpEntityId);
  return {
    chain: {
      factors: [],
      delegation: { protocol: "saml", target: input.target, ...(targetSource ? { targetSource } : {}) },
    },
    mfa: {
      state: "unknown",
      strength: null,
      reason: `delegated to ${input.idpEntityId ? `SAML IdP ${input.idpEntityId}` : "a SAML IdP"} (${input.said}): the identity provider decides whether a second factor is required; pending resolution`,
      evidence: input.evidence,
    },
  };
}

/** A RADIUS server known to run the NPS extension for Entra MFA: delegated to the tenant's Entra. */
export function npsDelegated(input: { address: string; said: string; evidence: Evidence[] }): {
  chain: AuthChain;
  mfa: MfaVerdict;
} {
  return {
    chain: {
      factors: ["password"],
      delegation: { protocol: "radius", target: input.address, targetSource: "entra" },
    },
    mfa: {
      state: "unknown",
      strength: null,
      reason: `delegated to RADIUS server ${input.address} (${input.said}), configured as the NPS extension for Entra MFA; pending resolution`,
      evidence: input.evidence,
    },
  };
}

/** A password checked by a server whose second factor, if any, is invisible here. */
export function dependsOnServer(input: { server: string; said: string; evidence: Evidence[] }): MfaVerdict {
  return {
    state: "unknown",
    strength: null,
    reason: `MFA depends on ${input.server} (${input.said}): needs attestation`,
    evidence: input.evidence,
  };
}

/** Connection setting: RADIUS servers whose MFA comes from the NPS extension for Entra MFA. */
export const RadiusMfaSettings = z
  .array(
    z.strictObject({
      server: z
        .string()
        .min(1)
        .describe("RADIUS server (object or AAA group name, or address) as the device names it."),
      via: z
        .literal("entra-nps-extension")
        .describe("The server is an NPS with the NPS extension for Microsoft Entra MFA."),
    }),
  )
  .default([])
  .describe(
    "RADIUS servers that run the NPS extension for Entra MFA: their paths are resolved per user against the tenant's Entra connection, with the REQUIRE_USER_MATCH and IP_WHITELIST of the nps-extension connection that names this server (npsServer or radiusAddresses); without one they stay unknown. Others stay unknown (needs attestation).",
  );

/** Adds one gateway's (or file's) part to the connection's inventory. */
export function mergeInto(into: ProviderInventory, part: ProviderInventory): void {
  appendAll(into.accounts, part.accounts);
  appendAll(into.entryPoints, part.entryPoints);
  appendAll(into.accessPaths, part.accessPaths);
  appendAll(into.settings, part.settings);
  appendAll(into.facts, part.facts);
}

/**
 * A gateway whose file could not be read: its entry point, and one `unknown` path (`<id>/unread`) that
 * says why, so what was not seen shows up as a finding rather than as nothing.
 */
export function unreadGatewayInventory(
  entryPoint: EntryPoint,
  chain: AuthChain,
  reason: string,
): ProviderInventory {
  return {
    accounts: [],
    entryPoints: [entryPoint],
    accessPaths: [unreadPath(entryPoint, reason, { chain })],
    settings: [],
    facts: [],
  };
}

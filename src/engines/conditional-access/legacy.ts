import { type ConditionalAccessPolicy, entraFactKinds } from "../../model/facts/entra.js";
import type { JsonValue } from "../../model/index.js";
import { type Effect, effectsForAllApps, preparedOf } from "./effect.js";
import { factEvidence, policyEvidence, quote, userNotListed } from "./helpers.js";
import type { EntraFacts } from "./load.js";
import type { LegacyAuthenticationResult } from "./model.js";
import { type ClientType, legacyTypes } from "./scope.js";
import { effectEvidence } from "./sign-in.js";

// Whether legacy authentication (which cannot do MFA) is blocked for a user.

/** Grant controls legacy clients cannot send (MFA, device compliance, join state). */
export const legacyUnsatisfiable = new Set(["mfa", "compliantDevice", "domainJoinedDevice"]);

/**
 * Whether no way through a policy's grant is open to a legacy client. Microsoft: legacy clients cannot
 * send MFA, compliance or join information, so a policy with such grant controls applied to all client
 * apps blocks their sign-ins ("indirectly blocking legacy authentication", entra-docs
 * block-legacy-authentication.md; reference/wave2-apis.md §3.4). With OR, every alternative must be one.
 */
export function blocksLegacyIndirectly(p: ConditionalAccessPolicy): boolean {
  const g = p.grantControls;
  if (!g) return false;
  const controls = [
    ...g.builtInControls.map((c) => legacyUnsatisfiable.has(c)),
    ...(g.authenticationStrength ? [true] : []),
    ...g.customAuthenticationFactors.map(() => false),
    ...g.termsOfUse.map(() => false),
  ];
  if (controls.length === 0) return false;
  return (g.operator ?? "AND").toUpperCase() === "OR" ? controls.every(Boolean) : controls.some(Boolean);
}

/**
 * Whether legacy-authentication clients (Exchange ActiveSync and other basic-auth protocols, which cannot
 * do MFA) are blocked for the user: by security defaults, by enabled block policies, or indirectly by
 * enabled policies whose grant legacy clients cannot satisfy (MFA, compliant or joined device) — each
 * covering the legacy client type for all apps with no narrowing.
 */
export function evaluateLegacyAuthentication(facts: EntraFacts, userId: string): LegacyAuthenticationResult {
  const user = facts.users.byId.get(userId);
  const sd = facts.securityDefaults;
  if (sd.status === "read" && sd.enabled)
    return {
      blocked: true,
      reason: "security defaults block legacy authentication",
      evidence: factEvidence(facts, entraFactKinds.securityDefaults, "isEnabled=true"),
    };
  const ca = facts.conditionalAccess;
  if (!user)
    return {
      blocked: "unknown",
      ...userNotListed(facts, userId),
    };
  if (ca.status !== "read" && ca.status !== "not-licensed")
    return {
      blocked: "unknown",
      reason: `Conditional Access policies could not be read (${ca.reason ?? ca.status})`,
      evidence: factEvidence(facts, entraFactKinds.conditionalAccess, ca.reason ?? ca.status),
    };
  if (sd.status !== "read" && !ca.policies.some((p) => p.state === "enabled"))
    return {
      blocked: "unknown",
      reason: `security defaults could not be read (${sd.reason ?? sd.status})`,
      evidence: factEvidence(facts, entraFactKinds.securityDefaults, sd.reason ?? sd.status),
    };
  const effects = effectsForAllApps(facts, user);
  const blocks = effects.filter(
    (e): e is Extract<Effect, { kind: "enforces" }> => e.kind === "enforces" && e.control === "block",
  );
  const indirect = ca.policies.filter((p) => {
    const prep = preparedOf(facts, p);
    return (
      p.state === "enabled" &&
      blocksLegacyIndirectly(p) &&
      prep.audience !== null &&
      prep.audience.include(user).value === true &&
      prep.audience.exclude(user).value === false &&
      prep.allApps.applies === true &&
      prep.allApps.gaps.length === 0 &&
      prep.narrowing.length === 0
    );
  });
  const full = (t: ClientType) => blocks.filter((b) => b.gaps.length === 0 && b.clientTypes.has(t));
  const fullIndirect = (t: ClientType) => indirect.filter((p) => preparedOf(facts, p).types.has(t));
  const open = legacyTypes.filter((t) => full(t).length === 0 && fullIndirect(t).length === 0);
  if (open.length === 0) {
    const by = [...new Set(legacyTypes.flatMap(full))];
    const byIndirect = [...new Set(legacyTypes.filter((t) => full(t).length === 0).flatMap(fullIndirect))];
    const direct = by.length
      ? `legacy authentication is blocked by ${by.map((b) => quote(b.policy)).join(", ")}`
      : "";
    const viaGrant = byIndirect.length
      ? `${direct ? "; " : ""}legacy clients are blocked indirectly by ${byIndirect.map(quote).join(", ")}: grant controls applied to all client apps that legacy clients cannot satisfy (MFA, compliant or joined device), as Microsoft documents; an explicit block policy for legacy clients is still recommended`
      : "";
    return {
      blocked: true,
      reason: `${direct}${viaGrant}`,
      evidence: [
        ...by.flatMap((b) => effectEvidence(facts, b)),
        ...byIndirect.map((p) =>
          policyEvidence(
            facts,
            p,
            "grantControls",
            (p.grantControls ?? null) as JsonValue,
            `${quote(p)} applies grant controls to all client apps (clientAppTypes ${JSON.stringify(p.conditions.clientAppTypes)}): legacy clients cannot satisfy them`,
          ),
        ),
      ],
    };
  }
  const unknown = effects.filter(
    (e): e is Extract<Effect, { kind: "unknown" }> =>
      e.kind === "unknown" &&
      e.policy.grantControls?.builtInControls.includes("block") === true &&
      open.some((t) => e.clientTypes.has(t)),
  );
  const partial = blocks.filter((b) => open.some((t) => b.clientTypes.has(t)));
  const excluded = effects.filter(
    (e) => e.kind === "excluded" && e.policy.grantControls?.builtInControls.includes("block"),
  );
  const evidence = [...unknown, ...partial, ...excluded].flatMap((e) => effectEvidence(facts, e));
  if (unknown.length)
    return {
      blocked: "unknown",
      reason: unknown.map((e) => `${quote(e.policy)}: ${e.why}`).join("; "),
      evidence,
    };
  const details = [
    ...partial.map((b) => `${quote(b.policy)} ${b.gaps.map((g) => g.gap).join("; ")}`),
    ...excluded.map((e) => `excluded from ${quote(e.policy)}`),
  ];
  return {
    blocked: false,
    reason: `${open.join(" and ")} clients can sign in with a password alone${details.length ? ` (${details.join("; ")})` : ca.status === "not-licensed" ? " (no Conditional Access: the tenant has no Entra ID P1, and security defaults are off)" : " (no enabled policy blocks them)"}`,
    evidence: evidence.length
      ? evidence
      : factEvidence(facts, entraFactKinds.conditionalAccess, "no block policy for legacy clients"),
  };
}

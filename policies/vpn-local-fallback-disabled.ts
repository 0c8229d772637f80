import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { factsOf } from "../src/model/facts/kind.js";
import { vpnLocalFallback } from "../src/model/facts/vpn.js";
import { entryPointSubject, unreadFactVerdict, unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "vpn-local-fallback-disabled",
    title: "VPN logins never fall back to local accounts when the AAA server is unreachable",
    severity: "high",
    sources: ["cisco-asa"],
    subject: "entry-point",
    rationale:
      "A `[LOCAL]` fallback (ASA) or fallback to local (FTD) lets the device's own accounts, checked by password alone, sign in whenever the RADIUS/LDAP/MFA server does not answer: an attacker who can make that server unreachable, or who finds it down, skips the second factor. Local accounts are also where stale and shared passwords live (Akira targeted Cisco VPNs without MFA, 2023).",
    evidence:
      "ASA tunnel-group general-attributes `authentication-server-group <group> LOCAL` and `secondary-authentication-server-group … LOCAL`; FTD/FMC connection profiles `enablePrimaryAuthFallbackToLocal` and `enableSecondaryAuthFallbackToLocal`.",
    remediation:
      "Remove the fallback: ASA `authentication-server-group <group>` without LOCAL (and the same for the secondary group); FTD clear 'Fallback to LOCAL Authentication' in the connection profile. Keep break-glass local admins off the VPN connection profiles and monitor their use.",
    references: [
      {
        title: "Cisco ASA VPN CLI configuration guide: connection profiles (authentication-server-group)",
        url: "https://www.cisco.com/c/en/us/td/docs/security/asa/asa917/configuration/vpn/asa-917-vpn-config/vpn-groups.html",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const entryPoints = new Map(inventory.entryPoints.map((e) => [e.id, e]));
    const verdicts = factsOf(inventory, vpnLocalFallback).flatMap(({ fact, data, error }): Verdict[] => {
      const entryPoint = data ? entryPoints.get(data.entryPoint) : undefined;
      // A fact that does not match, or names a gateway this inventory lacks, is unknown: never dropped.
      if (!data || !entryPoint)
        return [unreadFactVerdict(fact, error ?? "the fact names no connection profile of this inventory")];
      const subject = entryPointSubject(entryPoint);
      const { fallback, reason } = data;
      const base = { subject, mfa: null, evidence: fact.evidence };
      if (fallback === "unknown")
        return [{ ...base, status: "unknown", message: `${entryPoint.name}: ${reason}` }];
      return [
        fallback
          ? { ...base, status: "fail", message: `${entryPoint.name}: ${reason}` }
          : { ...base, status: "pass", message: `${entryPoint.name}: ${reason}` },
      ];
    });
    return [...verdicts, ...unreportedVerdicts(inventory, vpnLocalFallback)];
  },
});

import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import type { AccountStatus } from "../src/model/index.js";
import { pathMembers, pathStatus, pathSubject, resultMfa } from "./helpers.js";

/** Entry points judged here: VPN gateways and remote-desktop gateways (RD Gateway behind the NPS extension). */
const gatewayKinds = new Set(["vpn", "rd-gateway"]);

/** The part of the fix that is the same on every gateway. */
const delegated =
  "For SAML, make the identity provider require MFA on the VPN app for every assigned user (no exclusions). Remove local VPN accounts that bypass the identity provider.";

/** Accounts that cannot sign in produce no result. */
const inactive = new Set<AccountStatus>(["disabled", "suspended", "archived", "deprovisioned", "locked"]);

export default definePolicy({
  meta: {
    id: "vpn-login-requires-mfa",
    title: "Every VPN and remote-desktop gateway login requires a second factor",
    severity: "critical",
    sources: ["*"],
    subject: "access-path",
    rationale:
      "An internet-facing VPN or remote-desktop gateway that accepts a password alone is how Colonial Pipeline was entered (a dormant single-factor VPN account, 2021) and what Akira ransomware targets on Cisco VPNs without MFA (Cisco PSIRT, 2023). AA22-131A asks MSPs and their customers to secure remote access applications and enforce MFA; an RD Gateway is such an application. A login through SAML or RADIUS takes what the identity provider gives that account; one that cannot be resolved is not assumed safe.",
    evidence:
      "Each access path on a vpn or rd-gateway entry point: FortiGate local users' two-factor, SSL-VPN authentication rules and policies, IPsec dial-up xauthtype/EAP; ASA tunnel-group authentication and server groups; GlobalProtect client-auth authentication profiles (mfa-enable); and, for SAML/RADIUS delegations, the identity provider's per-user verdict (Conditional Access or Okta authentication policies for the app; for RADIUS to the NPS extension, its REQUIRE_USER_MATCH and IP_WHITELIST with the user's Entra MFA registration) recorded in mfa.via.",
    remediation: `Require a second factor for every VPN and remote-desktop gateway login, on the gateway or through an identity provider or RADIUS server that enforces it. ${delegated}`,
    remediationBySource: {
      fortigate: `FortiGate: \`set two-factor fortitoken\` (or fortitoken-cloud) on local users, XAuth/EAP with MFA on dial-up tunnels. ${delegated}`,
      "cisco-asa": `ASA: \`secondary-authentication-server-group\` or SAML on the tunnel group. ${delegated}`,
      globalprotect: `GlobalProtect: an authentication profile with Multi-Factor Authentication enabled, or SAML. ${delegated}`,
      "nps-extension":
        "For an RRAS VPN or RD Gateway behind the NPS extension, set REQUIRE_USER_MATCH to TRUE, empty IP_WHITELIST and have every user register a method. Remove local VPN accounts that bypass the identity provider.",
    },
    references: [
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs and their Customers",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
      {
        title: "Cisco PSIRT: Akira ransomware targeting VPNs without multi-factor authentication (2023)",
        url: "https://blogs.cisco.com/security/akira-ransomware-targeting-vpns-without-multi-factor-authentication",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const vpns = new Map(inventory.entryPoints.filter((e) => gatewayKinds.has(e.kind)).map((e) => [e.id, e]));
    if (vpns.size === 0) return [];
    const membersOf = pathMembers(inventory);
    return inventory.accessPaths.flatMap((path): Verdict[] => {
      const entryPoint = vpns.get(path.entryPoint);
      if (!entryPoint) return [];
      const members = membersOf(path, entryPoint);
      if (members.length > 0 && members.every((a) => inactive.has(a.status))) return [];
      const who =
        members.length === 1
          ? members[0]!.name
          : path.accounts.length === 0
            ? `${path.id.startsWith(`${entryPoint.id}/`) ? path.id.slice(entryPoint.id.length + 1) : path.id} (accounts the device cannot list)`
            : `${path.accounts.length} account(s)`;
      const base = {
        subject: pathSubject(path, entryPoint, who),
        mfa: resultMfa(path.mfa),
        evidence: path.mfa.evidence,
        details: {
          entryPoint: entryPoint.id,
          ...(path.chain.delegation ? { delegation: path.chain.delegation.target } : {}),
        },
      };
      const status = pathStatus(path.mfa.state);
      const message =
        status === "fail"
          ? `${who} can log in to ${entryPoint.name} without a required second factor (${path.mfa.state}): ${path.mfa.reason}`
          : `${who} on ${entryPoint.name}: ${path.mfa.reason}`;
      return [{ ...base, status, message }];
    });
  },
});

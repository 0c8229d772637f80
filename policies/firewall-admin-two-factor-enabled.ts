import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { pathMembers, pathStatus, pathSubject, resultMfa } from "./helpers.js";

const sources = ["fortigate", "cisco-asa", "globalprotect"];

export default definePolicy({
  meta: {
    id: "firewall-admin-two-factor-enabled",
    title: "Every firewall and VPN gateway administrator signs in with a second factor",
    severity: "critical",
    sources,
    subject: "access-path",
    rationale:
      "Whoever administers the perimeter device can add VPN users, open policies and read its secrets: an administrator password alone (phished, reused or brute-forced over an exposed GUI) hands over every customer network behind it. AA22-131A asks MSPs to enforce MFA on accounts that reach customer environments.",
    evidence:
      "FortiGate `system admin` two-factor and remote-auth; ASA `aaa authentication ssh|http console` server groups and local usernames; PAN-OS administrators' authentication profiles (mfa-enable) under mgt-config.",
    remediation:
      "Require a second factor for every administrator of the device: its own two-factor setting, or remote authentication (RADIUS, SAML) through a server that enforces MFA.",
    remediationBySource: {
      fortigate:
        "FortiGate: `config system admin` → `set two-factor fortitoken` (or fortitoken-cloud) for every administrator, or remote authentication through an MFA server.",
      "cisco-asa":
        "ASA: authenticate management sessions with a RADIUS/SAML server group that enforces MFA, keeping LOCAL only as a monitored break-glass.",
      globalprotect:
        "PAN-OS: give administrators an authentication profile with Multi-Factor Authentication enabled (or SAML).",
    },
    references: [
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
      {
        title: "FortiOS CLI reference: config system admin (two-factor)",
        url: "https://docs.fortinet.com/document/fortigate/7.0.0/cli-reference/519620",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const consoles = new Map(
      inventory.entryPoints
        .filter((e) => e.kind === "admin-console" && sources.includes(e.source))
        .map((e) => [e.id, e]),
    );
    if (consoles.size === 0) return [];
    const membersOf = pathMembers(inventory);
    return inventory.accessPaths.flatMap((path): Verdict[] => {
      const entryPoint = consoles.get(path.entryPoint);
      if (!entryPoint) return [];
      const members = membersOf(path, entryPoint);
      if (members.length > 0 && members.every((a) => a.status === "disabled")) return [];
      const who =
        members.length === 1
          ? members[0]!.name
          : path.accounts.length
            ? `${path.accounts.length} administrator(s)`
            : "administrators";
      const base = {
        subject: pathSubject(path, entryPoint, who),
        mfa: resultMfa(path.mfa),
        evidence: path.mfa.evidence,
      };
      const status = pathStatus(path.mfa.state);
      const message =
        status === "fail"
          ? `${who} administers ${entryPoint.name} without a second factor: ${path.mfa.reason}`
          : `${who}: ${path.mfa.reason}`;
      return [{ ...base, status, message }];
    });
  },
});

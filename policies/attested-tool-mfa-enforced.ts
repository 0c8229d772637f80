import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { entryPointSubject, resultMfa } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "attested-tool-mfa-enforced",
    title: "Every tool known only by attestation is attested to enforce MFA",
    severity: "critical",
    sources: ["attestation"],
    subject: "entry-point",
    rationale:
      "RMM and remote-support consoles without an MFA API (Kaseya VSA, N-able, Atera, AnyDesk, Splashtop, Syncro) reach every endpoint of every customer; the MSP's own dated statement is the only evidence of how technicians sign in. A statement that MFA is off, optional or can be skipped is a password-only way into every customer (Kaseya VSA 2021; AA22-131A asks MSPs to enforce MFA on accounts that reach customers). The result is what was attested, not what mfasweep verified.",
    evidence:
      "The tenant's attestation file: per tool, mfa, method, checkedBy, checkedAt and validUntil; an expired or undated statement counts as unknown.",
    remediation:
      "Turn on MFA enforcement for every technician in the tool's admin console (no exempt users, no IP allow-list that skips it), or move sign-in to SSO with an identity provider that enforces MFA; then record the new state, who checked it and until when in the attestation file.",
    references: [
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
      {
        title:
          "CISA-FBI guidance for MSPs affected by the Kaseya VSA supply-chain attack (2021, AHA's TLP:WHITE copy)",
        url: "https://aha.org/fbi-tlp-alert/2021-07-04-cisa-fbi-tlp-white-guidance-msps-and-their-customers-affected-kaseya-vsa",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const tools = new Map(
      inventory.entryPoints.filter((e) => e.source === "attestation").map((e) => [e.id, e]),
    );
    // One verdict per tool: an SSO statement the delegation linker resolved per user yields one path per
    // identity-provider user, of which the worst decides.
    const worst = ["none", "bypassable", "optional", "unknown", "enforced"];
    const byTool = new Map<string, (typeof inventory.accessPaths)[number]>();
    for (const path of inventory.accessPaths) {
      if (!tools.has(path.entryPoint)) continue;
      const seen = byTool.get(path.entryPoint);
      if (!seen || worst.indexOf(path.mfa.state) < worst.indexOf(seen.mfa.state))
        byTool.set(path.entryPoint, path);
    }
    return [...byTool.values()].flatMap((path): Verdict[] => {
      const tool = tools.get(path.entryPoint);
      if (!tool) return [];
      const base = {
        subject: entryPointSubject(tool),
        mfa: resultMfa(path.mfa),
        evidence: path.mfa.evidence,
        details: { attested: true, verified: false },
      };
      switch (path.mfa.state) {
        case "enforced":
          return [{ ...base, status: "pass", message: `${tool.name}: ${path.mfa.reason}` }];
        case "unknown":
          return [{ ...base, status: "unknown", message: `${tool.name}: ${path.mfa.reason}` }];
        case "none":
          return [
            {
              ...base,
              status: "fail",
              message: `${tool.name}: technicians sign in without MFA: ${path.mfa.reason}`,
            },
          ];
        default:
          return [
            {
              ...base,
              status: "fail",
              severity: "high",
              message: `${tool.name}: MFA is ${path.mfa.state === "optional" ? "optional" : "skippable"}: ${path.mfa.reason}`,
            },
          ];
      }
    });
  },
});

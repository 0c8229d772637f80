import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { npsSettings } from "../src/model/facts/nps-extension.js";
import { entryPointSubject, npsExtensionSettings, unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "nps-extension-ip-allowlist-empty",
    title: "No RADIUS client skips the NPS extension's MFA (IP_WHITELIST empty)",
    severity: "high",
    sources: ["nps-extension"],
    subject: "entry-point",
    rationale:
      "The NPS extension's IP_WHITELIST exists for load-balancer health checks: \"When a request comes in from an IP address that exists in the IP_WHITELIST, two-step verification is skipped\", matched on the RADIUS request's NAS-IP-Address. When it lists the VPN server or RD Gateway itself, every sign-in through it is password-only; when it lists another RADIUS client, every account can sign in with its password alone through that client.",
    evidence:
      "Registry export of HKLM\\SOFTWARE\\Microsoft\\AzureMfa on the NPS server: the IP_WHITELIST value (file and line) and the NAS-IP-Address(es) configured for the front end.",
    remediation:
      "Remove IP_WHITELIST (or leave it empty) under HKLM\\SOFTWARE\\Microsoft\\AzureMfa and restart the Network Policy Server service. Send health checks to an NPS server without the extension, or use a monitoring account that cannot sign in to the VPN.",
    references: [
      {
        title: "Microsoft Learn: advanced configuration options for the NPS extension, IP exceptions",
        url: "https://learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-advanced#ip-exceptions",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const frontEnds = inventory.entryPoints.filter((e) => e.source === "nps-extension");
    const verdicts = frontEnds.map((entryPoint): Verdict => {
      const read = npsExtensionSettings(inventory, entryPoint, "IP_WHITELIST");
      if ("unknown" in read) return read.unknown;
      const { fact, data } = read;
      const { entries } = data.ipWhitelist;
      const base = {
        subject: entryPointSubject(entryPoint),
        mfa: null,
        evidence: fact.evidence.filter((e) => e.field !== "REQUIRE_USER_MATCH"),
      };
      if (entries.length === 0)
        return {
          ...base,
          status: "pass",
          message: `IP_WHITELIST is empty on ${data.server}: no RADIUS client skips MFA`,
        };
      const listed = new Set(entries.map((e) => e.toLowerCase()));
      const own = data.nasAddresses.filter((a) => listed.has(a.toLowerCase()));
      if (own.length > 0)
        return {
          ...base,
          status: "fail",
          severity: "critical",
          message: `IP_WHITELIST on ${data.server} lists ${own.join(", ")}, the NAS-IP-Address of ${entryPoint.name}: every sign-in through it skips MFA`,
        };
      return {
        ...base,
        status: "fail",
        message: `IP_WHITELIST on ${data.server} lists ${entries.join(", ")}: RADIUS requests with those NAS-IP-Addresses skip MFA, so any account signs in with its password alone through them`,
      };
    });
    return [
      ...verdicts,
      ...unreportedVerdicts(inventory, npsSettings, new Set(frontEnds.map((e) => e.connection))),
    ];
  },
});

import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { npsSettings } from "../src/model/facts/nps-extension.js";
import { entryPointSubject, npsExtensionSettings, unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "nps-extension-requires-user-match",
    title: "The NPS extension refuses users who have not registered for MFA (REQUIRE_USER_MATCH not FALSE)",
    severity: "high",
    sources: ["nps-extension"],
    subject: "entry-point",
    rationale:
      'The NPS extension for Microsoft Entra MFA adds the second factor to RRAS VPN and RD Gateway sign-ins. With REQUIRE_USER_MATCH set to FALSE, "when the user isn\'t enrolled, authentication proceeds without performing MFA": every account that never registered a method (new hires, service accounts, dormant users like the one that let attackers into Colonial Pipeline) gets in with the AD password alone. Microsoft says to remove the key before going to production; not set means TRUE.',
    evidence:
      "Registry export of HKLM\\SOFTWARE\\Microsoft\\AzureMfa on the NPS server: the REQUIRE_USER_MATCH value (file and line), or its absence.",
    remediation:
      "On the NPS server, delete the REQUIRE_USER_MATCH value (or set it to TRUE) under HKLM\\SOFTWARE\\Microsoft\\AzureMfa and restart the Network Policy Server service, after the users of the VPN or RD Gateway have registered an MFA method (run the registration campaign first).",
    references: [
      {
        title: "Microsoft Learn: NPS extension, prepare for users that aren't enrolled for MFA",
        url: "https://learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension#prepare-for-users-that-arent-enrolled-for-mfa",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const frontEnds = inventory.entryPoints.filter((e) => e.source === "nps-extension");
    const verdicts = frontEnds.map((entryPoint): Verdict => {
      const read = npsExtensionSettings(inventory, entryPoint, "REQUIRE_USER_MATCH");
      if ("unknown" in read) return read.unknown;
      const { fact, data } = read;
      const { value, raw } = data.requireUserMatch;
      const base = {
        subject: entryPointSubject(entryPoint),
        mfa: null,
        evidence: fact.evidence.filter((e) => e.field !== "IP_WHITELIST"),
      };
      if (value === false)
        return {
          ...base,
          status: "fail",
          message: `REQUIRE_USER_MATCH is FALSE on ${data.server}: users of ${entryPoint.name} who have not registered an MFA method sign in with their password alone`,
        };
      if (value === "unknown")
        return {
          ...base,
          status: "unknown",
          message: `REQUIRE_USER_MATCH is '${raw}' on ${data.server}, neither TRUE nor FALSE: whether unregistered users need MFA is not documented`,
        };
      return {
        ...base,
        status: "pass",
        message:
          raw === null
            ? `REQUIRE_USER_MATCH is not set on ${data.server} (equivalent to TRUE): unregistered users are refused`
            : `REQUIRE_USER_MATCH is TRUE on ${data.server}: unregistered users are refused`,
      };
    });
    return [
      ...verdicts,
      ...unreportedVerdicts(inventory, npsSettings, new Set(frontEnds.map((e) => e.connection))),
    ];
  },
});

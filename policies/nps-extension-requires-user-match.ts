import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";

/** The `nps-extension.settings` fact (validated with the policy's own schema). */
const SettingsFact = z.object({
  entryPoint: z.string(),
  server: z.string(),
  requireUserMatch: z.object({
    value: z.union([z.boolean(), z.literal("unknown")]),
    raw: z.string().nullable(),
  }),
});

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
    return inventory.entryPoints
      .filter((e) => e.source === "nps-extension")
      .map((entryPoint): Verdict => {
        const subject = {
          kind: "entry-point" as const,
          id: entryPoint.id,
          name: entryPoint.name,
          source: entryPoint.source,
          connection: entryPoint.connection,
        };
        const fact = inventory.facts.find(
          (f) =>
            f.kind === "nps-extension.settings" &&
            f.connection === entryPoint.connection &&
            (f.data as { entryPoint?: unknown } | null)?.entryPoint === entryPoint.id,
        );
        const parsed = fact ? SettingsFact.safeParse(fact.data) : undefined;
        if (!fact || !parsed?.success) {
          const unread = inventory.accessPaths.find((p) => p.entryPoint === entryPoint.id);
          return {
            subject,
            status: "unknown",
            message: `REQUIRE_USER_MATCH of the NPS extension behind ${entryPoint.name} is not known: ${unread?.mfa.reason ?? (fact ? "malformed settings fact" : "its registry export was not read")}`,
            mfa: null,
            evidence: [
              ...(fact?.evidence ?? []),
              ...entryPoint.evidence,
              ...(unread?.mfa.evidence ?? []),
              {
                source: entryPoint.source,
                connection: entryPoint.connection,
                note: fact
                  ? "the nps-extension.settings fact does not match its schema"
                  : "no nps-extension.settings fact for this front end",
              },
            ].slice(0, 6),
          };
        }
        const { value, raw } = parsed.data.requireUserMatch;
        const base = {
          subject,
          mfa: null,
          evidence: fact.evidence.filter((e) => e.field !== "IP_WHITELIST"),
        };
        if (value === false)
          return {
            ...base,
            status: "fail",
            message: `REQUIRE_USER_MATCH is FALSE on ${parsed.data.server}: users of ${entryPoint.name} who have not registered an MFA method sign in with their password alone`,
          };
        if (value === "unknown")
          return {
            ...base,
            status: "unknown",
            message: `REQUIRE_USER_MATCH is '${raw}' on ${parsed.data.server}, neither TRUE nor FALSE: whether unregistered users need MFA is not documented`,
          };
        return {
          ...base,
          status: "pass",
          message:
            raw === null
              ? `REQUIRE_USER_MATCH is not set on ${parsed.data.server} (equivalent to TRUE): unregistered users are refused`
              : `REQUIRE_USER_MATCH is TRUE on ${parsed.data.server}: unregistered users are refused`,
        };
      });
  },
});

import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { EntryPointKind, FactorStrength, strengthRank } from "../src/model/index.js";
import { pathMembers, pathSubject, resultMfa } from "./helpers.js";

const Options = z.strictObject({
  /** Weakest factor accepted on any path. */
  default: FactorStrength,
  /** Weakest factor accepted where an administrator signs in. */
  admin: FactorStrength,
  /** Per entry-point kind (vpn, rmm-console, ssh, ...), where it differs from `default`. */
  byEntryPoint: z.partialRecord(EntryPointKind, FactorStrength),
});
type Options = z.infer<typeof Options>;

const enroll = "then have affected users enroll a security key or passkey.";

export default definePolicy<Options>({
  meta: {
    id: "mfa-factor-strength-sufficient",
    title: "Enforced second factors are as strong as the tenant's profile requires",
    severity: "medium",
    sources: ["*"],
    subject: "access-path",
    rationale:
      "SMS, voice and email codes are phished and SIM-swapped; push and app codes fall to MFA fatigue and adversary-in-the-middle kits. Administrators and remote access are where attackers aim: the standard profile asks administrators for at least an authenticator app, and the strict and msp-self profiles demand phishing-resistant factors there (CISA SCuBA MS.AAD.3.1/3.6, GWS.COMMONCONTROLS.1.1; AA22-131A for MSP accounts).",
    evidence:
      "Each access path whose MFA is enforced: the weakest factor that still completes a login (mfa.strength), the entry point kind, and whether an administrator uses it.",
    remediation: `Restrict the methods allowed on this path to those the profile accepts, ${enroll}`,
    remediationBySource: {
      entra: `Entra: require an authentication strength that allows only the methods the profile accepts, ${enroll}`,
      okta: `Okta: restrict the allowed authenticators with authenticator constraints, ${enroll}`,
      "google-workspace": `Google Workspace: restrict the allowed 2-Step Verification methods, ${enroll}`,
      ssh: `SSH: accept only FIDO2 (sk-*) keys as the second factor, ${enroll}`,
    },
    references: [
      {
        title: "CISA: Implementing Phishing-Resistant MFA",
        url: "https://www.cisa.gov/sites/default/files/publications/fact-sheet-implementing-phishing-resistant-mfa-508c.pdf",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  options: Options,
  defaultOptions: { default: "weak", admin: "weak", byEntryPoint: {} },
  evaluate({ inventory, options }) {
    const entryPoints = new Map(inventory.entryPoints.map((e) => [e.id, e]));
    const membersOf = pathMembers(inventory);
    return inventory.accessPaths
      .filter((path) => path.mfa.state === "enforced")
      .flatMap((path): Verdict[] => {
        const entryPoint = entryPoints.get(path.entryPoint);
        if (!entryPoint) return [];
        const members = membersOf(path, entryPoint);
        // A path whose accounts all cannot sign in (suspended, disabled, archived) is no one's way in.
        if (members.length > 0 && members.every((a) => a.status !== "active" && a.status !== "unknown"))
          return [];
        const admin = members.some((a) => a.admin.isAdmin === true);
        const kindRequirement = options.byEntryPoint[entryPoint.kind] ?? options.default;
        const required =
          admin && strengthRank[options.admin] > strengthRank[kindRequirement]
            ? options.admin
            : kindRequirement;
        const who = members.length === 1 ? members[0]!.name : `${path.accounts.length} account(s)`;
        // One result per path: a person has one path per entry point (Okta sign-in, Dashboard, each app).
        const base = {
          subject: pathSubject(path, entryPoint, who),
          mfa: resultMfa(path.mfa),
          evidence: path.mfa.evidence,
        };
        const why = `${admin ? "an administrator" : "this path"} on ${entryPoint.kind} requires ${required}`;
        // `null` never passes, whatever the profile: it means no factor the rule accepts is known to be
        // held (nothing registered that completes it, or not read), not "any factor".
        if (path.mfa.strength === null)
          return [
            {
              ...base,
              status: "unknown" as const,
              message: `${who}: MFA is enforced but no factor that completes a login is known to be held; ${why} (${path.mfa.reason})`,
            },
          ];
        if (strengthRank[path.mfa.strength] >= strengthRank[required]) {
          const note =
            path.mfa.strength === "weak"
              ? " (weak factors such as SMS or voice are accepted by this profile)"
              : "";
          return [
            {
              ...base,
              status: "pass" as const,
              message: `${who}: weakest factor ${path.mfa.strength}${note}`,
            },
          ];
        }
        return [
          {
            ...base,
            status: "fail" as const,
            message: `${who}: weakest factor ${path.mfa.strength}, but ${why}`,
          },
        ];
      });
  },
});

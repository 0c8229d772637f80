import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { unlistedPathVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "entra-user-mfa-enforced",
    title: "Every enabled Entra ID account must pass MFA on every interactive sign-in",
    severity: "high",
    sources: ["entra"],
    subject: "account",
    rationale:
      "An account that a policy excludes, that only a report-only policy targets, or whose MFA policy is narrowed to risky sign-ins, some platforms or untrusted networks signs in with a password alone for the rest. CISA ScubaGear MS.AAD.3.2 requires MFA for all users; AA22-131A asks MSPs to enforce MFA on every account that reaches customer data. Peers count report-only policies, ignore exclusions and narrowing; this check resolves every user.",
    evidence:
      "Conditional Access policies (state, users/groups/roles/guest targeting resolved transitively, apps, conditions, grant controls), security defaults, per-user MFA state, registration details; the evaluated verdict of the user's Entra sign-in path.",
    remediation:
      "Entra admin center > Protection > Conditional Access: enable (not report-only) a policy that requires MFA or an MFA authentication strength for All users and All cloud apps, without risk, platform, location or client-app conditions; keep exclusions to recorded break-glass accounts. Without Entra ID P1, turn on security defaults.",
    references: [
      {
        title: "CISA SCuBA Entra ID baseline MS.AAD.3.2 (MFA for all users)",
        url: "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md",
      },
      { title: "Maester MT.1007: MFA for all users", url: "https://maester.dev/docs/tests/MT.1007" },
      {
        title: "Require MFA for all users with Conditional Access (Microsoft Learn)",
        url: "https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-all-users-mfa",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, signInPaths, entraAccess }) {
    const signIns = new Map(
      inventory.entryPoints
        .filter((e) => e.source === "entra" && e.kind === "directory-sign-in")
        .map((e) => [e.id, e]),
    );
    const verdicts: Verdict[] = inventory.accounts
      .filter((a) => a.source === "entra" && a.status !== "disabled")
      .map((account) => {
        const subject = accountSubject(account);
        const path = signInPaths.of(account);
        if (!path) {
          return {
            subject,
            status: "unknown",
            message: `no sign-in verdict for ${account.name}: whether the account is enabled is not known`,
            mfa: null,
            evidence: account.evidence,
          };
        }
        const mfa = { state: path.mfa.state, strength: path.mfa.strength };
        const evidence = path.mfa.evidence.length ? path.mfa.evidence : account.evidence;
        const result = entraAccess.signIn(account.connection, account.id);
        const details = {
          enforcedBy: result.enforcedBy.map((e) => e.policy?.displayName ?? e.kind),
          gaps: result.partial.map((p) => `${p.policy.displayName}: ${p.gaps.join("; ")}`),
          excludedBy: result.excludedBy.map((x) => `${x.policy.displayName} (${x.how.join("; ")})`),
          notCounted: result.ignored.map((x) => `${x.policy.displayName} (${x.why})`),
        };
        const base = { subject, mfa, evidence, details };
        switch (path.mfa.state) {
          case "enforced":
            return { ...base, status: "pass", message: path.mfa.reason };
          case "unknown":
            return { ...base, status: "unknown", message: `${account.name}: ${path.mfa.reason}` };
          default:
            return {
              ...base,
              status: "fail",
              // Security defaults prompt non-admins "when necessary": bypassable, but a lesser gap (#18 item 6).
              ...(account.admin.isAdmin === true
                ? { severity: "critical" as const }
                : path.mfa.state === "bypassable" && result.securityDefaults === "user"
                  ? { severity: "medium" as const }
                  : {}),
              message: `${account.name}${account.admin.isAdmin === true ? ` (admin: ${account.admin.roles.join(", ")})` : ""}: ${path.mfa.reason}`,
            };
        }
      });
    // Users the list could not give (cut short): unknown, never nothing.
    return [...verdicts, ...unlistedPathVerdicts(inventory, signIns, "users not listed")];
  },
});

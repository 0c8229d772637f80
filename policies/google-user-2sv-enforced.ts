import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { pathStatus, unlistedPathVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "google-user-2sv-enforced",
    title: "Every active Google Workspace account has 2-Step Verification enforced and enrolled",
    severity: "high",
    sources: ["google-workspace"],
    subject: "account",
    rationale:
      "An account where 2SV is not enforced signs in with a password alone once the user (or an attacker) turns 2SV off or never enrolls. CISA SCuBA GWS.COMMONCONTROLS.1.2 requires enforcement; AA22-131A asks MSPs to enforce MFA on every account that can reach customer data.",
    evidence:
      "Directory API users.list: isEnforcedIn2Sv, isEnrolledIn2Sv, suspended, archived; the OU's 2SV factor policy for strength; for an enforced but unenrolled user, the OU's new-user enrollment period (within it the password alone signs in; without one the user cannot sign in).",
    remediation:
      "Admin console > Security > Authentication > 2-Step Verification: turn on Enforcement for the user's organizational unit (or a group containing them), then make sure the user enrolls before the enforcement date.",
    references: [
      {
        title: "CISA SCuBA Google Workspace baseline GWS.COMMONCONTROLS.1.2",
        url: "https://github.com/cisagov/ScubaGoggles/blob/main/scubagoggles/baselines/commoncontrols.md",
      },
      {
        title: "Deploy 2-Step Verification (Google Workspace Admin Help)",
        url: "https://support.google.com/a/answer/9176657",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, signInPaths }) {
    const signIns = new Map(
      inventory.entryPoints.filter((e) => e.source === "google-workspace").map((e) => [e.id, e]),
    );
    const verdicts: Verdict[] = inventory.accounts
      .filter((a) => a.source === "google-workspace" && a.status !== "suspended" && a.status !== "archived")
      .map((account) => {
        const path = signInPaths.of(account);
        const subject = accountSubject(account);
        if (!path) {
          return {
            subject,
            status: "unknown",
            message: "no sign-in verdict was collected for this account",
            mfa: null,
            evidence: account.evidence,
          };
        }
        const mfa = { state: path.mfa.state, strength: path.mfa.strength };
        const evidence = path.mfa.evidence;
        // "bypassable" is 2SV enforced but not enrolled inside the new-user enrollment period: whoever has
        // the password enrolls first, the registration finding of the shared rule (#18 item 11), high.
        const status = pathStatus(path.mfa.state);
        const message = status === "fail" ? `${account.name}: ${path.mfa.reason}` : path.mfa.reason;
        return { subject, status, message, mfa, evidence };
      });
    // Users the directory could not list (users.list cut short): unknown, never nothing.
    return [...verdicts, ...unlistedPathVerdicts(inventory, signIns, "users not listed")];
  },
});

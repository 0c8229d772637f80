import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { nothingEnrolled } from "../src/model/index.js";
import { unlistedPathVerdicts } from "./helpers.js";

/** Accounts that can sign in (active, or locked out for now); suspended and deprovisioned ones cannot. */
const signsIn = new Set(["active", "locked", "unknown"]);

export default definePolicy({
  meta: {
    id: "okta-user-mfa-enforced",
    title: "Every active Okta account needs a second factor to start an Okta session",
    severity: "high",
    sources: ["okta"],
    subject: "account",
    rationale:
      "Okta's global session policy decides whether a password alone opens an Okta session, from which every app whose own policy asks for one factor opens too. A rule that allows one factor from an office network or for a group is a standing bypass: a phished password used from that network, or by that group, needs nothing else. AA22-131A asks MSPs to enforce MFA on every account that can reach customer data.",
    evidence:
      "GET /api/v1/policies?type=OKTA_SIGN_ON and each policy's rules (priority order, people and group include/exclude, network zones, requireFactor), group memberships, and the account's enrolled factors (GET /api/v1/users/{id}/factors).",
    remediation:
      'Security > Global Session Policy: make every rule that applies to this account require multifactor authentication ("Multifactor authentication (MFA) is Required"), including rules scoped to trusted network zones and the Default Rule; remove group exclusions that let accounts fall through to a one-factor rule. Then have accounts without a factor enroll one.',
    references: [
      {
        title: "Okta: Global session policies",
        url: "https://help.okta.com/oie/en-us/content/topics/identity-engine/policies/about-okta-sign-on-policies.htm",
      },
      {
        title: "Okta Policy API (policy and rule evaluation)",
        url: "https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Policy/",
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
      inventory.entryPoints
        .filter((e) => e.source === "okta" && e.kind === "directory-sign-in")
        .map((e) => [e.id, e]),
    );
    const verdicts: Verdict[] = inventory.accounts
      .filter((a) => a.source === "okta" && signsIn.has(a.status))
      .map((account): Verdict => {
        const subject = accountSubject(account);
        const path = signInPaths.of(account);
        if (!path) {
          return {
            subject,
            status: "unknown",
            message: `${account.name}: no Okta sign-in verdict was collected for this account`,
            mfa: null,
            evidence: account.evidence,
          };
        }
        const mfa = { state: path.mfa.state, strength: path.mfa.strength };
        const evidence = path.mfa.evidence;
        switch (path.mfa.state) {
          case "enforced":
            return { subject, status: "pass", message: path.mfa.reason, mfa, evidence };
          case "unknown":
            return {
              subject,
              status: "unknown",
              message: `${account.name}: ${path.mfa.reason}`,
              mfa,
              evidence,
            };
          case "bypassable":
            // Nothing enrolled while every sign-in demands MFA is the registration finding of the shared
            // rule (#18 item 11; the verdict says it in the rule's own words): whoever has the password
            // enrolls first, as severe as Entra's. A rule that lets some sign-ins skip the factor is the
            // lesser gap.
            return {
              subject,
              status: "fail",
              ...(path.mfa.reason.includes(nothingEnrolled("enroll")) ? {} : { severity: "medium" as const }),
              message: `${account.name}: ${path.mfa.reason}`,
              mfa,
              evidence,
            };
          default:
            return { subject, status: "fail", message: `${account.name}: ${path.mfa.reason}`, mfa, evidence };
        }
      });
    // Users the list could not give (cut short): unknown, never nothing.
    return [...verdicts, ...unlistedPathVerdicts(inventory, signIns, "users not listed")];
  },
});

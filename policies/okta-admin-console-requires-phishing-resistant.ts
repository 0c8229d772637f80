import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";

const strengthWords: Record<string, string> = {
  app: "an app-based factor (push or one-time code)",
  weak: "a weak factor (SMS, voice, email or security question)",
};

export default definePolicy({
  meta: {
    id: "okta-admin-console-requires-phishing-resistant",
    title: "Every Okta administrator needs a phishing-resistant second factor to reach the Admin Console",
    severity: "critical",
    sources: ["okta"],
    subject: "account",
    rationale:
      "Any Okta admin role can change sign-on policies, reset factors or grant itself more; a taken-over admin is the whole customer. Push and one-time codes fall to real-time phishing kits and MFA fatigue (the 2023 attacks on Okta customers' help desks and admins), so the Admin Console's authentication policy should demand phishing resistance (FastPass or FIDO2/WebAuthn) for every administrator. DISA Okta IDaaS STIG and Prowler check the same app (saasure).",
    evidence:
      "The Admin Console app (saasure) and its authentication policy rules (factorMode 2FA, possession.phishingResistant REQUIRED), together with the global session policy; administrators from GET /api/v1/iam/assignees/users and their roles; each administrator's enrolled factors.",
    remediation:
      'Security > Authentication Policies > Okta Admin Console: make the rule that applies to every administrator require "Any 2 factor types" with "Phishing resistant" possession, and remove rules that let an admin in with one factor or a phishable factor. Have each administrator enroll Okta FastPass or a FIDO2 security key first.',
    references: [
      {
        title: "Okta: Phishing-resistant authentication",
        url: "https://help.okta.com/oie/en-us/content/topics/identity-engine/authenticators/phishing-resistant-auth.htm",
      },
      {
        title: "Okta: Authentication policies",
        url: "https://help.okta.com/oie/en-us/content/topics/identity-engine/policies/about-app-sign-on-policies.htm",
      },
      {
        title: "CISA: Implementing Phishing-Resistant MFA",
        url: "https://www.cisa.gov/sites/default/files/publications/fact-sheet-implementing-phishing-resistant-mfa-508c.pdf",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const consoles = inventory.entryPoints.filter((e) => e.source === "okta" && e.kind === "admin-console");
    const verdicts: Verdict[] = [];
    for (const entryPoint of consoles) {
      const accounts = inventory.accounts.filter(
        (a) =>
          a.source === "okta" &&
          a.connection === entryPoint.connection &&
          a.status !== "suspended" &&
          a.status !== "deprovisioned" &&
          a.status !== "disabled",
      );
      // Without the role assignees nobody is known to be (or not be) an administrator: one unknown.
      const unread = accounts.filter((a) => a.admin.isAdmin === "unknown");
      if (unread.length > 0) {
        verdicts.push({
          subject: {
            kind: "entry-point",
            id: entryPoint.id,
            name: entryPoint.name,
            source: entryPoint.source,
            connection: entryPoint.connection,
          },
          status: "unknown",
          message: `administrators could not be listed, so ${unread.length} account(s) may hold an admin role`,
          mfa: null,
          evidence: unread[0]!.evidence.filter((e) => e.field === "admin"),
        });
      }
      for (const account of accounts.filter((a) => a.admin.isAdmin === true)) {
        const subject = accountSubject(account);
        const roles = account.admin.roles.length ? ` (${account.admin.roles.join(", ")})` : "";
        const path = inventory.accessPaths.find(
          (p) => p.entryPoint === entryPoint.id && p.accounts.includes(account.id),
        );
        if (!path) {
          verdicts.push({
            subject,
            status: "unknown",
            message: `${account.name}${roles}: no Admin Console verdict was collected`,
            mfa: null,
            evidence: account.evidence,
          });
          continue;
        }
        const mfa = { state: path.mfa.state, strength: path.mfa.strength };
        const evidence = path.mfa.evidence;
        const base = { subject, mfa, evidence };
        if (path.mfa.state === "unknown") {
          verdicts.push({
            ...base,
            status: "unknown",
            message: `${account.name}${roles}: ${path.mfa.reason}`,
          });
        } else if (path.mfa.state !== "enforced") {
          verdicts.push({
            ...base,
            status: "fail",
            message: `administrator ${account.name}${roles} reaches the Admin Console without a required second factor: ${path.mfa.reason}`,
          });
        } else if (path.mfa.strength === null) {
          // A rule may demand phishing resistance, but what the account holds decides (#18 item 8).
          verdicts.push({
            ...base,
            status: "fail",
            message: `administrator ${account.name}${roles} is not known to hold a factor that lets it into the Admin Console, so no phishing-resistant one: ${path.mfa.reason}`,
          });
        } else if (path.mfa.strength !== "phishing-resistant") {
          verdicts.push({
            ...base,
            status: "fail",
            message: `administrator ${account.name}${roles} reaches the Admin Console with ${strengthWords[path.mfa.strength]}, not a phishing-resistant one`,
          });
        } else {
          verdicts.push({
            ...base,
            status: "pass",
            message: `administrator${roles} needs a phishing-resistant factor for the Admin Console`,
          });
        }
      }
    }
    return verdicts;
  },
});

import { definePolicy } from "../src/evaluate/policy.js";

export default definePolicy({
  meta: {
    id: "google-ou-2sv-enforced",
    title: "2-Step Verification is enforced for every Google Workspace organizational unit",
    severity: "high",
    sources: ["google-workspace"],
    subject: "setting",
    rationale:
      "Where enrollment is allowed but not enforced, 2SV is each user's choice: new accounts, and anyone who turns it off, sign in with a password alone. SCuBA GWS.COMMONCONTROLS.1.2 requires enforcement for all OUs.",
    evidence:
      "Cloud Identity Policy API: security.two_step_verification_enrollment (allowEnrollment) and security.two_step_verification_enforcement (enforcedFrom; the 1970 epoch means off) per OU, with inheritance from parent OUs applied.",
    remediation:
      "Admin console > Security > Authentication > 2-Step Verification: select the organizational unit, check 'Allow users to turn on 2-Step Verification', set Enforcement to 'On' (or 'Turn on enforcement from' a date), and set a short new-user enrollment period.",
    references: [
      {
        title: "CISA SCuBA Google Workspace baseline GWS.COMMONCONTROLS.1.2",
        url: "https://github.com/cisagov/ScubaGoggles/blob/main/scubagoggles/baselines/commoncontrols.md",
      },
      {
        title: "Cloud Identity Policy API overview",
        url: "https://cloud.google.com/identity/docs/concepts/overview-policies",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    return inventory.settings
      .filter((s) => s.source === "google-workspace" && s.scope.kind === "org-unit")
      .map((setting) => {
        const subject = {
          kind: "setting" as const,
          id: setting.scope.id,
          name: setting.scope.name,
          source: setting.source,
          connection: setting.connection,
        };
        const inherited = setting.inheritedFrom ? ` (inherited from ${setting.inheritedFrom})` : "";
        const base = { subject, mfa: null, evidence: setting.evidence };
        if (setting.enforcement === "unknown" || setting.enrollment === "unknown") {
          return {
            ...base,
            status: "unknown" as const,
            message: `2SV policy of ${setting.scope.name} not known: ${setting.reason}`,
          };
        }
        if (setting.enforcement === "enforced") {
          return { ...base, status: "pass" as const, message: `${setting.reason}${inherited}` };
        }
        const message =
          setting.enrollment === "allowed"
            ? `users in ${setting.scope.name} may enroll in 2SV but are not required to${inherited}`
            : `users in ${setting.scope.name} cannot even enroll in 2SV${inherited}`;
        return { ...base, status: "fail" as const, message };
      });
  },
});

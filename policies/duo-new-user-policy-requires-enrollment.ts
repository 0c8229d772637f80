import { definePolicy } from "../src/evaluate/policy.js";
import { duoApplication } from "../src/model/facts/duo.js";
import { type SettingJudgement, settingVerdicts } from "./helpers.js";

/** Applications no user signs in to (Duo's API integrations): their new-user policy means nothing. */
const apiTypes = new Set(["adminapi", "accountsapi"]);

export default definePolicy({
  meta: {
    id: "duo-new-user-policy-requires-enrollment",
    title: "Duo applications do not let unenrolled users in without 2FA",
    severity: "high",
    sources: ["duo"],
    subject: "setting",
    rationale:
      'A Duo application whose new-user policy is "allow" lets every user who has not enrolled a device (and every directory account Duo does not know) sign in with the primary credential alone: the VPN or RD gateway it protects is password-only for exactly the accounts nobody watches.',
    evidence:
      "Duo Admin API GET /admin/v1/integrations: each application's `enroll_policy` (enroll, allow, deny).",
    remediation:
      'Duo Admin Panel > Applications > the application (or the policy applied to it) > New User policy: choose "Require enrollment" or "Deny access", and enrol users in advance (directory sync) so nobody enrols at first sign-in.',
    references: [
      { title: "Duo Admin API: Integrations", url: "https://duo.com/docs/adminapi#integrations" },
      { title: "Duo policy: New User policy", url: "https://duo.com/docs/policy#new-user-policy" },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    return settingVerdicts(inventory, {
      kind: duoApplication,
      name: (app) => `Duo application '${app.name}'`,
      id: (app) => app.integrationKey,
      judge: (app, name): SettingJudgement | undefined => {
        if (app.type && apiTypes.has(app.type)) return undefined;
        const policy = app.enrollPolicy;
        if (policy === "allow")
          return {
            status: "fail",
            message: `${name} has new-user policy allow: users who have not enrolled sign in with the primary credential alone`,
          };
        if (policy === "deny")
          return {
            status: "pass",
            message: `${name} has new-user policy deny: unenrolled users are refused`,
          };
        if (policy === "enroll")
          return {
            status: "pass",
            message: `${name} has new-user policy enroll: unenrolled users must enrol a device before they get in`,
          };
        return {
          status: "unknown",
          message: policy
            ? `${name} has new-user policy '${policy}', which is not one Duo documents (enroll, allow, deny)`
            : `${name}: the API gave no enroll_policy; a new-user policy set in Duo's Policies (Admin API v2) is not read, so it is not known`,
        };
      },
    });
  },
});

import { accountSubject, definePolicy } from "../src/evaluate/policy.js";

export default definePolicy({
  meta: {
    id: "google-admin-2sv-enrolled",
    title: "Every Google Workspace administrator is enrolled in 2-Step Verification",
    severity: "critical",
    sources: ["google-workspace"],
    subject: "account",
    rationale:
      "A super or delegated administrator without 2SV can be taken over with one phished password and then controls every account and setting of the customer. Admins are the first target in MSP supply-chain attacks (AA22-131A).",
    evidence:
      "Directory API users.list: isAdmin, isDelegatedAdmin, isEnrolledIn2Sv; roleAssignments.list and roles.list for the role names.",
    remediation:
      "Have the administrator enroll a security key or passkey now (Account > Security > 2-Step Verification), then enforce 2SV for the OU that holds admin accounts. Until they enroll, remove the admin role.",
    references: [
      {
        title: "Security best practices for administrator accounts (Google Workspace Admin Help)",
        url: "https://support.google.com/a/answer/9011373",
      },
      {
        title: "CISA SCuBA Google Workspace baseline GWS.COMMONCONTROLS.1.1",
        url: "https://github.com/cisagov/ScubaGoggles/blob/main/scubagoggles/baselines/commoncontrols.md",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, signInPaths }) {
    return inventory.accounts
      .filter(
        (a) =>
          a.source === "google-workspace" &&
          a.status !== "suspended" &&
          a.status !== "archived" &&
          a.admin.isAdmin !== false,
      )
      .map((account) => {
        const subject = accountSubject(account);
        const path = signInPaths.of(account);
        const mfa = path ? { state: path.mfa.state, strength: path.mfa.strength } : null;
        const evidence = [
          ...account.enrollment.evidence,
          ...account.evidence.filter((e) => e.field === "isAdmin" || e.field === "isDelegatedAdmin"),
        ];
        const roles = account.admin.roles.length ? ` (${account.admin.roles.join(", ")})` : "";
        if (account.admin.isAdmin === "unknown" || account.enrollment.enrolled === "unknown") {
          return {
            subject,
            status: "unknown",
            message: `could not tell whether ${account.name} is an enrolled administrator`,
            mfa,
            evidence,
          };
        }
        return account.enrollment.enrolled
          ? { subject, status: "pass", message: `administrator${roles} is enrolled in 2SV`, mfa, evidence }
          : {
              subject,
              status: "fail",
              message: `administrator ${account.name}${roles} is not enrolled in 2-Step Verification`,
              mfa,
              evidence,
            };
      });
  },
});

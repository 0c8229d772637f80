import { accountSubject, definePolicy } from "../src/evaluate/policy.js";
import { entraAccessFor, isPrivilegedRoleLabel } from "../src/link/entra/index.js";

/** The Entra Connect sync account holds this role; it is a service, not an administrator. */
const syncOnly = (roles: string[]) =>
  roles.length > 0 && roles.every((r) => r.startsWith("Directory Synchronization Accounts"));

export default definePolicy({
  meta: {
    id: "entra-admin-phishing-resistant-mfa-enforced",
    title:
      "Every Entra ID administrator, active or PIM-eligible, must be required to use phishing-resistant MFA",
    severity: "critical",
    sources: ["entra"],
    subject: "account",
    rationale:
      "Administrators are the first target of MSP supply-chain attacks, and push, one-time codes and SMS can all be phished or fatigued. ScubaGear MS.AAD.3.6 requires phishing-resistant MFA for highly privileged roles; an eligible (PIM) administrator is one activation away from the same rights, so eligible assignments count too.",
    evidence:
      "Active role assignments and PIM-eligible role instances (directly or through role-assignable groups); the Conditional Access policies that cover each administrator and the authentication strength they demand (the weakest factor any sign-in may use).",
    remediation:
      "Create an enabled Conditional Access policy for the administrator roles (or all users) and All cloud apps whose grant is the built-in 'Phishing-resistant MFA' authentication strength; make sure every administrator has a FIDO2 key, passkey or Windows Hello for Business registered first.",
    references: [
      {
        title: "CISA SCuBA Entra ID baseline MS.AAD.3.6 (phishing-resistant MFA for privileged roles)",
        url: "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md",
      },
      { title: "Maester MT.1006: MFA for administrators", url: "https://maester.dev/docs/tests/MT.1006" },
      {
        title: "Require phishing-resistant MFA for administrators (Microsoft Learn)",
        url: "https://learn.microsoft.com/entra/identity/conditional-access/policy-admin-phish-resistant-mfa",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    return inventory.accounts
      .filter(
        (a) =>
          a.source === "entra" &&
          a.status !== "disabled" &&
          a.admin.isAdmin !== false &&
          !syncOnly(a.admin.roles),
      )
      .map((account) => {
        const subject = accountSubject(account);
        const roles = account.admin.roles.join(", ");
        const privileged = account.admin.roles.some(isPrivilegedRoleLabel);
        const severity =
          privileged || account.admin.isAdmin === "unknown" ? ("critical" as const) : ("high" as const);
        const roleEvidence = account.evidence;
        if (account.admin.isAdmin === "unknown") {
          return {
            subject,
            status: "unknown",
            severity,
            message: `could not tell whether ${account.name} is an administrator: directory role assignments were not read`,
            mfa: null,
            evidence: roleEvidence,
          };
        }
        const result = entraAccessFor(inventory, { connection: account.connection, userId: account.id });
        if (!result) {
          return {
            subject,
            status: "unknown",
            severity,
            message: "no Entra facts for this account",
            mfa: null,
            evidence: roleEvidence,
          };
        }
        const { verdict, requiredStrength } = result;
        const mfa = { state: verdict.state, strength: verdict.strength };
        const evidence = verdict.evidence.length ? verdict.evidence : roleEvidence;
        const details = {
          roles: account.admin.roles,
          requiredStrength,
          enforcedBy: result.enforcedBy.map((e) => e.policy?.displayName ?? e.kind),
        };
        if (verdict.state === "unknown")
          return {
            subject,
            status: "unknown",
            severity,
            message: `${account.name} (${roles}): ${verdict.reason}`,
            mfa,
            evidence,
            details,
          };
        if (verdict.state === "enforced" && requiredStrength === "phishing-resistant")
          return {
            subject,
            status: "pass",
            severity,
            message: `administrator (${roles}) must use phishing-resistant MFA: ${verdict.reason}`,
            mfa,
            evidence,
            details,
          };
        const why =
          verdict.state === "enforced"
            ? `MFA is required, but the weakest accepted factor is ${requiredStrength ?? "unknown"} (${verdict.reason})`
            : `MFA is not enforced (${verdict.state}): ${verdict.reason}`;
        return {
          subject,
          status: "fail",
          severity,
          message: `administrator ${account.name} (${roles}): ${why}`,
          mfa,
          evidence,
          details,
        };
      });
  },
});

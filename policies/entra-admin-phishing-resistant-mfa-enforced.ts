import { z } from "zod";
import { accountSubject, definePolicy } from "../src/evaluate/policy.js";
import { isPrivilegedRoleLabel } from "../src/model/facts/entra.js";
import { FactorStrength, strengthRank } from "../src/model/index.js";

const Options = z.strictObject({
  /**
   * The weakest factor an administrator's sign-in may accept *and* the administrator holds: `app` under
   * the standard profile (SMS, voice and email fail), `phishing-resistant` under strict and msp-self.
   */
  required: FactorStrength,
});
type Options = z.infer<typeof Options>;

/** The Entra Connect sync account holds this role; it is a service, not an administrator. */
const syncOnly = (roles: string[]) =>
  roles.length > 0 && roles.every((r) => r.startsWith("Directory Synchronization Accounts"));

export default definePolicy<Options>({
  meta: {
    id: "entra-admin-phishing-resistant-mfa-enforced",
    title:
      "Every Entra ID administrator, active or PIM-eligible, must be required to use MFA they hold at the profile's strength: phishing-resistant under strict and msp-self, at least an authenticator app under standard",
    severity: "critical",
    sources: ["entra"],
    subject: "account",
    rationale:
      "Administrators are the first target of MSP supply-chain attacks. SMS, voice and email codes are phished and SIM-swapped, so no profile accepts them for an administrator; push and one-time codes fall to MFA fatigue and adversary-in-the-middle kits, so the strict and msp-self profiles demand phishing-resistant MFA (ScubaGear MS.AAD.3.6). An eligible (PIM) administrator is one activation away from the same rights, so eligible assignments count too. An administrator is judged by what they hold: a requirement they have no registered method for means they cannot sign in, or register one on the spot.",
    evidence:
      "Active role assignments and PIM-eligible role instances (directly or through role-assignable groups); the Conditional Access policies that cover each administrator, the authentication-strength combinations they accept, and the administrator's registered methods: the weakest combination that is both accepted and registered (mfa.strength).",
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
  options: Options,
  defaultOptions: { required: "phishing-resistant" },
  evaluate({ inventory, entraAccess, options }) {
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
        const result = entraAccess.signIn(account.connection, account.id);
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
        const required = options.required;
        const enough = (x: FactorStrength | null) => x !== null && strengthRank[x] >= strengthRank[required];
        // Phishing resistance must be demanded by policy (ScubaGear MS.AAD.3.6), not only happen to be
        // all the administrator holds today: a weaker method could be added tomorrow.
        const demanded = required !== "phishing-resistant" || requiredStrength === "phishing-resistant";
        if (
          verdict.state === "enforced" &&
          ((enough(verdict.strength) && demanded) || result.access === "blocked")
        )
          return {
            subject,
            status: "pass",
            severity,
            message:
              result.access === "blocked"
                ? `administrator (${roles}): ${verdict.reason}`
                : `administrator (${roles}) must use ${verdict.strength} MFA${result.registration.status === "unknown" ? " (what the policies accept; registration not read)" : ""}: ${verdict.reason}`,
            mfa,
            evidence,
            details,
          };
        // `null` strength never passes: nothing registered completes what the policies accept.
        const why =
          verdict.state !== "enforced"
            ? `MFA is not enforced (${verdict.state}): ${verdict.reason}`
            : verdict.strength !== null && !demanded
              ? `MFA is required, but the policies accept ${requiredStrength ?? "unknown"} factors (weakest accepted factor is ${requiredStrength ?? "unknown"}); this profile requires phishing-resistant MFA to be demanded (${verdict.reason})`
              : verdict.strength === null
                ? `no registered method completes what the policies accept, so ${result.access === "registrable" ? "the administrator will register one on the spot at the next sign-in" : "the administrator cannot sign in until one is set up (it cannot be registered during sign-in)"} (${verdict.reason})`
                : `MFA is required, but the weakest accepted factor the administrator holds is ${verdict.strength}; this profile requires ${required} (${verdict.reason})`;
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

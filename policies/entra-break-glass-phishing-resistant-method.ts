import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { entraFactKinds, entraKinds } from "../src/model/facts/entra.js";
import { unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "entra-break-glass-phishing-resistant-method",
    title: "Every Entra ID break-glass account must have a phishing-resistant method registered",
    severity: "critical",
    sources: ["entra"],
    subject: "account",
    rationale:
      "Break-glass (emergency access) accounts are kept out of Conditional Access so that they work when everything else fails; that makes their own credential the only protection of a Global Administrator. Microsoft now requires MFA for them too, and recommends FIDO2 keys or certificates kept offline. An exception records the exclusion; this check makes sure the account itself is still strong.",
    evidence:
      "Accounts declared as break-glass in the connection, or excluded by name from every enabled all-users MFA policy; their registered methods (userRegistrationDetails methodsRegistered, or per-user methods).",
    remediation:
      "Register two FIDO2 security keys (or certificate-based authentication) for each emergency access account, store them apart and offline, remove phone and app methods, and monitor every sign-in of the account.",
    references: [
      {
        title: "Manage emergency access accounts in Microsoft Entra ID (Microsoft Learn)",
        url: "https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access",
      },
      {
        title: "Maester: emergency access accounts configuration",
        url: "https://maester.dev/docs/configuration/emergency-access-accounts",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, entraAccess }) {
    const connections = new Set(
      inventory.accounts.filter((a) => a.source === "entra").map((a) => a.connection),
    );
    const recognised = new Map([...connections].map((c) => [c, entraAccess.breakGlass(c)]));
    const verdicts: Verdict[] = inventory.accounts
      .filter((a) => a.source === "entra" && a.status === "active" && recognised.get(a.connection)?.has(a.id))
      .map((account) => {
        const subject = accountSubject(account);
        const why = recognised.get(account.connection)?.get(account.id) ?? "";
        const evidence = [
          ...account.enrollment.evidence,
          {
            source: account.source,
            connection: account.connection,
            objectId: account.id,
            note: `break-glass: ${why}`,
          },
        ];
        const methods = account.enrollment.methods;
        if (account.enrollment.enrolled === "unknown")
          return {
            subject,
            status: "unknown",
            message: `break-glass account ${account.name} (${why}): registered methods not known`,
            mfa: null,
            evidence,
          };
        const strong = methods.filter((m) => m.strength === "phishing-resistant").map((m) => m.method);
        if (strong.length)
          return {
            subject,
            status: "pass",
            message: `break-glass account has ${strong.join(", ")} registered (${why})`,
            mfa: null,
            evidence,
          };
        return {
          subject,
          status: "fail",
          message: `break-glass account ${account.name} has no phishing-resistant method (${methods.map((m) => m.method).join(", ") || "none"} registered); it is ${why}`,
          mfa: null,
          evidence,
        };
      });
    // Without the tenant fact the declared break-glass accounts are not known: unknown, not silence.
    return [...verdicts, ...unreportedVerdicts(inventory, entraKinds[entraFactKinds.tenant])];
  },
});

import { accountSubject, definePolicy } from "../src/evaluate/policy.js";
import { nothingEnrolled } from "../src/model/index.js";

export default definePolicy({
  meta: {
    id: "entra-mfa-method-registered",
    title: "Every enabled Entra ID account must have a multi-factor method registered",
    severity: "high",
    sources: ["entra"],
    subject: "account",
    rationale:
      "Where MFA is required but nothing is registered, Entra asks the user to register at the next sign-in: whoever has the password first (a phisher, a password sprayer) registers their own phone and owns the account's second factor. Registration reports are how Microsoft recommends checking this at scale.",
    evidence:
      "userRegistrationDetails (isMfaRegistered, methodsRegistered), or per-user authentication methods where the tenant has no Entra ID P1 and the fallback is on; the user's evaluated MFA state.",
    remediation:
      "Have the user register a method now (ideally a passkey or the Authenticator app), or issue a Temporary Access Pass for supervised registration; protect 'Register security information' with a Conditional Access policy (trusted location or MFA) so a stolen password cannot register first.",
    references: [
      {
        title: "userRegistrationDetails (Microsoft Graph)",
        url: "https://learn.microsoft.com/graph/api/authenticationmethodsroot-list-userregistrationdetails",
      },
      {
        title: "Maester MT.1011: secure security info registration",
        url: "https://maester.dev/docs/tests/MT.1011",
      },
      {
        title: "Secure security info registration with Conditional Access (Microsoft Learn)",
        url: "https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-registration",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, signInPaths, entraAccess }) {
    return inventory.accounts
      .filter((a) => a.source === "entra" && a.status === "active")
      .map((account) => {
        const subject = accountSubject(account);
        const path = signInPaths.of(account);
        const mfa = path ? { state: path.mfa.state, strength: path.mfa.strength } : null;
        const evidence = account.enrollment.evidence.length ? account.enrollment.evidence : account.evidence;
        const methods = account.enrollment.methods.map((m) => m.method);
        if (account.enrollment.enrolled === "unknown") {
          const note = evidence.find((e) => e.note)?.note ?? "registration details were not read";
          return {
            subject,
            status: "unknown",
            message: `registration of ${account.name} not known: ${note}`,
            mfa,
            evidence,
          };
        }
        if (account.enrollment.enrolled)
          return {
            subject,
            status: "pass",
            message: `registered: ${methods.join(", ") || "a multi-factor method"}`,
            mfa,
            evidence,
          };
        // MFA is demanded (bypassable until someone registers, or enforced where nothing can be registered
        // at sign-in): the first sign-in decides who owns the second factor, or nobody can sign in.
        const demanded = entraAccess.signIn(account.connection, account.id);
        if (path && demanded.enforcedBy.length)
          return {
            subject,
            status: "fail",
            message: `${account.name}: ${path.mfa.state === "bypassable" ? nothingEnrolled("register") : `MFA is required but nothing is registered (${path.mfa.reason})`}`,
            mfa,
            evidence,
          };
        return {
          subject,
          status: "fail",
          severity: "medium",
          message: `${account.name}: no multi-factor method registered${methods.length ? ` (only ${methods.join(", ")}, which cannot complete MFA)` : ""}`,
          mfa,
          evidence,
        };
      });
  },
});

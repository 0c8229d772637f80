import { accountSubject, definePolicy } from "../src/evaluate/policy.js";

export default definePolicy({
  meta: {
    id: "entra-legacy-authentication-blocked",
    title: "Legacy authentication must be blocked for every enabled Entra ID account",
    severity: "high",
    sources: ["entra"],
    subject: "account",
    rationale:
      "Exchange ActiveSync and the other basic-authentication protocols cannot do MFA: where they are not blocked, a password alone signs in whatever Conditional Access requires of browsers. Password-spray campaigns target exactly these endpoints.",
    evidence:
      "Security defaults (which block legacy authentication); enabled Conditional Access block policies whose client app types cover exchangeActiveSync and other; and enabled policies whose grant controls legacy clients cannot satisfy (MFA, authentication strength, compliant or joined device) applied to all client apps, which Microsoft documents as blocking legacy authentication indirectly. Each for all apps and without narrowing conditions, resolved per user including exclusions.",
    remediation:
      "Create an enabled Conditional Access policy for All users and All cloud apps, client apps 'Exchange ActiveSync clients' and 'Other clients', grant 'Block access'; exclude only recorded break-glass accounts. Without Entra ID P1, turn on security defaults.",
    references: [
      {
        title: "Block legacy authentication with Conditional Access (Microsoft Learn)",
        url: "https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-block-legacy",
      },
      {
        title: "Maester: Test-MtCaBlockLegacyOtherAuthentication",
        url: "https://maester.dev/docs/commands/Test-MtCaBlockLegacyOtherAuthentication",
      },
      {
        title: "CISA SCuBA Entra ID baseline MS.AAD.1.1 (block legacy authentication)",
        url: "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, entraAccess }) {
    return inventory.accounts
      .filter((a) => a.source === "entra" && a.status === "active")
      .map((account) => {
        const subject = accountSubject(account);
        const result = entraAccess.legacy(account.connection, account.id);
        const evidence = result.evidence.length ? result.evidence : account.evidence;
        const status = result.blocked === true ? "pass" : result.blocked === false ? "fail" : "unknown";
        return {
          subject,
          status,
          message: status === "fail" ? `${account.name}: ${result.reason}` : result.reason,
          mfa: null,
          evidence,
        };
      });
  },
});

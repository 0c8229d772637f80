import { definePolicy } from "../src/evaluate/policy.js";
import { entraFactKinds, entraKinds } from "../src/model/facts/entra.js";
import type { Severity, TenantScope } from "../src/model/index.js";
import { unreportedVerdicts } from "./helpers.js";

const severities: Record<TenantScope, Severity> = {
  "all-users": "high",
  admins: "high",
  guests: "medium",
  "azure-management": "high",
  "security-info-registration": "medium",
};

export default definePolicy({
  meta: {
    id: "entra-tenant-mfa-policies-cover-all-scopes",
    title:
      "Entra ID policies must require MFA for all users, admins, guests, Azure management and security-info registration",
    severity: "high",
    sources: ["entra"],
    subject: "setting",
    rationale:
      "The per-user results say who is exposed today; these tenant-level checks say whether the policy set would protect the next user, admin or guest created tomorrow, and match how Maester (MT.1007, MT.1006, MT.1016, MT.1008, MT.1011) and ScubaGear (MS.AAD.3.2, MS.AAD.3.6) report a tenant.",
    evidence:
      "Enabled Conditional Access policies that require MFA (or an MFA authentication strength) with no narrowing conditions and no OR alternative: users All, admin roles, guest types, the Windows Azure Service Management API app, the 'Register security information' user action; or security defaults.",
    remediation:
      "Add the missing Conditional Access policies from Microsoft's templates: 'Require multifactor authentication for all users', '... for admins', '... for guest access', '... for Azure management', and 'Securing security info registration'; enable them after a report-only trial.",
    references: [
      { title: "Maester MT.1007: MFA for all users", url: "https://maester.dev/docs/tests/MT.1007" },
      { title: "Maester MT.1006: MFA for administrators", url: "https://maester.dev/docs/tests/MT.1006" },
      { title: "Maester MT.1016: MFA for guests", url: "https://maester.dev/docs/tests/MT.1016" },
      { title: "Maester MT.1008: MFA for Azure management", url: "https://maester.dev/docs/tests/MT.1008" },
      {
        title: "Maester MT.1011: secure security info registration",
        url: "https://maester.dev/docs/tests/MT.1011",
      },
      {
        title: "CISA SCuBA Entra ID baseline MS.AAD.3 (strong authentication)",
        url: "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, entraAccess }) {
    const scopes = entraAccess.connections.flatMap((connection) =>
      entraAccess.tenantCoverage(connection).map((scope) => ({
        subject: {
          kind: "setting" as const,
          id: scope.scope,
          name: scope.title,
          source: "entra",
          connection,
        },
        status: scope.status,
        severity: scope.severity ?? severities[scope.scope],
        message: `${scope.title}: ${scope.reason}`,
        mfa: null,
        evidence: scope.evidence,
        details: { policies: scope.policies.map((p) => p.displayName) },
      })),
    );
    // A connection read without its tenant fact is not judged by saying nothing about it.
    return [...scopes, ...unreportedVerdicts(inventory, entraKinds[entraFactKinds.tenant])];
  },
});

import {
  assignment,
  caPolicy,
  type EntraTenantSeed,
  ipLocation,
  roles,
  seedTenant,
  seedUser,
} from "../../providers/entra/emulator.js";

/**
 * A tenant for the What If cross-check (issue #18 item 12). One disagreement is seeded, from documented
 * semantics the evaluator deliberately does not rely on: `u.admin` holds User Administrator scoped to an
 * administrative unit, and the all-users MFA policy excludes that role. Conditional Access does not support
 * roles scoped to an administrative unit (Entra docs, concept-conditional-access-users-groups.md), so
 * Microsoft applies the policy; mfasweep counts any scope as an exclusion (fail closed: it never claims an
 * enforcement it cannot prove), so it says nothing requires MFA of that user.
 */
export function verifyTenant(token: string, domain = "verify.example"): EntraTenantSeed {
  const admin = seedUser(`admin@${domain}`);
  const unitAdmin = seedUser(`u.admin@${domain}`);
  const breakGlass = seedUser(`breakglass@${domain}`, { methodsRegistered: ["fido2"] });
  const staff = ["ann", "ben", "cat", "dan"].map((n) => seedUser(`${n}@${domain}`));
  const office = ipLocation("Office", ["198.51.100.0/24"], true);
  return seedTenant(domain, token, {
    users: [admin, unitAdmin, breakGlass, ...staff],
    namedLocations: [office],
    policies: [
      caPolicy("VT01 MFA for all users", {
        users: { includeUsers: ["All"], excludeUsers: [breakGlass.id], excludeRoles: [roles.userAdmin] },
      }),
      caPolicy("VT02 MFA for admins", {
        users: { includeRoles: [roles.globalAdmin], excludeUsers: [breakGlass.id] },
      }),
      caPolicy("VT03 Phishing-resistant pilot (report-only)", {
        state: "enabledForReportingButNotEnforced",
        users: { includeUsers: ["All"] },
        grant: { builtInControls: ["block"] },
      }),
    ],
    roleAssignments: [
      assignment(admin.id, roles.globalAdmin),
      assignment(breakGlass.id, roles.globalAdmin),
      assignment(unitAdmin.id, roles.userAdmin, "/administrativeUnits/00000000-0000-0000-0000-0000000000a1"),
    ],
  });
}

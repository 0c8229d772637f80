import { describe, expect, it } from "vitest";
import {
  assignment,
  builtInStrengths,
  caPolicy,
  type EntraTenantSeed,
  ipLocation,
  roles,
  seedTenant,
  seedUser,
  strengthRef,
} from "../../../providers/entra/emulator.js";
import { whatIfRoute } from "../../../providers/entra/what-if-emulator.js";
import type { EmulatorResponse } from "../../../src/emulator/server.js";

/**
 * The emulator's What If against the documents it follows: microsoft-graph-docs v1.0
 * api/conditionalaccessroot-evaluate.md (body, permissions, examples), resources/whatifanalysisresult.md,
 * Entra what-if-tool.md (app ids not groups; example 4: a policy on Office 365 applies to
 * 00000003-0000-0ff1-ce00-000000000000; conditions not supplied cannot be evaluated) and
 * concept-conditional-access-users-groups.md (roles: actively assigned, not scoped to an administrative unit).
 */

const sharePoint = "00000003-0000-0ff1-ce00-000000000000";
const user = seedUser("pat@wi.example");
const office = ipLocation("Office", ["198.51.100.0/24"], true);

function tenant(
  policies: Array<Record<string, unknown>>,
  build: Partial<EntraTenantSeed> = {},
): EntraTenantSeed {
  return seedTenant("wi.example", "t", { users: [user], namedLocations: [office], policies, ...build });
}

function ask(
  t: EntraTenantSeed,
  fields: { app?: string; ip?: string | null; appliedPoliciesOnly?: boolean; permissions?: string[] } = {},
) {
  const body = {
    signInIdentity: { "@odata.type": "#microsoft.graph.userSignIn", userId: user.id },
    signInContext: {
      "@odata.type": "#microsoft.graph.applicationContext",
      includeApplications: [fields.app ?? sharePoint],
    },
    signInConditions: {
      clientAppType: "browser",
      devicePlatform: "windows",
      ...(fields.ip === null ? {} : { ipAddress: fields.ip ?? "192.0.2.23", country: "NZ" }),
    },
    appliedPoliciesOnly: fields.appliedPoliciesOnly ?? false,
  };
  const response = whatIfRoute(
    {
      method: "POST",
      path: "/v1.0/identity/conditionalAccess/evaluate",
      query: new URLSearchParams(),
      headers: {},
      body: JSON.stringify(body),
      baseUrl: "https://127.0.0.1:1",
    },
    t,
    new Set(fields.permissions ?? ["Policy.Read.All"]),
    {
      error: (status, code, message) => ({ status, body: { error: { code, message } } }),
      notPremium: () => ({
        status: 403,
        body: { error: { code: "Authentication_RequestFromNonPremiumTenantOrB2CTenant" } },
      }),
      throttled: () => undefined,
      strengths: builtInStrengths,
    },
  );
  return response;
}

const values = (r: EmulatorResponse) =>
  (
    r.body as { value: Array<{ displayName: string; policyApplies: boolean; analysisReasons: string }> }
  ).value.map((v) => [v.displayName, v.policyApplies, v.analysisReasons]);

describe("emulated What If", () => {
  it("returns report-only policies that match with policyApplies true (evaluate.md examples); disabled ones are policyNotEnabled", () => {
    const r = ask(
      tenant([
        caPolicy("on", { users: { includeUsers: ["All"] } }),
        caPolicy("pilot", { state: "enabledForReportingButNotEnforced", users: { includeUsers: ["All"] } }),
        caPolicy("off", { state: "disabled", users: { includeUsers: ["All"] } }),
      ]),
    );
    expect(r.status).toBe(200);
    expect(values(r)).toEqual([
      ["on", true, "notSet"],
      ["pilot", true, "notSet"],
      ["off", false, "policyNotEnabled"],
    ]);
    expect(
      values(
        ask(tenant([caPolicy("off", { state: "disabled", users: { includeUsers: ["All"] } })]), {
          appliedPoliciesOnly: true,
        }),
      ),
    ).toEqual([]);
  });

  it("a policy on the Office 365 group applies to SharePoint's id (what-if-tool.md example 4), not to another app", () => {
    const t = tenant([
      caPolicy("o365", {
        users: { includeUsers: ["All"] },
        applications: { includeApplications: ["Office365"] },
      }),
    ]);
    expect(values(ask(t))).toEqual([["o365", true, "notSet"]]);
    expect(values(ask(t, { app: "c632b3df-fb67-4d84-bdcf-b95ad541b5c8" }))).toEqual([
      ["o365", false, "application"],
    ]);
  });

  it("a location condition the request gives no location for cannot be evaluated; an unlisted one matches All minus trusted", () => {
    const t = tenant([
      caPolicy("off-site", {
        users: { includeUsers: ["All"] },
        conditions: { locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] } },
      }),
    ]);
    expect(values(ask(t, { ip: null }))).toEqual([["off-site", false, "location"]]);
    expect(values(ask(t))).toEqual([["off-site", true, "notSet"]]);
    expect(values(ask(t, { ip: "198.51.100.9" }))).toEqual([["off-site", false, "location"]]);
  });

  it("roles count only when actively assigned tenant-wide: not scoped to an administrative unit, not PIM-eligible", () => {
    const policy = caPolicy("admins", { users: { includeRoles: [roles.userAdmin] } });
    const scoped = assignment(user.id, roles.userAdmin, "/administrativeUnits/au1");
    expect(values(ask(tenant([policy], { roleAssignments: [scoped] })))).toEqual([
      ["admins", false, "users"],
    ]);
    expect(
      values(ask(tenant([policy], { roleEligibilities: [assignment(user.id, roles.userAdmin)] }))),
    ).toEqual([["admins", false, "users"]]);
    expect(
      values(ask(tenant([policy], { roleAssignments: [assignment(user.id, roles.userAdmin)] }))),
    ).toEqual([["admins", true, "notSet"]]);
    // The same holds for exclusion: an AU-scoped role does not take the user out of a policy.
    const all = caPolicy("all", { users: { includeUsers: ["All"], excludeRoles: [roles.userAdmin] } });
    expect(values(ask(tenant([all], { roleAssignments: [scoped] })))).toEqual([["all", true, "notSet"]]);
  });

  it("inlines the authentication strength in grantControls as the examples show", () => {
    const r = ask(
      tenant([
        caPolicy("pr", {
          users: { includeUsers: ["All"] },
          grant: {
            operator: "OR",
            builtInControls: [],
            authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
          },
        }),
      ]),
    );
    const grant = (
      r.body as {
        value: Array<{ grantControls: { authenticationStrength: { allowedCombinations: string[] } } }>;
      }
    ).value[0]?.grantControls;
    expect(grant?.authenticationStrength.allowedCombinations).toEqual([
      "windowsHelloForBusiness",
      "fido2",
      "x509CertificateMultiFactor",
    ]);
  });

  it("needs one of the documented permissions: Policy.Read.ConditionalAccess is enough, User.Read.All is not", () => {
    const t = tenant([caPolicy("on", { users: { includeUsers: ["All"] } })]);
    expect(ask(t, { permissions: ["Policy.Read.ConditionalAccess"] }).status).toBe(200);
    expect(ask(t, { permissions: ["User.Read.All"] })).toMatchObject({
      status: 403,
      body: { error: { code: "Authorization_RequestDenied" } },
    });
  });
});

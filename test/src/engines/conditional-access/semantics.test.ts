import { describe, expect, it } from "vitest";
import {
  builtInStrengths,
  caPolicy,
  customStrength,
  ipLocation,
  seedGuest,
  strengthRef,
} from "../../../../providers/entra/emulator.js";
import {
  evaluateEntraSignIn,
  evaluateTenantCoverage,
} from "../../../../src/engines/conditional-access/index.js";
import type { MfaState } from "../../../../src/model/index.js";
import { type EntraScenario, scenario, seedUser } from "../../../helpers/entra.js";

/**
 * Audit table: Conditional Access configurations admins really write, each with the verdict Microsoft's
 * documented semantics give and the page that says so. The user has Authenticator registered, so a policy
 * that does not apply leaves `optional` (a method is registered, nothing requires it).
 */

const ann = seedUser("ann@t.example");
const guest = seedGuest("gail@partner.example", "t.example");

const GRANT = "learn.microsoft.com/graph/api/resources/conditionalaccessgrantcontrols";
const CONDITIONS = "learn.microsoft.com/graph/api/resources/conditionalaccessconditionset";
const APPS = "learn.microsoft.com/graph/api/resources/conditionalaccessapplications";
const POLICY = "learn.microsoft.com/graph/api/resources/conditionalaccesspolicy (state)";
const USERS = "learn.microsoft.com/graph/api/resources/conditionalaccessusers";
const STRENGTH = "learn.microsoft.com/graph/api/resources/authenticationstrengthpolicy";

const all = { includeUsers: ["All"] };
const policy = (name: string, shape: Parameters<typeof caPolicy>[1]) =>
  caPolicy(name, { users: all, ...shape });

type Row = [name: string, doc: string, policies: Array<Record<string, unknown>>, expected: MfaState];

const trusted = ipLocation("HQ", ["198.51.100.0/24"], true);

const rows: Row[] = [
  // state
  ["enabled, all users, all apps, MFA", POLICY, [policy("MFA", {})], "enforced"],
  ["report-only", POLICY, [policy("MFA", { state: "enabledForReportingButNotEnforced" })], "optional"],
  ["disabled", POLICY, [policy("MFA", { state: "disabled" })], "optional"],
  // grant operator: OR makes any one control enough
  ...(["compliantDevice", "domainJoinedDevice", "approvedApplication", "compliantApplication"].map(
    (c): Row => [
      `MFA OR ${c}`,
      GRANT,
      [policy("OR", { grant: { operator: "OR", builtInControls: ["mfa", c] } })],
      "bypassable",
    ],
  ) as Row[]),
  [
    "MFA AND compliantDevice",
    GRANT,
    [policy("AND", { grant: { operator: "AND", builtInControls: ["mfa", "compliantDevice"] } })],
    "enforced",
  ],
  [
    "MFA OR terms of use (accepting the terms satisfies the grant)",
    GRANT,
    [policy("ToU", { grant: { operator: "OR", builtInControls: ["mfa"], termsOfUse: ["tou-1"] } })],
    "bypassable",
  ],
  [
    "MFA AND terms of use",
    GRANT,
    [policy("ToU", { grant: { operator: "AND", builtInControls: ["mfa"], termsOfUse: ["tou-1"] } })],
    "enforced",
  ],
  [
    "terms of use alone",
    GRANT,
    [policy("ToU", { grant: { operator: "OR", builtInControls: [], termsOfUse: ["tou-1"] } })],
    "optional",
  ],
  // applications
  [
    "Office365 app group only",
    APPS,
    [policy("O365", { applications: { includeApplications: ["Office365"] } })],
    "bypassable",
  ],
  [
    "all apps, one excluded",
    APPS,
    [
      policy("Most apps", {
        applications: { excludeApplications: ["00000003-0000-0ff1-ce00-000000000000"] },
      }),
    ],
    "bypassable",
  ],
  [
    "user action 'register security information' only",
    APPS,
    [
      policy("Register", {
        applications: { includeApplications: [], includeUserActions: ["urn:user:registersecurityinfo"] },
      }),
    ],
    "optional",
  ],
  [
    "authentication context only",
    APPS,
    [
      policy("Context", {
        applications: { includeApplications: [], includeAuthenticationContextClassReferences: ["c1"] },
      }),
    ],
    "optional",
  ],
  // client app types: exchangeActiveSync and other are legacy, not interactive sign-in
  [
    "legacy client types only",
    CONDITIONS,
    [policy("Legacy", { conditions: { clientAppTypes: ["exchangeActiveSync", "other"] } })],
    "optional",
  ],
  [
    "browser only",
    CONDITIONS,
    [policy("Browser", { conditions: { clientAppTypes: ["browser"] } })],
    "bypassable",
  ],
  // locations
  [
    "excludes all trusted locations",
    CONDITIONS,
    [
      policy("Off-site", {
        conditions: { locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] } },
      }),
    ],
    "bypassable",
  ],
  [
    "includes only a named location",
    CONDITIONS,
    [
      policy("HQ only", {
        conditions: { locations: { includeLocations: [trusted.id], excludeLocations: [] } },
      }),
    ],
    "bypassable",
  ],
  // risk: MFA only when risky is not MFA on every sign-in
  [
    "user risk high",
    CONDITIONS,
    [policy("Risk", { conditions: { userRiskLevels: ["high"] } })],
    "bypassable",
  ],
  [
    "sign-in risk medium",
    CONDITIONS,
    [policy("Risk", { conditions: { signInRiskLevels: ["medium"] } })],
    "bypassable",
  ],
  [
    "insider risk elevated",
    CONDITIONS,
    [policy("Risk", { conditions: { insiderRiskLevels: "elevated" } })],
    "bypassable",
  ],
  // devices
  [
    "device filter include rule",
    CONDITIONS,
    [
      policy("Filter", {
        conditions: { devices: { deviceFilter: { mode: "include", rule: "device.isCompliant -ne True" } } },
      }),
    ],
    "bypassable",
  ],
  [
    "device filter exclude rule",
    CONDITIONS,
    [
      policy("Filter", {
        conditions: {
          devices: { deviceFilter: { mode: "exclude", rule: 'device.trustType -eq "AzureAD"' } },
        },
      }),
    ],
    "bypassable",
  ],
  [
    "a condition not in v1.0 (beta device states excluding compliant devices): not known to cover",
    CONDITIONS,
    [
      policy("Device state", {
        conditions: { devices: { deviceFilter: null, excludeDeviceStates: ["Compliant", "DomainJoined"] } },
      }),
    ],
    "unknown",
  ],
  [
    "a condition field not in v1.0 that is empty (null) does not narrow",
    CONDITIONS,
    [
      policy("Device state", {
        conditions: { devices: { deviceFilter: null, excludeDeviceStates: null }, times: null },
      }),
    ],
    "enforced",
  ],
  [
    "an unread condition does not matter when another policy covers unconditionally",
    CONDITIONS,
    [policy("Times", { conditions: { times: { included: ["weekdays"] } } }), policy("MFA", {})],
    "enforced",
  ],
  // platforms
  [
    "excluded platform",
    CONDITIONS,
    [
      policy("Not mac", {
        conditions: { platforms: { includePlatforms: ["all"], excludePlatforms: ["macOS"] } },
      }),
    ],
    "bypassable",
  ],
  // session controls neither add nor remove MFA
  [
    "session controls beside MFA",
    GRANT,
    [
      {
        ...policy("Session", {}),
        sessionControls: {
          signInFrequency: { isEnabled: true, value: 12, type: "hours" },
          persistentBrowser: { isEnabled: true, mode: "never" },
        },
      },
    ],
    "enforced",
  ],
  [
    "session controls only",
    GRANT,
    [
      {
        ...policy("Session", { grant: null }),
        sessionControls: { signInFrequency: { isEnabled: true, value: 1, type: "hours" } },
      },
    ],
    "optional",
  ],
];

describe("Conditional Access: documented semantics, admin-realistic configurations", () => {
  const table = rows.map(([name, doc, policies, expected]) => ({ name, doc, policies, expected }));
  it.each(table)("$name → $expected ($doc)", ({ policies, expected }) => {
    const s: EntraScenario = { users: [ann], policies, namedLocations: [trusted] };
    expect(evaluateEntraSignIn(scenario(s), ann.id).verdict.state).toBe(expected);
  });

  it(`an MFA OR terms-of-use policy names the terms as the way around MFA (${GRANT})`, () => {
    const p = policy("ToU", { grant: { operator: "OR", builtInControls: ["mfa"], termsOfUse: ["tou-1"] } });
    const r = evaluateEntraSignIn(scenario({ users: [ann], policies: [p] }), ann.id);
    expect(r.partial[0]?.gaps).toEqual([
      "accepting terms of use tou-1 satisfies the grant instead of MFA (OR)",
    ]);
  });

  it(`an unread condition is named, and the policy does not count as full tenant coverage (${CONDITIONS})`, () => {
    const p = policy("Device state", { conditions: { devices: { excludeDeviceStates: ["Compliant"] } } });
    const s = scenario({ users: [ann], policies: [p] });
    const r = evaluateEntraSignIn(s, ann.id);
    expect(r.unresolved[0]?.why).toContain('conditions.devices.excludeDeviceStates=["Compliant"]');
    const users = evaluateTenantCoverage(s).find((x) => x.scope === "all-users");
    expect(users?.status).toBe("fail");
  });

  it(`guests excluded by type are not covered; members still are (${USERS})`, () => {
    const p = policy("MFA but guests", {
      users: {
        includeUsers: ["All"],
        excludeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: "internalGuest,b2bCollaborationGuest",
          externalTenants: {
            "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
            membershipKind: "all",
          },
        },
      },
    });
    const s = scenario({ users: [ann, guest], policies: [p] });
    expect(evaluateEntraSignIn(s, ann.id).verdict.state).toBe("enforced");
    expect(evaluateEntraSignIn(s, guest.id).verdict.state).not.toBe("enforced");
  });

  it(`an authentication strength accepting a single factor is not MFA; the built-in MFA strength is (${STRENGTH})`, () => {
    const weak = customStrength("Password or SMS sign-in", ["sms", "password,microsoftAuthenticatorPush"]);
    const withWeak = policy("Weak strength", {
      grant: { builtInControls: [], authenticationStrength: strengthRef(weak.id as string, [weak]) },
    });
    const builtIn = policy("MFA strength", {
      grant: {
        builtInControls: [],
        authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000002"),
      },
    });
    const strengths = [...builtInStrengths, weak];
    expect(
      evaluateEntraSignIn(scenario({ users: [ann], policies: [withWeak], strengths }), ann.id).verdict.state,
    ).toBe("optional");
    expect(
      evaluateEntraSignIn(scenario({ users: [ann], policies: [builtIn], strengths }), ann.id).verdict.state,
    ).toBe("enforced");
  });
});

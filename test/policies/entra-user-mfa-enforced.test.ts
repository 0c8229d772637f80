import policy from "../../policies/entra-user-mfa-enforced.js";
import { caPolicy, roles } from "../../providers/entra/emulator.js";
import { entraInventory, role, seedUser, withRenamedFacts } from "../helpers/entra.js";
import { accessPath, account, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ann = seedUser("ann@t.example");
const admin = seedUser("admin@t.example");
const gone = seedUser("gone@t.example", { accountEnabled: false });
const allUsers = (extra: Record<string, unknown> = {}) =>
  caPolicy("Require MFA for all users", { users: { includeUsers: ["All"], ...extra } });

testPolicy(policy, {
  pass: [
    {
      name: "an enabled all-users MFA policy covers the user",
      inventory: entraInventory({ users: [ann], policies: [allUsers()] }),
      subject: "ann@t.example",
      mfa: "enforced",
      message: ["Require MFA for all users"],
    },
    {
      name: "security defaults: an administrator is prompted at every sign-in",
      inventory: entraInventory({
        users: [ann, admin],
        securityDefaults: true,
        active: [role(admin.id, roles.globalAdmin)],
        admins: { [admin.id]: ["Global Administrator"] },
      }),
      subject: "admin@t.example",
      mfa: "enforced",
      message: ["security defaults require MFA of administrators"],
    },
  ],
  fail: [
    {
      name: "security defaults: other users only when Entra deems it necessary (medium, #18 item 6)",
      inventory: entraInventory({ users: [ann, admin], securityDefaults: true }),
      subject: "ann@t.example",
      mfa: "bypassable",
      severity: "medium",
      message: ["only when Entra deems it necessary"],
    },
    {
      name: "excluded by name, a method registered: registered, but no policy requires it (#18 item 7)",
      inventory: entraInventory({ users: [ann], policies: [allUsers({ excludeUsers: [ann.id] })] }),
      subject: "ann@t.example",
      mfa: "optional",
      severity: "high",
      message: [
        "ann@t.example",
        "excluded from 'Require MFA for all users' (directly)",
        "registered, but no policy requires it",
      ],
    },
    {
      name: "only a report-only policy",
      inventory: entraInventory({
        users: [seedUser("n@t.example", { methodsRegistered: [] })],
        policies: [
          caPolicy("Pilot", { state: "enabledForReportingButNotEnforced", users: { includeUsers: ["All"] } }),
        ],
      }),
      mfa: "none",
      message: ["report-only"],
    },
    {
      name: "narrowed to risky sign-ins",
      inventory: entraInventory({
        users: [ann],
        policies: [
          caPolicy("Risky", { users: { includeUsers: ["All"] }, conditions: { signInRiskLevels: ["high"] } }),
        ],
      }),
      mfa: "bypassable",
      message: ["applies only when sign-in risk is high"],
    },
    {
      name: "an excluded administrator is critical",
      inventory: entraInventory({
        users: [admin],
        policies: [allUsers({ excludeUsers: [admin.id] })],
        active: [role(admin.id, roles.globalAdmin)],
        admins: { [admin.id]: ["Global Administrator"] },
      }),
      mfa: "optional",
      severity: "critical",
      message: ["admin: Global Administrator"],
    },
  ],
  unknown: [
    {
      name: "users listed only in part (cut short): the users not listed are one unknown path, judged",
      inventory: (() => {
        const linked = entraInventory({ users: [], policies: [allUsers()] });
        const signIn = linked.entryPoints[0]!;
        return {
          ...linked,
          accessPaths: [
            ...linked.accessPaths,
            accessPath({
              id: `${signIn.id}/unread/users`,
              entryPoint: signIn.id,
              accounts: [],
              state: "unknown",
            }),
          ],
        };
      })(),
      mfa: "unknown",
      message: ["Entra ID sign-in: state unknown"],
    },
    {
      name: "the connection's facts came under other kind names: unknown, naming the missing kinds (#25)",
      inventory: withRenamedFacts(entraInventory({ users: [ann], policies: [allUsers()] })),
      subject: "ann@t.example",
      mfa: "unknown",
      message: ["reported no Conditional Access facts", "entra.users", "entra.conditional-access-policies"],
    },
    {
      name: "Conditional Access could not be read",
      inventory: entraInventory({
        users: [ann],
        override: {
          conditionalAccess: {
            status: "unavailable",
            reason:
              "permission missing: GET identity/conditionalAccess/policies: forbidden (missing: Policy.Read.All)",
            policies: [],
          },
        },
      }),
      mfa: "unknown",
      message: ["Policy.Read.All"],
    },
    {
      name: "enabled state not known, so no sign-in path",
      inventory: entraInventory({
        users: [seedUser("ann@t.example", { accountEnabled: null as unknown as boolean })],
        policies: [allUsers()],
        accountOverrides: { "ann@t.example": { status: "unknown" } },
      }),
      subject: "ann@t.example",
      mfa: null,
      message: ["whether the account is enabled is not known"],
    },
  ],
  silent: [
    { name: "disabled account", inventory: entraInventory({ users: [gone], policies: [allUsers()] }) },
    {
      name: "account of another source",
      inventory: inventory({ accounts: [account({ id: "u1", source: "okta" })] }),
    },
  ],
});

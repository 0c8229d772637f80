import policy from "../../policies/entra-admin-phishing-resistant-mfa-enforced.js";
import {
  builtInStrengths,
  caPolicy,
  customStrength,
  roles,
  strengthRef,
} from "../../providers/entra/emulator.js";
import { profiles } from "../../src/evaluate/profiles.js";
import { entraInventory, role, seedUser, withRenamedFacts } from "../helpers/entra.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ga = seedUser("ga@t.example", { methodsRegistered: ["fido2"] });
const helpdesk = seedUser("helpdesk@t.example", { methodsRegistered: ["mobilePhone", "passKeyDeviceBound"] });
const smsAdmin = seedUser("sms.admin@t.example", { methodsRegistered: ["mobilePhone"] });
const pushAdmin = seedUser("push.admin@t.example", { methodsRegistered: ["microsoftAuthenticatorPush"] });
const standard = profiles.standard.policies["entra-admin-phishing-resistant-mfa-enforced"]?.options;
const appOrKey = customStrength("Authenticator or key", ["password,microsoftAuthenticatorPush", "fido2"]);
const custom = seedUser("custom@t.example");
const sync = seedUser("sync@t.example");
const ann = seedUser("ann@t.example");
const mfaAll = caPolicy("Require MFA for all users", { users: { includeUsers: ["All"] } });
const prAdmins = (state: "enabled" | "enabledForReportingButNotEnforced" = "enabled") =>
  caPolicy("Phishing-resistant MFA for admins", {
    state,
    users: { includeRoles: [roles.globalAdmin, roles.helpdeskAdmin, roles.userAdmin] },
    grant: {
      builtInControls: [],
      authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
    },
  });
const base = {
  users: [ga, helpdesk, custom, sync, ann, smsAdmin, pushAdmin],
  strengths: [...builtInStrengths, appOrKey],
  active: [
    role(ga.id, roles.globalAdmin),
    role(pushAdmin.id, roles.userAdmin),
    role(smsAdmin.id, roles.helpdeskAdmin),
  ],
  eligible: [role(helpdesk.id, roles.helpdeskAdmin)],
  admins: {
    [ga.id]: ["Global Administrator"],
    [helpdesk.id]: ["Helpdesk Administrator (eligible)"],
    [smsAdmin.id]: ["Helpdesk Administrator"],
    [pushAdmin.id]: ["User Administrator"],
    [custom.id]: ["Mailbox Auditor"],
    [sync.id]: ["Directory Synchronization Accounts"],
  },
};

testPolicy(policy, {
  pass: [
    {
      name: "an enabled phishing-resistant strength for the admin roles",
      inventory: entraInventory({ ...base, policies: [mfaAll, prAdmins()] }),
      subject: "ga@t.example",
      mfa: "enforced",
      severity: "critical",
      message: ["phishing-resistant"],
    },
    {
      name: "standard: an administrator whose weakest accepted factor is an app passes",
      inventory: entraInventory({ ...base, policies: [mfaAll] }),
      options: standard,
      subject: "push.admin@t.example",
      mfa: "enforced",
      message: ["must use app MFA"],
    },
  ],
  fail: [
    {
      // Role targeting is for users "actively assigned" the role (learn.microsoft.com/entra/identity/
      // conditional-access/concept-conditional-access-users-groups): until activated, only plain MFA applies.
      name: "a PIM-eligible admin is not covered by the role-targeted phishing-resistant policy until activated",
      inventory: entraInventory({ ...base, policies: [mfaAll, prAdmins()] }),
      subject: "helpdesk@t.example",
      mfa: "enforced",
      severity: "critical",
    },
    {
      name: "#18 item 2: an admin under the phishing-resistant strength with only SMS registered cannot sign in",
      inventory: entraInventory({ ...base, policies: [mfaAll, prAdmins()] }),
      subject: "sms.admin@t.example",
      mfa: "enforced",
      severity: "critical",
      message: ["cannot sign in until one is set up"],
    },
    {
      name: "#18 item 2: an active admin with push only under the phishing-resistant strength cannot sign in either",
      inventory: entraInventory({ ...base, policies: [mfaAll, prAdmins()] }),
      subject: "push.admin@t.example",
      mfa: "enforced",
      message: ["cannot sign in"],
    },
    {
      name: "#18 item 2: a strength whose methods can be registered at sign-in: the admin registers on the spot",
      inventory: entraInventory({
        ...base,
        policies: [
          caPolicy("Admins: app or key", {
            users: { includeRoles: [roles.helpdeskAdmin] },
            grant: {
              builtInControls: [],
              authenticationStrength: strengthRef(appOrKey.id as string, [appOrKey]),
            },
          }),
        ],
      }),
      options: standard,
      subject: "sms.admin@t.example",
      message: ["will register one on the spot"],
    },
    {
      name: "standard: an administrator whose weakest accepted factor is SMS is critical",
      inventory: entraInventory({ ...base, policies: [mfaAll] }),
      options: standard,
      subject: "sms.admin@t.example",
      severity: "critical",
      message: ["weakest accepted factor the administrator holds is weak", "requires app"],
    },
    {
      name: "plain MFA accepts SMS and push: not phishing-resistant",
      inventory: entraInventory({ ...base, policies: [mfaAll] }),
      subject: "ga@t.example",
      mfa: "enforced",
      severity: "critical",
      message: ["weakest accepted factor is weak", "Global Administrator"],
    },
    {
      name: "the phishing-resistant policy is still report-only (eligible admin)",
      inventory: entraInventory({
        ...base,
        policies: [mfaAll, prAdmins("enabledForReportingButNotEnforced")],
      }),
      subject: "helpdesk@t.example",
      severity: "critical",
    },
    {
      name: "an admin excluded from every MFA policy",
      inventory: entraInventory({
        ...base,
        policies: [caPolicy("MFA", { users: { includeUsers: ["All"], excludeUsers: [ga.id] } })],
      }),
      subject: "ga@t.example",
      mfa: "optional",
      message: ["MFA is not enforced (optional)"],
    },
    {
      name: "a custom role is judged at high severity",
      inventory: entraInventory({ ...base, policies: [mfaAll] }),
      subject: "custom@t.example",
      severity: "high",
    },
  ],
  unknown: [
    {
      name: "role assignments were not read",
      inventory: entraInventory({
        ...base,
        policies: [mfaAll],
        accountOverrides: { "ann@t.example": { admin: { isAdmin: "unknown", roles: [] } } },
      }),
      subject: "ann@t.example",
      severity: "critical",
      mfa: null,
      message: ["could not tell whether ann@t.example is an administrator"],
    },
    {
      name: "the connection's facts came under other kind names: unknown, naming the missing kinds (#25)",
      inventory: withRenamedFacts(entraInventory({ ...base, policies: [mfaAll] })),
      subject: "ga@t.example",
      severity: "critical",
      mfa: "unknown",
      message: [
        "ga@t.example",
        "reported no Conditional Access facts",
        "entra.users",
        "entra.directory-roles",
      ],
    },
    {
      name: "Conditional Access could not be read",
      inventory: entraInventory({
        ...base,
        override: { conditionalAccess: { status: "unavailable", reason: "HTTP 503", policies: [] } },
      }),
      subject: "ga@t.example",
      mfa: "unknown",
    },
  ],
  silent: [
    {
      name: "not an administrator",
      inventory: entraInventory({ ...base, policies: [mfaAll] }),
      subject: "ann@t.example",
    },
    {
      name: "the directory-sync service account",
      inventory: entraInventory({ ...base, policies: [mfaAll] }),
      subject: "sync@t.example",
    },
    {
      name: "a disabled administrator",
      inventory: entraInventory({
        ...base,
        users: [seedUser("ga@t.example", { accountEnabled: false })],
        policies: [mfaAll],
      }),
      subject: "ga@t.example",
    },
  ],
});

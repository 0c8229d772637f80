import policy from "../../policies/entra-admin-phishing-resistant-mfa-enforced.js";
import { builtInStrengths, caPolicy, roles, strengthRef } from "../../providers/entra/emulator.js";
import { entraInventory, role, seedUser } from "../helpers/entra.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ga = seedUser("ga@t.example", { methodsRegistered: ["fido2"] });
const helpdesk = seedUser("helpdesk@t.example", { methodsRegistered: ["mobilePhone"] });
const custom = seedUser("custom@t.example");
const sync = seedUser("sync@t.example");
const ann = seedUser("ann@t.example");
const mfaAll = caPolicy("Require MFA for all users", { users: { includeUsers: ["All"] } });
const prAdmins = (state: "enabled" | "enabledForReportingButNotEnforced" = "enabled") =>
  caPolicy("Phishing-resistant MFA for admins", {
    state,
    users: { includeRoles: [roles.globalAdmin, roles.helpdeskAdmin] },
    grant: {
      builtInControls: [],
      authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
    },
  });
const base = {
  users: [ga, helpdesk, custom, sync, ann],
  strengths: builtInStrengths,
  active: [role(ga.id, roles.globalAdmin)],
  eligible: [role(helpdesk.id, roles.helpdeskAdmin)],
  admins: {
    [ga.id]: ["Global Administrator"],
    [helpdesk.id]: ["Helpdesk Administrator (eligible)"],
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
      name: "a PIM-eligible admin is covered once the policy targets the role",
      inventory: entraInventory({ ...base, policies: [mfaAll, prAdmins()] }),
      subject: "helpdesk@t.example",
      mfa: "enforced",
    },
  ],
  fail: [
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

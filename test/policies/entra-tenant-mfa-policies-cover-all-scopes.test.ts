import policy from "../../policies/entra-tenant-mfa-policies-cover-all-scopes.js";
import { caPolicy, roles } from "../../providers/entra/emulator.js";
import { entraFactKinds, entraKinds } from "../../src/model/facts/entra.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entraInventory, seedUser } from "../helpers/entra.js";
import { account, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ann = seedUser("ann@t.example");
const mfaAll = caPolicy("Require MFA for all users", {
  users: { includeUsers: ["All"], excludeUsers: ["bg-id"] },
});
const mfaGa = caPolicy("Require MFA for Global Administrators", {
  users: { includeRoles: [roles.globalAdmin] },
});

testPolicy(policy, {
  pass: [
    {
      name: "all users, with the exclusion named",
      inventory: entraInventory({ users: [ann], policies: [mfaAll] }),
      subject: "all-users",
      message: ["excludes user bg-id"],
    },
    {
      name: "admins through the all-users policy",
      inventory: entraInventory({ users: [ann], policies: [mfaAll] }),
      subject: "admins",
      severity: "high",
    },
    {
      name: "security defaults",
      inventory: entraInventory({ users: [ann], securityDefaults: true }),
      subject: "azure-management",
      message: ["security defaults"],
    },
  ],
  fail: [
    {
      name: "a Global-Administrator-only policy leaves other admin roles",
      inventory: entraInventory({ users: [ann], policies: [mfaGa] }),
      subject: "admins",
      message: ["Privileged Role Administrator"],
    },
    {
      name: "nobody protects security-info registration",
      inventory: entraInventory({ users: [ann], policies: [mfaAll] }),
      subject: "security-info-registration",
      severity: "medium",
    },
    {
      name: "no policy for all users",
      inventory: entraInventory({ users: [ann], policies: [mfaGa] }),
      subject: "all-users",
      severity: "high",
    },
  ],
  unknown: [
    {
      name: "policies could not be read",
      inventory: entraInventory({
        users: [ann],
        override: { conditionalAccess: { status: "unavailable", reason: "HTTP 403", policies: [] } },
      }),
      subject: "guests",
      message: ["could not be read"],
    },
  ],
  silent: [
    {
      name: "a tenant without Entra",
      inventory: inventory({ accounts: [account({ id: "u1", source: "okta" })] }),
    },
  ],
});

// Without the tenant fact (absent, or under another kind name) a connection read completely is unknown (#25).
testAbsentFacts(policy, entraKinds[entraFactKinds.tenant]);

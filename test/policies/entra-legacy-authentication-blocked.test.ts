import policy from "../../policies/entra-legacy-authentication-blocked.js";
import { caPolicy } from "../../providers/entra/emulator.js";
import { entraInventory, seedUser, withRenamedFacts } from "../helpers/entra.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ann = seedUser("ann@t.example");
const blockLegacy = (exclude: string[] = []) =>
  caPolicy("Block legacy authentication", {
    users: { includeUsers: ["All"], excludeUsers: exclude },
    conditions: { clientAppTypes: ["exchangeActiveSync", "other"] },
    grant: { builtInControls: ["block"] },
  });
const mfaAll = caPolicy("Require MFA for all users", { users: { includeUsers: ["All"] } });
const mfaModern = caPolicy("Require MFA for modern clients", {
  users: { includeUsers: ["All"] },
  conditions: { clientAppTypes: ["browser", "mobileAppsAndDesktopClients"] },
});

testPolicy(policy, {
  pass: [
    {
      name: "an unconditional block of both legacy client types",
      inventory: entraInventory({ users: [ann], policies: [blockLegacy()] }),
      message: ["'Block legacy authentication'"],
    },
    {
      // Microsoft: grant controls applied to all client apps block legacy clients, which cannot satisfy them.
      name: "MFA for all users on all client apps blocks legacy clients indirectly (#18 item 3)",
      inventory: entraInventory({ users: [ann], policies: [mfaAll] }),
      message: ["blocked indirectly by 'Require MFA for all users'", "explicit block policy"],
    },
    {
      name: "security defaults",
      inventory: entraInventory({ users: [ann], securityDefaults: true }),
      message: ["security defaults"],
    },
  ],
  fail: [
    {
      name: "MFA for browsers and modern clients only does not block legacy clients",
      inventory: entraInventory({ users: [ann], policies: [mfaModern] }),
      severity: "high",
      message: ["exchangeActiveSync and other clients can sign in with a password alone"],
    },
    {
      name: "excluded from the block",
      inventory: entraInventory({ users: [ann], policies: [blockLegacy([ann.id])] }),
      message: ["excluded from 'Block legacy authentication'"],
    },
    {
      name: "no Entra ID P1 and security defaults off",
      inventory: entraInventory({
        users: [ann],
        override: { conditionalAccess: { status: "not-licensed", reason: "no P1", policies: [] } },
      }),
      message: ["no Entra ID P1"],
    },
  ],
  unknown: [
    {
      name: "the connection's facts came under other kind names: unknown, naming the missing kinds (#25)",
      inventory: withRenamedFacts(entraInventory({ users: [ann], policies: [blockLegacy()] })),
      subject: "ann@t.example",
      message: ["reported no Conditional Access facts", "entra.users", "entra.conditional-access-policies"],
    },
    {
      name: "policies could not be read",
      inventory: entraInventory({
        users: [ann],
        override: { conditionalAccess: { status: "unavailable", reason: "HTTP 503", policies: [] } },
      }),
      message: ["could not be read"],
    },
  ],
  silent: [
    {
      name: "disabled account",
      inventory: entraInventory({
        users: [seedUser("gone@t.example", { accountEnabled: false })],
        policies: [mfaAll],
      }),
    },
  ],
});

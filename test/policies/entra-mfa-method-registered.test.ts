import policy from "../../policies/entra-mfa-method-registered.js";
import { builtInStrengths, caPolicy } from "../../providers/entra/emulator.js";
import { entraInventory, seedUser } from "../helpers/entra.js";
import { testPolicy } from "../helpers/policy-tester.js";

const mfaAll = caPolicy("Require MFA for all users", { users: { includeUsers: ["All"] } });
const fresh = seedUser("fresh@t.example", { methodsRegistered: [] });
const emailOnly = seedUser("email@t.example", { methodsRegistered: ["email"] });

testPolicy(policy, {
  pass: [
    {
      name: "Authenticator registered",
      inventory: entraInventory({ users: [seedUser("ann@t.example")], policies: [mfaAll] }),
      mfa: "enforced",
      message: ["microsoftAuthenticatorPush"],
    },
  ],
  fail: [
    {
      name: "MFA required but nothing registered: whoever has the password registers first",
      inventory: entraInventory({ users: [fresh], policies: [mfaAll] }),
      mfa: "bypassable",
      severity: "high",
      message: ["whoever signs in first with the password registers the second factor"],
    },
    {
      name: "only keys accepted and nothing registered: nobody can sign in until one is set up",
      inventory: entraInventory({
        users: [fresh],
        policies: [
          caPolicy("PR", {
            users: { includeUsers: ["All"] },
            grant: { builtInControls: [], authenticationStrength: builtInStrengths[2]! },
          }),
        ],
      }),
      mfa: "enforced",
      severity: "high",
      message: ["cannot sign in"],
    },
    {
      name: "nothing registered and nothing enforced",
      inventory: entraInventory({ users: [fresh] }),
      mfa: "none",
      severity: "medium",
    },
    {
      name: "only a password-reset method registered",
      inventory: entraInventory({ users: [emailOnly] }),
      severity: "medium",
      message: ["only email, which cannot complete MFA"],
    },
  ],
  unknown: [
    {
      name: "no registration report (no Entra ID P1)",
      inventory: entraInventory({
        users: [fresh],
        policies: [mfaAll],
        accountOverrides: {
          "fresh@t.example": {
            enrollment: {
              enrolled: "unknown",
              methods: [],
              evidence: [
                { source: "entra", connection: "entra", note: "the registration report needs Entra ID P1" },
              ],
            },
          },
        },
      }),
      message: ["needs Entra ID P1"],
    },
  ],
  silent: [
    {
      name: "disabled account",
      inventory: entraInventory({
        users: [seedUser("gone@t.example", { accountEnabled: false, methodsRegistered: [] })],
      }),
    },
  ],
});

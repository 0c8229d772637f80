import policy from "../../policies/entra-break-glass-phishing-resistant-method.js";
import { caPolicy } from "../../providers/entra/emulator.js";
import { entraFactKinds, entraKinds } from "../../src/model/facts/entra.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entraInventory, seedUser } from "../helpers/entra.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ann = seedUser("ann@t.example");
const bgKey = seedUser("bg1@t.example", { methodsRegistered: ["fido2"] });
const bgPhone = seedUser("bg2@t.example", { methodsRegistered: ["mobilePhone"] });
const mfaAllBut = (...ids: string[]) =>
  caPolicy("Require MFA for all users", { users: { includeUsers: ["All"], excludeUsers: ids } });

testPolicy(policy, {
  pass: [
    {
      name: "a declared break-glass account with a FIDO2 key",
      inventory: entraInventory({
        users: [ann, bgKey],
        policies: [mfaAllBut(bgKey.id)],
        breakGlassAccounts: ["bg1@t.example"],
      }),
      subject: "bg1@t.example",
      message: ["fido2", "declared"],
    },
  ],
  fail: [
    {
      name: "an account excluded by name from every all-users MFA policy, with only a phone",
      inventory: entraInventory({ users: [ann, bgPhone], policies: [mfaAllBut(bgPhone.id)] }),
      subject: "bg2@t.example",
      severity: "critical",
      message: [
        "no phishing-resistant method",
        "mobilePhone",
        "excluded by name from every all-users MFA policy",
      ],
    },
  ],
  unknown: [
    {
      name: "registered methods not known",
      inventory: entraInventory({
        users: [ann, bgKey],
        breakGlassAccounts: [bgKey.id],
        accountOverrides: {
          "bg1@t.example": {
            enrollment: {
              enrolled: "unknown",
              methods: [],
              evidence: [{ source: "entra", connection: "entra", note: "no P1" }],
            },
          },
        },
      }),
      subject: "bg1@t.example",
    },
  ],
  silent: [
    {
      name: "an ordinary user",
      inventory: entraInventory({ users: [ann, bgKey], policies: [mfaAllBut(bgKey.id)] }),
      subject: "ann@t.example",
    },
    {
      name: "a disabled break-glass account",
      inventory: entraInventory({
        users: [ann, seedUser("bg1@t.example", { accountEnabled: false })],
        breakGlassAccounts: ["bg1@t.example"],
      }),
      subject: "bg1@t.example",
    },
  ],
});

// Without the tenant fact (absent, or under another kind name) a connection read completely is unknown (#25).
testAbsentFacts(policy, entraKinds[entraFactKinds.tenant]);

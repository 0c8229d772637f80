import policy from "../../policies/msp-customer-access-phishing-resistant.js";
import type { Account, FactorStrength, MfaState } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const rmm = entryPoint({ id: "rmm", source: "ninjaone", kind: "rmm-console", name: "NinjaOne" });
const idp = entryPoint({ id: "idp", source: "entra", kind: "directory-sign-in", name: "Entra ID sign-in" });

function path(entry: string, accountId: string, state: MfaState, strength: FactorStrength | null) {
  const p = accessPath({ entryPoint: entry, accounts: [accountId], state });
  p.mfa.strength = strength;
  return p;
}

/** An MSP technician: a NinjaOne console account and an Entra account sharing the email. */
function technician(
  console: [MfaState, FactorStrength | null],
  directory: [MfaState, FactorStrength | null] | null,
  role: "msp" | "customer" = "msp",
) {
  const tech: Account = account({
    id: "t1",
    name: "ann@msp.example",
    email: "ann@msp.example",
    source: "ninjaone",
    kind: "technician",
  });
  const user: Account = account({
    id: "e1",
    name: "ann@msp.example",
    email: "ann@msp.example",
    source: "entra",
  });
  return inventory({
    tenant: { role },
    accounts: directory ? [tech, user] : [tech],
    entryPoints: [rmm, idp],
    accessPaths: [path("rmm", "t1", ...console), ...(directory ? [path("idp", "e1", ...directory)] : [])],
  });
}

testPolicy(policy, {
  pass: [
    {
      name: "console and IdP both phishing-resistant",
      inventory: technician(["enforced", "phishing-resistant"], ["enforced", "phishing-resistant"]),
      message: ["judged with entra ann@msp.example"],
    },
    {
      name: "console only, phishing-resistant",
      inventory: technician(["enforced", "phishing-resistant"], null),
    },
  ],
  fail: [
    {
      name: "push-only IdP account behind a phishing-resistant console",
      inventory: technician(["enforced", "phishing-resistant"], ["enforced", "app"]),
      severity: "critical",
      mfa: "enforced",
      message: ["entra ann@msp.example @ Entra ID sign-in", "weakest factor is app"],
    },
    {
      name: "console without MFA",
      inventory: technician(["none", null], ["enforced", "phishing-resistant"]),
      mfa: "none",
      message: ["MFA none"],
    },
  ],
  unknown: [
    {
      name: "console MFA state not exposed",
      inventory: technician(["unknown", null], ["enforced", "phishing-resistant"]),
    },
    {
      name: "enforced but strength not known",
      inventory: technician(["enforced", null], null),
      message: ["not known"],
    },
  ],
  silent: [
    {
      name: "a customer tenant is judged by the other policies",
      inventory: technician(["none", null], null, "customer"),
    },
    {
      name: "an MSP member who reaches no customer",
      inventory: inventory({
        tenant: { role: "msp" },
        accounts: [account({ id: "e2", name: "bob@msp.example", source: "entra" })],
        entryPoints: [idp],
        accessPaths: [path("idp", "e2", "none", null)],
      }),
    },
  ],
});

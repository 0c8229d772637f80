import policy from "../../policies/msp-customer-access-phishing-resistant.js";
import { type CustomerAccessGroup, customerAccessGroup } from "../../src/model/facts/customer-access.js";
import type { Account, FactorStrength, MfaState } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
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

/**
 * Bob is no admin and no technician: only his membership of the GDAP group (a customer-access-group fact,
 * as the Entra provider emits for `customerAccessGroups`) makes him reach customers.
 */
function gdapMember(
  signIn: [MfaState, FactorStrength | null],
  group: Partial<CustomerAccessGroup> | "malformed" = {},
) {
  const data =
    group === "malformed"
      ? { group: 42 }
      : { group: "g-gdap", name: "GDAP Helpdesk Agents", status: "read", members: ["e2"], ...group };
  return inventory({
    tenant: { role: "msp" },
    accounts: [account({ id: "e2", name: "bob@msp.example", source: "entra" })],
    entryPoints: [idp],
    accessPaths: [path("idp", "e2", ...signIn)],
    facts: [
      {
        kind: customerAccessGroup.name,
        id: "entra:customer-access-group:g-gdap",
        source: "entra",
        connection: "entra",
        data,
        evidence: [
          {
            source: "entra",
            connection: "entra",
            endpoint: "GET /groups/{id}/transitiveMembers",
            objectId: "g-gdap",
          },
        ],
      },
    ],
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
    {
      name: "a GDAP group member with a phishing-resistant sign-in",
      inventory: gdapMember(["enforced", "phishing-resistant"]),
      message: ["member of customer-access group GDAP Helpdesk Agents"],
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
    {
      name: "a GDAP group member who signs in with push",
      inventory: gdapMember(["enforced", "app"]),
      mfa: "enforced",
      message: [
        "bob@msp.example can reach customers",
        "weakest factor is app",
        "member of customer-access group",
      ],
    },
    {
      name: "a member of a group found through GDAP access assignments: the customers and roles it reaches are named",
      inventory: gdapMember(["enforced", "app"], {
        reaches: [{ customer: "Northwind Traders", roles: ["Helpdesk Administrator"] }],
      }),
      message: ["bob@msp.example can reach customers", "GDAP: Northwind Traders as Helpdesk Administrator"],
    },
  ],
  unknown: [
    {
      name: "a group named by a GDAP access assignment that answered 404",
      inventory: gdapMember(["enforced", "phishing-resistant"], {
        status: "unavailable",
        reason: "GDAP access assignment names it, but the group answered 404",
        members: [],
        reaches: [{ customer: "Fabrikam Legal", roles: ["Global Administrator"] }],
      }),
      subject: "g-gdap",
      message: ["answered 404", "Fabrikam Legal as Global Administrator"],
    },
    {
      name: "a GDAP group whose members could not be read",
      inventory: gdapMember(["none", null], {
        status: "unavailable",
        reason: "403 GroupMember.Read.All",
        members: [],
      }),
      subject: "customer-access group GDAP Helpdesk Agents",
      message: [
        "who is in customer-access group GDAP Helpdesk Agents is not known",
        "403 GroupMember.Read.All",
      ],
    },
    {
      name: "a configured GDAP group that does not exist",
      inventory: gdapMember(["none", null], { status: "not-found", name: undefined, members: [] }),
      subject: "customer-access group g-gdap",
      message: ["no such group in the directory (check customerAccessGroups)"],
    },
    {
      name: "a customer-access fact that does not match the model",
      inventory: gdapMember(["none", null], "malformed"),
      message: ["does not match the model"],
    },
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

testAbsentFacts(policy, customerAccessGroup);

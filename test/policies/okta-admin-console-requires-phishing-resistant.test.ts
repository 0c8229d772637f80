import policy from "../../policies/okta-admin-console-requires-phishing-resistant.js";
import type { FactorStrength, MfaState } from "../../src/model/index.js";
import { accessPath, account, entryPoint, fact, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "okta";
const console_ = entryPoint({
  id: "okta:okta:admin-console",
  name: "Okta Admin Console",
  source,
  kind: "admin-console",
  connection: "okta",
});

function admin(
  state: MfaState | null,
  strength: FactorStrength | null = null,
  fields: Partial<Parameters<typeof account>[0]> = {},
) {
  const a = account({
    id: "00uadmin",
    name: "it@acme.example",
    source,
    connection: "okta",
    admin: { isAdmin: true, roles: ["Super Administrator"] },
    ...fields,
  });
  const path = state ? accessPath({ entryPoint: console_.id, accounts: [a.id], state }) : undefined;
  if (path) path.mfa.strength = strength;
  return inventory({ accounts: [a], entryPoints: [console_], accessPaths: path ? [path] : [] });
}

testPolicy(policy, {
  pass: [
    {
      name: "phishing-resistant MFA demanded",
      inventory: admin("enforced", "phishing-resistant"),
      mfa: "enforced",
    },
  ],
  fail: [
    {
      name: "admin with push only",
      inventory: admin("enforced", "app"),
      severity: "critical",
      message: ["it@acme.example", "Super Administrator", "push or one-time code"],
    },
    { name: "admin with SMS", inventory: admin("enforced", "weak"), severity: "critical", message: ["SMS"] },
    {
      name: "admin allowed one factor from a zone",
      inventory: admin("bypassable"),
      mfa: "bypassable",
      severity: "critical",
    },
    { name: "admin never asked for a second factor", inventory: admin("none"), mfa: "none" },
    {
      // The rule demands phishing resistance but the admin holds only push: null strength never passes.
      name: "MFA enforced but no accepted factor held (strength null)",
      inventory: admin("enforced", null),
      message: ["it@acme.example", "not known to hold a factor", "no phishing-resistant one"],
    },
  ],
  unknown: [
    { name: "the policy facts could not be read", inventory: admin("unknown"), mfa: "unknown" },
    { name: "no Admin Console path for a known admin", inventory: admin(null), mfa: null },
    {
      name: "administrators could not be listed",
      subject: "okta:okta:admin-console",
      inventory: inventory({
        accounts: [
          account({
            id: "00u1",
            source,
            connection: "okta",
            admin: { isAdmin: "unknown", roles: [] },
            evidence: [{ ...fact(source, "admin"), field: "admin" }],
          }),
        ],
        entryPoints: [console_],
      }),
      message: ["could not be listed"],
    },
  ],
  silent: [
    {
      name: "non-administrators",
      inventory: admin("none", null, { admin: { isAdmin: false, roles: [] } }),
    },
    { name: "suspended administrator", inventory: admin("none", null, { status: "suspended" }) },
    {
      name: "no Okta Admin Console entry point",
      inventory: inventory({ accounts: [account({ id: "x", source })] }),
    },
  ],
});

import policy from "../../policies/rmm-technician-mfa-enforced.js";
import type { Account, MfaState } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "ninjaone";
const console_ = entryPoint({
  id: "ninjaone:console",
  source,
  kind: "rmm-console",
  name: "NinjaOne console",
});

/** One technician with a console path in `state`. */
function technician(
  state: MfaState,
  fields: Partial<Account> = {},
  path: Partial<Parameters<typeof accessPath>[0]> = {},
  ep = console_,
) {
  const a = account({
    id: "t1",
    name: "tech@msp.example",
    source: ep.source,
    connection: ep.connection,
    kind: "technician",
    ...fields,
  });
  return inventory({
    accounts: [a],
    entryPoints: [ep],
    accessPaths: [accessPath({ entryPoint: ep.id, accounts: ["t1"], state, ...path })],
  });
}

const admin = { admin: { isAdmin: true, roles: ["System Administrator"] } };

testPolicy(policy, {
  pass: [
    { name: "MFA enforced on the console", inventory: technician("enforced"), mfa: "enforced" },
    {
      name: "remote-support entry point with TFA enforced",
      inventory: technician(
        "enforced",
        {},
        {},
        entryPoint({ id: "tv:company", source: "teamviewer", kind: "remote-support" }),
      ),
      mfa: "enforced",
    },
  ],
  fail: [
    {
      name: "administrator with no MFA method is critical",
      inventory: technician("none", admin),
      severity: "critical",
      mfa: "none",
      message: ["tech@msp.example on NinjaOne console", "without a required second factor"],
    },
    {
      name: "non-administrator with a method that is only optional is high",
      inventory: technician("optional", { admin: { isAdmin: false, roles: [] } }),
      severity: "high",
      mfa: "optional",
    },
    {
      name: "administrator status not exposed is treated as administrator",
      inventory: technician("none", { admin: { isAdmin: "unknown", roles: [] } }),
      severity: "critical",
      message: ["treated as an administrator"],
    },
    {
      name: "enforced but not yet enrolled (bypassable)",
      inventory: technician("bypassable", { admin: { isAdmin: false, roles: [] } }),
      severity: "high",
      mfa: "bypassable",
    },
    {
      name: "an account whose status is not known is judged (fail closed)",
      inventory: technician("none", { status: "unknown", admin: { isAdmin: false, roles: [] } }),
      severity: "high",
    },
    {
      name: "after linking, an SSO path takes the identity provider's state",
      inventory: technician(
        "none",
        { admin: { isAdmin: false, roles: [] } },
        { chain: { factors: [], delegation: { protocol: "saml", target: "https://app.ninjarmm.com" } } },
      ),
      mfa: "none",
    },
  ],
  unknown: [
    {
      name: "console without an MFA field: needs attestation",
      inventory: technician(
        "unknown",
        { ...admin },
        {
          mfa: {
            state: "unknown",
            strength: null,
            reason: "the API exposes no MFA state; needs attestation",
            evidence: [{ source, connection: source, note: "no MFA field" }],
          },
        },
      ),
      mfa: "unknown",
      severity: "critical",
      message: ["needs attestation"],
    },
    {
      name: "SSO user not yet linked to the identity provider",
      inventory: technician(
        "unknown",
        {},
        {
          chain: {
            factors: [],
            delegation: { protocol: "saml", target: "https://app.ninjarmm.com", targetSource: "entra" },
          },
          mfa: {
            state: "unknown",
            strength: null,
            reason:
              "signs in through SSO (NinjaOne authType SSO): the identity provider decides whether a second factor is required (entra)",
            evidence: [{ source, connection: source, field: "authType", value: "SSO" }],
          },
        },
      ),
      message: ["the identity provider decides"],
    },
    {
      name: "technicians the console could not list (users refused or cut short): one unknown path, judged",
      inventory: inventory({
        entryPoints: [console_],
        accessPaths: [
          accessPath({
            id: "ninjaone:console/unread/users",
            entryPoint: console_.id,
            accounts: [],
            state: "unknown",
            mfa: {
              state: "unknown",
              strength: null,
              reason: "the users after page 1 could not be read (HTTP 502)",
              evidence: [{ source, connection: source, note: "cut short" }],
            },
          }),
        ],
      }),
      mfa: "unknown",
      severity: "critical",
      message: ["NinjaOne console: the users after page 1 could not be read"],
    },
    {
      name: "technician without a collected console path",
      inventory: inventory({
        accounts: [account({ id: "t1", name: "tech@msp.example", source, kind: "technician" })],
        entryPoints: [console_],
      }),
      mfa: null,
    },
  ],
  silent: [
    {
      name: "a user source of no listed account (delegated) is judged by the identity provider, not here",
      inventory: inventory({
        entryPoints: [console_],
        accessPaths: [
          accessPath({
            entryPoint: console_.id,
            accounts: [],
            state: "unknown",
            chain: { factors: [], delegation: { protocol: "saml", target: "https://sso.example" } },
          }),
        ],
      }),
    },
    { name: "disabled technician", inventory: technician("none", { status: "disabled" }) },
    { name: "locked technician", inventory: technician("none", { status: "locked" }) },
    { name: "end user (member) of the console", inventory: technician("none", { kind: "member" }) },
    {
      name: "technician path on another kind of entry point",
      inventory: technician("none", {}, {}, entryPoint({ id: "vpn", source, kind: "vpn" })),
    },
    {
      name: "console of a source this policy does not judge",
      inventory: technician(
        "none",
        {},
        {},
        entryPoint({ id: "x:console", source: "other-rmm", kind: "rmm-console" }),
      ),
    },
    {
      name: "same account id in another connection does not borrow this console's path",
      inventory: inventory({
        accounts: [account({ id: "t1", source, connection: "other", kind: "technician" })],
        entryPoints: [entryPoint({ id: "c2", source: "teamviewer", kind: "remote-support" })],
        accessPaths: [accessPath({ entryPoint: "c2", accounts: ["t1"], state: "none" })],
      }),
    },
  ],
});

import policy from "../../policies/vpn-login-requires-mfa.js";
import type { Account, MfaState } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const vpn = entryPoint({
  id: "fortigate:fw:root:ssl-vpn",
  source: "fortigate",
  kind: "vpn",
  name: "fw SSL-VPN",
});
const sshHost = entryPoint({ id: "ssh:h1", source: "ssh", kind: "ssh", name: "h1" });
const rdGateway = entryPoint({
  id: "nps-extension:nps:rdg.acme.example",
  source: "nps-extension",
  kind: "rd-gateway",
  name: "rdg.acme.example (RD Gateway, NPS extension on nps01)",
});

/** An RD Gateway path resolved per Entra user through the NPS extension. */
function throughNps(state: MfaState) {
  return inventory({
    accounts: [account({ id: "u2", name: "carol@acme.example", source: "entra" })],
    entryPoints: [rdGateway],
    accessPaths: [
      {
        ...accessPath({ id: `${rdGateway.id}/radius/u2`, entryPoint: rdGateway.id, accounts: ["u2"], state }),
        accountsFrom: { source: "entra", connection: "entra" },
        chain: {
          factors: ["password"],
          delegation: { protocol: "radius", target: "nps-extension", targetSource: "entra" },
        },
        mfa: {
          state,
          strength: null,
          via: ["nps-extension:nps01", "entra:entra:mfa-registration"],
          reason: `NPS extension says ${state}`,
          evidence: [
            { source: "nps-extension", connection: "nps", field: "REQUIRE_USER_MATCH", value: "FALSE" },
          ],
        },
      },
    ],
  });
}

function local(state: MfaState, fields: Partial<Account> = {}) {
  return inventory({
    accounts: [
      account({ id: "user/root/alice", name: "alice", source: "fortigate", kind: "local", ...fields }),
    ],
    entryPoints: [vpn],
    accessPaths: [
      accessPath({ id: `${vpn.id}/user/alice`, entryPoint: vpn.id, accounts: ["user/root/alice"], state }),
    ],
  });
}

/** A SAML path resolved per IdP user: the account lives in the Entra connection (accountsFrom). */
function delegated(state: MfaState) {
  return inventory({
    accounts: [account({ id: "u1", name: "bob@acme.example", source: "entra" })],
    entryPoints: [vpn],
    accessPaths: [
      {
        ...accessPath({ id: `${vpn.id}/saml/sso/u1`, entryPoint: vpn.id, accounts: ["u1"], state }),
        accountsFrom: { source: "entra", connection: "entra" },
        chain: {
          factors: [],
          delegation: { protocol: "saml", target: "https://vpn/saml", targetSource: "entra" },
        },
        mfa: {
          state,
          strength: null,
          via: ["entra:entra:app/1"],
          reason: `Entra says ${state}`,
          evidence: [{ source: "entra", connection: "entra", note: "CA" }],
        },
      },
    ],
  });
}

const server = (state: MfaState) =>
  inventory({
    entryPoints: [vpn],
    accessPaths: [accessPath({ id: `${vpn.id}/radius/corp`, entryPoint: vpn.id, accounts: [], state })],
  });

testPolicy(policy, {
  pass: [
    {
      name: "a local user with a token",
      inventory: local("enforced"),
      subject: `${vpn.id}/user/alice`,
      mfa: "enforced",
    },
    {
      name: "an IdP user whose app requires MFA",
      inventory: delegated("enforced"),
      subject: "bob@acme.example @ fw SSL-VPN",
    },
    {
      name: "an RD Gateway user the NPS extension asks for MFA",
      inventory: throughNps("enforced"),
      subject: "carol@acme.example @ rdg.acme.example (RD Gateway, NPS extension on nps01)",
    },
  ],
  fail: [
    {
      name: "a password-only local user",
      inventory: local("none"),
      severity: "critical",
      message: ["alice can log in to fw SSL-VPN", "(none)"],
    },
    { name: "a LOCAL fallback", inventory: local("bypassable"), severity: "critical", mfa: "bypassable" },
    {
      name: "an IdP user excluded from the app's MFA policy, named by the IdP account",
      inventory: delegated("none"),
      subject: "bob@acme.example @ fw SSL-VPN",
      message: ["Entra says none"],
    },
    {
      name: "an RD Gateway user the NPS extension lets in without MFA (REQUIRE_USER_MATCH=FALSE)",
      inventory: throughNps("bypassable"),
      severity: "critical",
      mfa: "bypassable",
      subject: "carol@acme.example @ rdg.acme.example (RD Gateway, NPS extension on nps01)",
      message: ["carol@acme.example can log in to rdg.acme.example", "NPS extension says bypassable"],
    },
    {
      name: "a server path no second factor protects",
      inventory: server("none"),
      subject: "radius/corp (accounts the device cannot list) @ fw SSL-VPN",
    },
  ],
  unknown: [
    { name: "a RADIUS server whose MFA is not visible", inventory: server("unknown"), mfa: "unknown" },
    { name: "an unresolved delegation", inventory: delegated("unknown") },
    { name: "an RD Gateway whose NPS settings are not known", inventory: throughNps("unknown") },
  ],
  silent: [
    { name: "a disabled local user", inventory: local("none", { status: "disabled" }) },
    {
      name: "paths on other entry point kinds",
      inventory: inventory({
        entryPoints: [sshHost],
        accessPaths: [accessPath({ entryPoint: sshHost.id, accounts: [], state: "none" })],
      }),
    },
  ],
});

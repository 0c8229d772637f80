import policy from "../../policies/openvpn-auth-token-lifetime-bounded.js";
import { openvpnAuthToken } from "../../src/model/facts/openvpn.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entryPoint, fact, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "openvpn";
const server = entryPoint({ id: "openvpn:openvpn:vpn1", name: "OpenVPN vpn1", source, kind: "vpn" });

function vpn1(
  token: { lifetime: number; renewal?: number | null; externalAuth?: boolean } | null,
  userPassAuth = true,
) {
  const f: Fact = {
    kind: "openvpn.auth-token",
    id: `openvpn:${server.id}`,
    source,
    connection: source,
    data: {
      entryPoint: server.id,
      server: "vpn1",
      file: "server.conf",
      userPassAuth,
      authGenToken: token
        ? {
            lifetime: token.lifetime,
            renewal: token.renewal ?? null,
            externalAuth: token.externalAuth ?? false,
            line: 12,
          }
        : null,
      renegSec: 3600,
    },
    evidence: [fact(source, "auth-gen-token")],
  };
  return inventory({ entryPoints: [server], facts: [f] });
}

testPolicy(policy, {
  pass: [
    { name: "no auth-gen-token", inventory: vpn1(null), message: ["no auth-gen-token"] },
    { name: "8-hour tokens", inventory: vpn1({ lifetime: 28_800 }), message: ["8 hour(s)"] },
    { name: "exactly the limit", inventory: vpn1({ lifetime: 86_400 }) },
    {
      name: "external-auth, even without a lifetime",
      inventory: vpn1({ lifetime: 0, externalAuth: true }),
      message: ["external-auth"],
    },
    {
      name: "a tenant that allows a week",
      inventory: vpn1({ lifetime: 7 * 86_400 }),
      options: { maxHours: 168 },
    },
  ],
  fail: [
    {
      name: "no lifetime: tokens never expire",
      inventory: vpn1({ lifetime: 0 }),
      severity: "high",
      message: ["never expire", "1 hour(s)"],
    },
    { name: "renewal shown when set", inventory: vpn1({ lifetime: 0, renewal: 600 }), message: ["600 s"] },
    {
      name: "30-day tokens",
      inventory: vpn1({ lifetime: 30 * 86_400 }),
      severity: "medium",
      message: ["30 day(s)", "24 hour(s)"],
    },
  ],
  unknown: [
    {
      name: "malformed fact",
      inventory: {
        ...vpn1(null),
        facts: [{ ...vpn1(null).facts[0]!, data: { entryPoint: server.id, server: 1 } }],
      },
      message: ["could not be read"],
    },
    {
      name: "a fact about a server this inventory does not hold (was dropped silently before)",
      inventory: { ...vpn1({ lifetime: 0 }), entryPoints: [] },
      message: ["names no OpenVPN server of this inventory"],
    },
  ],
  silent: [
    { name: "certificate-only server: nothing for a token to skip", inventory: vpn1({ lifetime: 0 }, false) },
    { name: "no OpenVPN fact", inventory: inventory({ entryPoints: [server] }) },
  ],
});

testAbsentFacts(policy, openvpnAuthToken);

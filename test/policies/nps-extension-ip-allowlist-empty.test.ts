import policy from "../../policies/nps-extension-ip-allowlist-empty.js";
import { npsSettings } from "../../src/model/facts/nps-extension.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entryPoint, fact, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "nps-extension";
const vpn = entryPoint({ id: "nps-extension:nps-extension:vpn", name: "vpn.example", source, kind: "vpn" });

function frontEnd(entries: string[], nasAddresses: string[] = ["10.0.0.5"]) {
  const f: Fact = {
    kind: "nps-extension.settings",
    id: `nps:${vpn.id}`,
    source,
    connection: source,
    data: {
      entryPoint: vpn.id,
      frontEnd: "rras",
      server: "nps01",
      file: "nps01.reg",
      requireUserMatch: { value: true, raw: null, line: null },
      ipWhitelist: {
        entries,
        raw: entries.length ? entries.join(";") : null,
        line: entries.length ? 5 : null,
      },
      alternateLoginId: null,
      nasAddresses,
      radiusAddresses: [],
    },
    evidence: [{ ...fact(source, "IP_WHITELIST"), field: "IP_WHITELIST" }],
  };
  return inventory({ entryPoints: [vpn], facts: [f] });
}

testPolicy(policy, {
  pass: [{ name: "no IP_WHITELIST", inventory: frontEnd([]), message: ["empty"] }],
  fail: [
    {
      name: "another RADIUS client is listed",
      inventory: frontEnd(["10.9.9.9"]),
      severity: "high",
      message: ["10.9.9.9", "password alone"],
    },
    {
      name: "the front end's own NAS-IP-Address is listed: every sign-in skips MFA",
      inventory: frontEnd(["10.9.9.9", "10.0.0.5"]),
      severity: "critical",
      message: ["10.0.0.5", "every sign-in"],
    },
    {
      name: "listed, with the front end's address not configured",
      inventory: frontEnd(["10.0.0.5"], []),
      severity: "high",
    },
  ],
  unknown: [
    {
      name: "registry export not read",
      inventory: inventory({ entryPoints: [vpn] }),
      message: ["not known"],
    },
  ],
  silent: [
    {
      name: "no NPS extension",
      inventory: inventory({ entryPoints: [entryPoint({ id: "x", source: "wireguard", kind: "vpn" })] }),
    },
  ],
});

testAbsentFacts(policy, npsSettings);

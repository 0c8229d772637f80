import policy from "../../policies/vpn-local-fallback-disabled.js";
import { vpnLocalFallback } from "../../src/model/facts/vpn.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const tg = entryPoint({
  id: "cisco-asa:asa:tunnel-group/Staff",
  source: "cisco-asa",
  kind: "vpn",
  name: "asa tunnel-group Staff",
});

function withFact(data: Record<string, unknown>, kind = "vpn.local-fallback") {
  const fact: Fact = {
    kind,
    id: `${tg.id}/fallback`,
    source: "cisco-asa",
    connection: "cisco-asa",
    data: { entryPoint: tg.id, serverGroup: "AD", reason: "the reason", ...data } as Fact["data"],
    evidence: [
      {
        source: "cisco-asa",
        connection: "cisco-asa",
        file: "asa.txt",
        line: 9,
        field: "authentication-server-group",
        value: "AD LOCAL",
      },
    ],
  };
  return inventory({ entryPoints: [tg], facts: [fact] });
}

testPolicy(policy, {
  pass: [{ name: "no LOCAL fallback", inventory: withFact({ fallback: false }) }],
  fail: [
    {
      name: "authentication-server-group AD LOCAL",
      inventory: withFact({ fallback: true }),
      severity: "high",
      message: ["the reason"],
    },
  ],
  unknown: [
    { name: "fallback not known", inventory: withFact({ fallback: "unknown" }) },
    {
      name: "a malformed fact (was dropped silently before)",
      inventory: withFact({ fallback: "maybe" }),
      message: ["does not match its schema"],
    },
  ],
  silent: [{ name: "other fact kinds", inventory: withFact({ fallback: true }, "vpn.other") }],
});

testAbsentFacts(policy, vpnLocalFallback);

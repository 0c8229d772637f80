import policy from "../../policies/duo-proxy-fails-secure.js";
import { parseAuthProxyConfig } from "../../providers/duo/authproxy.js";
import { proxyFacts, unreadProxyFact } from "../../providers/duo/transform.js";
import { duoProxyServer } from "../../src/model/facts/duo.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ctx = { connection: "duo", apiHost: "api-1a2b3c4d.duosecurity.com" };

/** A proxy whose [radius_server_auto] section has the given failmode line (or none). */
function proxy(failmode: string | null) {
  const text = [
    "[ad_client]",
    "host=10.0.0.5",
    "",
    "[radius_server_auto]",
    "ikey=DIRADIUSPROXY0000001",
    "skey=not-kept-0000000000000000000000000000000",
    "api_host=api-1a2b3c4d.duosecurity.com",
    "radius_ip_1=10.0.0.1",
    "radius_secret_1=not-kept",
    "client=ad_client",
    ...(failmode === null ? [] : [`failmode=${failmode}`]),
  ].join("\n");
  return inventory({ facts: proxyFacts(ctx, "10.0.0.20", parseAuthProxyConfig(text, "authproxy.cfg")) });
}

testPolicy(policy, {
  pass: [{ name: "failmode=secure", inventory: proxy("secure"), message: ["failmode=secure", "refused"] }],
  fail: [
    {
      name: "failmode=safe: the primary credential alone when Duo is unreachable",
      inventory: proxy("safe"),
      severity: "high",
      message: ["failmode=safe", "primary credential alone"],
    },
    {
      name: "no failmode: Duo's default is safe",
      inventory: proxy(null),
      severity: "high",
      message: ["no failmode", "default, safe"],
    },
  ],
  unknown: [
    {
      name: "a failmode that is neither safe nor secure",
      inventory: proxy("sometimes"),
      message: ["sometimes"],
    },
    {
      name: "the configuration was not read",
      inventory: inventory({
        facts: [unreadProxyFact(ctx, "10.0.0.20", "authproxy.cfg", "cannot read (ENOENT)")],
      }),
      message: ["was not read", "ENOENT"],
    },
  ],
});

testAbsentFacts(policy, duoProxyServer);

import policy from "../../policies/globalprotect-auth-cookie-lifetime-bounded.js";
import { vpnAuthOverrideCookie } from "../../src/model/facts/vpn.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const portal = entryPoint({
  id: "globalprotect:gp:vsys1:portal/p/any",
  source: "globalprotect",
  kind: "vpn",
  name: "GP portal 'p' (Any)",
});

function cookie(acceptCookie: boolean | "unknown", lifetimeMinutes: number | null) {
  const fact: Fact = {
    kind: "vpn.auth-override-cookie",
    id: `${portal.id}#staff`,
    source: "globalprotect",
    connection: "globalprotect",
    data: { entryPoint: portal.id, scope: "portal 'p' config 'staff'", acceptCookie, lifetimeMinutes },
    evidence: [
      {
        source: "globalprotect",
        connection: "globalprotect",
        field: "cookie-lifetime",
        value: lifetimeMinutes,
      },
    ],
  };
  return inventory({ entryPoints: [portal], facts: [fact] });
}

testPolicy(policy, {
  pass: [
    { name: "cookies not accepted", inventory: cookie(false, null) },
    { name: "8 hours", inventory: cookie(true, 480), message: ["8 hour(s)"] },
    { name: "exactly the limit", inventory: cookie(true, 1440) },
    { name: "a tenant that allows a week", inventory: cookie(true, 7 * 1440), options: { maxHours: 168 } },
  ],
  fail: [
    {
      name: "30 days",
      inventory: cookie(true, 30 * 1440),
      severity: "medium",
      message: ["30 day(s)", "24 h allowed"],
    },
  ],
  unknown: [
    { name: "lifetime not set", inventory: cookie(true, null) },
    {
      name: "a fact about a portal this inventory lacks (was dropped silently before)",
      inventory: { ...cookie(true, 480), entryPoints: [] },
      message: ["names no GlobalProtect portal or gateway"],
    },
  ],
});

testAbsentFacts(policy, vpnAuthOverrideCookie);

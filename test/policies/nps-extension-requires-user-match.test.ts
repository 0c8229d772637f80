import policy from "../../policies/nps-extension-requires-user-match.js";
import { npsSettings } from "../../src/model/facts/nps-extension.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { accessPath, entryPoint, fact, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "nps-extension";
const rdg = entryPoint({
  id: "nps-extension:nps-extension:rdg",
  name: "rdg.example",
  source,
  kind: "rd-gateway",
});

/** The RD Gateway with the extension's REQUIRE_USER_MATCH as read from the registry export. */
function gateway(
  value: boolean | "unknown" | null,
  raw: string | null = value === null ? null : String(value).toUpperCase(),
) {
  const f: Fact = {
    kind: "nps-extension.settings",
    id: `nps:${rdg.id}`,
    source,
    connection: source,
    data: {
      entryPoint: rdg.id,
      frontEnd: "rd-gateway",
      server: "nps01",
      file: "nps01.reg",
      requireUserMatch: { value: value ?? true, raw, line: raw ? 4 : null },
      ipWhitelist: { entries: [], raw: null, line: null },
      alternateLoginId: null,
      nasAddresses: [],
      radiusAddresses: [],
    },
    evidence: [
      { ...fact(source, "REQUIRE_USER_MATCH"), field: "REQUIRE_USER_MATCH" },
      { ...fact(source, "IP_WHITELIST"), field: "IP_WHITELIST" },
    ],
  };
  return inventory({ entryPoints: [rdg], facts: [f] });
}

testPolicy(policy, {
  pass: [
    {
      name: "not set: equivalent to TRUE",
      inventory: gateway(null),
      message: ["not set", "equivalent to TRUE"],
    },
    { name: "TRUE", inventory: gateway(true), message: ["is TRUE"] },
  ],
  fail: [
    {
      name: "FALSE: unregistered users sign in with the password alone",
      inventory: gateway(false),
      severity: "high",
      message: ["REQUIRE_USER_MATCH is FALSE", "password alone"],
    },
  ],
  unknown: [
    {
      name: "a value that is neither TRUE nor FALSE",
      inventory: gateway("unknown", "dword:0"),
      message: ["dword:0"],
    },
    {
      name: "registry export not read (no settings fact)",
      inventory: inventory({
        entryPoints: [rdg],
        accessPaths: [accessPath({ entryPoint: rdg.id, accounts: [], state: "unknown" })],
      }),
      message: ["not known"],
    },
    {
      name: "malformed settings fact",
      inventory: {
        ...gateway(false),
        facts: [{ ...gateway(false).facts[0]!, data: { entryPoint: rdg.id } }],
      },
      message: ["malformed"],
    },
  ],
  silent: [
    {
      name: "entry points of other sources",
      inventory: inventory({ entryPoints: [entryPoint({ id: "x", source: "fortigate", kind: "vpn" })] }),
    },
  ],
});

testAbsentFacts(policy, npsSettings);

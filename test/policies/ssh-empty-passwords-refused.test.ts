import policy from "../../policies/ssh-empty-passwords-refused.js";
import { sshEmptyPasswords } from "../../src/model/facts/ssh.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { entryPoint, fact, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "ssh";
const host = entryPoint({ id: "ssh:ssh:legacy", name: "legacy", source, kind: "ssh" });

function legacy(data: {
  permitted?: Array<{ principal: string | null; source: string }>;
  notKnown?: string[];
  empty?: string[] | null;
}) {
  const f: Fact = {
    kind: "ssh-empty-passwords",
    id: `${host.id}/empty-passwords`,
    source,
    connection: source,
    data: {
      entryPoint: host.id,
      host: "legacy",
      permitted: data.permitted ?? [],
      notKnown: data.notKnown ?? [],
      emptyPasswordAccounts: data.empty === undefined ? [] : data.empty,
    },
    evidence: [fact(source, "PermitEmptyPasswords")],
  };
  return inventory({ entryPoints: [host], facts: [f] });
}

const any = { principal: "scanner", source: "any address" };

testPolicy(policy, {
  pass: [{ name: "PermitEmptyPasswords no everywhere", inventory: legacy({}) }],
  fail: [
    {
      name: "permitted, no account has an empty password",
      inventory: legacy({ permitted: [any] }),
      severity: "high",
    },
    {
      name: "permitted and scanner's password is empty",
      inventory: legacy({ permitted: [any], empty: ["scanner"] }),
      severity: "critical",
      message: ["scanner has an empty password"],
    },
    {
      name: "permitted globally with an empty-password account",
      inventory: legacy({ permitted: [{ principal: null, source: "global" }], empty: ["kiosk"] }),
      severity: "critical",
    },
    {
      name: "permitted, empty passwords not read",
      inventory: legacy({ permitted: [any], empty: null }),
      severity: "high",
      message: ["not read"],
    },
  ],
  unknown: [
    {
      name: "a login's configuration could not be read",
      inventory: legacy({ notKnown: ["alice from any address: timeout"] }),
    },
    { name: "no fact for the host", inventory: inventory({ entryPoints: [host] }) },
  ],
  silent: [
    {
      name: "no SSH host",
      inventory: inventory({ entryPoints: [entryPoint({ id: "vpn", source: "fortigate", kind: "vpn" })] }),
    },
  ],
});

testAbsentFacts(policy, sshEmptyPasswords);

import { describe, expect, it } from "vitest";
import policy from "../../policies/ssh-root-login-disabled.js";
import { noFactsReason } from "../../src/model/facts/kind.js";
import { sshRootLogin } from "../../src/model/facts/ssh.js";
import type { AccessPath, Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { accessPath, entryPoint, fact, inventory } from "../helpers/inventory.js";
import { contextOf, testPolicy } from "../helpers/policy-tester.js";

const source = "ssh";
const host = entryPoint({ id: "ssh:ssh:web1", name: "web1", source, kind: "ssh" });
type Prl = "yes" | "prohibit-password" | "forced-commands-only" | "no" | null;

/** web1 with PermitRootLogin per source, and root's path (in `state`) where root can log in. */
function web1(values: Prl[], state?: AccessPath["mfa"]["state"], rootAccount = "login-shell") {
  const rootPath = state ? accessPath({ entryPoint: host.id, accounts: ["root@web1"], state }) : undefined;
  const f: Fact = {
    kind: "ssh-root-login",
    id: `${host.id}/root-login`,
    source,
    connection: source,
    data: {
      entryPoint: host.id,
      host: "web1",
      rootAccount,
      sources: values.map((v, i) => ({
        source: `source ${i}`,
        permitRootLogin: v,
        accessPath: v && v !== "no" && rootPath ? rootPath.id : null,
      })),
    },
    evidence: [fact(source, "PermitRootLogin")],
  };
  return inventory({ entryPoints: [host], accessPaths: rootPath ? [rootPath] : [], facts: [f] });
}

testPolicy(policy, {
  pass: [
    {
      name: "PermitRootLogin no from every source",
      inventory: web1(["no", "no"]),
      message: ["PermitRootLogin no"],
    },
    {
      name: "root may log in, but only with two factors",
      inventory: web1(["prohibit-password"], "enforced"),
      message: ["two factors"],
    },
    {
      name: "permitted, yet no method can complete for root",
      inventory: web1(["prohibit-password"]),
      message: ["no authentication method"],
    },
  ],
  fail: [
    {
      name: "prohibit-password: root's key alone",
      inventory: web1(["prohibit-password"], "none"),
      severity: "high",
      mfa: "none",
    },
    {
      name: "PermitRootLogin yes with a single factor",
      inventory: web1(["no", "yes"], "none"),
      severity: "critical",
      message: ["source 1"],
    },
    { name: "forced commands only", inventory: web1(["forced-commands-only"], "none"), severity: "medium" },
    {
      name: "a bypassable second factor for root",
      inventory: web1(["prohibit-password"], "bypassable"),
      severity: "high",
      mfa: "bypassable",
    },
    {
      name: "allowed though root has no login shell today",
      inventory: web1(["yes"], undefined, "no-login-shell"),
      severity: "low",
    },
  ],
  unknown: [
    { name: "PermitRootLogin not read from one source", inventory: web1(["no", null]) },
    { name: "root's verdict unknown", inventory: web1(["yes"], "unknown"), mfa: "unknown" },
    {
      name: "a host that could not be read (no fact)",
      inventory: inventory({
        entryPoints: [host],
        accessPaths: [accessPath({ entryPoint: host.id, accounts: [], state: "unknown" })],
      }),
    },
  ],
  silent: [
    {
      name: "a VPN gateway",
      inventory: inventory({ entryPoints: [entryPoint({ id: "vpn", source: "fortigate", kind: "vpn" })] }),
    },
  ],
});

testAbsentFacts(policy, sshRootLogin);

describe("a host whose connection reported no ssh-root-login facts at all", () => {
  it("is unknown, with the reason naming the kind", () => {
    const verdicts = policy.evaluate(
      contextOf({
        inventory: inventory({ entryPoints: [entryPoint({ id: "ssh:web1", source: "ssh", kind: "ssh" })] }),
        now: new Date("2026-11-24T12:00:00Z"),
        options: policy.defaultOptions,
      }),
    );
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({
      status: "unknown",
      subject: { kind: "entry-point", id: "ssh:web1" },
    });
    expect(verdicts[0]!.message).toContain(noFactsReason(sshRootLogin));
  });
});

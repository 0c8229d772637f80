import { describe, expect, it } from "vitest";
import type { Policy } from "../../src/evaluate/policy.js";
import { type FactKind, noFactsReason } from "../../src/model/facts/kind.js";
import type { Coverage, Fact, TenantInventory } from "../../src/model/index.js";
import { coverage, inventory } from "./inventory.js";
import { contextOf } from "./policy-tester.js";

/**
 * The absent-facts table every policy that reads facts gets (issue #25 item 4): a connection of the kind's
 * source that was read completely but reported none of the policy's facts is `unknown` with the reason
 * "the connection was read but reported no <kind> facts" when every such connection reports the kind, and
 * never `pass` either way. A fact under another kind name (a renamed kind) counts as absent.
 */
/** A fact of `kind` written under another kind name: what a reader filtering by the old name never sees. */
export function renamedFact(kind: FactKind<unknown>, source: string, connection: string): Fact {
  return {
    kind: `${kind.name}-renamed`,
    id: "renamed",
    source,
    connection,
    data: {},
    evidence: [{ source, connection, note: "a fact under another kind name" }],
  };
}

export function testAbsentFacts(
  policy: Policy<unknown>,
  kind: FactKind<unknown>,
  extra: { facts?: Fact[]; entryPoints?: TenantInventory["entryPoints"] } = {},
): void {
  const source = kind.sources.find((s) => policy.meta.sources.includes(s)) ?? kind.sources[0]!;
  const connection = `${source}-1`;
  const run = (status: Coverage["status"], facts: Fact[] = []) =>
    policy.evaluate(
      contextOf({
        inventory: inventory({
          // A policy for MSP tenants only is run where the engine runs it: in the MSP's own tenant.
          tenant: { role: policy.meta.tenantRoles?.[0] ?? "customer" },
          facts: [...(extra.facts ?? []), ...facts],
          entryPoints: extra.entryPoints ?? [],
          coverage: [coverage(source, status, connection)],
        }),
        now: new Date("2026-11-24T12:00:00Z"),
        options: policy.defaultOptions,
      }),
    );
  const renamed = renamedFact(kind, source, connection);
  const every = kind.presence.every === "connection";
  const cases: Array<{ name: string; status: Coverage["status"]; facts?: Fact[] }> = [
    { name: "read completely, no facts", status: "complete" },
    { name: "read completely, only a fact under another kind name", status: "complete", facts: [renamed] },
  ];
  describe(`${policy.meta.id}: no ${kind.name} facts`, () => {
    for (const c of cases) {
      it(`${c.name}: ${every ? "unknown, naming the kind" : "no verdict (none is a real answer)"}`, () => {
        const verdicts = run(c.status, c.facts);
        expect(verdicts.some((v) => v.status === "pass")).toBe(false);
        if (!every) {
          expect(verdicts).toEqual([]);
          return;
        }
        expect(verdicts).toHaveLength(1);
        expect(verdicts[0]!.status).toBe("unknown");
        expect(verdicts[0]!.message).toContain(noFactsReason(kind));
        expect(verdicts[0]!.message).toContain(kind.name);
        expect(verdicts[0]!.subject).toMatchObject({ kind: "connection", id: connection, source });
        expect(verdicts[0]!.evidence.length).toBeGreaterThan(0);
      });
    }
    for (const status of ["partial", "failed"] as const)
      it(`read ${status}ly, no facts: no verdict of its own (the coverage says why)`, () => {
        expect(run(status)).toEqual([]);
      });
  });
}

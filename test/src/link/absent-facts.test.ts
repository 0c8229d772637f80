import { describe, expect, it } from "vitest";
import { link } from "../../../src/link/index.js";
import { entraKinds, entraSource } from "../../../src/model/facts/entra.js";
import { oktaOrg, oktaSource, pendingOktaEvaluation } from "../../../src/model/facts/okta.js";
import type { Fact } from "../../../src/model/index.js";
import { renamedFact } from "../../helpers/absent-facts.js";
import { accessPath, account, coverage, entryPoint, inventory } from "../../helpers/inventory.js";

/**
 * The absent-facts table for the kinds the Entra and Okta linkers read (issue #25 items 4 and 7): a
 * connection read completely that reported none of its facts, or only facts under another kind name (a
 * renamed kind), leaves each directory sign-in path `unknown`, never `enforced`, and the reason says what
 * is missing, naming the kind (it used to be "user u1 is not in the directory listing" and "pending Okta
 * policy evaluation").
 */
const cases = [
  {
    source: entraSource,
    pending: "pending Conditional Access evaluation",
    kind: entraKinds["entra.tenant"],
    says: [
      "the Entra connection entra-1 was read but reported no Conditional Access facts",
      entraKinds["entra.tenant"].name,
      entraKinds["entra.users"].name,
      entraKinds["entra.conditional-access-policies"].name,
    ],
  },
  {
    source: oktaSource,
    pending: pendingOktaEvaluation,
    kind: oktaOrg,
    says: ["Okta sign-on policies were not collected", `reported no ${oktaOrg.name} facts`],
  },
];

for (const { source, pending, kind, says } of cases) {
  describe(`${source} linker: no ${source} facts from a connection read completely`, () => {
    const connection = `${source}-1`;
    const signIn = entryPoint({ id: `${source}:signin`, source, connection, kind: "directory-sign-in" });
    const renamed = renamedFact(kind, source, connection);
    const linked = (facts: Fact[]) =>
      link(
        inventory({
          accounts: [account({ id: "u1", source, connection })],
          entryPoints: [signIn],
          accessPaths: [
            {
              ...accessPath({ entryPoint: signIn.id, accounts: ["u1"], state: "unknown" }),
              mfa: {
                state: "unknown",
                strength: null,
                reason: pending,
                evidence: [{ source, connection, note: pending }],
              },
            },
          ],
          facts,
          coverage: [coverage(source, "complete", connection)],
        }),
      ).accessPaths[0]!;

    for (const [name, facts] of [
      ["no facts", []],
      ["only a fact under another kind name", [renamed]],
    ] as const)
      it(`${name}: the sign-in path is unknown, and says which facts are missing`, () => {
        const path = linked([...facts]);
        expect(path.mfa.state).toBe("unknown");
        expect(path.mfa.evidence.length).toBeGreaterThan(0);
        for (const part of says) expect(path.mfa.reason).toContain(part);
        expect(path.mfa.reason).not.toBe(pending);
      });
  });
}

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { factKinds } from "../../src/model/facts/index.js";

/**
 * Facts are declared once, in src/model/facts/<source>.ts (issue #25 item 4): a policy neither declares a
 * zod schema for a provider's facts nor picks facts by a kind written as a string, so renaming a kind or
 * changing its shape cannot leave a policy silently reading nothing.
 */

const root = resolve(import.meta.dirname, "../..");
const policyFiles = readdirSync(join(root, "policies"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => `policies/${f}`);
const text = (file: string) => readFileSync(join(root, file), "utf8");

/** Policies not yet moved to the contract; each entry must go (the list only shrinks). */
const pending = new Set<string>([]);

describe("one facts contract", () => {
  it("finds the policies and the declared fact kinds", () => {
    expect(policyFiles.length).toBeGreaterThan(30);
    expect(factKinds.length).toBeGreaterThan(0);
    for (const p of pending) expect(policyFiles).toContain(p);
  });

  it("no policy declares a zod object or union schema (facts' schemas live in src/model/facts)", () => {
    // Options are declared with z.strictObject; anything else shaped like a record is a copied fact schema.
    const bad = policyFiles
      .filter((f) => !pending.has(f))
      .flatMap((f) =>
        [...text(f).matchAll(/\bz\.(object|looseObject|union|discriminatedUnion|intersection)\(/g)].map(
          (m) => `${f}: z.${m[1]}(`,
        ),
      );
    expect(bad).toEqual([]);
  });

  it("no policy reads inventory.facts itself or names a fact kind as a string", () => {
    // A kind named like a connection type ("attestation") cannot be told from the source name in text;
    // reading .facts and comparing a fact's kind are refused for it all the same.
    const sources = new Set(factKinds.flatMap((k) => k.sources));
    const names = factKinds.map((k) => k.name).filter((n) => !sources.has(n));
    const bad = policyFiles
      .filter((f) => !pending.has(f))
      .flatMap((f) => {
        const t = text(f);
        return [
          ...[...t.matchAll(/\.facts\b/g)].map(() => `${f}: reads .facts (use factsOf from src/model/facts)`),
          ...names
            .filter((n) => t.includes(`"${n}"`) || t.includes(`'${n}'`) || t.includes(`\`${n}\``))
            .map((n) => `${f}: "${n}"`),
          // Entry points and accounts have kinds too; a fact's is compared only inside src/model/facts.
          ...[...t.matchAll(/\b(?:f|fact|\w*[fF]act)\.kind\s*(?:===|!==)/g)].map((m) => `${f}: ${m[0]}`),
        ];
      });
    expect(bad).toEqual([]);
  });
});

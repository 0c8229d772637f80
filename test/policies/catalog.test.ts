import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { policies } from "../../policies/index.js";
import { providers } from "../../providers/index.js";

const policyDir = fileURLToPath(new URL("../../policies/", import.meta.url));
const policyFiles = readdirSync(policyDir)
  .filter((f) => f.endsWith(".ts") && !["index.ts", "helpers.ts"].includes(f))
  .map((f) => f.replace(/\.ts$/, ""));
const sources = new Set(providers.map((p) => p.type));

describe("policy catalog", () => {
  it("registers every policy file exactly once", () => {
    expect(policies.map((p) => p.meta.id).sort()).toEqual([...policyFiles].sort());
  });

  for (const { meta } of policies) {
    it(`${meta.id}: complete metadata`, () => {
      expect(meta.title.length).toBeGreaterThan(10);
      expect(meta.rationale.length).toBeGreaterThan(40);
      expect(meta.evidence.length).toBeGreaterThan(10);
      expect(meta.remediation.length).toBeGreaterThan(20);
      expect(meta.references.length).toBeGreaterThan(0);
      for (const r of meta.references) expect(r.url).toMatch(/^https:\/\//);
      expect(meta.sources.length).toBeGreaterThan(0);
      for (const s of meta.sources)
        expect(s === "*" || sources.has(s), `source ${s} is a registered provider`).toBe(true);
      expect(meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    });
  }
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { policies } from "../../../policies/index.js";
import { providers } from "../../../providers/index.js";
import { policyCatalogMarkdown } from "../../../src/evaluate/catalog.js";
import { profiles } from "../../../src/evaluate/profiles.js";

describe("policy catalog docs", () => {
  it("docs/policies.md is what the policy files generate (run `npm run docs` after changing a policy)", () => {
    expect(readFileSync(new URL("../../../docs/policies.md", import.meta.url), "utf8")).toBe(
      policyCatalogMarkdown(),
    );
  });

  it("profiles only name policies that exist, with options those policies accept", () => {
    for (const profile of Object.values(profiles)) {
      for (const [id, setting] of Object.entries(profile.policies)) {
        const policy = policies.find((p) => p.meta.id === id);
        expect(policy, `${profile.name} names ${id}`).toBeDefined();
        if (setting.options)
          expect(
            policy?.options?.safeParse({ ...(policy.defaultOptions as object), ...setting.options }).success,
          ).toBe(true);
      }
    }
  });

  it("per-vendor fix steps are keyed by a connection type the policy judges", () => {
    const types = new Set(providers.map((p) => p.type));
    const keyed = policies.filter((p) => p.meta.remediationBySource);
    expect(keyed.length).toBeGreaterThan(0);
    for (const { meta } of keyed)
      for (const source of Object.keys(meta.remediationBySource ?? {})) {
        expect(types.has(source), `${meta.id}: ${source}`).toBe(true);
        expect(meta.sources.includes("*") || meta.sources.includes(source), `${meta.id}: ${source}`).toBe(
          true,
        );
      }
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { policies } from "../../../policies/index.js";
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
});

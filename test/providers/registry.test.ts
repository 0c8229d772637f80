import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { providers } from "../../providers/index.js";

const dir = fileURLToPath(new URL("../../providers/", import.meta.url));
const folders = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
  .map((d) => d.name);

describe("provider registry", () => {
  it("registers one provider per folder, named like the folder", () => {
    expect(providers.map((p) => p.type).sort()).toEqual([...folders].sort());
  });

  for (const folder of folders) {
    it(`${folder} has the provider shape (DESIGN.md §4)`, () => {
      for (const file of ["index.ts", "api.ts", "emulator.ts", "README.md"]) {
        expect(existsSync(`${dir}${folder}/${file}`), `${folder}/${file}`).toBe(true);
      }
    });
  }

  for (const provider of providers) {
    it(`${provider.type} documents its read-only permissions`, () => {
      expect(provider.permissions.length).toBeGreaterThan(0);
      expect(provider.title.length).toBeGreaterThan(1);
    });
  }
});

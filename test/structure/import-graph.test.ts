import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The import graph's rules (issue #25, docs/architecture.md): providers/ and policies/ never import each
 * other; an emulator never imports a non-emulator module of its own provider (it states vendor facts
 * itself, so it can witness them); no import cycle among src/, providers/ and policies/.
 */

const root = resolve(import.meta.dirname, "../..");

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Relative imports (static `import`/`export … from`, and `import()`), resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/gms),
    ...text.matchAll(/^\s*import\s+"(\.[^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((s) => relative(root, resolve(join(root, dirname(file)), s)).replace(/\.js$/, ".ts"));
}

const providerFiles = tsFiles("providers");
const policyFiles = tsFiles("policies");
const srcFiles = tsFiles("src");

/** Emulator files that still import a module of their provider, with why; each must stay needed. */
const knownEmulatorExceptions: Record<string, string> = {
  "providers/fortigate/emulator.ts -> providers/fortigate/cli.ts":
    "restFromCli builds REST fixtures from configuration text with the provider's CLI parser (to replace with an emulator-side parser)",
};

describe("import graph", () => {
  it("providers/ never import policies/, and policies/ never import providers/", () => {
    const bad = [
      ...providerFiles.flatMap((f) =>
        importsOf(f)
          .filter((t) => t.startsWith("policies/"))
          .map((t) => `${f} -> ${t}`),
      ),
      ...policyFiles.flatMap((f) =>
        importsOf(f)
          .filter((t) => t.startsWith("providers/"))
          .map((t) => `${f} -> ${t}`),
      ),
    ];
    expect(bad).toEqual([]);
  });

  it("an emulator imports no non-emulator module of its provider (api.ts facts above all)", () => {
    const emulators = providerFiles.filter((f) => /(^|\/|-)emulator\.ts$/.test(f));
    expect(emulators.length).toBeGreaterThan(15);
    const edges = emulators.flatMap((f) => {
      const own = dirname(f);
      return importsOf(f)
        .filter((t) => dirname(t) === own && !/(^|\/|-)emulator\.ts$/.test(t))
        .map((t) => `${f} -> ${t}`);
    });
    expect(edges.filter((e) => !(e in knownEmulatorExceptions))).toEqual([]);
    // An exception that is no longer needed must be removed from the list.
    expect(Object.keys(knownEmulatorExceptions).filter((e) => !edges.includes(e))).toEqual([]);
  });

  it("no import cycle among src/, providers/ and policies/ (type-only imports count too)", () => {
    const files = new Set([...srcFiles, ...providerFiles, ...policyFiles]);
    const graph = new Map([...files].map((f) => [f, importsOf(f).filter((t) => files.has(t))]));
    // Tarjan's strongly connected components: each component of more than one file is a cycle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const f of files) if (!idx.has(f)) visit(f);
    // The check itself must see the graph: src/index.ts imports something.
    expect(graph.get("src/index.ts")?.length ?? 0).toBeGreaterThan(0);
    expect(cycles.map((c) => `${c.length} files: ${c.join(", ")}`)).toEqual([]);
  });
});

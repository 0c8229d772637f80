import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * The import graph's rules (issue #25, docs/architecture.md), checked by dependency-cruiser with the rules
 * in `.dependency-cruiser.mjs`: no cycle among src/, providers/ and policies/ (type-only imports count);
 * providers/ and policies/ never import each other; providers import nothing of src/link or src/evaluate
 * (but the fact declarations, until item 4 moves them); an emulator imports neither its provider's api.ts
 * nor any other of its provider's modules. One run of the CLI, so `npm test` checks what `npx depcruise` shows.
 */

const root = resolve(import.meta.dirname, "../..");
const cli = resolve(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: Array<{ name: string }>;
}
interface CruiseResult {
  modules: Array<{ source: string; dependencies: Array<{ module: string; couldNotResolve: boolean }> }>;
  summary: { violations: Violation[] };
}

async function cruise(): Promise<CruiseResult> {
  if (!existsSync(cli))
    throw new Error("dependency-cruiser is not installed (a devDependency): run npm install");
  const args = [
    cli,
    "--config",
    ".dependency-cruiser.mjs",
    "--output-type",
    "json",
    "src",
    "providers",
    "policies",
  ];
  // A violation makes depcruise exit non-zero; its JSON is on stdout either way.
  const run = await promisify(execFile)(process.execPath, args, {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  }).catch((err: { stdout?: string; stderr?: string }) => {
    if (!err.stdout) throw new Error(`dependency-cruiser did not run: ${err.stderr ?? String(err)}`);
    return { stdout: err.stdout };
  });
  return JSON.parse(run.stdout) as CruiseResult;
}

/** One readable line per broken rule: `rule: from → to`, a cycle with its whole path. */
function describeViolation(v: Violation): string {
  const path = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)].join(" → ") : `${v.from} → ${v.to}`;
  return `${v.rule.name}: ${path}`;
}

describe("import graph", () => {
  it("keeps the rules of .dependency-cruiser.mjs", { timeout: 120_000 }, async () => {
    const result = await cruise();
    // The check must see the graph: every relative import resolves (a .js → .ts miss would hide cycles).
    const unresolved = result.modules.flatMap((m) =>
      m.dependencies
        .filter((d) => d.couldNotResolve && d.module.startsWith("."))
        .map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
    const index = result.modules.find((m) => m.source === "src/index.ts");
    expect(index?.dependencies.length ?? 0).toBeGreaterThan(10);
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
  });
});

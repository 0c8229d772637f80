import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { policies } from "../../policies/index.js";
import { displayWidth } from "../../src/export/grid.js";
import { cliCommand, cliEnv, root, runMainEach } from "../helpers/cli.js";

/** Issue #23 item 3: tables fit the terminal (a real pseudo-terminal of fixed width) or COLUMNS in a pipe. */

const hasScript = spawnSync("script", ["--version"]).status === 0;
const ids = policies.map((p) => p.meta.id);

/** Runs the CLI inside `script`, a pseudo-terminal set to `cols` columns; returns its lines. */
function inTerminal(cols: number, args: string): string[] {
  const [node, argv] = cliCommand(args.split(" "));
  const command = `stty cols ${cols} rows 50; ${[node, ...argv].join(" ")}`;
  const out = execFileSync("script", ["-qec", command, "/dev/null"], {
    cwd: root,
    env: cliEnv(),
    encoding: "utf8",
  });
  return out.split(/\r?\n/).filter((l) => l.length > 0);
}

describe("table widths", { timeout: 240_000 }, () => {
  it.skipIf(!hasScript && !process.env.CI)("fit a 100-column terminal without cutting a policy id", () => {
    const lines = inTerminal(100, "policies list");
    expect(lines[0]).toMatch(/^POLICY +SEVERITY +SOURCES +TITLE$/);
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(100);
    for (const id of ids) expect(lines.some((l) => l.startsWith(`${id} `))).toBe(true);
    expect(lines.some((l) => l.endsWith("…"))).toBe(true);
  });

  it("take COLUMNS in a pipe, and --wide prints every cell whole", async () => {
    const [narrow, wide] = await runMainEach(
      [
        ["policies", "list"],
        ["--wide", "policies", "list"],
      ],
      {
        env: { COLUMNS: "90" },
      },
    );
    const narrowLines = narrow.stdout.trimEnd().split("\n");
    for (const line of narrowLines) expect(displayWidth(line), line).toBeLessThanOrEqual(90);
    for (const id of ids) expect(narrow.stdout).toContain(`${id} `);
    expect(wide.stdout).not.toContain("…");
    for (const p of policies) expect(wide.stdout).toContain(p.meta.title);
  });
});

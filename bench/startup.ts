/**
 * Start-up time of the CLI (issue #23): runs `mfasweep --version`, `--help` and `scan --help` many times,
 * hyperfine-style, and prints the minimum and median wall time and the median CPU time (user + system,
 * from the reaped children's times in /proc/self/stat, Linux only). Not asserted anywhere: a loaded
 * machine moves wall times by seconds. Figures go in BENCHMARKS.md ("Start-up").
 *
 *   npm run build && npx tsx bench/startup.ts [--runs 20] [--entry bin/mfasweep.js]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    entry: { type: "string", default: "bin/mfasweep.js" },
  },
});
const runs = Math.max(1, Number(values.runs));
const entry = values.entry ?? "bin/mfasweep.js";
if (!existsSync(entry)) {
  process.stderr.write(`no ${entry}: run \`npm run build\` first\n`);
  process.exit(2);
}

/** CPU seconds of this process's reaped children (cutime + cstime), or undefined off Linux. */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: field 16 (cutime) and 17 (cstime) of proc(5) are at 13 and 14 here.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const ms = (s: number) => `${Math.round(s * 1000)} ms`;

// The first row is Node itself starting: the floor under every other.
const cases: string[][] = [[], ["--version"], ["--help"], ["scan", "--help"], ["config", "schema"]];
const rows: string[] = [];
for (const args of cases) {
  const argv = args.length ? [entry, ...args] : ["-e", "0"];
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuBefore = childCpuSeconds();
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, argv, { stdio: ["ignore", "ignore", "pipe"] });
    walls.push(Number(process.hrtime.bigint() - start) / 1e9);
    const cpuAfter = childCpuSeconds();
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpus.push(cpuAfter - cpuBefore);
    if (run.status !== 0) throw new Error(`mfasweep ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  }
  const cpu = cpus.length ? ms(median(cpus)) : "n/a";
  rows.push(
    `| \`${args.length ? `mfasweep ${args.join(" ")}` : "node -e 0"}\` | ${ms(Math.min(...walls))} | ${ms(median(walls))} | ${cpu} |`,
  );
}
process.stdout.write(
  `Node ${process.version}, ${runs} runs each\n\n| command | min wall | median wall | median CPU |\n|---|---|---|---|\n${rows.join("\n")}\n`,
);

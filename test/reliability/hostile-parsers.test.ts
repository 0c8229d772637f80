import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { breakingCharacters, type TextParser, textParsers } from "./text-parsers.js";
import { caseText, type ParserCase } from "./text-parsers-child.js";

/**
 * Issue #12, hostile input, at the level of each text parser (sshd_config with Include and Match, PAM
 * with includes and jumps, OpenVPN, WireGuard, Cisco ASA, FortiGate, XML, Duo's ini and .reg files,
 * JSON, YAML). A FortiGate backup with a vertical tab once made a tokenizer loop that never advanced and
 * took the heap, and with it the whole sweep. The parsers run in a child process with a small heap; a
 * case that does not end is stopped and named, so the failure is a red test, never a hung run.
 * Inputs: fast-check texts of each parser's own syntax mixed with every control character, Unicode
 * whitespace, NUL and lone surrogates; and each syntax unit repeated into long lines, deep nesting,
 * large tables and include trees (shapes where a step that re-reads what came before turns quadratic).
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const child = fileURLToPath(new URL("./text-parsers-child.ts", import.meta.url));
/** A case still running after this long is a hang for our purpose: the largest here take well under 1 s. */
const caseLimitMs = 30_000;
const heapMb = 256;
const startupLimitMs = 60_000;
const bigBytes = 400_000;

/** Text in the parser's own syntax, broken by any of the characters that break tokenizers. */
function hostileText(parser: TextParser): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...parser.units) },
        { weight: 3, arbitrary: fc.constantFrom(...breakingCharacters) },
        { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(" ", "\t", "\n", "\r\n", "=", '"', "'", "#", "[", "]", "<", ">"),
        },
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(""));
}

/** Each unit repeated to a large size (inside the parser's `wrap`), and one line of every breaking character. */
function bigCases(parser: TextParser): ParserCase[] {
  const units = [...(parser.bigUnits ?? parser.units), breakingCharacters.map((c) => `a${c}`).join("")];
  return [...new Set(units)].map((unit) => ({
    parser: parser.name,
    unit,
    times: Math.ceil(bigBytes / unit.length),
    ...(parser.wrap ? { wrap: parser.wrap } : {}),
  }));
}

interface ChildRun {
  results: Map<number, string>;
  /** Milliseconds per case, for a failure message (never asserted: speed is measured in bench/). */
  took: Map<number, number>;
  running?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stopped: boolean;
}

/** Runs the cases in a child; stops it when one case runs longer than the limit. */
function runGuarded(cases: ParserCase[], limitMs = caseLimitMs): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), "mfsw-parsers-"));
  const file = join(dir, "cases.json");
  writeFileSync(file, JSON.stringify(cases));
  const proc = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, "--import", "tsx", child, file], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: ChildRun = {
    results: new Map(),
    took: new Map(),
    code: null,
    signal: null,
    stderr: "",
    stopped: false,
  };
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      run.stopped = true;
      proc.kill("SIGKILL");
    }, ms);
  };
  // Loading the parsers (tsx compiling them) is not a case: it gets the test's own time.
  arm(startupLimitMs);
  let pending = "";
  proc.stdout.on("data", (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const start = /^start (\d+)$/.exec(line);
      if (start) {
        run.running = Number(start[1]);
        arm(limitMs);
      }
      const end = /^end (\d+) (\d+) (.*)$/s.exec(line);
      if (end) {
        run.results.set(Number(end[1]), end[3]!);
        run.took.set(Number(end[1]), Number(end[2]));
        run.running = undefined;
      }
    }
  });
  proc.stderr.on("data", (d: Buffer) => {
    run.stderr = (run.stderr + d.toString()).slice(-4000);
  });
  return new Promise((resolve) => {
    // `close`, not `exit`: it comes after the last of stdout, so no progress line is lost.
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ ...run, code, signal });
    });
  });
}

function describeCase(c: ParserCase): string {
  const text = caseText(c);
  const shown =
    c.text !== undefined ? JSON.stringify(text.slice(0, 200)) : `${JSON.stringify(c.unit)} × ${c.times}`;
  return `${c.parser}: ${shown} (${text.length} characters)`;
}

function expectAllEnded(cases: ParserCase[], run: ChildRun, limitMs = caseLimitMs): void {
  if (run.running !== undefined || run.code !== 0) {
    const at = run.running !== undefined ? cases[run.running] : undefined;
    const why = run.stopped
      ? `still running after ${limitMs} ms`
      : `the process ended (${run.signal ?? `exit ${run.code}`}): ${run.stderr.slice(-600)}`;
    expect.fail(`${at ? describeCase(at) : "before the first case"}: ${why}`);
  }
  const failed = cases.flatMap((c, i) =>
    run.results.get(i) === "ok" ? [] : [`${describeCase(c)}: ${run.results.get(i) ?? "no result"}`],
  );
  expect(failed).toEqual([]);
}

describe("every text parser, in a child process with a small heap and a time limit", () => {
  it("any text in its syntax broken by control characters, Unicode whitespace, NUL or lone surrogates: a result or its own refusal", async () => {
    const cases = textParsers.flatMap((parser) =>
      fc.sample(hostileText(parser), 60).map((text) => ({ parser: parser.name, text })),
    );
    expectAllEnded(cases, await runGuarded(cases));
  }, 120_000);

  it("each syntax unit repeated into long lines, deep nesting, large tables and include trees: ends, within the heap", async () => {
    const cases = textParsers.flatMap(bigCases);
    const run = await runGuarded(cases);
    if (process.env.MFSW_PARSER_TIMES)
      console.log(
        [...run.took]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15)
          .map(([i, ms]) => `${ms} ms ${describeCase(cases[i]!)}`)
          .join("\n"),
      );
    expectAllEnded(cases, run);
  }, 300_000);

  it.each([
    ["guard: a loop that never advances", 3000, "still running after 3000 ms"],
    ["guard: a heap that grows without end", 60_000, "the process ended"],
  ] as const)(
    "the guard itself: %s is stopped and named",
    async (parser, limit, why) => {
      const cases: ParserCase[] = [
        { parser: "JSON with lines", text: "[1]" },
        { parser, text: "x" },
      ];
      const run = await runGuarded(cases, limit);
      expect(run.results.get(0)).toBe("ok");
      expect(() => expectAllEnded(cases, run, limit)).toThrow(`${parser}: "x" (1 characters): ${why}`);
    },
    120_000,
  );
});

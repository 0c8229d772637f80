import { readFileSync, writeSync } from "node:fs";
import { textParsers } from "./text-parsers.js";

/**
 * Runs text parsers on the cases a test wrote to a file, in a process of its own: a loop that never
 * advances or a heap that grows without end is then a killed child the test names, not a hung test run.
 * Progress goes to stdout unbuffered, one line per case start and end, so the parent knows which case
 * was running when it had to stop the process.
 */

export interface ParserCase {
  parser: string;
  /** The text itself, or `unit` repeated `times` times with `{n}` replaced by the repetition's number. */
  text?: string;
  unit?: string;
  times?: number;
  /** Text before and after the repetitions (the block a repeated entry belongs in). */
  wrap?: [string, string];
}

export function caseText(c: ParserCase): string {
  if (c.text !== undefined) return c.text;
  const unit = c.unit ?? "";
  const [before, after] = c.wrap ?? ["", ""];
  const body = unit.includes("{n}")
    ? Array.from({ length: c.times ?? 1 }, (_, n) => unit.replaceAll("{n}", String(n))).join("")
    : unit.repeat(c.times ?? 1);
  return `${before}${body}${after}`;
}

/** Synchronous, so a line is out before the next case starts; a full pipe (EAGAIN) is waited out. */
function say(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
    }
  }
}

/** Two parsers that fail the two ways the guard exists for, to show it stops and names them. */
const broken: Array<{ name: string; parse: (text: string) => unknown; refusal?: undefined }> = [
  {
    name: "guard: a loop that never advances",
    parse: () => {
      for (let i = 0; i < 1; ) i *= 1;
    },
  },
  {
    name: "guard: a heap that grows without end",
    parse: (text) => {
      const tokens: string[][] = [];
      for (;;) tokens.push(new Array<string>(100_000).fill(text));
    },
  },
];

if (process.argv[2]) {
  const cases = JSON.parse(readFileSync(process.argv[2], "utf8")) as ParserCase[];
  const byName = new Map([...textParsers, ...broken].map((p) => [p.name, p]));
  cases.forEach((c, i) => {
    const parser = byName.get(c.parser)!;
    const text = caseText(c);
    say(`start ${i}`);
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      parser.parse(text);
      say(`end ${i} ${took()} ok`);
    } catch (err) {
      const refused = parser.refusal?.(err) ?? false;
      const what = err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
      say(`end ${i} ${took()} ${refused ? "ok" : `threw ${JSON.stringify(what.slice(0, 300))}`}`);
    }
  });
  say("done");
}

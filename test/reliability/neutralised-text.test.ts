import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { startWebhookReceiver } from "../../src/export/ticketing/emulators/webhook.js";
import { runMain } from "../helpers/cli.js";
import { parseCsv } from "../helpers/csv.js";
import { configText, scratch } from "./harness.js";
import { type Instance, stack } from "./stacks.js";

/**
 * Issue #19 item 11 (part): account names that carry the list separator of many locales (`;`) or
 * invisible and direction-changing characters, through the real CLI against the Google Workspace
 * emulator: the CSV and the terminal table show them defused, and a ticketing webhook's payload (title,
 * subject names) is neutralised like a PSA ticket's.
 */

const cliTimeout = 300_000;
// Zero-width space, LRM/RLM, bidi embeddings and overrides, isolates, and a BOM inside text.
const invisible = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const names = [
  // In a `;` locale the fragment after the `;` would be a cell of its own, starting with `=`.
  "x;=1+1",
  "y;@SUM(1+1)",
  "\u202egpj.exe",
  "zero\u200bwidth",
  "iso\u2066late\u2069",
  "b\ufeffom",
  "mark\u200f",
];

const work = scratch("mfsw-neutral-");
let instance: Instance;
let receiver: RunningEmulator;
let config: string;
const secret = `whsec_${randomBytes(32).toString("base64")}`;
const env = () => ({ ...instance.env, HOOK_SECRET: secret });

beforeAll(async () => {
  const google = stack("google-workspace");
  instance = await google.start(
    google.seed({
      id: "evil",
      domain: "evil.example",
      people: names.map((local) => ({ local, name: local, mfa: false })),
    }),
  );
  receiver = await startWebhookReceiver();
  config = join(work.dir, "mfasweep.yaml");
  writeFileSync(
    config,
    configText([{ id: "evil", name: "Evil Corp", connections: [instance.connection] }], {
      store: { path: join(work.dir, "queue.db") },
      ticketing: [
        {
          id: "hook",
          type: "webhook",
          endpoint: `${receiver.url}/hooks`,
          auth: { secret: "env:HOOK_SECRET" },
          tenants: { evil: {} },
        },
      ],
    }),
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await Promise.all([instance?.close(), receiver?.close()]);
  work.remove();
});

describe("names with separators and invisible characters (issue #19 item 11)", () => {
  it(
    "CSV: a cell holding ';' is quoted (a ';' spreadsheet starts no cell with a formula); invisibles are shown",
    async () => {
      const run = await runMain(["scan", "--config", config, "--format", "csv"], { env: env() });
      expect(run.code, run.stderr).toBe(1);
      expect(invisible.exec(run.stdout)?.[0]).toBeUndefined();
      const rows = parseCsv(run.stdout);
      const subjects = rows.slice(1).map((r) => r[rows[0]!.indexOf("subject")]);
      for (const name of ["x;=1+1", "y;@SUM(1+1)"]) expect(subjects).toContain(`${name}@evil.example`);
      expect(subjects).toContain("\\u202egpj.exe@evil.example");
      expect(subjects).toContain("zero\\u200bwidth@evil.example");
      for (const row of parseCsv(run.stdout, ";"))
        for (const cell of row) expect(/^[=+\-@\t\r]/.test(cell), cell.slice(0, 60)).toBe(false);
    },
    cliTimeout,
  );

  it(
    "terminal table: invisible and direction-changing characters are shown as \\uNNNN",
    async () => {
      const run = await runMain(["scan", "--config", config, "--wide"], { env: env() });
      expect(run.code, run.stderr).toBe(1);
      expect(invisible.exec(run.stdout)?.[0]).toBeUndefined();
      expect(run.stdout).toContain("\\u202egpj.exe");
      expect(run.stdout).toContain("iso\\u2066late\\u2069");
    },
    cliTimeout,
  );

  it(
    "a ticketing webhook's title and subject names are neutralised like a PSA ticket's",
    async () => {
      const sweep = await runMain(["sweep", "--config", config], { env: env() });
      expect(sweep.code, sweep.stderr).toBe(1);
      const sync = await runMain(["tickets", "sync", "--config", config], { env: env() });
      expect(sync.code, sync.stderr).toBe(0);
      const events = receiver.requests.map(
        (r) =>
          JSON.parse(r.body) as {
            data: { title: string; text: string; findings: Array<{ subject: { name: string } }> };
          },
      );
      expect(events.length).toBeGreaterThanOrEqual(names.length);
      const texts = events.flatMap((e) => [
        e.data.title,
        e.data.text,
        ...e.data.findings.map((f) => f.subject.name),
      ]);
      for (const text of texts) expect(invisible.exec(text)?.[0], text).toBeUndefined();
      expect(events.map((e) => e.data.title).join("\n")).toContain("\\u202egpj.exe");
      expect(events.flatMap((e) => e.data.findings.map((f) => f.subject.name))).toContain(
        "iso\\u2066late\\u2069@evil.example",
      );
    },
    cliTimeout,
  );
});

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { providers } from "../../providers/index.js";
import { debianCommonFiles, writeSnapshot } from "../../providers/ssh/emulator.js";
import { queueCommand } from "../../src/cli/queue/index.js";
import { scanCommand } from "../../src/cli/scan.js";
import { ticketsCommand } from "../../src/cli/tickets.js";
import { collectConnection } from "../../src/collect/index.js";
import type { ProviderDemo } from "../../src/collect/provider.js";
import { QuotaRegistry } from "../../src/collect/quota.js";
import { parseConfig } from "../../src/composition.js";
import { demoPortfolio } from "../../src/demo/index.js";
import { ConfigError } from "../../src/errors.js";
import { escapeHtml } from "../../src/export/html/escape.js";
import { render, toHtml } from "../../src/export/index.js";
import { recordsFromStore } from "../../src/export/items.js";
import { findingRecordsCsv, findingRecordsJson, storeRecords } from "../../src/export/record.js";
import { forCsvCell, forTerminal, visible } from "../../src/export/sanitize.js";
import {
  connectwiseBasePath,
  startConnectWiseEmulator,
} from "../../src/export/ticketing/emulators/connectwise.js";
import { startHaloEmulator } from "../../src/export/ticketing/emulators/halopsa.js";
import { adfProblem, startJiraEmulator } from "../../src/export/ticketing/emulators/jira.js";
import type { Coverage } from "../../src/model/index.js";
import type { QueueItem } from "../../src/queue/index.js";
import type { ScanReport } from "../../src/report.js";
import { inProcess } from "../helpers/cli.js";
import { parseCsv } from "../helpers/csv.js";
import { startFakeHost } from "../providers/ssh/fake-host.js";
import { configOf, fastRetry, recordedSweep, scratch, within, withStore } from "./harness.js";
import { type Instance, stack, stacks, type TenantSpec } from "./stacks.js";
import { breakingCharacters } from "./text-parsers.js";

/**
 * Issue #12, hostile input. Property-based (fast-check) over every boundary that can be reached from the
 * registry: the config file, each provider's connection schema and API schemas, each provider's API
 * pages (through the four client stacks), and each config-only provider's input files (from its demo).
 * A crash surfaces as "internal error: ..." (describeError's words for anything that is not ours), so
 * "never a crash" is: no internal error anywhere, and every failure names where it happened. Then hostile account
 * names through every output: terminal table, CSV, JSON, HTML and the queue's own views.
 */

const crash =
  /internal error:|Maximum call stack|Cannot read propert|undefined \(reading|is not a function|is not iterable|Cannot convert/;

function coverageText(c: Coverage): string {
  return [c.reason ?? "", ...c.gaps.map((g) => `${g.what}: ${g.reason}`)].join("\n");
}

// ---------------------------------------------------------------------------------------------------

describe("config files", () => {
  const located = /reliability\.yaml:\d+/;
  const parse = (text: string) => parseConfig(text, "reliability.yaml");
  const valid = {
    tenants: [
      {
        id: "acme",
        name: "Acme",
        connections: [
          { type: "google-workspace", auth: { method: "access-token", token: "env:ACME_GOOGLE" } },
          {
            type: "ssh",
            username: "audit",
            auth: { method: "password", password: "file:/etc/mfasweep/ssh" },
            hosts: [{ host: "10.0.0.5", hostKey: `SHA256:${"A".repeat(43)}` }],
          },
          { type: "okta", orgUrl: "https://acme.okta.com", auth: { method: "api-token", token: "env:OKTA" } },
        ],
      },
    ],
    exceptions: [
      {
        match: { tenant: "acme", policy: "*", subject: "x@acme.example" },
        reason: "pilot",
        approvedBy: "sec@msp.example",
        expires: "2026-12-01",
      },
    ],
  };

  /** Parses, and when it refuses: a ConfigError naming file and line, never another error. */
  function parsesOrSaysWhere(text: string): void {
    try {
      parse(text);
    } catch (err) {
      expect(err, String(err)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(located);
    }
  }

  it("any text: a config or a ConfigError with file:line, never a crash", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 400 }),
          fc.lorem({ maxCount: 40 }).map((s) => s.replace(/ /g, ":\n  - ")),
          fc.jsonValue().map((v) => stringify(v)),
        ),
        parsesOrSaysWhere,
      ),
      { numRuns: 300 },
    );
  });

  it("a valid config with any one value replaced by anything: parsed or refused with the location", () => {
    const leaves: Array<Array<string | number>> = [];
    const walk = (v: unknown, path: Array<string | number>) => {
      if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k]);
      else leaves.push(path);
    };
    walk(valid, []);
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.jsonValue(), (path, value) => {
        const copy = structuredClone(valid) as Record<string, unknown>;
        let at: Record<string | number, unknown> = copy;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
        at[path.at(-1)!] = value;
        parsesOrSaysWhere(stringify(copy));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a YAML alias bomb and absurd nesting quickly, with a ConfigError", async () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ntenants: []\n`;
    const started = Date.now();
    expect(() => parse(bomb)).toThrow(ConfigError);
    expect(() => parse(`${"[".repeat(5000)}${"]".repeat(5000)}`)).toThrow(ConfigError);
    expect(() => parse(`tenants:\n${"  - ".repeat(3000)}x\n`)).toThrow(ConfigError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a connection type that is not a string (an object whose toString is data) is a ConfigError", () => {
    const text = "tenants:\n  - id: a\n    name: A\n    connections:\n      - type: { toString: x }\n";
    expect(() => parse(text)).toThrow(
      /reliability\.yaml:5 tenants\[0\]\.connections\[0\]\.type: expected a connection type name/,
    );
  });

  it("a secret pasted inline is refused without being repeated", () => {
    const copy = structuredClone(valid);
    (copy.tenants[0]!.connections[0]!.auth as unknown as Record<string, string>).token =
      "ya29.inline-secret-value";
    expect(() => parse(stringify(copy))).toThrow(
      /reliability\.yaml:\d+ tenants\[0\]\.connections\[0\]\.auth\.token: expected env:NAME or file:PATH/,
    );
    try {
      parse(stringify(copy));
    } catch (err) {
      expect((err as Error).message).not.toContain("inline-secret-value");
    }
  });
});

// ---------------------------------------------------------------------------------------------------

describe("every provider's boundary schemas (from the registry)", () => {
  /** The zod schemas a provider's api.ts exports: its documented API or file format. */
  async function apiSchemas(type: string): Promise<Array<[string, z.ZodType]>> {
    const file = new URL(`../../providers/${type}/api.ts`, import.meta.url);
    if (!existsSync(file)) return [];
    const module = (await import(/* @vite-ignore */ file.href)) as Record<string, unknown>;
    return Object.entries(module).filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType);
  }

  it("each connection schema answers anything with a result, never an exception", () => {
    for (const provider of providers) {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.jsonValue(),
            fc
              .dictionary(
                fc.constantFrom("type", "id", "auth", "hosts", "endpoint", "file", "url", "database"),
                fc.jsonValue(),
              )
              .map((d) => ({ ...d, type: provider.type })),
          ),
          (value) => {
            const parsed = provider.connectionSchema.safeParse(value);
            if (!parsed.success) expect(parsed.error.issues.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 60 },
      );
    }
  });

  it("each API schema (every zod schema a provider's api.ts exports) answers anything without throwing", async () => {
    let count = 0;
    for (const provider of providers) {
      for (const [name, schema] of await apiSchemas(provider.type)) {
        count++;
        fc.assert(
          fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
            const parsed = schema.safeParse(value);
            expect(typeof parsed.success, `${provider.type} ${name}`).toBe("boolean");
          }),
          { numRuns: 25 },
        );
      }
    }
    expect(count).toBeGreaterThan(40);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("API pages, through each client stack", () => {
  const people: TenantSpec = {
    id: "acme",
    domain: "acme.example",
    people: [
      { local: "admin", admin: true, mfa: false },
      { local: "ann", mfa: true },
      { local: "bob", mfa: false },
    ],
  };

  /** A users page changed into something else: another JSON value, or the real one with a part replaced. */
  const hostilePage = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => ({ replace: v })),
    fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([pick, v]) => ({ pick, with: v })),
    fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ text })),
  );

  it.each(stacks.map((s) => [s.type, s] as const))(
    "%s: any users page ends in a result or a named error, never a crash or hang",
    async (_t, s) => {
      let current: { replace?: unknown; pick?: number; with?: unknown; text?: string } = {};
      const seed = s.seed(people);
      const instance: Instance = await s.start(seed, {
        faults: [
          {
            path: s.usersPath,
            times: Number.POSITIVE_INFINITY,
            fault: {
              kind: "rewrite",
              rewrite: (answer) => {
                if (current.text !== undefined) return { ...answer, status: 200, body: current.text };
                if ("replace" in current) return { ...answer, status: 200, body: current.replace };
                // Replace one value somewhere inside the real page.
                const body = structuredClone(answer.body) as unknown;
                const spots: Array<{ parent: Record<string | number, unknown>; key: string | number }> = [];
                const walk = (v: unknown) => {
                  if (v && typeof v === "object")
                    for (const [k, x] of Object.entries(v)) {
                      spots.push({
                        parent: v as Record<string | number, unknown>,
                        key: Array.isArray(v) ? Number(k) : k,
                      });
                      walk(x);
                    }
                };
                walk(body);
                const spot = spots[(current.pick ?? 0) % Math.max(1, spots.length)];
                if (spot) spot.parent[spot.key] = current.with ?? null;
                return { ...answer, body: body as Record<string, unknown> };
              },
            },
          },
        ],
      });
      try {
        const config = configOf([{ id: "acme", name: "Acme", connections: [instance.connection] }]);
        const connection = config.tenants[0]!.connections[0]!;
        await fc.assert(
          fc.asyncProperty(hostilePage, async (page) => {
            current = page;
            const collected = await within(
              20_000,
              `${s.type} with a hostile page`,
              collectConnection({ id: "acme", name: "Acme" }, connection, {
                quotas: new QuotaRegistry(false),
                env: instance.env,
                retry: fastRetry,
                sleep: async () => {},
              }),
            );
            const text = coverageText(collected.coverage);
            expect(text).not.toMatch(crash);
            if (collected.coverage.status === "failed") expect(text).toMatch(/users/i);
            // Whatever was read stays a valid inventory with one record per id.
            const ids = collected.inventory.accounts.map((a) => a.id);
            expect(new Set(ids).size).toBe(ids.length);
          }),
          { numRuns: 15 },
        );
      } finally {
        await instance.close();
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------------

describe("config-only providers' input files (from each demo, registry-driven)", () => {
  let demos: Array<{ type: string; demo: ProviderDemo }> = [];
  beforeAll(async () => {
    for (const provider of providers)
      if (provider.demo) demos.push({ type: provider.type, demo: await provider.demo(demoPortfolio) });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(demos.map((d) => d.demo.close()));
    demos = [];
  });

  /** Files a connection reads: setting values that are paths of files or directories on disk. */
  function inputFiles(connection: unknown): string[] {
    const found: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === "string" && v.startsWith("/") && existsSync(v)) {
        if (statSync(v).isFile()) found.push(v);
        else if (statSync(v).isDirectory()) {
          const all = (dir: string): string[] =>
            readdirSync(dir).flatMap((n) =>
              statSync(join(dir, n)).isDirectory() ? all(join(dir, n)) : [join(dir, n)],
            );
          found.push(...all(v));
        }
      } else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
    };
    walk(connection);
    return found;
  }

  /** The file's text broken the ways real files break: cut, lines lost or doubled, junk, huge lines. */
  const mutation = (original: string) => {
    const lines = original.split("\n");
    return fc.oneof(
      fc.nat({ max: original.length }).map((n) => original.slice(0, n)),
      fc.tuple(fc.nat(), fc.string({ unit: "binary", maxLength: 80 })).map(([i, junk]) => {
        const copy = [...lines];
        copy.splice(i % (copy.length + 1), 0, junk);
        return copy.join("\n");
      }),
      fc.nat().map((i) => lines.filter((_, j) => j !== i % lines.length).join("\n")),
      fc.nat().map((i) => [...lines, ...lines.slice(i % lines.length)].join("\n")),
      fc.constantFrom(
        "",
        "\u0000\u0000\u0000",
        "x".repeat(200_000),
        `${original}\n${"=".repeat(5000)}`,
        "\uFEFF" + original,
      ),
      fc.string({ unit: "binary", maxLength: 300 }),
      // Every control character and Unicode space where a tokenizer expects a space, or anywhere.
      fc.constantFrom(...breakingCharacters).map((c) => original.replaceAll(" ", c)),
      fc
        .tuple(fc.nat({ max: original.length }), fc.constantFrom(...breakingCharacters))
        .map(([at, c]) => `${original.slice(0, at)}${c}${original.slice(at)}`),
    );
  };

  it("each file, broken: the connection ends complete or with a named gap, never a crash or hang", async () => {
    let files = 0;
    for (const { type, demo } of demos) {
      for (const { tenant, connection } of demo.connections) {
        const inputs = inputFiles(connection).filter((f) => !f.endsWith(".pem"));
        if (inputs.length === 0) continue;
        const config = configOf([{ id: tenant, name: tenant, connections: [connection] }]);
        const parsed = config.tenants[0]!.connections[0]!;
        // A few files per connection keep the run short; which ones changes with fast-check's seed.
        for (const file of inputs.slice(0, 6)) {
          files++;
          const original = readFileSync(file, "latin1");
          try {
            await fc.assert(
              fc.asyncProperty(mutation(original), async (content) => {
                writeFileSync(file, content, "latin1");
                const collected = await within(
                  20_000,
                  `${type} with a broken ${file}`,
                  collectConnection({ id: tenant, name: tenant }, parsed, {
                    quotas: new QuotaRegistry(false),
                    env: demo.env,
                    retry: fastRetry,
                    sleep: async () => {},
                  }),
                );
                const text = coverageText(collected.coverage);
                expect(text, `${type} ${file}`).not.toMatch(crash);
                // A refusal says where: the file (its name, or the command whose saved output it is), a
                // file:line, or the path of the file it could not follow (a PAM include cut short).
                if (collected.coverage.status !== "complete") {
                  const name = basename(file);
                  const where =
                    [name, name.replace(/-/g, " ")].some((n) => text.includes(n)) ||
                    /(^|\s)\/[^\s:]+(:\d+)?/.test(text);
                  expect(where, `${type} ${file}: ${text}`).toBe(true);
                }
              }),
              { numRuns: 8 },
            );
          } finally {
            writeFileSync(file, original, "latin1");
          }
        }
      }
    }
    expect(files).toBeGreaterThan(5);
  });
});

// ---------------------------------------------------------------------------------------------------

const hostile = [
  `=HYPERLINK("http://evil.example","click")`,
  `+1+cmd|' /C calc'!A0`,
  `-2+3+cmd|' /C calc'!A0`,
  `@SUM(1+1)*cmd|' /C calc'!A0`,
  "\t=1+1",
  "\r=1+1",
  "<script>alert('x')</script>",
  `"><img src=x onerror=alert(1)>`,
  "\u001b[31mRED\u001b[0m\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007\u001b[2J",
  "line1\nFAKE LINE\r\nline3",
  "\u009b31mC1-CSI",
  "\u202egpj.exe",
  "[code]<b>raw</b>[/code]",
  `${"long-".repeat(20_000)}end`,
];

describe("hostile account names through every output", () => {
  const work = scratch("mfsw-hostile-");
  const db = join(work.dir, "queue.db");
  let report: ScanReport;
  let items: QueueItem[];
  let instance: Instance;

  beforeAll(async () => {
    const google = stack("google-workspace");
    instance = await google.start(
      google.seed({
        id: "evil",
        domain: "evil.example",
        people: hostile.map((local, i) => ({ local, name: local, mfa: false, admin: i === 0 })),
      }),
    );
    await withStore(db, async (store) => {
      report = (
        await recordedSweep(
          configOf([{ id: "evil", name: "Evil Corp", connections: [instance.connection] }]),
          store,
          instance.env,
        )
      ).outcome.report;
      items = await store.findItems({});
    });
    expect(report.coverage[0]?.status).toBe("complete");
    expect(items.length).toBeGreaterThanOrEqual(hostile.length);
  });
  afterAll(async () => {
    await instance.close();
    work.remove();
  });

  /** Terminal text: no control character but the newline (and, with colour on, our own SGR codes). */
  function assertTerminalSafe(text: string, what: string) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: our own colour codes, removed before the check
    const withoutOurColours = text.replace(/\u001b\[(?:0|1|2|31|32|33|36|90)m/g, "");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
    const bad = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(withoutOurColours);
    expect(bad ? `${JSON.stringify(bad[0])} at ${bad.index}` : "none", what).toBe("none");
    // A newline inside a name never starts a line of its own.
    expect(
      text.split("\n").some((line) => /^\s*(FAKE LINE|line3)/.test(line)),
      what,
    ).toBe(false);
  }

  it("terminal: the findings table and the coverage lines, with and without colour", () => {
    for (const color of [false, true])
      assertTerminalSafe(render(report, "table", { color, width: 180, all: true }), `table color=${color}`);
  });

  it("terminal: queue list and queue show", async () => {
    const list = await inProcess(queueCommand(), ["queue", "list", "--store", db]);
    expect(list.code).toBe(0);
    assertTerminalSafe(list.stdout, "queue list");
    const shown = items.find((i) => i.subject.name.includes("\u001b"))!;
    const show = await inProcess(queueCommand(), ["queue", "show", shown.fingerprint, "--store", db]);
    expect(show.code).toBe(0);
    assertTerminalSafe(show.stdout, "queue show");
  });

  it("CSV (results and queue export): every cell that starts like a formula is defused, every row stays one row", async () => {
    const now = new Date();
    const records = await withStore(db, async (store) =>
      storeRecords(store, await recordsFromStore(store), { now }),
    );
    for (const [what, text, count] of [
      ["results CSV", render(report, "csv", { color: false, width: 0, all: true }), report.results.length],
      ["queue CSV", findingRecordsCsv(records, { bom: true }), records.length],
    ] as const) {
      const rows = parseCsv(text);
      expect(rows.length, what).toBe(count + 1);
      const width = rows[0]!.length;
      for (const row of rows) {
        expect(row.length, what).toBe(width);
        for (const cell of row)
          expect(/^[=+\-@\t\r]/.test(cell), `${what}: ${cell.slice(0, 40)}`).toBe(false);
      }
      // The defused value still says what the tenant wrote, after the quote.
      const subjects = rows.slice(1).map((r) => r[rows[0]!.indexOf("subject")]!);
      expect(subjects).toContain(`'=HYPERLINK("http://evil.example","click")@evil.example`);
    }
  });

  it("JSON keeps every value exactly (it is data, escaped by JSON itself)", async () => {
    const parsed = JSON.parse(render(report, "json", { color: false, width: 0, all: true })) as ScanReport;
    const names = new Set(parsed.results.map((r) => r.subject.name));
    for (const h of hostile) expect(names.has(`${h}@evil.example`), h.slice(0, 30)).toBe(true);
    const exported = JSON.parse(
      findingRecordsJson(
        await withStore(db, async (store) =>
          storeRecords(store, await recordsFromStore(store), { now: new Date() }),
        ),
        new Date(),
      ),
    ) as unknown;
    expect(JSON.stringify(exported)).toContain(JSON.stringify(hostile[8]).slice(1, -1));
  });

  it("HTML: no markup, script, attribute break-out or raw control character from a name", () => {
    const html = toHtml(report);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<b>raw</b>");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/.test(html)).toBe(false);
    expect(html).toContain("\\x1b[31mRED");
  });

  it("ticket bodies: plain text (ConnectWise), HTML (HaloPSA) and ADF (Jira) carry names as inert text", async () => {
    const cw = await startConnectWiseEmulator({
      companyId: "msp",
      publicKey: "pub",
      privateKey: "priv",
      clientId: "client",
      companies: [250],
    });
    const halo = await startHaloEmulator({ clientId: "app", clientSecret: "halo-secret", clients: [12] });
    const jira = await startJiraEmulator({
      email: "bot@msp.example",
      apiToken: "jira-token",
      projects: ["EVIL"],
    });
    try {
      const file = join(work.dir, "tickets.yaml");
      writeFileSync(
        file,
        stringify({
          tenants: [{ id: "evil", name: "Evil Corp", connections: [instance.connection] }],
          store: { path: db },
          ticketing: [
            {
              id: "cw",
              type: "connectwise",
              endpoint: `${cw.url}${connectwiseBasePath}`,
              apiVersion: "2022.1",
              auth: {
                companyId: "msp",
                publicKey: "env:CW_PUB",
                privateKey: "env:CW_PRIV",
                clientId: "env:CW_CLIENT",
              },
              tenants: { evil: { companyId: 250 } },
            },
            {
              id: "halo",
              type: "halopsa",
              endpoint: halo.url,
              auth: { clientId: "app", clientSecret: "env:HALO_SECRET" },
              tenants: { evil: { clientId: 12 } },
            },
            {
              id: "jira",
              type: "jira",
              endpoint: jira.url,
              auth: { email: "bot@msp.example", apiToken: "env:JIRA_TOKEN" },
              tenants: { evil: { projectKey: "EVIL" } },
            },
          ],
        }),
        { mode: 0o600 },
      );
      const run = await inProcess(ticketsCommand(), ["tickets", "sync", "--config", file], {
        CW_PUB: "pub",
        CW_PRIV: "priv",
        CW_CLIENT: "client",
        HALO_SECRET: "halo-secret",
        JIRA_TOKEN: "jira-token",
        NO_COLOR: "1",
      });
      expect(run.code, run.stderr).toBe(0);
      assertTerminalSafe(run.stdout + run.stderr, "tickets sync output");
      for (const emulator of [cw, halo, jira])
        expect(emulator.tickets.length).toBeGreaterThanOrEqual(hostile.length);

      const strings = (v: unknown): string[] =>
        typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
      const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;
      for (const t of cw.tickets) {
        for (const text of [...strings(t.fields), ...t.notes.map((n) => n.text)]) {
          expect(text).not.toMatch(/[<>]|\[\/?code\]/i);
          expect(control.test(text), text.slice(0, 60)).toBe(false);
        }
        expect(String(t.fields.summary)).not.toMatch(/\n/);
      }
      for (const t of halo.tickets) {
        const body = String(t.fields.details_html);
        expect(body).not.toMatch(/<script|<img|<b>raw/);
        expect(control.test(body)).toBe(false);
        expect(String(t.fields.summary)).not.toMatch(/[\n<>]/);
      }
      expect(halo.tickets.map((t) => String(t.fields.details_html)).join("")).toContain("&lt;script&gt;");
      for (const t of jira.tickets) {
        expect(adfProblem(t.fields.description)).toBeUndefined();
        for (const text of strings(t.fields.description))
          expect(control.test(text), text.slice(0, 60)).toBe(false);
        expect(String(t.fields.summary)).not.toMatch(/\n/);
      }
    } finally {
      await Promise.all([cw.close(), halo.close(), jira.close()]);
    }
  });

  it("the sanitisers themselves, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
        expect(/[\u0000-\u001f\u007f-\u009f]/.test(forTerminal(s))).toBe(false);
        const [cell] = parseCsv(`${forCsvCell(s)}\r\n`)[0] ?? [""];
        expect(/^[=+\-@\t\r]/.test(cell ?? "")).toBe(false);
        // The cell says what the data says: with control and invisible characters shown, after the quote.
        expect(cell === visible(s) || cell === visible(`'${s}`)).toBe(true);
        expect(/[<>"'`]/.test(escapeHtml(s))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe("warnings on the terminal", () => {
  const work = scratch("mfsw-hostile-warn-");
  afterAll(() => work.remove());

  it("a warning that names a hostile path (a secret file others can read) prints no control character", async () => {
    const dir = join(work.dir, "\u001b[2J\u001b]0;pwned\u0007");
    mkdirSync(dir);
    const secret = join(dir, "token");
    writeFileSync(secret, "ya29.x\n", { mode: 0o644 });
    const google = stack("google-workspace");
    const instance = await google.start(
      google.seed({ id: "w", domain: "w.example", people: [{ local: "a", mfa: true }] }),
    );
    try {
      const file = join(work.dir, "mfasweep.yaml");
      const connection = {
        ...instance.connection,
        auth: { method: "access-token", token: `file:${secret}` },
      };
      writeFileSync(file, stringify({ tenants: [{ id: "w", name: "W", connections: [connection] }] }), {
        mode: 0o600,
      });
      const run = await inProcess(scanCommand(), ["scan", "--config", file, "--format", "json"]);
      expect(run.stderr).toContain("is readable by group or others");
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the check
      expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(run.stderr)).toBe(false);
    } finally {
      await instance.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------

describe("SSH: hostile names never reach a shell", () => {
  const work = scratch("mfsw-hostile-ssh-");
  const pwned = join(work.dir, "pwned");
  afterAll(() => work.remove());

  it("a user or host name in the config is either refused or a plain word", () => {
    const safe = /^[A-Za-z0-9._:][A-Za-z0-9._:-]*$/;
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.constantFrom("username", "host"),
        (value, field) => {
          const connection = {
            type: "ssh",
            username: field === "username" ? value : "audit",
            auth: { method: "password", password: "env:P" },
            hosts: [{ host: field === "host" ? value : "10.0.0.1", hostKey: `SHA256:${"A".repeat(43)}` }],
          };
          try {
            configOf([{ id: "t", name: "T", connections: [connection] }]);
            expect(value, `${field} accepted`).toMatch(safe);
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("account names and home paths from the host, however hostile, run nothing and are never put on a command line", async () => {
    const names = [
      `$(/bin/touch ${pwned}-1)`,
      `\`/bin/touch ${pwned}-2\``,
      `x;/bin/touch ${pwned}-3`,
      `x|/bin/touch ${pwned}-4`,
      `x&&/bin/touch ${pwned}-5`,
      "-oProxyCommand=x",
      "a b",
      "ünicode",
    ];
    const snap = await writeSnapshot(join(work.dir, "snap"), "h", {
      sshdT: {
        kbdinteractiveauthentication: "yes",
        passwordauthentication: "no",
        usepam: "yes",
        authenticationmethods: "publickey,keyboard-interactive",
      },
      files: {
        "/etc/ssh/sshd_config": "AuthenticationMethods publickey,keyboard-interactive\n",
        "/etc/pam.d/sshd": "auth required pam_google_authenticator.so nullok\n@include common-account\n",
        ...debianCommonFiles,
      },
      accounts: [
        { name: "alice", uid: 1000, home: `/home/$(/bin/touch ${pwned}-6)` },
        { name: "bob", uid: 1001, home: `/home/b'; /bin/touch ${pwned}-7; echo '` },
        ...names.map((name, i) => ({ name, uid: 2000 + i })),
      ],
    });
    const host = await startFakeHost({ snapshotDir: snap });
    try {
      const settings = configOf([
        {
          id: "t",
          name: "T",
          connections: [
            {
              type: "ssh",
              username: "audit",
              auth: { method: "password", password: "env:SSH_PW" },
              sudo: true,
              timeoutSeconds: 5,
              hosts: [
                { host: "127.0.0.1", port: host.port, hostKey: host.fingerprint, sshdPath: host.sshdPath },
              ],
            },
          ],
        },
      ]).tenants[0]!.connections[0]!;
      const collected = await collectConnection({ id: "t", name: "T" }, settings, {
        quotas: new QuotaRegistry(false),
        env: { SSH_PW: "pw" },
      });
      // Nothing ran: no file was touched, by the names or by the home paths.
      expect(readdirSync(work.dir).filter((f) => f.startsWith("pwned"))).toEqual([]);
      // The hostile names were skipped and counted, never evaluated, never sent.
      expect(collected.coverage.counts.skipped).toBe(names.length);
      for (const name of names) expect(host.commands.some((c) => c.includes(name))).toBe(false);
      const ids = collected.inventory.accounts.map((a) => a.id);
      expect(ids).toEqual(expect.arrayContaining(["alice@127.0.0.1", "bob@127.0.0.1"]));
      expect(ids.every((id) => /^[a-z]+@127\.0\.0\.1$/.test(id))).toBe(true);
      // The hostile home paths reached `test` as one argument each.
      expect(host.argv()).toContainEqual([
        "test",
        "-e",
        `/home/b'; /bin/touch ${pwned}-7; echo '/.google_authenticator`,
      ]);
    } finally {
      await host.close();
    }
  });
});

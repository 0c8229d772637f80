import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { seedUser, startGoogleEmulator } from "../../providers/google-workspace/emulator.js";
import { doctorCommand } from "../../src/cli/doctor.js";
import { exportCommand } from "../../src/cli/export.js";
import { queueCommand } from "../../src/cli/queue/index.js";
import { scanCommand } from "../../src/cli/scan.js";
import { ticketsCommand } from "../../src/cli/tickets.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { recordColumns } from "../../src/export/record.js";
import { startJiraEmulator } from "../../src/export/ticketing/emulators/jira.js";
import { inProcess, runMain, runMainEach } from "../helpers/cli.js";
import { parseCsv } from "../helpers/csv.js";
import { googleTenantsYaml, twoStepTenant } from "../helpers/google-tenants.js";

/**
 * A user's path through issue #9: `sweep` fills the queue from the Google emulator, `tickets sync --dry-run`
 * shows the requests, refused credentials exit 2, `tickets sync` opens Jira issues (twice: nothing new the
 * second time), and `export` writes CSV (with BOM) and OCSF, also from a scan. The sweep, the first sync
 * and the CSV export run as real processes; the other steps run the same commander commands in-process,
 * because a process start costs about a second each on CI.
 */

const tickets = (args: string[], envVars = env) => inProcess(ticketsCommand(), ["tickets", ...args], envVars);
const exporting = (args: string[]) => inProcess(exportCommand(), ["export", ...args], env);

const env = {
  ACME_TOKEN: "ya29.acme-e2e-tickets",
  BETA_TOKEN: "ya29.beta-e2e-tickets",
  JIRA_TOKEN: "jira-e2e-token-XYZ",
};
let google: RunningEmulator;
let jira: Awaited<ReturnType<typeof startJiraEmulator>>;
let dir: string;
let config: string;

beforeAll(async () => {
  google = await startGoogleEmulator({
    tenants: [
      twoStepTenant("acme.example", env.ACME_TOKEN, [
        seedUser("alice@acme.example"),
        seedUser("ok@acme.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
      ]),
      twoStepTenant("beta.example", env.BETA_TOKEN, [seedUser("=cmd@beta.example")]),
    ],
  });
  jira = await startJiraEmulator({
    email: "bot@msp.example",
    apiToken: env.JIRA_TOKEN,
    projects: ["ACME", "BETA"],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-e2e-tickets-"));
  config = join(dir, "mfasweep.yaml");
  await writeFile(
    config,
    `${googleTenantsYaml({ acme: google.url, beta: google.url })}store:
  path: queue.db
ticketing:
  - id: jira
    type: jira
    endpoint: ${jira.url}
    auth: { email: bot@msp.example, apiToken: env:JIRA_TOKEN }
    minSeverity: medium
    tenants:
      acme: { projectKey: ACME }
      beta: { projectKey: BETA }
`,
  );
});
afterAll(async () => {
  await google.close();
  await jira.close();
});

describe("mfasweep tickets and export", () => {
  it("doctor checks the ticketing target: signed in with the right token, a failed check with a wrong one", async () => {
    const ok = await inProcess(doctorCommand(), ["doctor", "-c", config], env);
    expect(ok.stdout).toMatch(
      /^-\/jira \(ticketing jira\)\n {2}ok {3}ticketing jira: reached .* and signed in/m,
    );
    const refused = await inProcess(doctorCommand(), ["doctor", "-c", config], {
      ...env,
      JIRA_TOKEN: "wrong",
    });
    expect(refused.stdout).toMatch(/FAIL ticketing jira: .*credentials refused/);
    expect(refused.stdout).not.toContain("wrong");
  });

  it("sweep, dry run, refused credentials, sync twice", async () => {
    const swept = await runMain(["sweep", "-c", config], { env });
    expect(swept.code, swept.stderr).toBe(1);

    const dry = await tickets(["sync", "-c", config, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`jira \\(jira\\): POST ${jira.url}/rest/api/3/issue`));
    expect(dry.stdout).toContain("authorization: [redacted]");
    expect(dry.stdout).toMatch(/jira \(jira\) \[dry run\]: \d+ would be created/);
    expect(dry.stdout).not.toContain(env.JIRA_TOKEN);
    expect(jira.writes()).toHaveLength(0);
    const dryJson = await tickets(["sync", "-c", config, "--dry-run", "--format", "json"]);
    const planned = JSON.parse(dryJson.stdout) as {
      requests: Array<{ method: string; headers: Record<string, string> }>;
    };
    expect(planned.requests.length).toBeGreaterThan(0);
    expect(
      planned.requests.every((r) => r.method === "POST" && r.headers.authorization === "[redacted]"),
    ).toBe(true);

    const refused = await tickets(["sync", "-c", config], { ...env, JIRA_TOKEN: "revoked" });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/jira \(jira\): 0 created, .* [1-9]\d* failed/);
    expect(refused.stdout).toContain("credentials refused (HTTP 401");
    expect(refused.stdout).not.toContain("revoked");
    expect(jira.writes()).toHaveLength(0);

    const first = await runMain(["tickets", "sync", "-c", config], { env });
    expect(first.code, first.stderr).toBe(0);
    const created = Number(/(\d+) created/.exec(first.stdout)?.[1]);
    expect(created).toBeGreaterThan(0);
    expect(jira.tickets).toHaveLength(created);
    expect(
      jira.tickets.every((t) => ["ACME", "BETA"].includes((t.fields.project as { key: string }).key)),
    ).toBe(true);

    const second = await tickets(["sync", "-c", config, "--format", "json"]);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout) as { targets: Array<{ created: number; unchanged: number }> };
    expect(summary.targets[0]).toMatchObject({ created: 0, unchanged: created });
    expect(jira.tickets).toHaveLength(created);

    const shown = await inProcess(
      queueCommand(),
      ["queue", "list", "-c", config, "--state", "ticketed", "--format", "json"],
      env,
    );
    expect(JSON.parse(shown.stdout).items).toHaveLength(created);
  });

  it("exports the queue as CSV (a BOM in a .csv file) and as OCSF, and a scan report from a file", async () => {
    const csv = await runMain(
      ["export", "-c", config, "--format", "csv", "--output", join(dir, "items.csv")],
      {
        env,
      },
    );
    expect(csv.code, csv.stderr).toBe(0);
    const text = await readFile(join(dir, "items.csv"), "utf8");
    expect(text.startsWith(`\uFEFF${recordColumns.join(",")}\r\n`)).toBe(true);
    expect(text).toContain("'=cmd@beta.example");
    // The tickets sync opened are in each ticketed row: target and issue key.
    const [header, ...rows] = parseCsv(text);
    const cell = (row: string[], name: string) => row[header!.indexOf(name)];
    const ticketed = rows.filter((r) => cell(r, "state") === "ticketed");
    expect(ticketed.length).toBeGreaterThan(0);
    for (const row of ticketed) {
      expect(cell(row, "ticket_system")).toBe("jira");
      expect(cell(row, "ticket_id")).toMatch(/^[A-Z]+-\d+$/);
    }
    expect(text).not.toMatch(/,=cmd/);

    const ocsf = await exporting(["-c", config, "--format", "ocsf", "--tenant", "acme"]);
    expect(ocsf.code, ocsf.stderr).toBe(0);
    const events = JSON.parse(ocsf.stdout) as Array<{ class_uid: number; unmapped: { tenant: string } }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.class_uid === 2003 && e.unmapped.tenant === "acme")).toBe(true);

    const scan = await inProcess(
      scanCommand(),
      ["scan", "-c", config, "--tenant", "beta", "--format", "json", "--output", join(dir, "scan.json")],
      env,
    );
    expect(scan.code).toBe(1);
    const fromScan = await exporting(["--from-scan", join(dir, "scan.json"), "--format", "ndjson"]);
    expect(fromScan.code, fromScan.stderr).toBe(0);
    const lines = fromScan.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tenant: string; state: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.tenant === "beta" && l.state === "open")).toBe(true);

    const bad = await exporting(["--from-scan", config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not JSON");
  });

  it("scan, queue list and export write one record: same columns in the same order, valid against `schema record`", async () => {
    // Through the CLI's main function, one after another; the export CSV is the file the previous test wrote.
    const [schema, scanCsv, scanNdjson, queueCsv, queueJson, exportJson, exportNdjson] = await runMainEach(
      [
        ["schema", "record"],
        ["scan", "-c", config, "-t", "acme", "--format", "csv"],
        ["scan", "-c", config, "-t", "acme", "--format", "ndjson"],
        ["queue", "list", "-c", config, "--format", "csv"],
        ["queue", "list", "-c", config, "--format", "json"],
        ["export", "-c", config, "--format", "json"],
        ["export", "-c", config, "--format", "ndjson"],
      ],
      { env },
    );
    for (const run of [schema, queueCsv, queueJson, exportJson, exportNdjson])
      expect(run.code, run.stderr).toBe(0);
    for (const run of [scanCsv, scanNdjson]) expect(run.code, run.stderr).toBe(1); // findings

    // The validator is built from the printed JSON Schema, not from the zod schema behind it.
    const printed = JSON.parse(schema.stdout) as z.core.JSONSchema.ObjectSchema & {
      properties: Record<string, unknown>;
    };
    const columns = Object.keys(printed.properties);
    expect(columns).toEqual(recordColumns);
    const validate = z.fromJSONSchema(printed);

    const fromCsv = (text: string) => {
      expect(text.startsWith("\uFEFF"), "no BOM on stdout").toBe(false);
      const [header, ...rows] = parseCsv(text);
      expect(header).toEqual(columns);
      return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])));
    };
    const fromNdjson = (text: string) =>
      text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const exported = JSON.parse(exportJson.stdout) as { schemaVersion: number; items: unknown[] };
    const outputs = {
      "scan csv": fromCsv(scanCsv.stdout),
      "scan ndjson": fromNdjson(scanNdjson.stdout),
      "queue list csv": fromCsv(queueCsv.stdout),
      "queue list json": (JSON.parse(queueJson.stdout) as { items: Array<Record<string, unknown>> }).items,
      "export csv": fromCsv((await readFile(join(dir, "items.csv"), "utf8")).slice(1)),
      "export json": exported.items as Array<Record<string, unknown>>,
      "export ndjson": fromNdjson(exportNdjson.stdout),
    };
    for (const [what, records] of Object.entries(outputs) as Array<
      [string, Array<Record<string, unknown>>]
    >) {
      expect(records.length, what).toBeGreaterThan(0);
      for (const record of records) {
        expect(Object.keys(record), what).toEqual(columns);
        expect(validate.safeParse(record).success, `${what}: ${JSON.stringify(record).slice(0, 120)}`).toBe(
          true,
        );
      }
    }
    // The queue's views agree with each other, JSON and CSV alike (CSV defuses formula prefixes).
    expect(exported.schemaVersion).toBe(2);
    expect(outputs["queue list json"]).toEqual(outputs["export json"]);
    expect(outputs["export ndjson"]).toEqual(outputs["export json"]);
    expect(outputs["queue list csv"]).toEqual(outputs["export csv"]);
    // A scan's record of a finding is the queue's, less what only the queue knows.
    const scanned = outputs["scan ndjson"].find((r) => r.subject === "alice@acme.example");
    const queued = outputs["export json"].find((r) => r.fingerprint === scanned?.fingerprint);
    expect(scanned).toMatchObject({
      tenant: "acme",
      tenant_name: "Acme",
      state: "open",
      due: "",
      ticket_id: "",
    });
    expect(queued).toMatchObject({
      tenant_name: "Acme",
      ticket_system: "jira",
      policy_title: scanned?.policy_title,
    });
    expect(queued?.due).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

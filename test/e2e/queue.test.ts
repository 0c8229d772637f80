import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  assignAdminRoles,
  seedUser,
  startGoogleEmulator,
} from "../../providers/google-workspace/emulator.js";
import { configCommand } from "../../src/cli/config.js";
import { queueCommand } from "../../src/cli/queue/index.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { FindingRecord, recordColumns } from "../../src/export/record.js";
import { type QueueItem, SweepSummary } from "../../src/queue/model.js";
import { ScanReport } from "../../src/report.js";
import { inProcess, runCli, runMain } from "../helpers/cli.js";
import { googleTenantsYaml, twoStepTenant } from "../helpers/google-tenants.js";

/**
 * The sweep and queue commands as a user runs them: real processes (sweep, demo, schedule, exit codes), a
 * real store file and the Google emulator. The many `queue` sub-command checks run the same commander
 * command in-process, because a process start costs about a second each on CI.
 */

const env = { ACME_TOKEN: "ya29.acme-e2e-queue", BETA_TOKEN: "ya29.beta-e2e-queue" };
let emulator: RunningEmulator;
let dir: string;
let configFile: string;
let store: string;
/** A config exception whose subject is misspelt: it matches nothing, and the sweep says so (#23 item 5). */
const inThirtyDays = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const misspelt = `  - match: { tenant: acme, policy: google-user-2sv-enforced, subject: tmep@acme.example, connection: google }
    reason: contractor, leaves Friday
    approvedBy: lead@msp.example
    expires: ${inThirtyDays}
`;

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    tenants: [
      assignAdminRoles(
        twoStepTenant("acme.example", env.ACME_TOKEN, [
          seedUser("boss@acme.example", { isAdmin: true }),
          seedUser("ok@acme.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
          seedUser("temp@acme.example"),
        ]),
      ),
      twoStepTenant("beta.example", env.BETA_TOKEN, [seedUser("erin@beta.example")]),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-e2e-queue-"));
  configFile = join(dir, "mfasweep.yaml");
  store = join(dir, "queue.db");
  await writeFile(
    configFile,
    `${googleTenantsYaml({ acme: emulator.url, beta: emulator.url })}store:
  path: queue.db
sla:
  critical: 1
exceptions:
${misspelt}`,
  );
});
afterAll(() => emulator.close());

/** `mfasweep queue ...` in this process: the command's output and what main() would print and return. */
const queue = (...args: string[]) => inProcess(queueCommand(), ["queue", ...args]);

/** `queue list --format json`: the finding records (`mfasweep schema record`) under a schema version. */
async function items(...args: string[]): Promise<FindingRecord[]> {
  const run = await queue("list", "--store", store, "--format", "json", ...args);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return z
    .strictObject({ schemaVersion: z.literal(2), exportedAt: z.iso.datetime(), items: FindingRecord.array() })
    .parse(JSON.parse(run.stdout)).items;
}

describe("mfasweep sweep and queue", () => {
  it("sweep writes the queue at store.path (next to the config) and prints the report with the queue summary", async () => {
    const run = await runMain(["sweep", "-c", configFile, "--format", "json"], { env });
    // On a pipe: one progress line per tenant as it is reconciled (#23 item 7), the warning for the
    // exception that matched nothing (#23 item 5), then the one line that says why the exit is 1.
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    // Tenants finish in either order; the counter counts them as they do.
    const progress = lines.slice(0, 2).map((l) => /^\[(\d)\/2\] (\w+):/.exec(l)?.slice(1));
    expect(progress.map((p) => p?.[0])).toEqual(["1", "2"]);
    expect(progress.map((p) => p?.[1]).sort()).toEqual(["acme", "beta"]);
    expect(lines[2]).toBe(
      "warning: exceptions[0] (tenant acme, policy google-user-2sv-enforced, subject 'tmep@acme.example', connection google) matched no result of this sweep in 'acme', although every connection there was read completely: it applies to nothing. Check the subject's id or name (a name needs its connection), or remove the exception",
    );
    expect(lines.at(-1)).toMatch(/^mfasweep: \d+ finding\(s\) at or above low \(/);
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout) as { queue: unknown };
    const report = ScanReport.parse(output);
    expect(report.sweep.kind).toBe("sweep");
    const summary = SweepSummary.parse(output.queue);
    expect(summary.tenants.map((t) => [t.tenant, t.reconciled, t.coverage.status])).toEqual([
      ["acme", true, "complete"],
      ["beta", true, "complete"],
    ]);
    expect(summary.totals.new).toBeGreaterThanOrEqual(4);
    expect(summary.sweep.id).toBe(report.sweep.id);
    const queued = await items();
    expect(queued.map((i) => `${i.tenant} ${i.subject}`)).toEqual(
      expect.arrayContaining(["acme boss@acme.example", "acme temp@acme.example", "beta erin@beta.example"]),
    );
    expect(queued.every((i) => i.state === "open")).toBe(true);
  });

  it("config validate checks each exception against the findings of the store's last sweep, as a warning", async () => {
    const file = join(dir, "with-exceptions.yaml");
    const matching = misspelt.replace("tmep@", "temp@");
    await writeFile(file, (await readFile(configFile, "utf8")).replace(misspelt, `${misspelt}${matching}`));
    const run = await inProcess(configCommand(), ["config", "validate", "-c", file, "--store", store]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${file}: 2 tenant(s), 2 connection(s), 2 exception(s): valid\n`);
    // One such warning, for the misspelt subject only: temp@acme.example has a finding in the store.
    const warned = run.stderr.split("\n").filter((l) => l.startsWith("warning: exceptions["));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(
      `warning: exceptions[0] (tenant acme, policy google-user-2sv-enforced, subject 'tmep@acme.example', connection google) matches none of the findings the last sweep stored in ${store} for 'acme' (sweep `,
    );
    expect(warned[0]).toMatch(
      /'acme' \(sweep [0-9a-f]{8}, \d{4}-\d\d-\d\d \d\d:\d\d UTC\): the subject is misspelt, or it has no finding any more; an exception that matches nothing never applies$/,
    );
  });

  it("a second sweep prints the diff as a table: nothing new, everything still open", async () => {
    const run = await runMain(["sweep", "-c", configFile, "--store", store], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Sweep [0-9a-f-]{36} \(sweep\): /);
    expect(run.stdout).toMatch(
      /TENANT\s+COVERAGE\s+NEW\s+REGRESSED\s+REOPENED\s+RESOLVED\s+ACCEPTED\s+OPEN\s+OVERDUE/,
    );
    expect(run.stdout).toMatch(/\nacme\s+complete\s+0\s+0\s+0\s+0\s+0\s+\d+\s+0\n/);
    expect(run.stdout).toMatch(/2 tenant\(s\): 0 new, 0 regressed, 0 reopened, 0 resolved, \d+ still open/);
    expect(run.stdout).not.toContain("Changes:");
  });

  it("queue list filters by tenant, severity, state and policy, and writes CSV", async () => {
    const critical = await items("--severity", "critical");
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((i) => i.severity === "critical")).toBe(true);
    expect((await items("--tenant", "beta")).map((i) => i.subject)).toEqual(["erin@beta.example"]);
    expect(await items("--state", "accepted,resolved")).toEqual([]);
    expect((await items("--policy", "google-ou-2sv-enforced")).length).toBe(0);
    expect(await items("--overdue")).toEqual([]);

    const table = await queue("list", "--store", store, "--tenant", "acme");
    expect(table.stdout).toMatch(
      /^STATE\s+SEVERITY\s+TENANT\s+POLICY\s+SUBJECT\s+DUE\s+FINGERPRINT\s+MESSAGE/,
    );
    expect(table.stdout).toMatch(/\d+ item\(s\): \d+ open\n$/);
    const csv = await queue("list", "--store", store, "--format", "csv");
    expect(csv.stdout.split("\r\n")[0]).toBe(recordColumns.join(","));
    expect(csv.stdout.startsWith("\uFEFF")).toBe(false);
    const bad = await queue("list", "--store", store, "--state", "done");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "--state: unknown value 'done' (allowed: open, ticketed, resolved, accepted, reopened)",
    );
  });

  it("queue accept, show and reopen: by unique prefix, with reason, expiry and approver, all in the history", async () => {
    const [temp] = (await items("--tenant", "acme")).filter(
      (i) => i.subject === "temp@acme.example" && i.policy === "google-user-2sv-enforced",
    );
    const prefix = temp!.fingerprint.slice(0, 12);
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

    const accepted = await queue(
      "accept",
      prefix,
      "--store",
      store,
      "--reason",
      "Temporary contractor, leaves Friday",
      "--expires",
      expires,
      "--by",
      "lead@msp.example",
    );
    expect(accepted.stderr).toBe("");
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(`${temp!.fingerprint} accepted until ${expires} by lead@msp.example`);
    expect((await items("--state", "accepted")).map((i) => i.fingerprint)).toEqual([temp!.fingerprint]);

    // The next sweep keeps it accepted, exactly like a config exception: excepted in the report.
    const sweep = await runMain(["sweep", "-c", configFile, "--format", "json"], { env });
    const report = ScanReport.parse(JSON.parse(sweep.stdout));
    expect(report.results.find((r) => r.fingerprint === temp!.fingerprint)).toMatchObject({
      status: "excepted",
      exception: { reason: "Temporary contractor, leaves Friday", approvedBy: "lead@msp.example", expires },
    });

    const show = await queue("show", prefix, "--store", store);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("state:       accepted");
    expect(show.stdout).toContain(
      `exception:   Temporary contractor, leaves Friday (queue accept, by lead@msp.example, until ${expires})`,
    );
    expect(show.stdout).toContain("GET admin/directory/v1/users");
    expect(show.stdout).toMatch(/\(new\)\s+→ open\s+[0-9a-f-]{36}: /);
    expect(show.stdout).toMatch(
      /open\s+→ accepted\s+lead@msp\.example: accepted by lead@msp\.example until /,
    );

    const reopened = await queue("reopen", prefix, "--store", store, "--by", "tech@msp.example");
    expect(reopened.code).toBe(0);
    expect(reopened.stdout).toContain(`${temp!.fingerprint} reopened, due `);
    const json = await queue("show", temp!.fingerprint, "--store", store, "--format", "json");
    const shown = JSON.parse(json.stdout) as {
      item: QueueItem;
      history: Array<{ actor: string; to: string }>;
    };
    expect(shown.item.state).toBe("reopened");
    expect(shown.history.at(-1)).toMatchObject({ actor: "tech@msp.example", to: "reopened" });

    const again = await queue("reopen", prefix, "--store", store);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("is already open (state reopened)");
  });

  it("queue accept refuses a bad or too distant expiry, and an unknown fingerprint", async () => {
    const [item] = await items();
    const accept = (fp: string, expires: string) =>
      queue("accept", fp, "--store", store, "--reason", "why not", "--expires", expires, "--by", "x");
    const notADate = await accept(item!.fingerprint, "next friday");
    expect([notADate.code, notADate.stderr]).toEqual([
      2,
      "mfasweep: the expiry must be a date as YYYY-MM-DD (got 'next friday')\n",
    ]);
    const tooFar = await accept(item!.fingerprint, "2099-01-01");
    expect(tooFar.stderr).toContain("more than 180 days ahead");
    const past = await accept(item!.fingerprint, "2020-01-01");
    expect(past.stderr).toContain("the expiry 2020-01-01 is in the past");
    const unknown = await accept("abcdef123456", "2020-01-01");
    expect(unknown.stderr).toContain(`no item abcdef123456 in ${store}`);

    // With a config, its maxExceptionDays is the limit: the CLI passes the loaded config, as a library caller does.
    const strictConfig = join(dir, "strict.yaml");
    await writeFile(
      strictConfig,
      `${googleTenantsYaml({ acme: emulator.url, beta: emulator.url })}store:\n  path: queue.db\nmaxExceptionDays: 30\n`,
    );
    const in60Days = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const strict = await queue(
      "accept",
      item!.fingerprint,
      "-c",
      strictConfig,
      "--reason",
      "why not",
      "--expires",
      in60Days,
      "--by",
      "x",
    );
    expect([strict.code, strict.stderr]).toEqual([
      2,
      `mfasweep: the expiry ${in60Days} is more than 30 days ahead (maxExceptionDays in the config)\n`,
    ]);
    // Naming the store does not skip the default config file's limit.
    const besideDefault = await inProcess(
      queueCommand(),
      [
        "queue",
        "accept",
        item!.fingerprint,
        "--store",
        store,
        "--reason",
        "why not",
        "--expires",
        in60Days,
        "--by",
        "x",
      ],
      { MFASWEEP_CONFIG: strictConfig },
    );
    expect([besideDefault.code, besideDefault.stderr]).toEqual([2, strict.stderr]);
  });

  it("a refused token exits 2 and resolves nothing of that tenant", async () => {
    const before = await items("--tenant", "beta");
    const run = await runMain(["sweep", "-c", configFile, "--tenant", "beta"], {
      env: { ...env, BETA_TOKEN: "ya29.revoked" },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/\nbeta\s+failed\s+/);
    expect(run.stdout).toMatch(/beta\/google \(google-workspace\): failed: .*credentials refused \(HTTP 401/);
    expect(run.stdout).toContain("nothing from it was resolved");
    const after = await items("--tenant", "beta", "--all");
    for (const item of before) expect(after.find((i) => i.fingerprint === item.fingerprint)).toEqual(item);
  });

  it("store errors are clear: a missing store, a file that is not a store", async () => {
    const missing = await runMain(["queue", "list", "--store", join(dir, "nope.db")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no queue store at ${join(dir, "nope.db")}`);
    const notAStore = await queue("list", "--store", configFile);
    expect(notAStore.code).toBe(2);
    expect(notAStore.stderr).toBe(
      `mfasweep: ${configFile} is not an mfasweep store: the file is not a SQLite database\n`,
    );
    expect(await readFile(configFile, "utf8")).toContain("tenants:");
  });

  it("demo --store runs the demo portfolio as a sweep into that store; the second run is a diff", async () => {
    const demoStore = join(dir, "demo.db");
    const first = await runMain(["demo", "--store", demoStore]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Sweep [0-9a-f-]{36} \(demo\): /);
    expect(first.stdout).toMatch(/northwind\s+complete\s+[1-9]/);
    expect(first.stdout).toContain(`Try: mfasweep queue list --store ${demoStore}`);
    expect(first.stdout).toContain(`mfasweep demo --store ${demoStore} --week 2`);
    // A real process after the first run in this one, as a user runs it (the demo's ids derive from each
    // record's key, not from anything a process keeps).
    const second = await runCli(["demo", "--store", demoStore, "--format", "json"]);
    expect(second.code).toBe(0);
    const summary = SweepSummary.parse((JSON.parse(second.stdout) as { queue: unknown }).queue);
    expect(summary.totals).toMatchObject({ new: 0, resolved: 0, regressed: 0 });
    expect(summary.totals.stillOpen).toBeGreaterThan(0);
    expect(summary.totals.accepted).toBeGreaterThan(0);
  });

  it("sweep --schedule prints a crontab line that really runs the sweep, and a systemd service + timer", async () => {
    const scheduleStore = join(dir, "scheduled.db");
    // A real process: the printed command line is how this process was started.
    const run = await runCli(["sweep", "-c", configFile, "--store", scheduleStore, "--schedule", "weekly"]);
    expect(run.code).toBe(0);
    const text = run.stdout;
    const cronLine = text.split("\n").find((l) => /^0 6 \* \* 1 /.test(l));
    expect(cronLine).toBeDefined();
    expect(cronLine).toContain(`sweep --config ${configFile} --store ${scheduleStore}`);
    expect(text).toContain("[Service]\nType=oneshot\n");
    expect(text).toMatch(
      /\nExecStart=\S+ .*src\/cli\/main\.ts sweep --config \S+mfasweep\.yaml --store \S+scheduled\.db\n/,
    );
    expect(text).toContain("SuccessExitStatus=1\n");
    expect(text).toContain("[Timer]\nOnCalendar=Mon *-*-* 06:00:00\n");
    expect(text).toContain("Persistent=true\n");
    expect(text).toContain("WantedBy=timers.target\n");

    // What cron would run: the line without its five time fields, through /bin/sh, from another directory.
    const command = cronLine!.split(" ").slice(5).join(" ");
    const code = await new Promise<number>((resolve) =>
      execFile(
        "/bin/sh",
        ["-c", command],
        { cwd: "/", env: { PATH: process.env.PATH ?? "", ...env } },
        (err) => resolve(err ? Number((err as { code?: number }).code ?? 99) : 0),
      ),
    );
    expect(code).toBe(1);
    const log = await readFile(join(dir, "mfasweep-sweep.log"), "utf8");
    expect(log).toMatch(/2 tenant\(s\): \d+ new/);
    expect((await queue("list", "--store", scheduleStore, "--format", "json")).code).toBe(0);

    const daily = await runMain(["sweep", "-c", configFile, "--schedule", "daily"]);
    expect(daily.stdout).toMatch(/\n0 6 \* \* \* cd /);
    expect(daily.stdout).toContain(`--store ${store}`);
    expect(daily.stdout).toContain("OnCalendar=*-*-* 06:00:00\n");
  });
});

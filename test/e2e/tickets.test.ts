import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser, startGoogleEmulator } from "../../providers/google-workspace/emulator.js";
import { doctorCommand } from "../../src/cli/doctor.js";
import { exportCommand } from "../../src/cli/export.js";
import { queueCommand } from "../../src/cli/queue.js";
import { scanCommand } from "../../src/cli/scan.js";
import { ticketsCommand } from "../../src/cli/tickets.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { startJiraEmulator } from "../../src/export/ticketing/emulators/jira.js";
import { inProcess, runCli } from "../helpers/cli.js";
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
    const swept = await runCli(["sweep", "-c", config], { env });
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

    const first = await runCli(["tickets", "sync", "-c", config], { env });
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
    expect(JSON.parse(shown.stdout)).toHaveLength(created);
  });

  it("exports the queue as CSV with a BOM and as OCSF, and a scan report from a file", async () => {
    const csv = await runCli(
      ["export", "-c", config, "--format", "csv", "--bom", "--output", join(dir, "items.csv")],
      { env },
    );
    expect(csv.code, csv.stderr).toBe(0);
    const text = await readFile(join(dir, "items.csv"), "utf8");
    expect(text.startsWith("\uFEFFtenant,state,")).toBe(true);
    expect(text).toContain("'=cmd@beta.example");
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
});

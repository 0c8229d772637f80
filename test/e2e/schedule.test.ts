import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignAdminRoles,
  seedUser,
  startGoogleEmulator,
} from "../../providers/google-workspace/emulator.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { startWebhookReceiver } from "../../src/export/ticketing/emulators/webhook.js";
import { type SlackReceiver, startSlackReceiver } from "../../src/notify/emulators/slack.js";
import { runCli } from "../helpers/cli.js";
import { googleTenantsYaml, twoStepTenant } from "../helpers/google-tenants.js";

/**
 * `sweep --schedule weekly` with a config that has ticketing targets and notify channels (issue #24 item
 * 7): the printed crontab line and the systemd ExecStart are run as cron and systemd would run them
 * (through /bin/sh; ExecStart unquoted by systemd's rules), against the Google emulator, a webhook
 * ticketing receiver and a Slack receiver, so the whole chain sweep → tickets sync → report --send really
 * happens. The units are checked with `systemd-analyze verify` where it is installed.
 */

const env = {
  ACME_TOKEN: "ya29.acme-e2e-schedule",
  HOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
};
let google: RunningEmulator;
let hooks: RunningEmulator;
let slack: SlackReceiver;
let dir: string;
let configFile: string;
let store: string;
let text: string;

/** systemd's unquoting of an ExecStart line (double quotes with \\ escapes; $$ and %% are literal $ and %). */
function systemdArgv(line: string): string[] {
  const argv: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) {
    const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? "");
    argv.push(raw.replace(/\$\$/g, "$").replace(/%%/g, "%"));
  }
  return argv;
}

function run(
  file: string,
  args: string[],
  extraEnv: Record<string, string>,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(
      file,
      args,
      { cwd: "/", env: { PATH: process.env.PATH ?? "", ...extraEnv } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 99) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

beforeAll(async () => {
  google = await startGoogleEmulator({
    tenants: [
      assignAdminRoles(
        twoStepTenant("acme.example", env.ACME_TOKEN, [
          seedUser("boss@acme.example", { isAdmin: true }),
          seedUser("temp@acme.example"),
        ]),
      ),
    ],
  });
  hooks = await startWebhookReceiver();
  slack = await startSlackReceiver();
  dir = await mkdtemp(join(tmpdir(), "mfasweep-e2e-schedule-"));
  configFile = join(dir, "mfasweep.yaml");
  store = join(dir, "queue.db");
  await writeFile(
    configFile,
    `${googleTenantsYaml({ acme: google.url })}ticketing:
  - id: hooks
    type: webhook
    endpoint: ${hooks.url}/hooks
    auth: { secret: env:HOOK_SECRET }
    tenants: { acme: {} }
notify:
  - { id: soc-slack, type: slack, url: env:SLACK_URL }
`,
  );
  const printed = await runCli(["sweep", "-c", configFile, "--store", store, "--schedule", "weekly"]);
  expect(printed.code).toBe(0);
  text = printed.stdout;
}, 120_000);

afterAll(async () => {
  await Promise.all([google?.close(), hooks?.close(), slack?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("sweep --schedule weekly prints the whole chain", () => {
  it("as a crontab line that runs sweep, tickets sync and report --send, exiting with the worst step", async () => {
    expect(text).toMatch(/^# Run sweep → tickets sync → report --send every Monday at 06:00/);
    const cronLine = text.split("\n").find((l) => l.startsWith("0 6 * * 1 "));
    expect(cronLine).toBeDefined();
    const command = cronLine!.split(" ").slice(5).join(" ");
    const chainEnv = { ...env, SLACK_URL: slack.webhookUrl };

    // Failing findings exist: the chain worked and exits 1, like the sweep alone.
    expect((await run("/bin/sh", ["-c", command], chainEnv)).code).toBe(1);
    expect(hooks.requests.filter((r) => r.method === "POST")).not.toHaveLength(0);
    expect(slack.accepted).toHaveLength(1);
    expect(slack.accepted[0]!.text).toMatch(/open finding/);
    const log = await readFile(join(dir, "mfasweep-sweep.log"), "utf8");
    expect(log).toMatch(/1 tenant\(s\): \d+ new/);
    expect(log).toMatch(/sent {2}slack channel 'soc-slack': HTTP 200/);
  }, 300_000);

  it("as a systemd service whose ExecStart, unquoted as systemd does, runs the same chain", async () => {
    const service = text
      .split("# --- systemd: /etc/systemd/system/mfasweep-sweep.service ---\n")[1]!
      .split("\n# --- systemd:")[0]!;
    const exec = service
      .split("\n")
      .find((l) => l.startsWith("ExecStart="))!
      .slice("ExecStart=".length);
    const argv = systemdArgv(exec);
    expect(argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(argv).toHaveLength(3);
    expect(argv[2]).toContain(" tickets sync --config ");
    expect(argv[2]).toContain(" report --send --config ");
    // This time the delivery fails: the chain exits 2, after every step ran.
    const done = await run(argv[0]!, argv.slice(1), {
      ...env,
      SLACK_URL: `${slack.url}/services/T0/B0/wrong`,
    });
    expect(done.code).toBe(2);
    expect(done.out).toMatch(/1 tenant\(s\): \d+ new/);
    expect(done.out).toMatch(/hooks/);
    expect(done.out).toMatch(/FAILED {2}slack channel 'soc-slack'.*HTTP 404: no_service/);
    expect(slack.accepted).toHaveLength(1);
    expect(slack.requests.at(-1)?.path).toBe("/services/T0/B0/wrong");
    expect(service).toContain("SuccessExitStatus=1\n");

    if (existsSync("/usr/bin/systemd-analyze")) {
      const timer = text
        .split("# --- systemd: /etc/systemd/system/mfasweep-sweep.timer ---\n")[1]!
        .split("\n# then:")[0]!;
      const unitDir = await mkdtemp(join(tmpdir(), "mfasweep-units-"));
      try {
        await writeFile(join(unitDir, "mfasweep-sweep.service"), service);
        await writeFile(join(unitDir, "mfasweep-sweep.timer"), timer);
        const verify = await new Promise<{ code: number; stderr: string }>((resolve) =>
          execFile(
            "systemd-analyze",
            ["verify", join(unitDir, "mfasweep-sweep.service"), join(unitDir, "mfasweep-sweep.timer")],
            (err, _out, stderr) =>
              resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
          ),
        );
        // Only problems with our units count (the host's own units may warn).
        const ours = verify.stderr.split("\n").filter((l) => l.includes("mfasweep-sweep."));
        expect(ours).toEqual([]);
      } finally {
        await rm(unitDir, { recursive: true, force: true });
      }
    }
  }, 300_000);

  it("as a Windows Task Scheduler recipe: a PowerShell chain registered with Register-ScheduledTask", () => {
    const windows = text.split("# --- Windows Task Scheduler")[1]!;
    const here = /-Value @'\n([\s\S]*?)\n'@\n/.exec(windows);
    expect(here).not.toBeNull();
    const script = here![1]!.split("\n");
    expect(script[0]).toBe(
      "Set-Location -LiteralPath '/'".replace("'/'", `'${process.cwd().replace(/'/g, "''")}'`),
    );
    const calls = script.filter((l) => l.startsWith("& "));
    expect(calls).toHaveLength(3);
    expect(calls[0]).toContain(`'sweep' '--config' '${configFile}' '--store' '${store}'`);
    expect(calls[1]).toContain(`'tickets' 'sync' '--config' '${configFile}'`);
    expect(calls[2]).toContain(`'report' '--send' '--config' '${configFile}'`);
    expect(script.slice(-2)).toEqual(["if ($s0 -ge 2 -or $s1 -ne 0 -or $s2 -ne 0) { exit 2 }", "exit $s0"]);
    expect(windows).toContain("New-ScheduledTaskTrigger -Weekly -DaysOfWeek Monday -At 06:00");
    expect(windows).toContain("-LogonType S4U");
    expect(windows).toMatch(
      /^Register-ScheduledTask -TaskName 'mfasweep weekly' -Action \$action -Trigger \$trigger/m,
    );
  });
});

import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { reportCommand } from "../../src/cli/report.js";
import { type SlackReceiver, startSlackReceiver } from "../../src/notify/emulators/slack.js";
import { startTeamsReceiver, type TeamsReceiver } from "../../src/notify/emulators/teams.js";
import { inProcess } from "../helpers/cli.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";
import { buildWeeklyStore, expectedFigures, hostile, type WeeklyFixture } from "../helpers/weekly-store.js";

/**
 * `mfasweep report --send` end to end (issue #24 item 6): a queue built by three real sweeps, the CLI, a
 * real SMTP server on loopback (STARTTLS, AUTH after TLS only), a Teams Workflows receiver and a Slack
 * incoming-webhook receiver that refuse payloads breaking the documented shapes. What arrives is checked
 * against figures computed from the store's plain reads, not by the code that sent it.
 */

const password = "correct horse battery staple";
let fx: WeeklyFixture;
let dir: string;
let smtp: TestSmtpServer;
let teams: TeamsReceiver;
let slack: SlackReceiver;
let caFile: string;
let passwordFile: string;

function configText(port: number, extra: { smtpPort?: number; teamsUrl?: string } = {}): string {
  return `tenants:
  - id: acme
    name: Acme Dental
    connections:
      - type: google-workspace
        id: google
        endpoint: http://127.0.0.1:9
        auth: { method: access-token, token: env:ACME_TOKEN }
report:
  msp: { name: Northwind IT Services }
notify:
  - id: ops-mail
    type: smtp
    host: 127.0.0.1
    port: ${extra.smtpPort ?? port}
    caBundle: ${caFile}
    timeoutSeconds: 10
    auth: { user: env:SMTP_USER, password: file:${passwordFile} }
    from: "Northwind mfasweep <mfasweep@northwind.example>"
    to: [soc@northwind.example, lead@northwind.example]
    subjectPrefix: "[mfasweep]"
  - id: soc-teams
    type: teams
    url: env:TEAMS_URL
    timeoutSeconds: 10
  - id: soc-slack
    type: slack
    url: env:SLACK_URL
    timeoutSeconds: 10
`;
}

async function writeConfig(text: string): Promise<string> {
  const file = join(dir, `mfasweep-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return file;
}

const env = () => ({
  SMTP_USER: "mailer@msp.example",
  TEAMS_URL: teams.webhookUrl,
  SLACK_URL: slack.webhookUrl,
});
const send = (config: string, ...args: string[]) =>
  inProcess(reportCommand(), ["report", "--store", fx.file, "--config", config, "--send", ...args], env());

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(password);
  expect(text).not.toContain(new URL(teams.webhookUrl).searchParams.get("sig") ?? "never");
  expect(text).not.toContain(new URL(slack.webhookUrl).pathname);
}

beforeAll(async () => {
  fx = await buildWeeklyStore();
  dir = await mkdtemp(join(tmpdir(), "mfasweep-notify-"));
  smtp = await startSmtpServer({ user: "mailer@msp.example", password });
  caFile = join(dir, "smtp-ca.pem");
  await writeFile(caFile, smtp.ca);
  passwordFile = join(dir, "smtp-password");
  await writeFile(passwordFile, `${password}\n`);
  await chmod(passwordFile, 0o600);
  teams = await startTeamsReceiver();
  slack = await startSlackReceiver();
}, 60_000);

afterAll(async () => {
  await Promise.all([smtp?.close(), teams?.close(), slack?.close()]);
  await fx?.store.close();
  if (fx) await rm(fx.dir, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  smtp.received.length = 0;
  teams.accepted.length = 0;
  teams.requests.length = 0;
  slack.accepted.length = 0;
  slack.requests.length = 0;
  slack.markup.length = 0;
});

describe("report --send", () => {
  it("mails the summary over STARTTLS with a text part and the full report attached, and posts it to Teams and Slack", async () => {
    const config = await writeConfig(configText(smtp.port));
    const run = await send(config);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sent {2}smtp channel 'ops-mail': 2 recipients accepted/m);
    expect(run.stdout).toMatch(/^sent {2}teams channel 'soc-teams': HTTP 202/m);
    expect(run.stdout).toMatch(/^sent {2}slack channel 'soc-slack': HTTP 200/m);
    expectNoSecrets(run.stdout);

    // The figures, from the store's plain reads.
    const expected = await expectedFigures(fx.store, new Date());
    const open = [...expected.values()].reduce((n, e) => n + e.open, 0);
    const lead = `${open} open findings across`;

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe("mailer@msp.example");
    expect(mail.from).toBe("mfasweep@northwind.example");
    expect(mail.to).toEqual(["soc@northwind.example", "lead@northwind.example"]);
    const date = new Date().toISOString().slice(0, 10);
    expect(mail.parsed.subject).toBe(`[mfasweep] Weekly MFA summary ${date} · Northwind IT Services`);
    expect(mail.parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.parsed.text).toContain(lead);
    expect(mail.parsed.text).toMatch(/Not fully read \(.*\): .*Beta Legal/);
    expect(typeof mail.parsed.html).toBe("string");
    const body = mail.parsed.html as string;
    expect(body).toContain(lead);
    expect(body).toContain("Beta Legal");
    // The hostile tenant's name arrives as text, never as markup.
    expect(body).not.toContain("<script>window.__pwned");
    expect(body).toContain("Evil &lt;script&gt;");
    expect(mail.parsed.attachments).toHaveLength(1);
    const attached = mail.parsed.attachments[0]!;
    expect(attached.filename).toBe(`mfasweep-weekly-${date}.html`);
    expect(attached.contentType).toBe("text/html");
    const report = attached.content.toString("utf8");
    expect(report).toMatch(/^<!doctype html>/i);
    expect(report).not.toContain("<script>window.__pwned");
    for (const email of ["alice@acme.example", "frank@acme.example", "erin@beta.example"])
      expect(report).toContain(email);

    expect(teams.accepted).toHaveLength(1);
    const card = teams.accepted[0]!.attachments[0]!.content;
    const texts = card.body.flatMap((e) => (e.type === "TextBlock" ? [e.text] : []));
    expect(texts.some((t) => t.includes(lead))).toBe(true);
    expect(texts.some((t) => /Not fully read: .*Beta Legal/.test(t))).toBe(true);
    const facts = card.body.flatMap((e) => (e.type === "FactSet" ? e.facts : []));
    expect(facts.map((f) => f.title.replace(/^\d+\. /, ""))).toEqual(
      expect.arrayContaining(["Acme Dental", "Beta Legal"]),
    );
    // Link markup in a customer-controlled name is defused.
    expect(JSON.stringify(card)).not.toMatch(/\]\(/);

    expect(slack.accepted).toHaveLength(1);
    const message = slack.accepted[0]!;
    expect(message.text).toContain(lead);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(slack.markup).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain("Evil &lt;script&gt;");
    expect(JSON.stringify(message.blocks)).toContain(hostile.tenantName.slice(0, 4));
  }, 60_000);

  it("--dry-run prints each message with secrets as references and sends nothing", async () => {
    const config = await writeConfig(configText(smtp.port));
    const run = await send(config, "--dry-run");
    expect(run.code).toBe(0);
    expect(smtp.received).toHaveLength(0);
    expect(teams.requests).toHaveLength(0);
    expect(slack.requests).toHaveLength(0);
    expect(run.stdout).toContain("== smtp channel 'ops-mail': would send ==");
    expect(run.stdout).toContain(`password [secret file:${passwordFile}]`);
    expect(run.stdout).toContain("login [secret env:SMTP_USER]");
    expect(run.stdout).toContain("STARTTLS required");
    expect(run.stdout).toContain("POST [secret env:TEAMS_URL]");
    expect(run.stdout).toContain("POST [secret env:SLACK_URL]");
    expect(run.stdout).toContain('"contentType": "application/vnd.microsoft.card.adaptive"');
    expect(run.stdout).toContain('"type": "header"');
    expectNoSecrets(run.stdout);
    expect(run.stdout).not.toContain("mailer@msp.example");
  }, 30_000);

  it("--channel sends to the chosen channel only; an unknown one is refused", async () => {
    const config = await writeConfig(configText(smtp.port));
    const run = await send(config, "--channel", "soc-slack");
    expect(run.code).toBe(0);
    expect(slack.accepted).toHaveLength(1);
    expect(smtp.received).toHaveLength(0);
    expect(teams.requests).toHaveLength(0);
    const unknown = await send(config, "--channel", "pager");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "no notify channel 'pager' (configured: ops-mail, soc-teams, soc-slack)",
    );
  });

  it("refuses to mail in clear text when the server offers no STARTTLS, and still posts to the other channels", async () => {
    const plain = await startSmtpServer({ user: "mailer@msp.example", password, mode: "no-starttls" });
    try {
      const config = await writeConfig(configText(smtp.port, { smtpPort: plain.port }));
      const run = await send(config);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(
        /^FAILED {2}smtp channel 'ops-mail' \(127\.0\.0\.1:\d+, STARTTLS\): .*STARTTLS/m,
      );
      expect(run.stderr).toContain("1 of 3 notify channels failed: ops-mail");
      expect(plain.received).toHaveLength(0);
      expect(plain.refusedLogins).toBe(0);
      expect(teams.accepted).toHaveLength(1);
      expect(slack.accepted).toHaveLength(1);
      expectNoSecrets(run.stdout + run.stderr);
    } finally {
      await plain.close();
    }
  }, 30_000);

  it("names a refused login without printing the password", async () => {
    const strict = await startSmtpServer({ user: "mailer@msp.example", password: "another password" });
    try {
      const ca = join(dir, "strict-ca.pem");
      await writeFile(ca, strict.ca);
      const config = await writeConfig(
        configText(strict.port)
          .replace(caFile, ca)
          .replace(/port: \d+/, `port: ${strict.port}`),
      );
      const run = await send(config, "--channel", "ops-mail");
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(
        /FAILED {2}smtp channel 'ops-mail' \(127\.0\.0\.1:\d+, STARTTLS\): the server refused the login/,
      );
      expect(strict.refusedLogins).toBe(1);
      expect(strict.received).toHaveLength(0);
      expectNoSecrets(run.stdout + run.stderr);
    } finally {
      await strict.close();
    }
  }, 30_000);

  it("refuses a server certificate it does not trust", async () => {
    const config = await writeConfig(configText(smtp.port).replace(`    caBundle: ${caFile}\n`, ""));
    const run = await send(config, "--channel", "ops-mail");
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /FAILED {2}smtp channel 'ops-mail'.*: the connection failed: self-signed certificate/,
    );
    expect(smtp.received).toHaveLength(0);
  }, 30_000);

  it("waits out Slack's 429 and posts once; a 5xx or a refused Teams URL is reported, not repeated, and not printed", async () => {
    slack.inject({
      path: /\/services\//,
      fault: { kind: "status", status: 429, headers: { "retry-after": "0" }, body: "rate_limited" },
    });
    teams.inject({
      path: /\/workflows\//,
      fault: { kind: "status", status: 502, body: { error: "bad gateway" } },
    });
    const config = await writeConfig(configText(smtp.port));
    const run = await send(config, "--channel", "soc-slack,soc-teams");
    expect(slack.requests).toHaveLength(2);
    expect(slack.accepted).toHaveLength(1);
    expect(teams.requests).toHaveLength(1);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /FAILED {2}teams channel 'soc-teams' \(POST to http:\/\/127\.0\.0\.1:\d+\): HTTP 502.*not repeated: it may have been posted/,
    );
    expect(run.stdout).toMatch(/sent {2}slack channel 'soc-slack': HTTP 200/);

    const wrong = await inProcess(
      reportCommand(),
      ["report", "--store", fx.file, "--config", config, "--send", "--channel", "soc-teams"],
      { ...env(), TEAMS_URL: teams.webhookUrl.replace(/sig=[^&]+/, "sig=forged-signature") },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(
      /FAILED {2}teams channel 'soc-teams'.*HTTP 401.*check the URL \(env:TEAMS_URL\)/,
    );
    expect(wrong.stdout).not.toContain("forged-signature");
    expectNoSecrets(run.stdout + run.stderr);
  }, 30_000);

  it("names a missing secret by its reference", async () => {
    const config = await writeConfig(configText(smtp.port));
    const run = await inProcess(
      reportCommand(),
      ["report", "--store", fx.file, "--config", config, "--send", "--channel", "soc-slack"],
      { SMTP_USER: "x", TEAMS_URL: teams.webhookUrl },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      "notify channel 'soc-slack': environment variable SLACK_URL is not set (env:SLACK_URL)",
    );
  });
});

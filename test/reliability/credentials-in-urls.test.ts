import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redactUrls } from "../../src/util/redact.js";
import { runMain } from "../helpers/cli.js";
import { configText, scratch, within } from "./harness.js";
import { startHostile } from "./hostile-server.js";

/**
 * Issue #19 item 8: a password written into a URL setting (`https://user:secret@host`) is refused as a
 * config error naming file:line, on every URL setting; and a URL that carries one in an error (a library
 * quoting the URL it was given, a server's next link) is redacted before it reaches the terminal, the queue
 * or a report. Through the real CLI; no HTTP client is mocked.
 */

const cliTimeout = 300_000;
const canary = "CanaryPw-7f3a9c1e";
const work = scratch("mfsw-userinfo-");
afterAll(() => work.remove());

const env = { UI_TOKEN: "Bearer-ui-test-token", UI_KEY: "ui-test-key-0123456789" };

/** Every file a run may have written (the queue with its WAL, reports), read as bytes. */
function writtenText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString("latin1"))
    .join("\n");
}

describe("a user name or password in a URL setting is a config error (issue #19 item 8)", () => {
  const withPassword = (host: string) => `https://svc-user:${canary}@${host}`;
  const tenants = [
    {
      id: "acme",
      name: "Acme",
      connections: [
        {
          type: "entra",
          id: "entra",
          tenantId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
          endpoint: withPassword("graph.example"),
          authorityHost: withPassword("login.example"),
          auth: { method: "access-token", token: "env:UI_TOKEN" },
        },
        {
          type: "okta",
          id: "okta",
          orgUrl: withPassword("acme.okta.example"),
          auth: { method: "api-token", token: "env:UI_KEY" },
        },
        {
          type: "google-workspace",
          id: "google",
          endpoint: withPassword("admin.googleapis.example"),
          auth: { method: "access-token", token: "env:UI_TOKEN" },
        },
        {
          type: "fortigate",
          id: "fortigate",
          endpoint: withPassword("fw.acme.example"),
          auth: { method: "api-token", token: "env:UI_KEY" },
        },
      ],
    },
  ];
  const ticketing = [
    {
      id: "hook",
      type: "webhook",
      endpoint: withPassword("hooks.example/in"),
      auth: { secret: "env:UI_KEY" },
      tenants: { acme: {} },
    },
    {
      id: "jira",
      type: "jira",
      endpoint: withPassword("msp.atlassian.example"),
      auth: { email: "bot@msp.example", apiToken: "env:UI_KEY" },
      tenants: { acme: { projectKey: "AC" } },
    },
  ];
  /** The settings above, in the order they appear in the file. */
  const refused = [
    "tenants[0].connections[0].endpoint",
    "tenants[0].connections[0].authorityHost",
    "tenants[0].connections[1].orgUrl",
    "tenants[0].connections[2].endpoint",
    "tenants[0].connections[3].endpoint",
    "ticketing[0].endpoint",
    "ticketing[1].endpoint",
  ];

  it(
    "config validate, scan, sweep and tickets sync all stop at the file:line of each, and the password is nowhere",
    async () => {
      const file = join(work.dir, "userinfo.yaml");
      const text = configText(tenants, { ticketing, store: { path: join(work.dir, "queue.db") } });
      writeFileSync(file, text, { mode: 0o600 });
      const lines = text.split("\n");
      const lineOf = (needle: string, from: number) =>
        lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
      const expected: string[] = [];
      let from = 0;
      for (const path of refused) {
        const key = path.slice(path.lastIndexOf(".") + 1);
        const line = lineOf(`${key}: https://svc-user:`, from);
        expect(line, path).toBeGreaterThan(0);
        expected.push(`userinfo.yaml:${line} ${path}: a URL must not carry a user name or password`);
        from = line;
      }
      for (const args of [
        ["config", "validate"],
        ["scan", "--format", "json"],
        ["sweep"],
        ["tickets", "sync"],
      ]) {
        const run = await within(120_000, args.join(" "), runMain([...args, "--config", file], { env }));
        expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
        for (const line of expected) expect(run.stderr, args.join(" ")).toContain(line);
        expect(`${run.stdout}${run.stderr}`, args.join(" ")).not.toContain(canary);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      // Nothing was swept, so nothing was written; and whatever exists holds no password but the config.
      expect(existsSync(join(work.dir, "queue.db"))).toBe(false);
      expect(writtenText(work.dir).split(canary).length - 1).toBe(refused.length);
    },
    cliTimeout,
  );
});

describe("URLs in error paths are redacted (issue #19 item 8)", () => {
  it("the helper strips userinfo and credential-bearing query values, and leaves the rest", () => {
    expect(
      redactUrls(
        `fetch failed: https://u:${canary}@h.example:8443/v1/users?$top=5&api_key=${canary}&sig=${canary}#x`,
      ),
    ).toBe("fetch failed: https://REDACTED@h.example:8443/v1/users?$top=5&api_key=REDACTED&sig=REDACTED#x");
    expect(redactUrls("GET /api/v2/cmdb/system/admin: HTTP 500")).toBe(
      "GET /api/v2/cmdb/system/admin: HTTP 500",
    );
    expect(redactUrls(`(postgres://ro:${canary}@db:5432/x)`)).not.toContain(canary);
  });

  it(
    "a next link carrying a password (same host, so followed) never reaches stderr, the queue or the HTML report",
    async () => {
      // Every request gets one page whose next link is this server with a password in it: the client library
      // refuses such a URL and quotes it in its error, which becomes the connection's coverage reason.
      let port = "";
      const server = await startHostile(
        {
          kind: "ok",
          body: {
            get value() {
              return [];
            },
            get "@odata.nextLink"() {
              return `https://svc:${canary}@127.0.0.1:${port}/v1.0/users?$skiptoken=2`;
            },
          },
        },
        { tls: true },
      );
      port = new URL(server.url).port;
      try {
        const dir = join(work.dir, "nextlink");
        mkdirSync(dir);
        const file = join(dir, "nextlink.yaml");
        const db = join(dir, "nextlink.db");
        writeFileSync(
          file,
          configText(
            [
              {
                id: "acme",
                name: "Acme",
                connections: [
                  {
                    type: "entra",
                    id: "entra",
                    tenantId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                    endpoint: server.url,
                    caBundle: server.caBundle,
                    timeoutSeconds: 5,
                    auth: { method: "access-token", token: "env:UI_TOKEN" },
                  },
                ],
              },
            ],
            { store: { path: db } },
          ),
          { mode: 0o600 },
        );
        const swept = await within(120_000, "the sweep", runMain(["sweep", "--config", file], { env }));
        expect(swept.code, swept.stderr).toBe(2);
        const html = join(dir, "report.html");
        const report = await within(
          120_000,
          "the report",
          runMain(["report", "--config", file, "--format", "html", "--output", html], { env }),
        );
        const scan = await within(
          120_000,
          "the scan",
          runMain(["scan", "--config", file, "--format", "json"], { env }),
        );
        const out = JSON.parse(scan.stdout) as { coverage: Array<{ status: string; reason?: string }> };
        // The read did fail on that link (so the test exercises the error path), and said so with the host only.
        expect(out.coverage[0]?.status).not.toBe("complete");
        expect(JSON.stringify(out.coverage)).toContain("REDACTED@127.0.0.1");
        const everything = `${swept.stdout}${swept.stderr}${report.stdout}${report.stderr}${scan.stdout}${scan.stderr}${writtenText(dir)}`;
        expect(existsSync(html)).toBe(true);
        expect(everything).not.toContain(canary);
      } finally {
        await server.close();
      }
    },
    cliTimeout,
  );
});

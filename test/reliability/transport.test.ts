import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDemo as fortigateDemo } from "../../providers/fortigate/emulator.js";
import { startDemo as globalprotectDemo } from "../../providers/globalprotect/emulator.js";
import { RedirectRefusedError, ResponseTooLargeError } from "../../src/collect/transport.js";
import { TicketHttp } from "../../src/export/ticketing/http.js";
import type { Coverage } from "../../src/model/index.js";
import { openStore } from "../../src/queue/index.js";
import { runMain, spawnCli } from "../helpers/cli.js";
import { configOf, configText, fastRetry, recordedSweep, scratch, within, withStore } from "./harness.js";
import { type Behaviour, type HostileServer, startHostile, startProxy } from "./hostile-server.js";
import { type Instance, stack } from "./stacks.js";

/**
 * The one HTTP stack (issue #27) and bounded I/O (issue #19 items 4, 5, 7; issue #23 item 10), through every
 * client stack the providers are built on — the shared client (undici, FortiGate), GlobalProtect's, Entra's
 * Graph SDK path, the Okta SDK (node-fetch 2), googleapis (gaxios, node-fetch 3) and the ticketing client —
 * against hostile loopback servers, mostly through the real CLI. No HTTP client is mocked.
 */

/** A CLI start takes seconds on a loaded 2-core machine; each test here starts one or two. */
const cliTimeout = 300_000;

const token = "hostile-test-token-0123456789";
const env = { HOSTILE_TOKEN: `Bearer-${token}`, HOSTILE_KEY: token };

/** One connection of each stack, pointed at `server`. */
function connections(
  server: HostileServer,
  extra: Record<string, unknown> = {},
): Array<Record<string, unknown>> {
  const tls = server.caBundle ? { caBundle: server.caBundle } : {};
  return [
    {
      type: "fortigate",
      id: "fortigate",
      endpoint: server.url,
      ...tls,
      auth: { method: "api-token", token: "env:HOSTILE_KEY" },
    },
    {
      type: "globalprotect",
      id: "globalprotect",
      endpoint: server.url,
      ...tls,
      portalAddress: "vpn.hostile.example",
      auth: { method: "api-key", key: "env:HOSTILE_KEY" },
    },
    {
      type: "entra",
      id: "entra",
      tenantId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
      endpoint: server.url,
      ...tls,
      auth: { method: "access-token", token: "env:HOSTILE_TOKEN" },
    },
    {
      type: "okta",
      id: "okta",
      orgUrl: "https://hostile.okta.example",
      endpoint: server.url,
      ...tls,
      auth: { method: "api-token", token: "env:HOSTILE_KEY" },
    },
    {
      type: "google-workspace",
      id: "google",
      endpoint: server.url,
      ...tls,
      auth: { method: "access-token", token: "env:HOSTILE_TOKEN" },
    },
  ].map((c) => ({ ...c, ...extra }));
}
const stackIds = ["fortigate", "globalprotect", "entra", "okta", "google"];

const work = scratch("mfsw-transport-");
afterAll(() => work.remove());

async function scanAgainst(
  behaviour: Behaviour,
  extra: Record<string, unknown>,
  runEnv: Record<string, string> = {},
): Promise<{ coverage: Coverage[]; code: number | null; stderr: string; server: HostileServer }> {
  const server = await startHostile(behaviour, { tls: true });
  try {
    const file = join(work.dir, `${behaviour.kind}.yaml`);
    writeFileSync(
      file,
      configText([{ id: "hostile", name: "Hostile", connections: connections(server, extra) }]),
      { mode: 0o600 },
    );
    const run = await within(
      120_000,
      "the scan",
      runMain(["scan", "--config", file, "--format", "json"], { env: { ...env, ...runEnv } }),
    );
    const out = JSON.parse(run.stdout || "{}") as { coverage?: Coverage[] };
    return { coverage: out.coverage ?? [], code: run.code, stderr: run.stderr, server };
  } finally {
    await server.close();
  }
}

describe("a response body that never ends (issue #19 item 4)", () => {
  it(
    "every stack stops at maxResponseBytes with ResponseTooLargeError and closes the connection",
    async () => {
      const max = 1024 * 1024;
      const { coverage, code, stderr, server } = await scanAgainst(
        { kind: "endless" },
        { maxResponseBytes: max },
      );
      expect(code, stderr).toBe(2);
      expect(coverage.map((c) => c.connection).sort()).toEqual([...stackIds].sort());
      for (const c of coverage) {
        expect(c.status, problems(c)).not.toBe("complete");
        expect(problems(c), c.connection).toMatch(/larger than 1048576 bytes/);
      }
      // Each client hung up after about its limit: the server could not push more than the limit plus socket
      // buffers to any of them (it would send 512 MiB to a client that kept reading).
      expect(server.bytesSent()).toBeLessThan(server.requests.length * (max + 16 * 1024 * 1024));
      expect(stderr).not.toMatch(/\n\s+at /);
    },
    cliTimeout,
  );
});

describe("redirects are refused on every stack (issue #19 item 7)", () => {
  it(
    "a 302 to another loopback listener is a RedirectRefusedError; that listener never hears from us",
    async () => {
      const elsewhere = await startHostile({ kind: "ok" }, { tls: true });
      try {
        const { coverage, code, stderr } = await scanAgainst(
          { kind: "redirect", location: elsewhere.url },
          {},
        );
        expect(code, stderr).toBe(2);
        expect(coverage.map((c) => c.connection).sort()).toEqual([...stackIds].sort());
        for (const c of coverage) {
          expect(c.status, problems(c)).not.toBe("complete");
          expect(problems(c), c.connection).toMatch(/the server redirected.*; redirects are not followed/);
        }
        // Not one request (so not one token) reached the redirect's target.
        expect(elsewhere.requests).toEqual([]);
        expect(`${stderr}${JSON.stringify(coverage)}`).not.toContain(token);
      } finally {
        await elsewhere.close();
      }
    },
    cliTimeout,
  );
});

describe("a body that trickles (issue #19 item 4: the deadline covers the body)", () => {
  it(
    "every stack gives up after its retries, each attempt bounded by timeoutSeconds",
    async () => {
      const server = await startHostile({ kind: "trickle" }, { tls: true });
      try {
        const config = configOf([
          { id: "slow", name: "Slow", connections: connections(server, { timeoutSeconds: 1 }) },
        ]);
        const run = await withStore(join(work.dir, "trickle.db"), (store) =>
          recordedSweep(config, store, env),
        );
        const coverage = run.outcome.report.coverage;
        expect(coverage).toHaveLength(stackIds.length);
        for (const c of coverage) {
          expect(c.status, problems(c)).not.toBe("complete");
          expect(problems(c), c.connection).toMatch(/gave up after 3 attempts/);
        }
        // Three attempts of one second each per connection, run side by side: far below the server's 60 s.
        expect(run.ms).toBeLessThan(30_000);
        expect(fastRetry.maxRetries).toBe(2);
      } finally {
        await server.close();
      }
    },
    cliTimeout,
  );
});

describe("the connection's CA bundle on every stack (issue #27)", () => {
  it(
    "FortiGate and GlobalProtect over HTTPS: complete with the bundle, refused as untrusted without it",
    async () => {
      const portfolio = {
        tenants: [
          { id: "northwind", name: "Northwind", domain: "northwind.example" },
          { id: "fabrikam-legal", name: "Fabrikam Legal", domain: "fabrikam.example" },
        ],
      };
      const demos = [await fortigateDemo(portfolio), await globalprotectDemo(portfolio)];
      try {
        // The HTTPS connections only: the demo's other FortiGate (fab-fw02) is read from a backup file.
        const conns = demos
          .flatMap((d) => d.connections.map((c) => c.connection))
          .filter((c) => "caBundle" in c);
        const demoEnv = Object.assign({}, ...demos.map((d) => d.env)) as Record<string, string>;
        const file = join(work.dir, "ca.yaml");
        const untrusting = conns.map(({ caBundle: _, ...c }) => ({
          ...c,
          id: `${String(c.id)}-bare`,
          timeoutSeconds: 5,
        }));
        writeFileSync(
          file,
          configText([{ id: "tls", name: "TLS", connections: [...conns, ...untrusting] }]),
          {
            mode: 0o600,
          },
        );
        const run = await runMain(["scan", "--config", file, "--format", "json"], { env: demoEnv });
        const coverage = (JSON.parse(run.stdout) as { coverage: Coverage[] }).coverage;
        const status = Object.fromEntries(coverage.map((c) => [c.connection, c.status]));
        expect(status, run.stderr).toMatchObject({ fortigate: "complete", globalprotect: "complete" });
        const bare = coverage.filter((c) => c.connection.endsWith("-bare"));
        expect(bare.map((c) => c.connection).sort()).toEqual(["fortigate-bare", "globalprotect-bare"]);
        for (const c of bare) {
          expect(c.status, problems(c)).not.toBe("complete");
          expect(problems(c)).toMatch(/TLS certificate not trusted/);
        }
      } finally {
        await Promise.all(demos.map((d) => d.close()));
      }
    },
    cliTimeout,
  );

  it(
    "the ticketing client: trusts the bundle, refuses a body over its limit and a redirect",
    async () => {
      const receiver = await startHostile({ kind: "ok", body: { id: "T-1" } }, { tls: true });
      const endless = await startHostile({ kind: "endless" }, { tls: true });
      const redirect = await startHostile({ kind: "redirect", location: receiver.url }, { tls: true });
      const client = (caBundle: string | undefined) =>
        new TicketHttp({
          target: "psa (test)",
          timeoutSeconds: 5,
          ...(caBundle ? { caBundle } : {}),
          maxResponseBytes: 64 * 1024,
          retry: fastRetry,
          sleep: async () => {},
        });
      const send = (http: TicketHttp, server: HostileServer) =>
        http.send("create", {
          method: "POST",
          url: new URL("/tickets", server.url),
          json: { a: 1 },
          kind: "read",
        });
      try {
        const trusted = client(receiver.caBundle);
        expect((await send(trusted, receiver))?.data).toEqual({ id: "T-1" });
        await trusted.close();
        const untrusted = client(undefined);
        await expect(send(untrusted, receiver)).rejects.toThrow(/TLS certificate not trusted/);
        await untrusted.close();
        const big = client(endless.caBundle);
        await expect(send(big, endless)).rejects.toThrow(ResponseTooLargeError);
        await big.close();
        const moved = client(redirect.caBundle);
        const before = receiver.requests.length;
        await expect(send(moved, redirect)).rejects.toThrow(RedirectRefusedError);
        expect(receiver.requests.length).toBe(before);
        await moved.close();
      } finally {
        await Promise.all([receiver.close(), endless.close(), redirect.close()]);
      }
    },
    cliTimeout,
  );
});

describe("HTTPS_PROXY and NO_PROXY (issue #23 item 10)", () => {
  it(
    "every stack tunnels through the proxy, and goes direct for a host NO_PROXY names",
    async () => {
      const proxy = await startProxy();
      const people = [{ local: "admin", admin: true, mfa: true }];
      const spec = { id: "proxied", domain: "proxied.example", people };
      const instances: Instance[] = [];
      try {
        for (const type of ["datto-rmm", "entra", "okta", "google-workspace"]) {
          const s = stack(type);
          instances.push(await s.start(s.seed(spec)));
        }
        const file = join(work.dir, "proxy.yaml");
        writeFileSync(
          file,
          configText([{ id: "proxied", name: "Proxied", connections: instances.map((i) => i.connection) }]),
          { mode: 0o600 },
        );
        const instanceEnv = Object.assign({}, ...instances.map((i) => i.env)) as Record<string, string>;
        const targets = instances.map((i) => new URL(i.emulator.url).host).sort();
        const scan = async (proxyEnv: Record<string, string>) => {
          const run = await runMain(["scan", "--config", file, "--format", "json"], {
            env: { ...instanceEnv, ...proxyEnv },
          });
          const coverage = (JSON.parse(run.stdout) as { coverage: Coverage[] }).coverage;
          expect(
            coverage.map((c) => c.status),
            run.stderr,
          ).toEqual(instances.map(() => "complete"));
        };
        await scan({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
        expect([...new Set(proxy.tunnels)].sort()).toEqual(targets);
        proxy.tunnels.length = 0;
        await scan({ https_proxy: proxy.url, http_proxy: proxy.url, NO_PROXY: "localhost,127.0.0.1" });
        expect(proxy.tunnels).toEqual([]);
      } finally {
        await Promise.all(instances.map((i) => i.close()));
        await proxy.close();
      }
    },
    cliTimeout,
  );
});

describe("SIGTERM stops a sweep (issue #19 item 5)", () => {
  it(
    "within seconds: the sweep is recorded interrupted and no tenant that was still scanning is reconciled",
    async () => {
      const server = await startHostile({ kind: "trickle" }, { tls: true });
      try {
        const tenants = ["one", "two", "three"].map((id) => ({
          id,
          name: id,
          connections: [connections(server, { timeoutSeconds: 120 })[0]!],
        }));
        const file = join(work.dir, "sigterm.yaml");
        const db = join(work.dir, "sigterm.db");
        writeFileSync(file, configText(tenants), { mode: 0o600 });
        // A real process: the signal is the subject.
        const child = spawnCli(["sweep", "--config", file, "--store", db], { env });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
        // The sweep is collecting (its requests hang on the trickling server) when the signal is sent.
        await within(
          120_000,
          "the sweep's first request",
          waitFor(() => server.requests.length > 0),
        );
        const signalled = Date.now();
        child.kill("SIGTERM");
        const code = await within(15_000, "the stop after SIGTERM", exited);
        expect(Date.now() - signalled).toBeLessThan(10_000);
        expect(code, stderr).toBe(2);
        expect(stderr).toMatch(/stopping/);
        const store = await openStore(db);
        try {
          const [sweep] = await store.listSweeps({ limit: 1 });
          expect(sweep?.status).toBe("interrupted");
          expect(await store.sweepTenants(sweep!.id)).toEqual([]);
        } finally {
          await store.close();
        }
      } finally {
        await server.close();
      }
    },
    cliTimeout,
  );
});

/** What a connection's coverage says went wrong: its reason and every gap (a read may fail alone). */
function problems(c: Coverage): string {
  return [
    `${c.connection}: ${c.status}`,
    c.reason ?? "",
    ...c.gaps.map((g) => `${g.what}: ${g.reason}`),
  ].join("\n");
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debianCommonFiles, writeSnapshot } from "../../providers/ssh/emulator.js";
import type { EmulatorOptions, FaultRule } from "../../src/emulator/server.js";
import type { Coverage, Result } from "../../src/model/index.js";
import type { Store } from "../../src/queue/index.js";
import { type SweepOutcome, sweepExitCode } from "../../src/sweep.js";
import { runMain } from "../helpers/cli.js";
import { startFakeHost, startSilentHost } from "../providers/ssh/fake-host.js";
import {
  configOf,
  configText,
  type RecordedSweep,
  recordedSweep,
  scratch,
  type TenantEntry,
  withStore,
} from "./harness.js";
import { type Instance, type Stack, stack, stacks, type TenantSpec } from "./stacks.js";

/**
 * Issue #12, faults: a three-tenant sweep in which one tenant's connection (alpha) suffers one fault while
 * bravo and charlie are healthy, through each of the four HTTP client stacks. For every fault: the sweep
 * finishes in bounded time, alpha's coverage says exactly what happened, bravo and charlie are complete
 * and their results unchanged, none of alpha's queue items is resolved, and the exit code is 2 when
 * coverage is incomplete. Waits are recorded by the injected sleep, never slept.
 */

const tenants: TenantSpec[] = ["alpha", "bravo", "charlie"].map((id) => ({
  id,
  domain: `${id}.example`,
  people: [
    { local: "admin", admin: true, mfa: false },
    { local: "ann", mfa: true },
    { local: "bob", mfa: false },
  ],
}));

interface FaultCase {
  name: string;
  /** Only for stacks this applies to (default: all). */
  applies?: (s: Stack) => boolean;
  rules?: (s: Stack) => FaultRule[];
  emulator?: EmulatorOptions;
  connection?: Record<string, unknown>;
  /** What alpha's coverage must say. `complete` cases must also leave alpha's results as they were. */
  expect: {
    status: Coverage["status"];
    says?: RegExp;
    check?: (run: RecordedSweep, alpha: Coverage, s: Stack) => void;
  };
}

const storm = 1000;
const cases: FaultCase[] = [
  {
    name: "a 429 storm with the vendor's wait header",
    rules: (s) => [
      {
        path: s.usersPath,
        times: storm,
        fault: { kind: "status", status: 429, headers: s.waitHeaders(2), body: { error: "throttled" } },
      },
    ],
    expect: {
      status: "failed",
      says: /throttled: .*gave up after 3 attempts \(HTTP 429/,
      check: ({ slept }, alpha) => {
        expect(alpha.counts.retries).toBe(2);
        // Every retry waited what the server asked (Okta: until its reset second, plus one).
        expect(slept.filter((ms) => ms >= 2000).length).toBeGreaterThanOrEqual(2);
        expect(Math.max(...slept)).toBeLessThanOrEqual(3000);
      },
    },
  },
  {
    name: "a 429 storm without Retry-After",
    rules: (s) => [
      {
        path: s.usersPath,
        times: storm,
        fault: { kind: "status", status: 429, body: { error: "throttled" } },
      },
    ],
    expect: {
      status: "failed",
      says: /throttled: .*gave up after 3 attempts \(HTTP 429/,
      // Exponential backoff from 100 ms with jitter: each wait within its doubling window.
      check: ({ slept }) => {
        const distinct = [...new Set(slept)];
        expect(distinct.length).toBeGreaterThanOrEqual(2);
        expect(Math.min(...slept)).toBeGreaterThanOrEqual(50);
        expect(Math.max(...slept)).toBeLessThanOrEqual(200);
      },
    },
  },
  {
    name: "a 429 burst that ends: nothing lost",
    rules: (s) => [
      { path: s.usersPath, times: 2, fault: { kind: "status", status: 429, headers: s.waitHeaders(1) } },
    ],
    expect: { status: "complete", check: (_, alpha) => expect(alpha.counts.retries).toBe(2) },
  },
  {
    name: "a 5xx burst that ends: nothing lost",
    rules: (s) => [
      {
        path: s.usersPath,
        times: 1,
        fault: { kind: "status", status: 502, body: "<html>Bad Gateway</html>" },
      },
      { path: s.usersPath, times: 1, after: 1, fault: { kind: "status", status: 503, body: {} } },
    ],
    expect: { status: "complete", check: (_, alpha) => expect(alpha.counts.retries).toBe(2) },
  },
  {
    name: "a 5xx storm",
    rules: (s) => [{ path: s.usersPath, times: storm, fault: { kind: "status", status: 503, body: {} } }],
    expect: { status: "failed", says: /gave up after 3 attempts \(HTTP 503\)/ },
  },
  {
    name: "connection resets that end: nothing lost",
    rules: (s) => [{ path: s.usersPath, times: 2, fault: { kind: "reset" } }],
    expect: { status: "complete", check: (_, alpha) => expect(alpha.counts.retries).toBe(2) },
  },
  {
    name: "connections reset every time",
    rules: (s) => [{ path: s.usersPath, times: storm, fault: { kind: "reset" } }],
    expect: {
      status: "failed",
      says: /gave up after 3 attempts \(.*(ECONNRESET|UND_ERR_SOCKET|socket hang up)/,
    },
  },
  {
    name: "responses slower than the connection's timeout",
    rules: (s) => [{ path: s.usersPath, times: storm, fault: { kind: "delay", ms: 2000 } }],
    connection: { timeoutSeconds: 0.25 },
    expect: {
      status: "failed",
      says: /gave up after 3 attempts \((no answer within 0\.25 s|timed out after 0\.25 s|no complete answer within the request timeout)\)/,
    },
  },
  {
    name: "truncated JSON on every attempt",
    rules: (s) => [
      {
        path: s.usersPath,
        times: storm,
        fault: { kind: "body", body: '{"users":[{"id":"10', contentType: "application/json" },
      },
    ],
    expect: {
      status: "failed",
      says: /(not JSON|malformed)/,
    },
  },
  {
    name: "a page that repeats its own next link",
    rules: (s) => [{ path: s.usersPath, times: storm, fault: s.loopingPages() }],
    expect: {
      status: "partial",
      says: /paging loop/,
      // What the repeated page listed again is counted once, and the repeat is named as a gap.
      check: (run, alpha) => {
        const results = run.outcome.report.results.filter((r) => r.tenant === "alpha");
        expect(new Set(results.map((r) => r.fingerprint)).size).toBe(results.length);
        expect(alpha.counts.accounts).toBeLessThanOrEqual(3);
      },
    },
  },
  {
    name: "an empty page with a next link: nothing lost",
    rules: (s) => [{ path: s.usersPath, times: 1, fault: s.emptyFirstPage() }],
    expect: { status: "complete", check: (_, alpha) => expect(alpha.counts.accounts).toBe(3) },
  },
  {
    name: "a next link to another host",
    applies: (s) => s.foreignNextLink !== undefined,
    rules: (s) => [{ path: s.usersPath, times: 1, fault: s.foreignNextLink!() }],
    expect: { status: "partial", says: /links to another host/ },
  },
  {
    name: "a TLS certificate issued for another name",
    emulator: { tls: true, tlsNames: ["api.other.example"] },
    expect: {
      status: "failed",
      says: /TLS certificate not trusted \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
      check: (_, alpha) => expect(alpha.counts.retries).toBe(0),
    },
  },
  {
    name: "a host name that does not resolve",
    connection: { endpoint: "https://api.alpha-tenant.mfasweep.invalid" },
    expect: {
      status: "failed",
      says: /not found \((ENOTFOUND|EAI_AGAIN)/,
      check: (_, alpha) => expect(alpha.counts.retries).toBe(0),
    },
  },
];

/** fingerprint → status, for comparing a tenant's results between sweeps. */
function statuses(results: Result[], tenant: string): Record<string, string> {
  return Object.fromEntries(results.filter((r) => r.tenant === tenant).map((r) => [r.fingerprint, r.status]));
}

function coverageText(c: Coverage): string {
  return [c.reason ?? "", ...c.gaps.map((g) => `${g.what}: ${g.reason}`)].join("\n");
}

/** Each tenant on its own connection of one stack. */
function entries(instances: Record<string, Instance>): TenantEntry[] {
  return tenants.map((t) => ({ id: t.id, name: t.id, connections: [instances[t.id]!.connection] }));
}

const envOf = (instances: Record<string, Instance>) =>
  Object.assign({}, ...Object.values(instances).map((i) => i.env)) as Record<string, string>;

describe.each(stacks.map((s) => [s.type, s] as const))("faults through %s", (_type, s) => {
  const seeds = Object.fromEntries(tenants.map((t) => [t.id, s.seed(t)]));
  const healthy: Record<string, Instance> = {};
  const work = scratch(`mfsw-faults-${s.type}-`);
  const template = join(work.dir, "baseline.db");
  let baseline: SweepOutcome;

  beforeAll(async () => {
    for (const t of tenants) healthy[t.id] = await s.start(seeds[t.id]);
    const run = await withStore(template, (store) =>
      recordedSweep(configOf(entries(healthy)), store, envOf(healthy)),
    );
    baseline = run.outcome;
    // The baseline is what the faults are measured against: every tenant read, findings in the queue.
    expect(baseline.report.coverage.map((c) => c.status)).toEqual(["complete", "complete", "complete"]);
    expect(Object.values(statuses(baseline.report.results, "alpha")).some((st) => st !== "pass")).toBe(true);
    await healthy.alpha!.close();
  });
  afterAll(async () => {
    await Promise.all([healthy.bravo?.close(), healthy.charlie?.close()]);
    work.remove();
  });

  it.each(cases.filter((c) => c.applies?.(s) ?? true).map((c) => [c.name, c] as const))(
    "%s",
    async (name, fault) => {
      const dbPath = join(work.dir, `${name.replace(/\W+/g, "-")}.db`);
      copyFileSync(template, dbPath);
      if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${dbPath}-wal`);
      const alpha = await s.start(seeds.alpha, { ...fault.emulator, faults: fault.rules?.(s) });
      try {
        const instances = {
          ...healthy,
          alpha: { ...alpha, connection: { ...alpha.connection, ...fault.connection } },
        };
        await withStore(dbPath, async (store: Store) => {
          const before = await store.findItems({ tenants: ["alpha"] });
          const run = await recordedSweep(configOf(entries(instances)), store, envOf(instances));
          const { outcome } = run;
          const coverage = outcome.report.coverage.find((c) => c.tenant === "alpha")!;

          // alpha's coverage says exactly what happened.
          expect(coverage.status, coverageText(coverage)).toBe(fault.expect.status);
          if (fault.expect.says) expect(coverageText(coverage)).toMatch(fault.expect.says);
          fault.expect.check?.(run, coverage, s);

          // The other tenants are complete and see exactly what they saw before.
          for (const other of ["bravo", "charlie"]) {
            expect(outcome.report.coverage.find((c) => c.tenant === other)?.status).toBe("complete");
            expect(statuses(outcome.report.results, other)).toEqual(statuses(baseline.report.results, other));
            expect(outcome.summary.tenants.find((t) => t.tenant === other)?.reconciled).toBe(true);
          }

          // No queue item of alpha was resolved; a complete read changed nothing.
          const after = await store.findItems({ tenants: ["alpha"] });
          expect(after.filter((i) => i.state === "resolved")).toEqual([]);
          // Every earlier item is still there and not resolved (a failed read may add `unknown` findings).
          for (const item of before)
            expect(after.find((i) => i.fingerprint === item.fingerprint)?.state, item.subject.name).toBe(
              item.state,
            );
          const alphaSummary = outcome.summary.tenants.find((t) => t.tenant === "alpha")!;
          expect(alphaSummary.diff?.resolved ?? 0).toBe(0);
          if (fault.expect.status === "complete")
            expect(statuses(outcome.report.results, "alpha")).toEqual(
              statuses(baseline.report.results, "alpha"),
            );

          // Exit code 2 when coverage is incomplete; a complete read exits as the baseline did.
          expect(sweepExitCode(outcome, "low")).toBe(
            fault.expect.status === "complete" ? sweepExitCode(baseline, "low") : 2,
          );
          expect(alphaSummary.coverage.status).toBe(
            fault.expect.status === "complete" ? "complete" : fault.expect.status,
          );
        });
      } finally {
        await alpha.close();
      }
    },
  );
});

describe("an SSH host that hangs after its banner", () => {
  const work = scratch("mfsw-faults-ssh-");
  afterAll(() => work.remove());

  it("times out on that host only; the tenant's earlier findings stay open; exit code 2", async () => {
    const google = stack("google-workspace");
    const seeds = Object.fromEntries(tenants.map((t) => [t.id, google.seed(t)]));
    const instances: Record<string, Instance> = {};
    for (const t of tenants) instances[t.id] = await google.start(seeds[t.id]);
    const snap = await writeSnapshot(join(work.dir, "snap"), "h", {
      sshdT: { passwordauthentication: "yes", permitrootlogin: "yes" },
      files: {
        "/etc/ssh/sshd_config": "PasswordAuthentication yes\n",
        "/etc/pam.d/sshd": "@include common-auth\n",
        ...debianCommonFiles,
      },
      accounts: [{ name: "alice", uid: 1000 }],
    });
    const host = await startFakeHost({ snapshotDir: snap });
    const silent = await startSilentHost();
    const env = { ...envOf(instances), SSH_AUDIT_PASSWORD: "audit-pw" };
    const sshConnection = (port: number, hostKey: string) => ({
      type: "ssh",
      id: "ssh",
      username: "audit",
      auth: { method: "password", password: "env:SSH_AUDIT_PASSWORD" },
      timeoutSeconds: 1,
      hosts: [{ host: "127.0.0.1", port, name: "files.alpha.example", hostKey, sshdPath: host.sshdPath }],
    });
    const config = (port: number, hostKey: string) =>
      configOf(
        entries(instances).map((e) =>
          e.id === "alpha" ? { ...e, connections: [...e.connections, sshConnection(port, hostKey)] } : e,
        ),
      );
    try {
      await withStore(join(work.dir, "ssh.db"), async (store) => {
        const first = await recordedSweep(config(host.port, host.fingerprint), store, env);
        expect(first.outcome.report.coverage.map((c) => c.status)).toEqual([
          "complete",
          "complete",
          "complete",
          "complete",
        ]);
        const sshItems = (await store.findItems({ tenants: ["alpha"] })).filter(
          (i) => i.subject.source === "ssh",
        );
        expect(sshItems.length).toBeGreaterThan(0);

        const started = Date.now();
        const second = await recordedSweep(config(silent.port, host.fingerprint), store, env);
        expect(Date.now() - started).toBeLessThan(20_000);
        const ssh = second.outcome.report.coverage.find((c) => c.connection === "ssh")!;
        expect(ssh.status).not.toBe("complete");
        expect(coverageText(ssh)).toMatch(/127\.0\.0\.1:\d+: no SSH handshake within 1 s/);
        expect(
          second.outcome.report.coverage.filter((c) => c.connection !== "ssh").map((c) => c.status),
        ).toEqual(["complete", "complete", "complete"]);
        const after = await store.findItems({ tenants: ["alpha"] });
        for (const item of sshItems)
          expect(after.find((i) => i.fingerprint === item.fingerprint)?.state).not.toBe("resolved");
        expect(sweepExitCode(second.outcome, "low")).toBe(2);
      });
    } finally {
      await Promise.all([...Object.values(instances).map((i) => i.close()), host.close(), silent.close()]);
    }
  });
});

describe("the CLI under a fault", () => {
  const work = scratch("mfsw-faults-cli-");
  afterAll(() => work.remove());

  it("sweep: a tenant whose API host does not resolve fails alone, the others are reconciled, exit code 2", async () => {
    const google = stack("google-workspace");
    const instances: Record<string, Instance> = {};
    for (const t of tenants) instances[t.id] = await google.start(google.seed(t));
    try {
      const list = entries(instances).map((e) =>
        e.id === "alpha"
          ? {
              ...e,
              connections: [{ ...e.connections[0], endpoint: "https://api.alpha-tenant.mfasweep.invalid" }],
            }
          : e,
      );
      const file = join(work.dir, "mfasweep.yaml");
      writeFileSync(file, configText(list), { mode: 0o600 });
      const db = join(work.dir, "cli.db");
      const run = await runMain(["sweep", "--config", file, "--store", db, "--format", "json"], {
        env: envOf(instances),
      });
      expect(run.code, run.stderr).toBe(2);
      const out = JSON.parse(run.stdout) as { coverage: Coverage[]; queue: SweepOutcome["summary"] };
      const alpha = out.coverage.find((c) => c.tenant === "alpha")!;
      expect(alpha.status).toBe("failed");
      expect(alpha.reason).toMatch(/host not found \((ENOTFOUND|EAI_AGAIN)\)/);
      expect(out.coverage.filter((c) => c.tenant !== "alpha").map((c) => c.status)).toEqual([
        "complete",
        "complete",
      ]);
      expect(out.queue.tenants.map((t) => [t.tenant, t.reconciled])).toEqual([
        ["alpha", true],
        ["bravo", true],
        ["charlie", true],
      ]);
      // A fault is reported, never thrown: no stack trace on stderr.
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await Promise.all(Object.values(instances).map((i) => i.close()));
    }
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/composition.js";
import { type RunningWorker, startWorker } from "../../../src/distribute/index.js";
import { runMain } from "../../helpers/cli.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";

/**
 * `mfasweep workers` and `doctor --queue` through the CLI's main function (in this process; the workers
 * they list are real processes), against the machine's Redis:
 * the workers connected, by site; a site of the config that no worker serves fails doctor; an unreachable
 * Redis is one clear line and a nonzero exit, never a stack trace.
 */

const now = new Date("2026-12-07T12:00:00Z");
// A config-only SSH connection: doctor checks it without any network, so only the queue decides the exit.
const yaml = (site: string) => `tenants:
  - id: acme
    name: Acme
    connections:
      - type: ssh
        id: jump
        snapshotDir: ./snap
        collectorSite: ${site}
`;

let dir = "";
const prefix = testPrefix();
const workers: RunningWorker[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-workers-cli-"));
  await mkdir(join(dir, "snap", "host1"), { recursive: true });
  await writeFile(join(dir, "branch.yaml"), yaml("branch"));
  await writeFile(join(dir, "nowhere.yaml"), yaml("nowhere"));
});

afterAll(async () => {
  for (const w of workers.splice(0)) await w.close({ force: true });
  if (!redisAbsent) await dropPrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

/** A failure printed as one line by main, not a Node stack. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(stderr).not.toMatch(/Error: |node:internal/);
}

describe.skipIf(redisAbsent)("mfasweep workers and doctor --queue (real Redis)", () => {
  it("lists the connected workers with their sites, and doctor passes only when every site the config uses has one", async () => {
    const queue = ["--queue", redisUrl, "--queue-prefix", prefix];
    expect((await runMain(["workers", ...queue])).stdout).toBe("no worker connected\n");

    const config = parseConfig(yaml("branch"), join(dir, "branch.yaml"), now).config;
    workers.push(await startWorker({ url: redisUrl, config, prefix, site: "branch", name: "site-box" }));
    workers.push(await startWorker({ url: redisUrl, config, prefix, name: "central-box", concurrency: 2 }));

    const table = await runMain(["workers", ...queue]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split("\n");
    // By site, the default queue's workers first.
    expect(rows.map((r) => r.split("\t").slice(0, 3))).toEqual([
      ["(default)", "central-box", "concurrency 2"],
      ["branch", "site-box", "concurrency 4"],
    ]);
    const json = JSON.parse((await runMain(["workers", ...queue, "--format", "json"])).stdout) as Array<{
      name: string;
      site?: string;
    }>;
    expect(json.map((w) => [w.name, w.site ?? null])).toEqual([
      ["central-box", null],
      ["site-box", "branch"],
    ]);

    const ok = await runMain(["doctor", "-c", join(dir, "branch.yaml"), ...queue]);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(
      /ok {3}queue: Redis answers; 2 worker\(s\) registered \(untagged connections: central-box; site 'branch': site-box\)/,
    );
    expect(ok.code).toBe(0);

    // The config tags the connection with a site no worker serves: its jobs would wait until their deadline.
    const missing = await runMain(["doctor", "-c", join(dir, "nowhere.yaml"), ...queue]);
    expect(missing.stdout).toMatch(/FAIL queue: .*no worker for site 'nowhere'/);
    expect(missing.code).not.toBe(0);
    expectNoStack(missing.stderr);
  }, 60_000);
});

describe("mfasweep workers and doctor --queue with Redis unreachable", () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  const queue = ["--queue", "redis://127.0.0.1:1", "--queue-prefix", prefix];

  it("workers: one clear line naming the Redis, nonzero exit", async () => {
    const run = await runMain(["workers", ...queue]);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "mfasweep: cannot reach the queue's Redis at 127.0.0.1:1 (ECONNREFUSED); is it running, and is --queue right?\n",
    );
    expect(run.code).not.toBe(0);
  }, 30_000);

  it("doctor: the queue check fails with the reason, the other checks still run, nonzero exit", async () => {
    const run = await runMain(["doctor", "-c", join(dir, "branch.yaml"), ...queue]);
    expect(run.stdout).toMatch(/acme\/jump \(ssh\)\n {2}ok {3}snapshotDir/);
    expect(run.stdout).toMatch(
      /-\/queue \(queue\)\n {2}FAIL queue: cannot reach the queue's Redis at 127\.0\.0\.1:1 \(ECONNREFUSED\); is it running, and is --queue right\?\n/,
    );
    expect(run.stderr).toBe("mfasweep: incomplete: -/queue failed check queue\n");
    expect(run.code).not.toBe(0);
    expectNoStack(run.stderr + run.stdout);
  }, 30_000);
});

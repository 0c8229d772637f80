import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServiceNowEmulator } from "../../../../src/export/ticketing/emulators/servicenow.js";
import { syncSummaryText } from "../../../../src/export/ticketing/report.js";
import { unreachableLimit } from "../../../../src/export/ticketing/sync.js";
import type { SqliteStore } from "../../../../src/queue/sqlite.js";
import { fastRetry, freshStore, sweepQueue, sync, ticketing } from "./helpers.js";

/** Issue #23 item 8: a PSA that is down costs a few tickets' retries and one clear line, not one per ticket. */

let store: SqliteStore;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  store = await freshStore();
});
afterEach(async () => {
  await store.close();
  for (const close of closers.splice(0)) await close();
});

const company = "c".repeat(32);
const users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"];

async function serviceNow() {
  const emulator = await startServiceNowEmulator({ username: "u", password: "p", companies: [company] });
  closers.push(emulator.close);
  const target = ticketing([
    {
      id: "sn",
      type: "servicenow",
      endpoint: emulator.url,
      auth: { username: "u", password: "env:SN" },
      tenants: { acme: { company, fields: { caller_id: "mfasweep" } } },
    },
  ]);
  await sweepQueue(
    store,
    new Date("2026-11-24T06:00:00.000Z"),
    users.map((user) => ({ tenant: "acme", user })),
  );
  return { emulator, target, env: { SN: "p" } };
}

describe("a ticketing target that cannot be reached", () => {
  it("answering 503 to everything: stops after 3 tickets in a row, says so once, the rest are not attempted", async () => {
    const { emulator, target, env } = await serviceNow();
    emulator.inject({ path: /.*/, times: 1000, fault: { kind: "status", status: 503 } });
    const result = await sync(store, target, { env });
    expect(result.created).toBe(0);
    expect(result.failed).toHaveLength(users.length);
    // Each of the first three tickets spent its retries; nothing was sent after that.
    expect(emulator.requests).toHaveLength(unreachableLimit * (fastRetry.maxRetries + 1));
    expect(result.messages.filter((m) => m.startsWith("stopped"))).toEqual([
      expect.stringMatching(/^stopped: 3 tickets in a row failed to reach sn; the 4 not attempted/),
    ]);
    const text = syncSummaryText({ targets: [result] });
    expect(text.match(/not attempted/g)?.length).toBe(2); // the note, and one line for the 4 items
    expect(text).toContain("failed 4 items: not attempted: sn stopped after:");
    // The three that spent their retries failed alike: one line for them, one for the rest.
    expect(text.split("\n").filter((l) => l.startsWith("  failed"))).toEqual([
      expect.stringMatching(/^ {2}failed 3 items: .*sn \(servicenow\) .*gave up after 4 attempts \(HTTP 503/),
      expect.stringMatching(/^ {2}failed 4 items: not attempted/),
    ]);
  });

  it("refusing connections (the PSA is down): the same, with the refused connection named", async () => {
    const { emulator, target, env } = await serviceNow();
    await emulator.close();
    const result = await sync(store, target, { env });
    expect(result.failed).toHaveLength(users.length);
    expect(result.messages.join("\n")).toMatch(/stopped: 3 tickets in a row.*connection refused/);
  });

  it("failures that are not in a row do not stop the target", async () => {
    const { emulator, target, env } = await serviceNow();
    // Two tickets' worth of 503s (each lookup retried), then the system answers again.
    emulator.inject({
      path: /.*/,
      times: 2 * (fastRetry.maxRetries + 1),
      fault: { kind: "status", status: 503 },
    });
    const result = await sync(store, target, { env });
    expect(result.failed).toHaveLength(2);
    expect(result.created).toBe(users.length - 2);
    expect(result.messages.some((m) => m.startsWith("stopped"))).toBe(false);
  });
});

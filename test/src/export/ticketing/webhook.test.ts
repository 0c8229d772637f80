import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RecordedRequest, RunningEmulator } from "../../../../src/emulator/server.js";
import { startWebhookReceiver } from "../../../../src/export/ticketing/emulators/webhook.js";
import type { SqliteStore } from "../../../../src/queue/sqlite.js";
import { at, fastRetry, freshStore, sweepQueue, sync, t0, ticketing } from "./helpers.js";

/**
 * The webhook target against a receiver, verified the way a Standard Webhooks consumer verifies (written
 * here from the specification, not with our signing code): key = base64-decode(secret without `whsec_`),
 * expected = base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}")), compared in constant
 * time with each space-separated `v1,<sig>` of `webhook-signature`, timestamp within a tolerance.
 */

function verify(
  secret: string,
  request: RecordedRequest,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  const signatures = request.headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signatures !== "string") return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${request.body}`).digest();
  return signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const secret = `whsec_${randomBytes(32).toString("base64")}`;
const env = { HOOK_SECRET: secret };
let receiver: RunningEmulator;
let store: SqliteStore;
const target = (extra: Record<string, unknown> = {}) =>
  ticketing([
    {
      id: "hook",
      type: "webhook",
      endpoint: `${receiver.url}/hooks`,
      auth: { secret: "env:HOOK_SECRET" },
      tenants: { acme: {} },
      ...extra,
    },
  ]);
const events = () =>
  receiver.requests.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(async () => {
  receiver.requests.length = 0;
  store = await freshStore();
});
afterEach(() => store.close());

describe("webhook (Standard Webhooks)", () => {
  it("every delivery verifies with the spec's scheme; a tampered body or another secret does not", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    await sync(store, target({ closeOnResolve: true }), { env });
    await sweepQueue(store, at(7), []);
    await sync(store, target({ closeOnResolve: true }), { env, now: at(7) });
    expect(events().map((e) => e.type)).toEqual([
      "mfasweep.ticket.opened",
      "mfasweep.ticket.noted",
      "mfasweep.ticket.closed",
    ]);
    const now = Math.floor(Date.now() / 1000);
    for (const r of receiver.requests) {
      expect(verify(secret, r, now)).toBe(true);
      expect(r.headers["webhook-id"]).toMatch(/^msg_[A-Za-z0-9_-]+$/);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    const [first] = receiver.requests;
    expect(verify(secret, { ...first!, body: first!.body.replace("alice", "mallory") }, now)).toBe(false);
    expect(verify(`whsec_${randomBytes(32).toString("base64")}`, first!, now)).toBe(false);
    expect(verify(secret, first!, now + 3600)).toBe(false);
    expect(events()[0]?.data).toMatchObject({ target: "hook", tenant: { id: "acme", name: "Acme Corp" } });
  });

  it("a retried delivery keeps its webhook-id (and is signed again with a fresh timestamp)", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "bob" }]);
    receiver.inject({ path: "/hooks", times: 2, fault: { kind: "status", status: 502 } });
    const result = await sync(store, target(), { env, retry: fastRetry });
    expect(result).toMatchObject({ created: 1, failed: [] });
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.requests) expect(verify(secret, r, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it("an event that failed is sent again on the next run with the same webhook-id, so a receiver can drop a repeat", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "carol" }]);
    const down = await startWebhookReceiver({
      faults: [{ path: "/hooks", times: 10, fault: { kind: "status", status: 500 } }],
    });
    const up = await startWebhookReceiver();
    const at_ = (r: RunningEmulator) => ticketing([{ ...target()[0]!, endpoint: `${r.url}/hooks` }]);
    try {
      const failed = await sync(store, at_(down), {
        env,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      });
      expect(failed.failed).toHaveLength(1);
      expect(down.requests).toHaveLength(2);
      const again = await sync(store, at_(up), { env });
      expect(again).toMatchObject({ created: 1, failed: [] });
      expect(up.requests[0]?.headers["webhook-id"]).toBe(down.requests[0]?.headers["webhook-id"]);
    } finally {
      await down.close();
      await up.close();
    }
  });

  it("refuses a secret that is not whsec_ + base64 of at least 24 bytes, naming the reference only", async () => {
    await sweepQueue(store, t0, [{ tenant: "acme", user: "alice" }]);
    const result = await sync(store, target(), { env: { HOOK_SECRET: "whsec_c2hvcnQ=" } });
    expect(result.failed[0]?.reason).toMatch(/env:HOOK_SECRET is not a Standard Webhooks secret/);
    expect(result.failed[0]?.reason).not.toContain("c2hvcnQ");
    expect(receiver.requests).toHaveLength(0);
  });
});

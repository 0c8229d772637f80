import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import type { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import type { Config } from "../../../src/config/load.js";
import { type CollectJob, QueueCollector, startWorker } from "../../../src/distribute/index.js";
import { decodeCollection } from "../../../src/distribute/jobs.js";
import { JobRefusedError, localConnection, maskSecrets } from "../../../src/distribute/trust.js";
import { appendAll } from "../../../src/util/arrays.js";
import { type GoogleDemo, startGoogleDemo } from "../../helpers/google-demo.js";
import { dropPrefix, redisAbsent, redisUrl, testPrefix } from "../../helpers/redis.js";

const now = new Date("2026-12-07T12:00:00Z");

function tenantConfig(settings: Record<string, unknown>): Config {
  return {
    tenants: [
      {
        id: "acme",
        name: "Acme",
        role: "customer",
        profile: "standard",
        connections: [{ id: "okta", type: "okta", settings }],
      },
    ],
  } as unknown as Config;
}

const own = { type: "okta", id: "okta", orgUrl: "https://acme.okta.com", auth: { token: "env:OKTA_TOKEN" } };

describe("localConnection: a job is run only as this worker's config describes it", () => {
  const job = (settings: Record<string, unknown>, ids = { tenant: "acme", connection: "okta" }) => ({
    tenant: { id: ids.tenant, name: "Acme" },
    connection: { id: ids.connection, type: "okta", settings },
  });
  it.each([
    ["a tenant the config lacks", job(own, { tenant: "evil", connection: "okta" }), /has no tenant 'evil'/],
    [
      "a connection the config lacks",
      job(own, { tenant: "acme", connection: "other" }),
      /has no connection 'other'/,
    ],
    ["another host", job({ ...own, orgUrl: "https://attacker.example" }), /settings differ .* in orgUrl/],
    ["an added setting", job({ ...own, proxy: "http://attacker.example" }), /settings differ .* in proxy/],
    ["another site", job({ ...own, collectorSite: "branch" }), /settings differ .* in collectorSite/],
  ])("refuses a job naming %s", (_what, forged, reason) => {
    expect(() => localConnection(tenantConfig(own), forged, undefined)).toThrow(JobRefusedError);
    expect(() => localConnection(tenantConfig(own), forged, undefined)).toThrow(reason);
  });

  it("refuses a connection its own config gives to another site than the worker's", () => {
    const tagged = { ...own, collectorSite: "branch" };
    expect(() => localConnection(tenantConfig(tagged), job(tagged), undefined)).toThrow(
      /gives the connection site 'branch', and the worker runs untagged connections/,
    );
    expect(localConnection(tenantConfig(tagged), job(tagged), "branch").connection.id).toBe("okta");
  });

  it("runs its own connection, with its own secret reference, whatever reference the job names", () => {
    const found = localConnection(
      tenantConfig(own),
      job({ ...own, auth: { token: "env:SOMETHING_ELSE" } }),
      undefined,
    );
    expect(found.connection.settings).toEqual(own);
    // What the central sends: no reference at all.
    expect(JSON.stringify(maskSecrets(own))).not.toContain("OKTA_TOKEN");
  });
});

const gunzipAsync = promisify(gunzip);

/** Every value stored under `prefix`, job results unpacked: what anyone reading Redis can see. */
async function redisContents(prefix: string): Promise<string> {
  const client = new Redis(redisUrl);
  const out: string[] = [];
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        if (type === "string") out.push(String(await client.get(key)));
        else if (type === "list") appendAll(out, await client.lrange(key, 0, -1));
        else if (type === "zset") appendAll(out, await client.zrange(key, 0, -1));
        else if (type === "set") appendAll(out, await client.smembers(key));
        else if (type === "stream") out.push(JSON.stringify(await client.xrange(key, "-", "+")));
        else if (type === "hash")
          for (const [field, value] of Object.entries(await client.hgetall(key))) {
            out.push(value);
            if (field === "returnvalue") {
              const packed = (JSON.parse(value) as { gzip?: string }).gzip;
              if (packed) out.push((await gunzipAsync(Buffer.from(packed, "base64"))).toString("utf8"));
            }
          }
      }
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
  return out.join("\n");
}

describe.skipIf(redisAbsent)("a worker refuses jobs forged into Redis (real Redis, Google emulator)", () => {
  let google: GoogleDemo;
  let attacker: Server;
  let attackerUrl = "";
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    google = await startGoogleDemo(now);
    attacker = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`;
  }, 30_000);

  afterAll(async () => {
    await google?.demo.close();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  it("a job naming another host is refused before any request, and no secret reaches Redis", async () => {
    const cfg = google.config();
    const tenant = cfg.tenants.find((t) => t.id === "northwind");
    const connection = tenant?.connections.find((c) => c.type === "google-workspace");
    if (!tenant || !connection) throw new Error("the Google demo has no northwind connection");
    const prefix = testPrefix();
    const worker = await startWorker({
      url: redisUrl,
      config: cfg,
      prefix,
      name: "victim",
      env: google.secrets,
    });
    const central = await QueueCollector.open({ url: redisUrl, prefix });
    const { Queue, QueueEvents } = await import("bullmq");
    const queue: Queue = new Queue("collect", { connection: { url: redisUrl }, prefix });
    const events: QueueEvents = new QueueEvents("collect", { connection: { url: redisUrl }, prefix });
    try {
      await events.waitUntilReady();
      const forge = (id: string, settings: unknown, tenantId = "northwind") => {
        const data: CollectJob = {
          v: 1,
          sweep: "forged",
          tenant: { id: tenantId, name: "Northwind" },
          connection: { id: connection.id, type: connection.type, settings },
          now: now.toISOString(),
          connectionTimeoutMs: 30_000,
          enforceQuotas: false,
          maxResultBytes: 1 << 20,
        };
        return queue.add("collect", data, { jobId: `forged.${id}` });
      };
      // A forger copies what honest jobs carry: the settings without secret references.
      const settings = maskSecrets(connection.settings) as Record<string, unknown>;

      // Forged: the connection pointed at the forger's host, with the worker's own reference.
      const elsewhere = await forge("elsewhere", { ...settings, endpoint: attackerUrl });
      await expect(elsewhere.waitUntilFinished(events, 30_000)).rejects.toThrow(
        /tenant 'northwind', connection 'google': refused: the job's settings differ from this worker's config in endpoint/,
      );
      // Forged: a tenant this worker does not collect.
      const stranger = await forge("stranger", settings, "evil");
      await expect(stranger.waitUntilFinished(events, 30_000)).rejects.toThrow(
        /refused: this worker's config has no tenant 'evil'/,
      );
      // Forged: the right host, another secret reference. The worker uses its own reference: the
      // collection is complete, which it could not be with a token from any other variable.
      const otherRef = await forge("other-ref", {
        ...settings,
        auth: { method: "access-token", token: "env:HOME" },
      });
      const value = await otherRef.waitUntilFinished(events, 30_000);
      const { collection } = await decodeCollection(value, {
        tenant: { id: "northwind", name: "Northwind" },
        connection,
        maxResultBytes: 1 << 20,
      });
      expect(collection.coverage.status).toBe("complete");

      // The honest central's job for the same connection runs (the refusals are not a broken worker).
      const honest = await central.collector(tenant, connection, {
        quotas: new QuotaRegistry(false),
        connectionTimeoutMs: 30_000,
        now,
        sweepId: "honest",
      });
      expect(honest.coverage.status, honest.coverage.reason).toBe("complete");

      expect(seen, "the worker sent a request to the forged endpoint").toEqual([]);
      const stored = await redisContents(prefix);
      expect(stored).toContain("refused");
      for (const [name, secret] of Object.entries(google.secrets)) {
        expect(stored, `the value of ${name} is in Redis`).not.toContain(secret);
        // Which variable holds a secret is the worker machine's business too: the central sends none.
        expect(
          stored.replaceAll('"token":"env:HOME"', ""),
          `the reference env:${name} is in Redis`,
        ).not.toContain(name);
      }
    } finally {
      await Promise.all([events.close(), queue.close(), central.close()]);
      await worker.close({ force: true });
      await dropPrefix(prefix);
    }
  }, 60_000);
});

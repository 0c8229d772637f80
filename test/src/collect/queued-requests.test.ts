import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { collectConnection } from "../../../src/collect/index.js";
import { defineProvider } from "../../../src/collect/provider.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { emptyInventory } from "../../../src/model/index.js";

/**
 * A provider may queue many requests on one quota domain at once (Entra's per-user fallback queues a
 * `$batch` per 20 users: 50 for a 1,000-user tenant). Each queued request listens on the connection's
 * signal until it starts; that is by design and bounded, so it must not print Node's
 * MaxListenersExceededWarning on the user's terminal.
 */
const queued = 50;
const manyQueued = defineProvider({
  type: "queued-requests",
  title: "Queues many requests on one domain",
  connectionSchema: z.object({}),
  permissions: [],
  async collect(ctx) {
    const domain = ctx.quota("queued:one", { concurrency: 1 });
    const answers = await Promise.all(
      Array.from({ length: queued }, (_, i) =>
        ctx.request(
          domain,
          `request ${i}`,
          async () => i,
          (err) => ({ kind: "fatal", error: err instanceof Error ? err : new Error(String(err)) }),
        ),
      ),
    );
    ctx.note(`answered ${answers.length}`);
    return emptyInventory();
  },
});

describe("requests queued on one quota domain", () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  afterEach(() => {
    process.off("warning", onWarning);
    warnings.length = 0;
  });

  it(`${queued} at once complete and raise no MaxListenersExceededWarning`, async () => {
    process.on("warning", onWarning);
    const collection = await collectConnection(
      { id: "t", name: "T" },
      { id: "c", type: "queued-requests", settings: {} },
      { quotas: new QuotaRegistry(true), provider: manyQueued },
    );
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.notes ?? []).toContain(`answered ${queued}`);
    // The warning is emitted on the tick after the 11th listener; give it that tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});

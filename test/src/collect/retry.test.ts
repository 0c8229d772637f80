import { afterEach, describe, expect, it } from "vitest";
import { realSleep, withRetry } from "../../../src/collect/retry.js";

describe("realSleep", () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  afterEach(() => {
    process.off("warning", onWarning);
  });

  it("removes its abort listener when the wait ends: many retries on one signal raise no MaxListenersExceededWarning", async () => {
    process.on("warning", onWarning);
    const controller = new AbortController();
    let calls = 0;
    await expect(
      withRetry(
        "probe",
        async () => {
          calls++;
          throw new Error("reset");
        },
        () => ({ kind: "transient", detail: "reset" }),
        { maxRetries: 40, baseDelayMs: 0, maxDelayMs: 0 },
        { sleep: realSleep, signal: controller.signal },
      ),
    ).rejects.toThrow(/gave up after 41 attempts/);
    expect(calls).toBe(41);
    // The warning is emitted on the next tick after the 11th listener; give it that tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("an abort during the wait rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const waiting = realSleep(60_000, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
  });
});

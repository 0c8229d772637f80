import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { untilAborted } from "../../../src/util/abort.js";

const stopped = () => new Error("stopped");

describe("untilAborted", () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  afterEach(() => {
    process.off("warning", onWarning);
    warnings.length = 0;
  });

  it("64 waits on one sweep's signal add no listener to it and raise no MaxListenersExceededWarning", async () => {
    process.on("warning", onWarning);
    const sweep = new AbortController();
    const finish: Array<(value: number) => void> = [];
    const waits = Array.from({ length: 64 }, (_, i) =>
      untilAborted(new Promise<number>((resolve) => finish.push(() => resolve(i))), sweep.signal, stopped),
    );
    expect(getEventListeners(sweep.signal, "abort")).toHaveLength(0);
    for (const done of finish) done(0);
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // The warning is emitted on the tick after the 11th listener; give it that tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("an abort rejects every pending wait with the given error; a settled wait keeps its value", async () => {
    const sweep = new AbortController();
    const done = untilAborted(Promise.resolve("collected"), sweep.signal, stopped);
    const pending = Array.from({ length: 12 }, () =>
      untilAborted(new Promise<never>(() => {}), sweep.signal, stopped),
    );
    expect(await done).toBe("collected");
    sweep.abort();
    for (const wait of pending) await expect(wait).rejects.toThrow("stopped");
  });

  it("an already aborted signal rejects at once; no signal passes the promise through", async () => {
    await expect(untilAborted(new Promise<never>(() => {}), AbortSignal.abort(), stopped)).rejects.toThrow(
      "stopped",
    );
    const promise = Promise.resolve(1);
    expect(untilAborted(promise, undefined, stopped)).toBe(promise);
  });
});

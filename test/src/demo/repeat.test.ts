import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemoSweep } from "../../../src/demo/index.js";
import { openStore } from "../../../src/queue/index.js";
import type { Store } from "../../../src/queue/store.js";
import type { SweepOutcome } from "../../../src/sweep.js";

/**
 * The demo swept twice in one process into one store: nothing changed between the two, so the second
 * sweep reports nothing new and nothing resolved. Emulator ids used to come from counters that lived as
 * long as the process, so the second sweep saw the same accounts under new ids (issue #24).
 */
let dir: string;
let store: Store;
let first: SweepOutcome;
let second: SweepOutcome;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-repeat-"));
  store = await openStore(join(dir, "queue.db"), { create: true });
  first = await runDemoSweep({ store });
  second = await runDemoSweep({ store });
}, 120_000);
afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const fingerprints = (o: SweepOutcome) => o.report.results.map((r) => `${r.fingerprint} ${r.status}`).sort();

describe("the demo swept twice in one process", () => {
  it("finds the same results under the same fingerprints", () => {
    expect(first.report.results.length).toBeGreaterThan(100);
    expect(fingerprints(second)).toEqual(fingerprints(first));
  });

  it("reports no change in the second sweep", () => {
    expect(first.summary.totals.new).toBeGreaterThan(100);
    expect(second.summary.changes).toEqual([]);
    expect(second.summary.totals).toMatchObject({ new: 0, resolved: 0, regressed: 0, reopened: 0 });
    expect(second.summary.totals.stillOpen).toBe(first.summary.totals.open);
  });
});

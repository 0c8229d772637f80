import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StoreLockedError } from "../../../src/queue/errors.js";
import { acquireLock, processIsAlive, staleness, sweepLockName } from "../../../src/queue/lock.js";
import type { LockHolder } from "../../../src/queue/model.js";
import type { Store } from "../../../src/queue/store.js";
import { storeEngines } from "../../helpers/store-engines.js";

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid ?? 0;
}

const holder = (fields: Partial<LockHolder>): LockHolder => ({
  owner: "sweep-old",
  pid: process.pid,
  host: hostname(),
  acquiredAt: "2026-11-24T06:00:00.000Z",
  heartbeatAt: new Date().toISOString(),
  ...fields,
});

for (const engine of storeEngines)
  describe.skipIf(engine.skip)(`sweep lock (${engine.name})`, () => {
    let a: Store;
    let b: Store;
    beforeEach(async () => {
      const location = await engine.fresh();
      // Two connections to one store: what two sweep processes see.
      a = await engine.open(location);
      b = await engine.open(location);
    });
    afterEach(async () => {
      vi.useRealTimers();
      await a.close();
      await b.close();
    });

    it("a second sweep refuses with a clear message naming the holder, and gets the lock once it is released", async () => {
      const first = await acquireLock(a, sweepLockName, { owner: "sweep-1" });
      const err = await acquireLock(b, sweepLockName, { owner: "sweep-2", waitMs: 0 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreLockedError);
      expect((err as Error).message).toContain(
        `another sweep is running on ${b.location} (sweep sweep-1, pid ${process.pid} on ${hostname()}, started `,
      );
      expect((err as Error).message).toContain("Try again when it has finished");
      await first.release();
      const second = await acquireLock(b, sweepLockName, { owner: "sweep-2", waitMs: 0 });
      expect(second.tookOver).toEqual([]);
      await second.release();
    });

    it("waits, polling, while the other sweep finishes", async () => {
      const first = await acquireLock(a, sweepLockName, { owner: "sweep-1" });
      const waits: number[] = [];
      const second = await acquireLock(b, sweepLockName, {
        owner: "sweep-2",
        waitMs: 60_000,
        pollMs: 250,
        sleep: async (ms) => {
          waits.push(ms);
          if (waits.length === 3) await first.release();
        },
      });
      expect(waits).toEqual([250, 250, 250]);
      expect(second.owner).toBe("sweep-2");
      await second.release();
    });

    it("gives up after waitMs (with a clock that moves as it sleeps)", async () => {
      await acquireLock(a, sweepLockName, { owner: "sweep-1" });
      let t = Date.parse("2026-11-24T06:00:00Z");
      const waits: number[] = [];
      await expect(
        acquireLock(b, sweepLockName, {
          owner: "sweep-2",
          waitMs: 1000,
          pollMs: 400,
          clock: () => new Date(t),
          sleep: async (ms) => {
            waits.push(ms);
            t += ms;
          },
        }),
      ).rejects.toThrow(StoreLockedError);
      expect(waits).toEqual([400, 400, 200]);
    });

    it("takes over the lock of a sweep whose process died on this host (SIGKILL, crash)", async () => {
      const gone = holder({ pid: deadPid() });
      expect(processIsAlive(gone.pid)).toBe(false);
      expect(await a.tryLock(sweepLockName, gone)).toEqual({ acquired: true });
      const lock = await acquireLock(b, sweepLockName, { owner: "sweep-2", waitMs: 0 });
      expect(lock.tookOver).toEqual([gone]);
      await lock.release();
    });

    it("takes over a holder on another host only when its heartbeat is older than staleMs", async () => {
      const fresh = holder({ host: "collector-7", pid: 1 });
      await a.tryLock(sweepLockName, fresh);
      await expect(acquireLock(b, sweepLockName, { owner: "sweep-2", waitMs: 0 })).rejects.toThrow(
        /collector-7/,
      );
      await a.releaseLock(sweepLockName, fresh.owner);
      const old = holder({
        host: "collector-7",
        pid: 1,
        heartbeatAt: new Date(Date.now() - 11 * 60_000).toISOString(),
      });
      await a.tryLock(sweepLockName, old);
      const lock = await acquireLock(b, sweepLockName, { owner: "sweep-2", waitMs: 0, staleMs: 10 * 60_000 });
      expect(lock.tookOver.map((h) => h.host)).toEqual(["collector-7"]);
      await lock.release();
    });

    it("staleness: a live process with a recent heartbeat is not stale; a missing heartbeat is", () => {
      const now = new Date();
      const options = { staleMs: 60_000, host: hostname(), isAlive: () => true };
      expect(staleness(holder({}), now, options)).toBeUndefined();
      expect(staleness(holder({ heartbeatAt: "garbage" }), now, options)).toBe("no heartbeat since garbage");
      expect(staleness(holder({}), now, { ...options, isAlive: () => false })).toMatch(
        /process \d+ on .* is gone/,
      );
    });

    it("release and refresh only act for the owner (compare-and-delete)", async () => {
      const lock = await acquireLock(a, sweepLockName, { owner: "sweep-1" });
      expect(await b.releaseLock(sweepLockName, "sweep-2")).toBe(false);
      expect(await b.refreshLock(sweepLockName, "sweep-2", new Date().toISOString())).toBe(false);
      expect(await b.refreshLock(sweepLockName, "sweep-1", new Date().toISOString())).toBe(true);
      await lock.release();
      expect(await a.tryLock(sweepLockName, holder({ owner: "sweep-3" }))).toEqual({ acquired: true });
    });

    it("notices, on its next heartbeat, that another process took its lock over", async () => {
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
      const lock = await acquireLock(a, sweepLockName, { owner: "sweep-1", staleMs: 3000 });
      await vi.advanceTimersByTimeAsync(1000);
      expect(lock.lost()).toBe(false);
      await b.releaseLock(sweepLockName, "sweep-1");
      await vi.advanceTimersByTimeAsync(1000);
      expect(lock.lost()).toBe(true);
      await lock.release();
    });
  });

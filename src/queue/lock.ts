import { hostname } from "node:os";
import { realSleep, type Sleep } from "../collect/retry.js";
import { StoreLockedError } from "./errors.js";
import type { LockHolder } from "./model.js";
import type { Store } from "./store.js";

/**
 * One sweep at a time per store. The lock is a row (name, owner, pid, host, heartbeat) taken with an
 * atomic insert-if-absent, so it works the same in SQLite and PostgreSQL (where an advisory lock could
 * replace it). A second sweep waits up to `waitMs`, then refuses with who holds the lock. A holder is
 * stale, and its lock is taken over, when it ran on this host and its process is gone (SIGKILL, power
 * loss), or when its heartbeat is older than `staleMs` (a holder on another host, or a reused pid).
 */

export const sweepLockName = "sweep";

export interface LockOptions {
  /** Identifies the holder; the sweep id. */
  owner: string;
  /** How long to wait for a running sweep before refusing (default 10 s). */
  waitMs?: number;
  /** Pause between attempts while waiting (default 500 ms). */
  pollMs?: number;
  /** A heartbeat older than this makes a holder stale (default 10 min; refreshed every third of it). */
  staleMs?: number;
  sleep?: Sleep;
  clock?: () => Date;
  /** Whether a process of this host is alive (tests replace it). */
  isAlive?: (pid: number) => boolean;
}

export interface HeldLock {
  owner: string;
  /** Holders found stale and taken over; their sweeps were interrupted. */
  tookOver: LockHolder[];
  /** True once another process broke this lock as stale: stop writing. */
  lost(): boolean;
  release(): Promise<void>;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why a holder is stale, or undefined when it is (as far as we can tell) still running. */
export function staleness(
  holder: LockHolder,
  now: Date,
  options: { staleMs: number; host: string; isAlive: (pid: number) => boolean },
): string | undefined {
  if (holder.host === options.host && !options.isAlive(holder.pid))
    return `process ${holder.pid} on ${holder.host} is gone`;
  const age = now.getTime() - Date.parse(holder.heartbeatAt);
  if (!(age <= options.staleMs)) return `no heartbeat since ${holder.heartbeatAt}`;
  return undefined;
}

export async function acquireLock(store: Store, name: string, options: LockOptions): Promise<HeldLock> {
  const waitMs = options.waitMs ?? 10_000;
  const pollMs = options.pollMs ?? 500;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? (() => new Date());
  const host = hostname();
  const isAlive = options.isAlive ?? processIsAlive;
  const tookOver: LockHolder[] = [];
  const deadline = clock().getTime() + waitMs;

  for (;;) {
    const at = clock().toISOString();
    const attempt = await store.tryLock(name, {
      owner: options.owner,
      pid: process.pid,
      host,
      acquiredAt: at,
      heartbeatAt: at,
    });
    if (attempt.acquired) {
      if (attempt.tookOver) tookOver.push(attempt.tookOver);
      break;
    }
    const { holder } = attempt;
    if (staleness(holder, clock(), { staleMs, host, isAlive })) {
      // Compare-and-delete: if the holder changed meanwhile, the next attempt sees the new one.
      if (await store.releaseLock(name, holder.owner)) tookOver.push(holder);
      continue;
    }
    if (clock().getTime() >= deadline) {
      throw new StoreLockedError(
        `another sweep is running on ${store.location} (sweep ${holder.owner}, pid ${holder.pid} on ${holder.host}, started ${holder.acquiredAt}, last heartbeat ${holder.heartbeatAt}); waited ${Math.round(waitMs / 1000)} s. Try again when it has finished (a lock whose process died is taken over automatically)`,
      );
    }
    await sleep(Math.min(pollMs, Math.max(1, deadline - clock().getTime())));
  }

  let lost = false;
  let released = false;
  const heartbeat = setInterval(
    () => {
      store.refreshLock(name, options.owner, clock().toISOString()).then(
        (held) => {
          if (!held && !released) lost = true;
        },
        () => {},
      );
    },
    Math.max(1000, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  return {
    owner: options.owner,
    tookOver,
    lost: () => lost,
    release: async () => {
      released = true;
      clearInterval(heartbeat);
      await store.releaseLock(name, options.owner);
    },
  };
}

import { ProviderThrottledError, ProviderUnavailableError } from "../errors.js";

/** How a provider's client judges one failed attempt. */
export type AttemptOutcome =
  /** Throttled: wait `retryAfterMs` if the server said so, else back off. */
  | { kind: "throttled"; retryAfterMs?: number; detail: string }
  /** Transient: 5xx, reset connection, timeout. */
  | { kind: "transient"; retryAfterMs?: number; detail: string }
  /** Anything else: give up at once with this error. */
  | { kind: "fatal"; error: Error };

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff when the server gave no Retry-After; doubles per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait fails the read at once (default `maxServerWaitMs`). */
  maxServerWaitMs?: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits `ms`; an abort rejects at once. The abort listener is removed when the wait ends, so one signal
 * shared by many retries never piles up listeners (MaxListenersExceededWarning, issue #23 item 8). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Parses `Retry-After` (delta seconds or HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Generic HTTP classification: 429 throttled, 408/5xx transient, else fatal (the caller's error). */
export function classifyStatus(
  status: number,
  retryAfter: string | null | undefined,
  fatal: () => Error,
): AttemptOutcome {
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status === 429) return { kind: "throttled", retryAfterMs, detail: `HTTP 429` };
  if (status === 408 || status >= 500) return { kind: "transient", retryAfterMs, detail: `HTTP ${status}` };
  return { kind: "fatal", error: fatal() };
}

/**
 * The longest wait a server may ask for (Retry-After, Okta's x-rate-limit-reset). Vendors' throttles ask
 * for seconds to a minute or two; a wait of hours is a spent daily quota, a broken clock or a hostile
 * server, and waiting it out would stall the whole sweep.
 */
export const maxServerWaitMs = 5 * 60_000;

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600).toLocaleString("en-US")} h`;
}

export interface AttemptHooks {
  sleep: Sleep;
  signal?: AbortSignal;
  /** Called before each wait; lets the quota domain pause everyone on a throttle. */
  onRetry?: (outcome: Exclude<AttemptOutcome, { kind: "fatal" }>, delayMs: number, attempt: number) => void;
}

/**
 * Runs `attempt` until it succeeds, the policy's retries are spent, or `classify` calls an error fatal.
 * Honours Retry-After (at most `maxDelayMs`; a server asking for more than `maxServerWaitMs` fails the read
 * at once); otherwise exponential backoff with full jitter.
 */
export async function withRetry<T>(
  label: string,
  attempt: () => Promise<T>,
  classify: (err: unknown) => AttemptOutcome,
  policy: RetryPolicy,
  hooks: AttemptHooks,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (hooks.signal?.aborted) throw hooks.signal.reason;
      const outcome = classify(err);
      if (outcome.kind === "fatal") throw outcome.error;
      if (n >= policy.maxRetries) {
        const tries = `${label}: gave up after ${n + 1} attempts (${outcome.detail})`;
        throw outcome.kind === "throttled"
          ? new ProviderThrottledError(tries)
          : new ProviderUnavailableError(tries);
      }
      // A server that asks for longer than we ever wait (a reset hours away: hostile, broken, or a bucket
      // spent for the day) is not waited on, nor retried early against its word: this read fails now,
      // throttled, and the rest of the sweep goes on.
      const cap = policy.maxServerWaitMs ?? maxServerWaitMs;
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > cap)
        throw new ProviderThrottledError(
          `${label}: the server asks to wait ${duration(outcome.retryAfterMs)} (${outcome.detail}), longer than the ${duration(cap)} mfasweep waits for a server; not retried, run it again later`,
        );
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
      const delay = Math.min(
        policy.maxDelayMs,
        outcome.retryAfterMs ?? Math.round(backoff / 2 + Math.random() * (backoff / 2)),
      );
      hooks.onRetry?.(outcome, delay, n + 1);
      await hooks.sleep(delay, hooks.signal);
    }
  }
}

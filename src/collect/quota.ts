import PQueue from "p-queue";

/**
 * Limits of one quota domain (p-queue options): at most `concurrency` requests in flight and at most
 * `intervalCap` started per `interval` ms. Each provider states its numbers next to the vendor's
 * documented limit.
 */
export interface QuotaLimits {
  concurrency: number;
  intervalCap?: number;
  interval?: number;
}

/**
 * A rate budget held outside this process (`worker` uses Redis): every process collecting for one domain
 * draws from the same `intervalCap` per `interval`, so workers of one sweep together stay within a
 * vendor's limit instead of each spending it in full.
 */
export interface SharedBudget {
  /** Resolves once one request of `domain` may start; rejects when the budget cannot be reached. */
  take(domain: string, limits: Required<QuotaLimits>, signal?: AbortSignal): Promise<void>;
  /** Holds the domain for everyone for `ms` (a throttling answer with Retry-After). */
  pause(domain: string, ms: number): Promise<void>;
}

/**
 * One rate-limited domain: a (provider, tenant) pair, or for Google the MSP's Cloud project. Named, so
 * that the workers of a distributed sweep share one budget per name (DESIGN.md §9).
 */
export class QuotaDomain {
  readonly #queue: PQueue;
  /** The rate part of the limits, when a shared budget paces it instead of this process. */
  readonly #shared: { budget: SharedBudget; limits: Required<QuotaLimits> } | undefined;
  constructor(
    readonly name: string,
    readonly limits: QuotaLimits,
    shared?: SharedBudget,
  ) {
    const rate =
      limits.intervalCap && limits.interval
        ? { intervalCap: limits.intervalCap, interval: limits.interval }
        : undefined;
    this.#shared =
      shared && rate ? { budget: shared, limits: { concurrency: limits.concurrency, ...rate } } : undefined;
    // Concurrency stays per process (it protects this process and the vendor's per-connection limits).
    this.#queue = new PQueue({
      concurrency: limits.concurrency,
      ...(rate && !this.#shared ? { ...rate, carryoverIntervalCount: true } : {}),
    });
  }
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const shared = this.#shared;
    const run = shared
      ? async () => {
          await shared.budget.take(this.name, shared.limits, signal);
          return task();
        }
      : task;
    return this.#queue.add(run, { signal }) as Promise<T>;
  }
  /**
   * Hold every queued request of this domain for `ms` (a 429 with Retry-After applies to the domain,
   * not just to the request that got it); with a shared budget, every process's requests.
   */
  pauseFor(ms: number, sleep: (ms: number) => Promise<void>): void {
    if (ms > 0) void this.#shared?.budget.pause(this.name, ms).catch(() => {});
    if (ms <= 0 || this.#queue.isPaused) return;
    this.#queue.pause();
    void sleep(ms).finally(() => this.#queue.start());
  }
}

/** Quota domains by name, so two connections in the same domain share one limiter. */
export class QuotaRegistry {
  readonly #domains = new Map<string, QuotaDomain>();
  /**
   * When `enforce` is false (demo, tests), domains run unthrottled apart from concurrency. With `shared`
   * (a distributed sweep's worker), the rate limits are drawn from that budget, not paced in this process.
   */
  constructor(
    readonly enforce = true,
    readonly shared?: SharedBudget,
  ) {}
  get(name: string, limits: QuotaLimits): QuotaDomain {
    let domain = this.#domains.get(name);
    if (!domain) {
      domain = this.enforce
        ? new QuotaDomain(name, limits, this.shared)
        : new QuotaDomain(name, { concurrency: limits.concurrency });
      this.#domains.set(name, domain);
    }
    return domain;
  }
}

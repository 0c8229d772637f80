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
 * One rate-limited domain: a (provider, tenant) pair, or for Google the MSP's Cloud project. Named so
 * that a limiter can later be shared between processes (DESIGN.md §9).
 */
export class QuotaDomain {
  readonly #queue: PQueue;
  constructor(
    readonly name: string,
    readonly limits: QuotaLimits,
  ) {
    this.#queue = new PQueue({
      concurrency: limits.concurrency,
      ...(limits.intervalCap && limits.interval
        ? { intervalCap: limits.intervalCap, interval: limits.interval, carryoverIntervalCount: true }
        : {}),
    });
  }
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#queue.add(task, { signal }) as Promise<T>;
  }
  /**
   * Hold every queued request of this domain for `ms` (a 429 with Retry-After applies to the domain,
   * not just to the request that got it).
   */
  pauseFor(ms: number, sleep: (ms: number) => Promise<void>): void {
    if (ms <= 0 || this.#queue.isPaused) return;
    this.#queue.pause();
    void sleep(ms).finally(() => this.#queue.start());
  }
}

/** Quota domains by name, so two connections in the same domain share one limiter. */
export class QuotaRegistry {
  readonly #domains = new Map<string, QuotaDomain>();
  /** When false (demo, tests), domains run unthrottled apart from concurrency. */
  constructor(readonly enforce = true) {}
  get(name: string, limits: QuotaLimits): QuotaDomain {
    let domain = this.#domains.get(name);
    if (!domain) {
      domain = new QuotaDomain(name, this.enforce ? limits : { concurrency: limits.concurrency });
      this.#domains.set(name, domain);
    }
    return domain;
  }
}

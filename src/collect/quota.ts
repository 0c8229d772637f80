import PQueue from "p-queue";
import { realSleep } from "./retry.js";

/**
 * Limits of one quota domain: at most `concurrency` requests in flight and at most `intervalCap` started
 * in any `interval` ms. Each provider states its numbers next to the vendor's documented limit.
 */
export interface QuotaLimits {
  concurrency: number;
  intervalCap?: number;
  interval?: number;
}

/** One domain's part of a request's rate: its name and window, and how many of its slots it spends. */
export interface RateTake {
  domain: string;
  limits: Required<QuotaLimits>;
  /**
   * Slots spent at once (default 1): a JSON batch whose inner requests the vendor counts one by one. More
   * than the window's cap is admitted only into an empty window (it could never fit).
   */
  count?: number;
}

/**
 * A rate budget: a sliding window per domain. In one process it is `LocalBudget`; a distributed sweep's
 * worker holds it outside the process (`RedisBudget`), so every process collecting for one domain draws
 * from the same `intervalCap` per `interval` instead of each spending it in full.
 */
export interface SharedBudget {
  /**
   * Resolves once one request may start in every domain of `takes` at once, and counts it in each (a
   * request inside a domain that spans tenants spends both windows when it leaves, so neither counts it
   * early); rejects when the budget cannot be reached.
   */
  take(takes: readonly RateTake[], signal?: AbortSignal): Promise<void>;
  /** Holds the domain for everyone for `ms` (a throttling answer with Retry-After). */
  pause(domain: string, ms: number): Promise<void>;
}

/** The in-process budget: request starts per domain, the last `interval` ms of them. */
export class LocalBudget implements SharedBudget {
  readonly #starts = new Map<string, number[]>();

  /** 0 when a request may start in every domain now (and it is counted), else ms until one may. */
  tryTake(takes: readonly RateTake[], now = Date.now()): number {
    let wait = 0;
    for (const { domain, limits, count = 1 } of takes) {
      const starts = this.#starts.get(domain) ?? [];
      while (starts.length && starts[0]! <= now - limits.interval) starts.shift();
      this.#starts.set(domain, starts);
      // The starts that must leave the window before `count` more fit in it.
      const over = starts.length + Math.min(count, limits.intervalCap) - limits.intervalCap;
      if (over > 0) wait = Math.max(wait, starts[over - 1]! + limits.interval - now);
    }
    if (wait > 0) return wait;
    for (const { domain, count = 1 } of takes) {
      const starts = this.#starts.get(domain)!;
      for (let i = 0; i < count; i++) starts.push(now);
    }
    return 0;
  }

  async take(takes: readonly RateTake[], signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = this.tryTake(takes);
      if (wait <= 0) return;
      await realSleep(wait, signal);
    }
  }

  /** In one process a domain's own queue holds its requests through a pause (with the collection's sleep). */
  async pause(): Promise<void> {}
}

/**
 * One rate-limited domain: a (provider, tenant) pair, or for Google the MSP's Cloud project. Named, so
 * that the workers of a distributed sweep share one budget per name (DESIGN.md §9).
 *
 * A domain may lie `within` another that spans tenants (Graph's reports limit per app across all tenants
 * around its limit per app per tenant): each request then holds a slot of both. Slots are taken from the
 * narrowest domain outwards, and a domain's `within` is fixed when it is made, so every request takes them
 * in the same order and none holds a wider domain's slot while it waits for a narrower one's: no two
 * requests can wait on each other. The rate of every domain of the chain is taken at once, when the
 * request leaves (a window waits only for time to pass, never for another request).
 */
export class QuotaDomain {
  readonly #queue: PQueue;
  readonly #rate: RateTake | undefined;
  constructor(
    readonly name: string,
    readonly limits: QuotaLimits,
    private readonly budget?: SharedBudget,
    readonly within?: QuotaDomain,
  ) {
    this.#rate =
      budget && limits.intervalCap && limits.interval
        ? {
            domain: name,
            limits: {
              concurrency: limits.concurrency,
              intervalCap: limits.intervalCap,
              interval: limits.interval,
            },
          }
        : undefined;
    // Concurrency stays per process (it protects this process and the vendor's per-connection limits).
    this.#queue = new PQueue({ concurrency: limits.concurrency });
  }

  /** This domain and those it lies within, narrowest first. */
  get chain(): QuotaDomain[] {
    const chain: QuotaDomain[] = [];
    for (let d: QuotaDomain | undefined = this; d; d = d.within) chain.push(d);
    return chain;
  }

  /**
   * Runs `task` once it holds a slot of every domain of the chain; `count`, how many requests of the
   * vendor's the task is (a JSON batch's inner requests), spent from each window at once.
   */
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal, count = 1): Promise<T> {
    const chain = this.chain;
    const takes = chain.flatMap((d) => (d.#rate ? [{ ...d.#rate, count }] : []));
    const budget = this.budget;
    const send =
      budget && takes.length
        ? async () => {
            await budget.take(takes, signal);
            return task();
          }
        : task;
    const enter = (i: number): Promise<T> => {
      const domain = chain[i];
      return domain ? (domain.#queue.add(() => enter(i + 1), { signal }) as Promise<T>) : send();
    };
    return enter(0);
  }

  /** This domain for a request the vendor counts as `count` (a JSON batch of that many). */
  counting(count: number): Quota {
    return {
      schedule: (task, signal) => this.schedule(task, signal, count),
      pauseFor: (ms, sleep) => this.pauseFor(ms, sleep),
    };
  }

  /**
   * Hold every queued request of this domain, and of the domains it lies within, for `ms` (a 429 with
   * Retry-After applies to the domain, not just to the request that got it, and a vendor does not say
   * which of its limits refused); with a shared budget, every process's requests.
   */
  pauseFor(ms: number, sleep: (ms: number) => Promise<void>): void {
    if (ms <= 0) return;
    for (const domain of this.chain) {
      void domain.budget?.pause(domain.name, ms).catch(() => {});
      if (domain.#queue.isPaused) continue;
      domain.#queue.pause();
      void sleep(ms).finally(() => domain.#queue.start());
    }
  }
}

/** What a request is run through: a domain, or a domain counting a batch as its inner requests. */
export interface Quota {
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  pauseFor(ms: number, sleep: (ms: number) => Promise<void>): void;
}

/** Quota domains by name, so two connections in the same domain share one limiter. */
export class QuotaRegistry {
  readonly #domains = new Map<string, QuotaDomain>();
  readonly #budget: SharedBudget;
  /**
   * When `enforce` is false (demo, tests), domains run unthrottled apart from concurrency. With `shared`
   * (a distributed sweep's worker), the rate limits are drawn from that budget, not paced in this process.
   */
  constructor(
    readonly enforce = true,
    shared?: SharedBudget,
    /**
     * Tests only: every window multiplied by this (an emulator with its windows scaled alike), so many
     * windows pass in seconds with the vendor's caps, and so their ratios, unchanged.
     */
    readonly timeScale = 1,
  ) {
    this.#budget = shared ?? new LocalBudget();
  }
  /** The domain `name`; `within`, a domain spanning tenants whose limit each of its requests also spends. */
  get(name: string, limits: QuotaLimits, within?: QuotaDomain): QuotaDomain {
    let domain = this.#domains.get(name);
    if (!domain) {
      const scaled = limits.interval ? { ...limits, interval: limits.interval * this.timeScale } : limits;
      domain = this.enforce
        ? new QuotaDomain(name, scaled, this.#budget, within)
        : new QuotaDomain(name, { concurrency: limits.concurrency }, undefined, within);
      this.#domains.set(name, domain);
    } else if (domain.within !== within)
      // A domain's place is fixed when it is made: that fixed order is what keeps the chains deadlock-free.
      throw new Error(`quota domain '${name}' was made within '${domain.within?.name ?? "nothing"}'`);
    return domain;
  }
}

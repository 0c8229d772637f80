import { documented as okta } from "../providers/okta/emulator.js";
import type { DirectoryType } from "./portfolio.js";

/**
 * The lower bound of a sweep (DESIGN.md §7): a sweep is bound by the vendors' rate limits, not by CPU.
 *
 * Every (tenant, provider) has quota domains with documented limits. A domain that served `n` requests
 * (what the sweep needed; throttled answers are waste and not counted) under a limit of `C` requests per
 * window `W` needs, counted in whole windows (the vendor admits a window's C at once, so request kC+1
 * cannot start before k·W after the first; a sliding window, as the emulators keep it):
 *
 *   window time    = floor((n − 1) / C) · W
 *
 * and, where the vendor limits requests in flight to K, at least n · rtt ÷ K. A tenant's listings whose
 * pages are sequential (each page's link comes from the page before) and the reads that need an earlier
 * answer form its chain of `D` dependent round trips (`dependentRounds`). With `rtt` the emulators'
 * latency (the shortest possible round trip):
 *
 *   minimum(tenant) = max( max over its domains of (window time, concurrency time) + rtt,  D · rtt )
 *
 * where the dependent round trips are a max, not a sum: they overlap the waiting for windows (the user
 * list pages on while factor calls wait for the next minute), and a sum would no longer be a minimum.
 *
 * The bound is the plain "requests needed ÷ allowed rate, plus dependent round trips":
 *
 *   rate(tenant)    = max over its domains of (n · W ÷ C, concurrency time) + D · rtt
 *
 * the pace of a client that spreads each window's budget over the window instead of spending it in the
 * first second. It is not a strict lower bound (a domain needing fewer than C requests can finish in one
 * round trip), so both are reported: `rateMs`, the bound the targets are stated against, and `minimumMs`,
 * what no client can beat against these limits.
 *
 * Domains are per tenant (each tenant has its own Graph and Okta buckets and its own Google admin user),
 * so tenants do not add up: a sweep that keeps every domain busy at once finishes with its slowest tenant.
 * Both are the max over tenants.
 */

export interface Limit {
  /** Requests admitted per window. */
  cap?: number;
  windowMs?: number;
  /** Requests in flight at once before the vendor refuses. */
  concurrency?: number;
  /** Where the number comes from. */
  source: string;
}

export const documentedLimits = {
  "entra:reports": {
    cap: 5,
    windowMs: 10_000,
    source: "Graph identity and access reports: 5 requests per 10 s per app per tenant",
  },
  "entra:conditional-access": {
    cap: 1,
    windowMs: 1_000,
    source: "Graph identity protection and Conditional Access: 1 request per second per tenant",
  },
  // 3,500 resource units per 10 s for the smallest tenants; a $select'ed GET costs at least 1 unit, so at
  // most 3,500 requests (the cheapest case, hence a lower bound).
  "entra:directory": {
    cap: 3_500,
    windowMs: 10_000,
    source:
      "Graph directory token bucket: 3,500 resource units per 10 s (tenants under 50 users), ≥ 1 unit per GET",
  },
  "okta:users": {
    cap: okta.perMinuteLimits.users.paid,
    windowMs: 60_000,
    source: "Okta /api/v1/users: 600 per minute (paid orgs)",
  },
  "okta:apps": {
    cap: okta.perMinuteLimits.apps.paid,
    windowMs: 60_000,
    source: "Okta /api/v1/apps: 100 per minute (paid orgs)",
  },
  "okta:groups": {
    cap: okta.perMinuteLimits.groups.paid,
    windowMs: 60_000,
    source: "Okta /api/v1/groups: 600 per minute (paid orgs)",
  },
  "okta:other": {
    cap: okta.perMinuteLimits.other.paid,
    windowMs: 60_000,
    source: "Okta most other /api/v1 actions (factors, roles, policies): 600 per minute (paid orgs)",
  },
  // Not a bucket of its own: the org-wide limit on requests in flight, over every Okta request of the org.
  "okta:org": {
    concurrency: okta.orgConcurrencyLimit,
    source: "Okta: 75 concurrent API transactions per org",
  },
  "google-workspace:directory": {
    cap: 2_400,
    windowMs: 60_000,
    source: "Google Directory API: 2,400 queries per minute per user per Cloud project",
  },
  "google-workspace:policy": {
    source: "Cloud Identity Policy API: no documented per-minute limit used here",
  },
} as const satisfies Record<string, Limit>;
export type LimitKind = keyof typeof documentedLimits;

export interface DomainCount {
  tenant: string;
  provider: DirectoryType;
  kind: LimitKind;
  /** Requests served (not throttled): what the sweep needed from this domain. */
  requests: number;
}

export interface TenantChain {
  tenant: string;
  /** Dependent round trips (see `dependentRounds`). */
  rounds: number;
}

export interface DomainTime {
  tenant: string;
  kind: LimitKind;
  requests: number;
  /** Requests ÷ allowed rate (ms), or the concurrency time if larger. */
  rateMs: number;
  /** Whole windows (ms), or the concurrency time if larger: what no client can beat. */
  minimumMs: number;
}

export interface Binding {
  tenant: string;
  /** The domain kind, or the tenant's chain of dependent round trips. */
  kind: LimitKind | "dependent round trips";
  requests: number;
  /** The tenant's dependent round trips. */
  rounds: number;
  ms: number;
}

export interface Bound {
  /** The bound: requests ÷ allowed rate plus dependent round trips, max over tenants. */
  rateMs: number;
  /** The true minimum against these limits, max over tenants. */
  minimumMs: number;
  rttMs: number;
  rateBinding: Binding | undefined;
  minimumBinding: Binding | undefined;
  /** Per domain kind: the slowest tenant's domain of that kind. */
  slowestByKind: DomainTime[];
}

/** Rate and minimum times of one domain (ms). */
export function domainTime(
  kind: LimitKind,
  requests: number,
  rttMs: number,
): { rateMs: number; minimumMs: number } {
  if (requests <= 0) return { rateMs: 0, minimumMs: 0 };
  const limit: Limit = documentedLimits[kind];
  const concurrencyMs = limit.concurrency ? (requests * rttMs) / limit.concurrency : 0;
  if (!limit.cap || !limit.windowMs) return { rateMs: concurrencyMs, minimumMs: concurrencyMs };
  const rateMs = (requests * limit.windowMs) / limit.cap;
  const minimumMs = Math.floor((requests - 1) / limit.cap) * limit.windowMs;
  return { rateMs: Math.max(rateMs, concurrencyMs), minimumMs: Math.max(minimumMs, concurrencyMs) };
}

/**
 * Round trips that must follow one another in one (tenant, provider), from the pages the emulators served
 * (`steps`: pages of the sequential listings). Entra: the user list and the registration report page
 * one after the other, and a Conditional Access policy names the groups whose members are read next (2).
 * Okta: the user list's pages, then the factors of the last page's users (+1). Google: the user list.
 */
export function dependentRounds(provider: DirectoryType, steps: Record<string, number>): number {
  const users = steps.users ?? 0;
  if (provider === "entra") return Math.max(users, steps.registration ?? 0, 2);
  if (provider === "okta") return users + 1;
  return users;
}

export function lowerBound(domains: DomainCount[], chains: TenantChain[], rttMs: number): Bound {
  const rounds = new Map<string, number>();
  for (const c of chains) rounds.set(c.tenant, Math.max(rounds.get(c.tenant) ?? 0, c.rounds));
  const times: DomainTime[] = domains.map((d) => ({
    tenant: d.tenant,
    kind: d.kind,
    requests: d.requests,
    ...domainTime(d.kind, d.requests, rttMs),
  }));
  const byTenant = new Map<string, DomainTime[]>();
  for (const t of times) byTenant.set(t.tenant, [...(byTenant.get(t.tenant) ?? []), t]);
  const slowest = (mine: DomainTime[], key: "rateMs" | "minimumMs") =>
    mine.reduce<DomainTime | undefined>((a, t) => (!a || t[key] > a[key] ? t : a), undefined);
  let rate: Binding | undefined;
  let minimum: Binding | undefined;
  for (const tenant of new Set([...rounds.keys(), ...byTenant.keys()])) {
    const mine = byTenant.get(tenant) ?? [];
    const d = rounds.get(tenant) ?? 0;
    const chainMs = d * rttMs;
    const chain: Binding = { tenant, kind: "dependent round trips", requests: d, rounds: d, ms: chainMs };
    // The bound: the slowest domain's requests ÷ rate, plus the dependent round trips.
    const r = slowest(mine, "rateMs");
    const tenantRate: Binding = r
      ? { tenant, kind: r.kind, requests: r.requests, rounds: d, ms: r.rateMs + chainMs }
      : chain;
    if (!rate || tenantRate.ms > rate.ms) rate = tenantRate;
    // The minimum: whole windows plus the last round trip, or the chain, whichever is longer.
    const m = slowest(mine, "minimumMs");
    const windowMs = m ? m.minimumMs + rttMs : 0;
    const tenantMinimum: Binding =
      m && windowMs >= chainMs
        ? { tenant, kind: m.kind, requests: m.requests, rounds: d, ms: windowMs }
        : chain;
    if (!minimum || tenantMinimum.ms > minimum.ms) minimum = tenantMinimum;
  }
  const slowestByKind = new Map<LimitKind, DomainTime>();
  for (const t of times) {
    const current = slowestByKind.get(t.kind);
    if (!current || t.rateMs > current.rateMs) slowestByKind.set(t.kind, t);
  }
  return {
    rateMs: rate?.ms ?? 0,
    minimumMs: minimum?.ms ?? 0,
    rttMs,
    rateBinding: rate,
    minimumBinding: minimum,
    slowestByKind: [...slowestByKind.values()],
  };
}

import { documented as entra } from "../providers/entra/emulator.js";
import { documented as google } from "../providers/google-workspace/emulator.js";
import { documented as okta } from "../providers/okta/emulator.js";
import type { DirectoryType } from "./portfolio.js";

/**
 * The lower bound of a sweep (DESIGN.md §7): the least wall time the vendors' documented limits allow, as
 * the emulators enforce them (each emulator states its limits in `documented`; nothing here restates a
 * number).
 *
 * A quota domain that served `n` requests (what the sweep needed; throttled answers are waste and not
 * counted) under `C` requests per window `W` cannot finish sooner than, in whole windows:
 *
 *   sliding window (Graph's reports and Conditional Access, Google's per-user quota: a request is admitted
 *   while fewer than C were admitted in the W before it): request kC+1 starts at least k·W after the
 *   first, so floor((n − 1) / C) · W;
 *   clock-aligned window (Okta's per-minute budgets, fresh at each clock minute): the n requests need
 *   m = ceil(n / C) distinct windows, the first being the one the sweep starts in, so the last begins
 *   (m − 1) · W − (start mod W) after the start (never less than 0);
 *
 * and, where the vendor limits requests in flight to K (Okta's 75 per org, held for a request's whole
 * round trip), at least n · rtt ÷ K. Each domain's time plus one round trip (`rtt`, the emulators'
 * latency) for its last request; a tenant's chain of D dependent round trips (`dependentRounds`: pages
 * that follow one another, reads that need an earlier answer) needs D · rtt. The chain and the windows
 * overlap (the user list pages on while factor calls wait for the next minute), so:
 *
 *   minimum = max( max over domains of (window time, concurrency time) + rtt,  max over tenants of D · rtt )
 *
 * Most domains belong to one tenant (its Graph buckets, its Okta org, its Google admin), so tenants do not
 * add up. A domain whose limit is per app (`per: "app"`, such as Graph's reports bucket across all
 * tenants) is one domain over every tenant's requests of that kind: it enters the bound once, summed.
 *
 * An earlier version also reported "requests ÷ rate + D · rtt"; it is not a bound (a domain needing fewer
 * than C requests finishes in one round trip), so it is gone.
 */

export type WindowKind = "sliding" | "aligned";

export interface Limit {
  /** Requests admitted per window. */
  cap?: number;
  windowMs?: number;
  window?: WindowKind;
  /** "app": one domain over every tenant's requests of this kind. Default: per tenant. */
  per?: "tenant" | "app";
  /** Requests in flight at once before the vendor refuses. */
  concurrency?: number;
  /** Graph's request class the limit counts ("reports", "conditional-access", "directory"). */
  bucket?: string;
  /** Where the number comes from. */
  source: string;
}

/** The tenant name of a domain that spans tenants. */
export const allTenants = "all tenants";

const oktaGroup = (group: keyof typeof okta.perMinuteLimits, what: string): Limit => ({
  cap: okta.perMinuteLimits[group].paid,
  windowMs: okta.rateWindow.windowMs,
  window: okta.rateWindow.window,
  source: `Okta ${what}: ${okta.perMinuteLimits[group].paid} per minute (paid orgs), clock-aligned minutes`,
});

export const documentedLimits: Record<string, Limit> = {
  ...Object.fromEntries(Object.entries(entra.rateLimits).map(([key, limit]) => [`entra:${key}`, limit])),
  "entra:directory": {
    bucket: "directory",
    source: "Graph directory token bucket (3,500+ resource units per 10 s): not enforced, never reached here",
  },
  "okta:users": oktaGroup("users", "/api/v1/users"),
  "okta:apps": oktaGroup("apps", "/api/v1/apps"),
  "okta:groups": oktaGroup("groups", "/api/v1/groups"),
  "okta:other": oktaGroup("other", "most other /api/v1 actions (factors, roles, policies)"),
  // Not a bucket of its own: the org-wide limit on requests in flight, over every Okta request of the org.
  "okta:org": {
    concurrency: okta.orgConcurrencyLimit,
    source: `Okta: ${okta.orgConcurrencyLimit} concurrent API transactions per org`,
  },
  "google-workspace:directory": google.rateLimits.directory,
  "google-workspace:policy": {
    source: "Cloud Identity Policy API: no documented per-minute limit used here",
  },
};
export type LimitKind = string;

/** The kinds of limit that span tenants and count the same requests as the per-tenant `kind`. */
export function appKinds(kind: LimitKind): LimitKind[] {
  const bucket = documentedLimits[kind]?.bucket;
  if (!bucket) return [];
  const provider = kind.split(":")[0];
  return Object.entries(documentedLimits)
    .filter(([k, l]) => l.per === "app" && l.bucket === bucket && k.startsWith(`${provider}:`))
    .map(([k]) => k);
}

export interface DomainCount {
  /** The tenant, or `allTenants` for a domain whose limit is per app. */
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
  /** Whole windows (ms), or the concurrency time if larger: what no client can beat. */
  minimumMs: number;
}

export interface Binding {
  tenant: string;
  /** The domain kind, or the tenant's chain of dependent round trips. */
  kind: LimitKind | "dependent round trips";
  requests: number;
  /** The tenant's dependent round trips (0 for a domain across tenants). */
  rounds: number;
  ms: number;
}

export interface Bound {
  /** What no client can beat against these limits. */
  minimumMs: number;
  rttMs: number;
  minimumBinding: Binding | undefined;
  /** Per domain kind: its slowest domain. */
  slowestByKind: DomainTime[];
}

/**
 * The least time (ms) from the sweep's start to the start of a domain's last request. `startedAt` (epoch
 * ms) places clock-aligned windows; without it, the most favourable start is assumed.
 */
export function domainTime(kind: LimitKind, requests: number, rttMs: number, startedAt?: number): number {
  if (requests <= 0) return 0;
  const limit = documentedLimits[kind];
  if (!limit) throw new Error(`no documented limit for ${kind}`);
  const concurrencyMs = limit.concurrency ? (requests * rttMs) / limit.concurrency : 0;
  if (!limit.cap || !limit.windowMs) return concurrencyMs;
  let windowMs: number;
  if (limit.window === "aligned") {
    const windows = Math.ceil(requests / limit.cap);
    // Unknown start: it could fall at the very end of its window.
    const phase = startedAt === undefined ? limit.windowMs : startedAt % limit.windowMs;
    windowMs = Math.max(0, (windows - 1) * limit.windowMs - phase);
  } else windowMs = Math.floor((requests - 1) / limit.cap) * limit.windowMs;
  return Math.max(windowMs, concurrencyMs);
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

export function lowerBound(
  domains: DomainCount[],
  chains: TenantChain[],
  rttMs: number,
  startedAt?: number,
): Bound {
  const times: DomainTime[] = domains.map((d) => ({
    tenant: d.tenant,
    kind: d.kind,
    requests: d.requests,
    minimumMs: domainTime(d.kind, d.requests, rttMs, startedAt),
  }));
  const rounds = new Map<string, number>();
  for (const c of chains) rounds.set(c.tenant, Math.max(rounds.get(c.tenant) ?? 0, c.rounds));
  let minimum: Binding | undefined;
  const consider = (b: Binding) => {
    if (!minimum || b.ms > minimum.ms) minimum = b;
  };
  for (const t of times)
    if (t.requests > 0)
      consider({
        tenant: t.tenant,
        kind: t.kind,
        requests: t.requests,
        rounds: rounds.get(t.tenant) ?? 0,
        ms: t.minimumMs + rttMs,
      });
  for (const [tenant, d] of rounds)
    consider({ tenant, kind: "dependent round trips", requests: d, rounds: d, ms: d * rttMs });
  const slowestByKind = new Map<LimitKind, DomainTime>();
  for (const t of times) {
    const current = slowestByKind.get(t.kind);
    if (!current || t.minimumMs > current.minimumMs) slowestByKind.set(t.kind, t);
  }
  return {
    minimumMs: minimum?.ms ?? 0,
    rttMs,
    minimumBinding: minimum,
    slowestByKind: [...slowestByKind.values()],
  };
}

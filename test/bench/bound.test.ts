import { describe, expect, it } from "vitest";
import {
  allTenants,
  appKinds,
  dependentRounds,
  documentedLimits,
  domainTime,
  lowerBound,
} from "../../bench/bound.js";
import { batchInner, classify, plannedReportRequests } from "../../bench/emulators.js";
import type { EntraTenantSeed } from "../../providers/entra/emulator.js";

/** The lower bound of bench/bound.ts on cases worked out by hand. No timing is measured. */

describe("bench lower bound", () => {
  it("counts whole sliding windows: request kC+1 waits k windows after the first", () => {
    // 12 report requests at 5 per sliding 10 s: requests 6-10 wait one window, 11-12 a second.
    expect(domainTime("entra:reports", 12, 50)).toBe(20_000);
    expect(domainTime("entra:reports", 5, 50)).toBe(0);
    // Conditional Access, 1 per sliding second.
    expect(domainTime("entra:conditional-access", 3, 50)).toBe(2000);
    expect(domainTime("entra:conditional-access", 0, 50)).toBe(0);
    // Google's 2,400 per sliding minute.
    expect(domainTime("google-workspace:directory", 2401, 50)).toBe(60_000);
    // No documented limit: only what the round trips cost.
    expect(domainTime("google-workspace:policy", 3, 50)).toBe(0);
    expect(domainTime("entra:directory", 5000, 50)).toBe(0);
  });

  it("counts Okta's clock-aligned minutes from where the sweep started in its minute", () => {
    const minute = Date.UTC(2026, 11, 8, 5, 0, 0);
    expect(domainTime("okta:other", 600, 50, minute)).toBe(0);
    // 601 requests need two minutes: started on the minute, the second begins 60 s later...
    expect(domainTime("okta:other", 601, 50, minute)).toBe(60_000);
    // ...started 45 s into the minute, 15 s later;
    expect(domainTime("okta:other", 601, 50, minute + 45_000)).toBe(15_000);
    // three minutes from 45 s in: the third begins 75 s later.
    expect(domainTime("okta:other", 1201, 50, minute + 45_000)).toBe(75_000);
    // An unknown start may fall at a minute's very end.
    expect(domainTime("okta:other", 601, 50)).toBe(0);
    expect(domainTime("okta:other", 1201, 50)).toBe(60_000);
    // Okta's 75 in flight: 1,500 requests of 50 ms need at least 1 s.
    expect(domainTime("okta:org", 1500, 50)).toBe(1000);
  });

  it("takes the slowest domain or chain of any tenant, plus the last round trip", () => {
    const minute = Date.UTC(2026, 11, 8, 5, 0, 0);
    const bound = lowerBound(
      [
        { tenant: "a", provider: "entra", kind: "entra:reports", requests: 12 },
        { tenant: "a", provider: "entra", kind: "entra:conditional-access", requests: 3 },
        { tenant: "b", provider: "okta", kind: "okta:other", requests: 1000 },
        { tenant: "b", provider: "okta", kind: "okta:org", requests: 1010 },
        { tenant: "c", provider: "google-workspace", kind: "google-workspace:directory", requests: 4 },
      ],
      [
        { tenant: "a", rounds: 3 },
        { tenant: "b", rounds: 6 },
        { tenant: "c", rounds: 40 },
      ],
      50,
      minute,
    );
    // a: 20,000 + 50; b: two aligned minutes from the minute's start, 60,000 + 50; c: 40 round trips, 2,000.
    expect(bound.minimumMs).toBe(60_050);
    expect(bound.minimumBinding).toMatchObject({ tenant: "b", kind: "okta:other", requests: 1000 });
    expect(bound.slowestByKind.find((d) => d.kind === "entra:conditional-access")).toMatchObject({
      minimumMs: 2000,
    });

    const chainOnly = lowerBound(
      [{ tenant: "c", provider: "google-workspace", kind: "google-workspace:directory", requests: 4 }],
      [{ tenant: "c", rounds: 40 }],
      50,
    );
    expect(chainOnly.minimumMs).toBe(2000);
    expect(chainOnly.minimumBinding).toMatchObject({ kind: "dependent round trips", rounds: 40 });
  });

  it("enters a limit per app once, summed over every tenant's requests of its kind", () => {
    // The Entra emulator states Graph's reports limit per app across tenants: 122 per 10 s.
    expect(appKinds("entra:reports")).toEqual(["entra:reports-app"]);
    expect(documentedLimits["entra:reports-app"]).toMatchObject({ per: "app", cap: 122, windowMs: 10_000 });
    expect(appKinds("entra:conditional-access")).toEqual([]);
    // 100 tenants of 100 users without P1, each alone 19 windows (190 s), together
    // floor(9,999 ÷ 122) = 81 windows (810 s).
    const tenants = Array.from({ length: 100 }, (_, i) => ({
      id: `t${i}`,
      seed: {
        licence: { p1: false, p2: false },
        users: Array.from({ length: 100 }, () => ({ accountEnabled: true })),
      } as unknown as EntraTenantSeed,
    }));
    const planned = plannedReportRequests(tenants);
    expect(planned.filter((p) => p.tenant === allTenants)).toEqual([
      { tenant: allTenants, provider: "entra", kind: "entra:reports-app", requests: 10_000 },
    ]);
    const bound = lowerBound(planned, [], 50);
    expect(bound.minimumMs).toBe(810_050);
    expect(bound.minimumBinding).toMatchObject({ tenant: allTenants, kind: "entra:reports-app" });
    // Each tenant alone: 190 s.
    expect(
      lowerBound(
        planned.filter((p) => p.tenant !== allTenants),
        [],
        50,
      ).minimumMs,
    ).toBe(190_050);
    // A P1 tenant reads the registration report's pages (500 users a page), not each user.
    expect(
      plannedReportRequests([
        {
          id: "p1",
          seed: {
            licence: { p1: true, p2: false },
            users: Array.from({ length: 1001 }, (_, i) => ({ accountEnabled: i !== 0 })),
          } as unknown as EntraTenantSeed,
        },
      ])[0],
    ).toMatchObject({ tenant: "p1", requests: 2 });
  });

  it("counts a Graph JSON batch's inner requests one by one, with their inner statuses", () => {
    const inner = batchInner(
      {
        path: "/v1.0/$batch",
        body: JSON.stringify({
          requests: [
            { id: "1", method: "GET", url: "/users/a/authentication/methods" },
            { id: "2", method: "GET", url: "users/b/authentication/methods?$top=5" },
          ],
        }),
      },
      {
        responses: [
          { id: "2", status: 429 },
          { id: "1", status: 200 },
        ],
      },
    );
    expect(inner).toEqual([
      { path: "/v1.0/users/b/authentication/methods", query: { $top: "5" }, status: 429 },
      { path: "/v1.0/users/a/authentication/methods", query: {}, status: 200 },
    ]);
    expect(inner.map((r) => classify("entra", r).kind)).toEqual(["entra:reports", "entra:reports"]);
    expect(batchInner({ path: "/v1.0/$batch", body: "not json" }, {})).toEqual([]);
  });

  it("derives each provider's dependent round trips from the pages served", () => {
    expect(dependentRounds("entra", { users: 2, registration: 3 })).toBe(3);
    expect(dependentRounds("entra", { users: 1 })).toBe(2); // CA policy → the groups it names
    expect(dependentRounds("okta", { users: 4 })).toBe(5); // the last page's users' factors
    expect(dependentRounds("google-workspace", { users: 2 })).toBe(2);
  });

  it("assigns each request to its vendor's quota domain", () => {
    const q = {};
    expect(
      classify("entra", { path: "/v1.0/reports/authenticationMethods/userRegistrationDetails", query: q }),
    ).toEqual({
      kind: "entra:reports",
      step: "registration",
    });
    expect(classify("entra", { path: "/v1.0/users/abc/authentication/methods", query: q }).kind).toBe(
      "entra:reports",
    );
    expect(
      classify("entra", { path: "/v1.0/identity/conditionalAccess/namedLocations", query: q }).kind,
    ).toBe("entra:conditional-access");
    expect(classify("entra", { path: "/beta/users/abc/authentication/requirements", query: q }).kind).toBe(
      "entra:directory",
    );
    expect(classify("okta", { path: "/api/v1/users", query: q })).toEqual({
      kind: "okta:users",
      step: "users",
    });
    expect(
      classify("okta", { path: "/api/v1/users", query: { filter: 'status eq "DEPROVISIONED"' } }),
    ).toEqual({
      kind: "okta:users",
    });
    expect(classify("okta", { path: "/api/v1/users/00u1/factors", query: q }).kind).toBe("okta:other");
    expect(classify("google-workspace", { path: "/admin/directory/v1/users", query: q })).toEqual({
      kind: "google-workspace:directory",
      step: "users",
    });
    expect(classify("google-workspace", { path: "/v1/policies", query: q }).kind).toBe(
      "google-workspace:policy",
    );
  });
});

import { describe, expect, it } from "vitest";
import { dependentRounds, domainTime, lowerBound } from "../../bench/bound.js";
import { classify } from "../../bench/emulators.js";

/** The lower bound of bench/bound.ts on cases worked out by hand. No timing is measured. */

describe("bench lower bound", () => {
  it("counts whole windows for the minimum and requests ÷ rate for the rate bound", () => {
    // 12 report requests at 5 per 10 s: requests 6-10 wait one window, 11-12 a second.
    expect(domainTime("entra:reports", 12, 50)).toEqual({ minimumMs: 20_000, rateMs: 24_000 });
    // Up to one window's budget needs no waiting at all.
    expect(domainTime("okta:other", 600, 50)).toEqual({ minimumMs: 0, rateMs: 60_000 });
    expect(domainTime("okta:other", 601, 50)).toEqual({ minimumMs: 60_000, rateMs: 60_100 });
    // Okta's 75 in flight: 1,500 requests of 50 ms need at least 1 s.
    expect(domainTime("okta:org", 1500, 50)).toEqual({ minimumMs: 1000, rateMs: 1000 });
    // No documented limit: only what the round trips cost.
    expect(domainTime("google-workspace:policy", 3, 50)).toEqual({ minimumMs: 0, rateMs: 0 });
    expect(domainTime("entra:conditional-access", 0, 50)).toEqual({ minimumMs: 0, rateMs: 0 });
  });

  it("takes the slowest tenant; dependent round trips add to the rate bound and cap the minimum from below", () => {
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
    );
    // a: minimum max(20,000 + 50, 150) = 20,050; rate 24,000 + 150 = 24,150.
    // b: minimum max(floor(999/600)·60,000 + 50, 300) = 60,050; rate 1000 · 60,000/600 + 300 = 100,300.
    // c: minimum max(0 + 50, 40 · 50) = 2,000 (its chain of pages); rate 4 · 60,000/2,400 + 2,000 = 2,100.
    expect(bound.minimumMs).toBe(60_050);
    expect(bound.rateMs).toBe(100_300);
    expect(bound.minimumBinding).toMatchObject({ tenant: "b", kind: "okta:other", requests: 1000 });
    expect(bound.rateBinding).toMatchObject({ tenant: "b", kind: "okta:other", rounds: 6 });
    expect(bound.slowestByKind.find((d) => d.kind === "entra:conditional-access")).toMatchObject({
      minimumMs: 2000,
      rateMs: 3000,
    });

    const chainOnly = lowerBound(
      [{ tenant: "c", provider: "google-workspace", kind: "google-workspace:directory", requests: 4 }],
      [{ tenant: "c", rounds: 40 }],
      50,
    );
    expect(chainOnly.minimumMs).toBe(2000);
    expect(chainOnly.minimumBinding).toMatchObject({ kind: "dependent round trips", rounds: 40 });
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

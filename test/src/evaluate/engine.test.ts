import { describe, expect, it } from "vitest";
import { evaluate, fingerprint } from "../../../src/evaluate/index.js";
import { definePolicy } from "../../../src/evaluate/policy.js";
import { account, coverage, fact, inventory } from "../../helpers/inventory.js";
import { linked } from "../../helpers/link.js";

const now = new Date("2026-11-24T12:00:00Z");

/** A policy that fails every account of source `demo`, to exercise the engine around it. */
const failsEveryone = definePolicy({
  meta: {
    id: "demo-account-has-mfa",
    title: "Every demo account has MFA",
    severity: "high",
    sources: ["demo"],
    subject: "account",
    rationale: "test",
    evidence: "test",
    remediation: "Turn MFA on.",
    references: [],
  },
  defaultOptions: {},
  evaluate: ({ inventory }) =>
    inventory.accounts.map((a) => ({
      subject: { kind: "account", id: a.id, name: a.name, source: a.source, connection: a.connection },
      status: "fail" as const,
      message: `${a.name} has no MFA`,
      mfa: { state: "none", strength: null },
      evidence: [fact("demo", "no MFA")],
      ...(a.admin.isAdmin === true ? { severity: "critical" as const } : {}),
    })),
});

const crashes = definePolicy({
  ...failsEveryone,
  meta: { ...failsEveryone.meta, id: "demo-crash" },
  evaluate: () => {
    throw new Error("boom");
  },
});

const exception = (subject: string, expires: string) => ({
  match: { tenant: "t1", policy: "demo-account-has-mfa", subject, connection: "demo" },
  reason: "Kiosk account",
  approvedBy: "sec@msp.example",
  expires,
});

describe("evaluate", () => {
  const inv = inventory({
    accounts: [
      account({ id: "u1", name: "ann@x.example", source: "demo" }),
      account({ id: "u2", name: "boss@x.example", source: "demo", admin: { isAdmin: true, roles: [] } }),
    ],
  });

  it("turns verdicts into results with tenant, metadata, severity override and a fingerprint", () => {
    const results = evaluate({ tenants: [linked(inv)], policies: [failsEveryone], exceptions: [], now });
    expect(results.map((r) => [r.subject.name, r.status, r.severity])).toEqual([
      ["ann@x.example", "fail", "high"],
      ["boss@x.example", "fail", "critical"],
    ]);
    expect(results[0]).toMatchObject({
      tenant: "t1",
      policy: "demo-account-has-mfa",
      title: "Every demo account has MFA",
      remediation: "Turn MFA on.",
    });
    expect(results[0]?.fingerprint).toBe(fingerprint("t1", "demo-account-has-mfa", results[0]!.subject));
  });

  it("fingerprints depend on tenant, policy and subject id, not on names or messages", () => {
    const subject = { kind: "account" as const, id: "u1", source: "demo", connection: "demo" };
    expect(fingerprint("t1", "p", subject)).toBe(fingerprint("t1", "p", { ...subject }));
    expect(fingerprint("t1", "p", subject)).not.toBe(fingerprint("t2", "p", subject));
    expect(fingerprint("t1", "p", subject)).not.toBe(fingerprint("t1", "q", subject));
    expect(fingerprint("t1", "p", subject)).not.toBe(fingerprint("t1", "p", { ...subject, id: "u2" }));
  });

  it("applies an exception until the end of its expiry day, then fails again with a note", () => {
    const valid = evaluate({
      tenants: [linked(inv)],
      policies: [failsEveryone],
      exceptions: [exception("ann@x.example", "2026-11-24")],
      now,
    });
    expect(valid[0]).toMatchObject({
      status: "excepted",
      exception: { reason: "Kiosk account", expires: "2026-11-24" },
    });
    expect(valid[1]?.status).toBe("fail");
    const expired = evaluate({
      tenants: [linked(inv)],
      policies: [failsEveryone],
      exceptions: [exception("ann@x.example", "2026-11-23")],
      now,
    });
    expect(expired[0]?.status).toBe("fail");
    expect(expired[0]?.message).toContain("exception expired on 2026-11-23");
  });

  it("a connection that failed yields an unknown result per policy, never silence", () => {
    const failed = inventory({
      accounts: [],
      coverage: [{ ...coverage("demo", "failed"), reason: "credentials refused" }],
    });
    const results = evaluate({ tenants: [linked(failed)], policies: [failsEveryone], exceptions: [], now });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "unknown", subject: { kind: "connection", id: "demo" } });
    expect(results[0]?.message).toContain("credentials refused");
  });

  it("a policy that throws yields an unknown result instead of stopping the run", () => {
    const results = evaluate({
      tenants: [linked(inv)],
      policies: [crashes, failsEveryone],
      exceptions: [],
      now,
    });
    expect(results[0]).toMatchObject({
      status: "unknown",
      policy: "demo-crash",
      subject: { kind: "tenant" },
    });
    expect(results[0]?.message).toContain("boom");
    expect(results.filter((r) => r.policy === "demo-account-has-mfa")).toHaveLength(2);
    // Marked, so the queue keeps that policy's earlier findings; it stands for every connection judged.
    expect(results[0]).toMatchObject({ evaluationFailed: true, dependsOn: ["demo"] });
    expect(results[0]?.message).toContain("kept as they are, not resolved");
    expect(results.filter((r) => r.evaluationFailed)).toHaveLength(1);
  });

  it("records on each result the connections it was decided from: its subject's, its evidence's, and any the policy names", () => {
    const delegated = definePolicy({
      ...failsEveryone,
      meta: { ...failsEveryone.meta, id: "demo-delegated", sources: ["*"] },
      evaluate: ({ inventory }) =>
        inventory.accounts.map((a) => ({
          subject: { kind: "account", id: a.id, name: a.name, source: a.source, connection: a.connection },
          status: "pass" as const,
          message: "MFA through the identity provider",
          mfa: { state: "enforced", strength: "app", via: ["entra:idp:app/1"] },
          evidence: [fact("demo", "path"), { source: "entra", connection: "idp", note: "CA policy" }],
          ...(a.id === "u2" ? { dependsOn: ["nps"] } : {}),
        })),
    });
    const results = evaluate({ tenants: [linked(inv)], policies: [delegated], exceptions: [], now });
    expect(results.map((r) => r.dependsOn)).toEqual([
      ["demo", "idp"],
      ["demo", "idp", "nps"],
    ]);
  });

  it("policies of sources a tenant does not have say nothing", () => {
    const other = inventory({ accounts: [account({ id: "u1", source: "okta" })] });
    expect(evaluate({ tenants: [linked(other)], policies: [failsEveryone], exceptions: [], now })).toEqual(
      [],
    );
  });
});

describe("policies limited to a tenant role", () => {
  const mspOnly = definePolicy({
    ...failsEveryone,
    meta: { ...failsEveryone.meta, id: "demo-msp-only", tenantRoles: ["msp"] },
  });
  it("say nothing about other tenants, not even when a connection failed", () => {
    const failed = inventory({
      accounts: [],
      coverage: [{ ...coverage("demo", "failed"), reason: "GET users: credentials refused (HTTP 401)" }],
    });
    expect(evaluate({ tenants: [linked(failed)], policies: [mspOnly], exceptions: [], now })).toEqual([]);
    const msp = { ...failed, tenant: { ...failed.tenant, role: "msp" as const } };
    expect(
      evaluate({ tenants: [linked(msp)], policies: [mspOnly], exceptions: [], now }).map((r) => r.status),
    ).toEqual(["unknown"]);
  });
});

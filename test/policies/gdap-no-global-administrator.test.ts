import { describe, expect, it } from "vitest";
import policy from "../../policies/gdap-no-global-administrator.js";
import { gdapRelationships } from "../../src/model/facts/gdap.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { gdapInventory, relationship, role } from "../helpers/gdap-facts.js";
import { coverage, inventory } from "../helpers/inventory.js";
import { contextOf, testPolicy } from "../helpers/policy-tester.js";

testPolicy(policy, {
  pass: [
    {
      name: "least-privileged roles only",
      inventory: gdapInventory({ relationships: [relationship("helpdesk")] }),
      message: ["Helpdesk Administrator", "none of them tenant-owning"],
    },
    {
      name: "Global Administrator only in an expired relationship, an active one without it",
      inventory: gdapInventory({
        relationships: [
          relationship("old", { status: "expired", roles: [role.globalAdmin] }),
          relationship("new"),
        ],
      }),
      subject: "GDAP new (Customer new)",
    },
  ],
  fail: [
    {
      name: "Global Administrator in an active relationship",
      inventory: gdapInventory({
        relationships: [relationship("full", { roles: [role.globalAdmin, role.helpdeskAdmin] })],
      }),
      severity: "critical",
      message: ["Global Administrator", "Customer full"],
    },
    {
      name: "Privileged Role Administrator (can grant Global Administrator) in an expiring relationship",
      inventory: gdapInventory({
        relationships: [relationship("pra", { status: "expiring", roles: [role.privilegedRoleAdmin] })],
      }),
      message: ["Privileged Role Administrator"],
    },
    {
      name: "Privileged Authentication Administrator",
      inventory: gdapInventory({
        relationships: [relationship("paa", { roles: [role.privilegedAuthAdmin] })],
      }),
      message: ["Privileged Authentication Administrator"],
    },
  ],
  unknown: [
    {
      name: "the relationships could not be read (403)",
      inventory: gdapInventory({
        status: "unavailable",
        reason:
          "GET /tenantRelationships/delegatedAdminRelationships: missing DelegatedAdminRelationship.Read.All",
        relationships: [],
      }),
      message: ["DelegatedAdminRelationship.Read.All"],
    },
    {
      name: "a fact that does not match the model",
      inventory: gdapInventory({ relationships: [{ id: 42 } as never] }),
      message: ["does not match the model"],
    },
  ],
  silent: [
    {
      name: "a terminated relationship grants nothing",
      inventory: gdapInventory({
        relationships: [relationship("gone", { status: "terminated", roles: [role.globalAdmin] })],
      }),
    },
    { name: "no GDAP fact (a customer tenant)", inventory: gdapInventory({ relationships: [] }, "customer") },
  ],
});

testAbsentFacts(policy, gdapRelationships);

describe("an Entra connection without a GDAP fact", () => {
  const run = (role: "msp" | "customer") =>
    policy.evaluate(
      contextOf({
        inventory: inventory({ tenant: { role }, coverage: [coverage("entra", "complete", "entra-1")] }),
        now: new Date("2026-11-24T12:00:00Z"),
        options: policy.defaultOptions,
      }),
    );
  it("in the MSP's own tenant, which reads GDAP on every Entra connection: unknown", () => {
    expect(run("msp").map((v) => [v.status, v.subject.id])).toEqual([["unknown", "entra-1"]]);
  });
  it("in a customer tenant, where GDAP is not read: nothing is missing", () => {
    expect(run("customer")).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { factor, group, scenarioOrg, seedOrg, seedUser } from "../../../providers/okta/emulator.js";
import { readOktaOrg } from "../../../src/engines/okta-sign-on/index.js";
import { customerAccessGroup } from "../../../src/model/facts/customer-access.js";
import { closeAll, host, linked, run, token } from "./harness.js";

afterEach(closeAll);

const at = "@acme.example";

describe("okta collect through @okta/okta-sdk-nodejs", () => {
  it("reads the MSP's customer-access groups with their members, and one it cannot find as unavailable", async () => {
    const delegated = group("Delegated Admins");
    const ann = seedUser(`ann${at}`, { groups: [delegated.id] });
    const bob = seedUser(`bob${at}`);
    const missing = "00gmissing0000000000";
    const org = seedOrg(host, token, ({ everyone }) => ({
      users: [ann, bob],
      groups: [everyone, delegated],
    }));
    const { collection } = await run(org, {
      settings: { customerAccessGroups: [delegated.id, missing] },
      collect: { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const facts = collection.inventory.facts.filter((f) => f.kind === customerAccessGroup.name);
    expect(facts.map((f) => f.data)).toEqual([
      { group: delegated.id, name: "Delegated Admins", status: "read", members: [ann.id] },
      { group: missing, status: "unavailable", reason: expect.stringContaining("E0000007"), members: [] },
    ]);
    expect(facts[0]!.evidence[0]).toMatchObject({
      endpoint: "GET /api/v1/groups/{id}/users",
      objectId: delegated.id,
    });
  });

  it("reads the scenario org completely and maps accounts, entry points, paths and facts", async () => {
    const { collection, emulator } = await run(scenarioOrg(host, token));
    expect(collection.coverage.status).toBe("complete");
    expect(collection.coverage.counts.skipped).toBe(0);
    const accounts = new Map(collection.inventory.accounts.map((a) => [a.name, a]));
    // The plain list omits DEPROVISIONED; the filtered call brings the account back.
    expect([...accounts.keys()].sort()).toEqual(
      [
        "ann.admin",
        "carl.contractor",
        "dan.deprovisioned",
        "hal.helpdesk",
        "nina.nofactor",
        "pete.push",
        "sam.sms",
        "sue.suspended",
      ].map((n) => `${n}${at}`),
    );
    expect(accounts.get(`dan.deprovisioned${at}`)?.status).toBe("deprovisioned");
    expect(accounts.get(`sue.suspended${at}`)?.status).toBe("suspended");
    // Only ACTIVE factors count (pete's SMS is pending activation).
    expect(accounts.get(`pete.push${at}`)?.enrollment.methods).toEqual([{ method: "push", strength: "app" }]);
    expect(accounts.get(`sam.sms${at}`)?.enrollment.methods).toEqual([{ method: "sms", strength: "weak" }]);
    expect(accounts.get(`nina.nofactor${at}`)?.enrollment.enrolled).toBe(false);
    expect(
      accounts
        .get(`ann.admin${at}`)
        ?.enrollment.methods.map((m) => m.strength)
        .sort(),
    ).toEqual(["app", "phishing-resistant"]);
    // Admins in bulk, then their roles.
    expect(accounts.get(`ann.admin${at}`)?.admin).toEqual({ isAdmin: true, roles: ["Super Administrator"] });
    expect(accounts.get(`hal.helpdesk${at}`)?.admin).toEqual({
      isAdmin: true,
      roles: ["Help Desk Administrator"],
    });
    expect(accounts.get(`sam.sms${at}`)?.admin.isAdmin).toBe(false);
    // Factors are read only for accounts that can sign in.
    const factorCalls = emulator.requests.filter((r) => r.path.endsWith("/factors"));
    expect(factorCalls).toHaveLength(6);
    expect(factorCalls.some((r) => r.path.includes(accounts.get(`sue.suspended${at}`)!.id))).toBe(false);

    const kinds = collection.inventory.entryPoints.map((e) => `${e.kind}:${e.name}`).sort();
    expect(kinds).toEqual([
      "admin-console:Okta Admin Console (acme.okta.example)",
      "app:FortiGate SSL VPN",
      "app:Okta Dashboard (acme.okta.example)",
      "app:Payroll",
      "directory-sign-in:Okta sign-in (acme.okta.example)",
    ]);
    // One path per (entry point, account that can sign in); the Admin Console only for admins.
    expect(collection.inventory.accessPaths).toHaveLength(6 * 4 + 2);
    for (const p of collection.inventory.accessPaths) {
      expect(p.mfa).toMatchObject({ state: "unknown", reason: "pending Okta policy evaluation" });
    }
    const org = readOktaOrg(collection.inventory, "okta");
    expect(org?.invalid).toEqual([]);
    expect(org?.policies.map((p) => p.type).sort()).toEqual([
      "ACCESS_POLICY",
      "ACCESS_POLICY",
      "ACCESS_POLICY",
      "ACCESS_POLICY",
      "MFA_ENROLL",
      "OKTA_SIGN_ON",
      "OKTA_SIGN_ON",
    ]);
    expect(org?.policies.every((p) => p.rules !== null && p.rules.length > 0)).toBe(true);
    // Everyone is recognised, not expanded.
    expect([...(org?.groups.values() ?? [])].find((g) => g.everyone)).toMatchObject({
      name: "Everyone",
      members: null,
    });
    expect([...(org?.groups.values() ?? [])].find((g) => g.name === "Contractors")?.members).toEqual([
      accounts.get(`carl.contractor${at}`)!.id,
    ]);
    expect(collection.coverage.counts.requests).toBe(emulator.requests.length);
    expect(collection.coverage.notes.join(" ")).toMatch(/highest-priority authenticator enrollment policy/);
  });

  it("pages users with absolute Link headers, limit=200, and keeps DEPROVISIONED out of the plain list", async () => {
    const seed = seedOrg(host, token, () => ({
      users: Array.from({ length: 450 }, (_, i) =>
        seedUser(`user${String(i).padStart(3, "0")}${at}`, {
          status: i % 50 === 0 ? "DEPROVISIONED" : "ACTIVE",
          factors: [factor("push")],
        }),
      ),
    }));
    const { collection, emulator } = await run(seed);
    expect(collection.coverage.status).toBe("complete");
    expect(collection.inventory.accounts).toHaveLength(450);
    const plain = emulator.requests.filter((r) => r.path === "/api/v1/users" && !r.query.filter);
    expect(plain.map((r) => r.query.limit)).toEqual(["200", "200", "200"]);
    expect(plain[1]?.query.after).toBeTruthy();
    const filtered = emulator.requests.filter((r) => r.path === "/api/v1/users" && r.query.filter);
    expect(filtered.map((r) => r.query.filter)).toEqual(['status eq "DEPROVISIONED"']);
    expect(collection.inventory.accounts.filter((a) => a.status === "deprovisioned")).toHaveLength(9);
    expect(collection.inventory.accessPaths.every((p) => p.accounts.length === 1)).toBe(true);
    // 441 factor calls: one per active user, none for the deprovisioned.
    expect(emulator.requests.filter((r) => r.path.endsWith("/factors"))).toHaveLength(441);
  });

  it("a user list cut short after page 1 is one unknown path on Okta sign-in, not 250 users gone", async () => {
    const seed = seedOrg(host, token, () => ({
      users: Array.from({ length: 450 }, (_, i) =>
        seedUser(`user${String(i).padStart(3, "0")}${at}`, { factors: [factor("push")] }),
      ),
    }));
    const { collection } = await run(seed, {
      emulator: {
        faults: [{ path: "/api/v1/users", after: 1, times: 100, fault: { kind: "status", status: 503 } }],
      },
      collect: { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.inventory.accounts).toHaveLength(200);
    const inventory = linked(collection);
    const unread = inventory.accessPaths.filter((p) => p.accounts.length === 0);
    expect(unread).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/\/unread\/users$/),
        mfa: expect.objectContaining({
          state: "unknown",
          reason: expect.stringMatching(/the users cut short after page 1: .*503/),
        }),
      }),
    ]);
  });

  it("skips and counts a user record that does not match the documented shape", async () => {
    const seed = scenarioOrg(host, token);
    const broken = seedUser(`broken${at}`);
    delete (broken.profile as Partial<typeof broken.profile>).login;
    seed.users.push(broken);
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.coverage.gaps[0]).toMatchObject({
      what: "user record 8 on page 1", // the deprovisioned user is not in the plain list
      reason: expect.stringMatching(/GET \/api\/v1\/users: .* at profile\.login/),
    });
    expect(collection.inventory.accounts).toHaveLength(8);
  });

  it("decides every case of the scenario once linked", async () => {
    const { collection } = await run(scenarioOrg(host, token));
    const inventory = linked(collection);
    const id = new Map(inventory.accounts.map((a) => [a.name.split("@")[0]!, a.id]));
    const ep = new Map(
      inventory.entryPoints.map((e) => [e.name.replace(/ \(acme\.okta\.example\)$/, ""), e.id]),
    );
    const path = (entry: string, user: string) =>
      inventory.accessPaths.find((p) => p.entryPoint === ep.get(entry) && p.accounts[0] === id.get(user))
        ?.mfa;

    // Rule order: the admins' MFA rule (priority 1) wins over the office rule (priority 2) listed first.
    expect(path("Okta sign-in", "ann.admin")).toMatchObject({ state: "enforced", strength: "app" });
    // Zone-based one-factor rule: bypassable, with that rule as evidence.
    const sam = path("Okta sign-in", "sam.sms")!;
    expect(sam.state).toBe("bypassable");
    expect(sam.reason).toMatch(/'Office: password only'.*zone 'Office'/);
    expect(sam.evidence.some((e) => e.note?.includes("Office: password only"))).toBe(true);
    // Group exclusion: contractors skip the staff rule and fall to the default one-factor rule.
    expect(path("Okta sign-in", "carl.contractor")).toMatchObject({ state: "none" });
    // SMS only: MFA is demanded by the Dashboard, with a weak factor.
    expect(path("Okta Dashboard", "sam.sms")).toMatchObject({ state: "enforced", strength: "weak" });
    // No factor: MFA demanded but nothing enrolled.
    expect(path("Okta Dashboard", "nina.nofactor")).toMatchObject({ state: "bypassable" });
    expect(path("Okta Dashboard", "nina.nofactor")?.reason).toMatch(/no factor is enrolled/);
    // One app allows one factor; the VPN does not.
    expect(path("Payroll", "pete.push")?.state).toBe("bypassable");
    expect(path("Payroll", "carl.contractor")?.state).toBe("none");
    expect(path("FortiGate SSL VPN", "pete.push")).toMatchObject({ state: "enforced", strength: "app" });
    // Admin Console: phishing-resistant for the IT Admins group, push suffices for the help desk admin.
    expect(path("Okta Admin Console", "ann.admin")).toMatchObject({
      state: "enforced",
      strength: "phishing-resistant",
    });
    expect(path("Okta Admin Console", "hal.helpdesk")).toMatchObject({ state: "enforced", strength: "app" });
    expect(path("Okta Admin Console", "sam.sms")).toBeUndefined();
    // Suspended and deprovisioned accounts have no paths.
    expect(inventory.accessPaths.some((p) => p.accounts[0] === id.get("sue.suspended"))).toBe(false);
    expect(inventory.accessPaths.some((p) => p.accounts[0] === id.get("dan.deprovisioned"))).toBe(false);
    expect(inventory.accessPaths.every((p) => p.mfa.reason !== "pending Okta policy evaluation")).toBe(true);
  });
});

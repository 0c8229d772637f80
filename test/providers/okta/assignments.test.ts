import { afterEach, describe, expect, it } from "vitest";
import policy from "../../../policies/okta-app-sign-on-requires-mfa.js";
import { scenarioOrg } from "../../../providers/okta/emulator.js";
import { readOktaOrg } from "../../../src/engines/okta-sign-on/index.js";
import { contextOf } from "../../helpers/policy-tester.js";
import { closeAll, host, linked, run, token } from "./harness.js";

/**
 * App assignments (`GET /api/v1/apps/{id}/users`): read for the active apps other than the Dashboard and
 * the Admin Console, paged by absolute Link headers; an app is reached only by its users; a list that
 * cannot be read leaves everyone assumed assigned (fail closed).
 */

afterEach(closeAll);

const at = "@acme.example";

/** The scenario org with Payroll assigned to one user directly and the VPN to the Contractors group. */
function assignedOrg() {
  const seed = scenarioOrg(host, token);
  const id = (local: string) => seed.users.find((u) => u.profile.login === `${local}${at}`)!.id;
  const contractors = seed.groups.find((g) => g.profile.name === "Contractors")!;
  for (const app of seed.apps) {
    if (app.name === "payroll_saml") app.assignedTo = [id("pete.push")];
    if (app.name === "fortigate_vpn") app.assignedTo = [contractors.id, id("ann.admin")];
  }
  return { seed, id };
}

describe("okta app assignments", () => {
  it("reads each active non-built-in app's users, paged; only assigned accounts get a path to the app", async () => {
    const { seed, id } = assignedOrg();
    const { collection, emulator } = await run(seed, { emulator: { pageSizes: { appUsers: 1 } } });
    expect(collection.coverage.status).toBe("complete");
    const appUserCalls = emulator.requests.filter((r) => /^\/api\/v1\/apps\/[^/]+\/users$/.test(r.path));
    const appOf = (path: string) => seed.apps.find((a) => path.includes(a.id))!.name;
    // Payroll: one user, one page. VPN: two users at one per page, the second page from the Link header.
    // The Dashboard, the Admin Console and the inactive wiki are not asked for.
    expect(appUserCalls.map((r) => appOf(r.path)).sort()).toEqual([
      "fortigate_vpn",
      "fortigate_vpn",
      "payroll_saml",
    ]);
    expect(appUserCalls.find((r) => !r.query.after)?.query.limit).toBe("200");
    expect(appUserCalls.some((r) => r.query.after)).toBe(true);
    expect(collection.coverage.counts.requests).toBe(emulator.requests.length);

    const pathsTo = (name: string) => {
      const app = seed.apps.find((a) => a.name === name)!;
      return collection.inventory.accessPaths
        .filter((p) => p.entryPoint === `okta:okta:app:${app.id}`)
        .map((p) => p.accounts[0])
        .sort();
    };
    expect(pathsTo("payroll_saml")).toEqual([id("pete.push")]);
    expect(pathsTo("fortigate_vpn")).toEqual([id("ann.admin"), id("carl.contractor")].sort());
    // Everyone still reaches the Dashboard.
    expect(
      collection.inventory.accessPaths.filter((p) => p.entryPoint === "okta:okta:dashboard"),
    ).toHaveLength(6);

    const org = readOktaOrg(collection.inventory, "okta")!;
    expect(org.org.reads.appAssignments).toEqual({ complete: true });
    const payroll = org.apps.find((a) => a.name === "payroll_saml")!;
    expect(payroll.assignments).toEqual({ status: "read", users: [id("pete.push")] });
    expect(org.apps.find((a) => a.name === "saasure")!.assignments).toBeUndefined();

    // The app policy judges only the assigned: Payroll's one-factor rule fails for pete alone.
    const inventory = linked(collection);
    const verdicts = policy.evaluate(contextOf({ inventory, now: new Date(), options: {} }));
    const payrollVerdict = verdicts.find((v) => v.subject.name === "Payroll")!;
    expect(payrollVerdict.status).toBe("fail");
    expect(payrollVerdict.message).toMatch(/^1 of 1 account\(s\)/);
    expect(payrollVerdict.details?.accounts).toEqual([`pete.push${at}`]);
  });

  it("a refused list: a gap, the app unavailable with the reason, and every account that can sign in keeps a path", async () => {
    const { seed } = assignedOrg();
    seed.tokens = [{ token, denied: [/^\/api\/v1\/apps\/[^/]+\/users$/] }];
    const { collection } = await run(seed);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.what)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^users assigned to app /)]),
    );
    const org = readOktaOrg(collection.inventory, "okta")!;
    expect(org.org.reads.appAssignments?.complete).toBe(false);
    const payroll = org.apps.find((a) => a.name === "payroll_saml")!;
    expect(payroll.assignments).toMatchObject({ status: "unavailable", users: [] });
    expect(payroll.assignments?.reason).toMatch(/E0000006|permission denied/);
    expect(
      collection.inventory.accessPaths.filter((p) => p.entryPoint === `okta:okta:app:${payroll.id}`),
    ).toHaveLength(6);
  });
});

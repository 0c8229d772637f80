import { afterEach, describe, expect, it } from "vitest";
import adminConsolePolicy from "../../../policies/okta-admin-console-requires-phishing-resistant.js";
import { appRule, factor, group, policy, role, seedOrg, seedUser } from "../../../providers/okta/emulator.js";
import { contextOf } from "../../helpers/policy-tester.js";
import { closeAll, host, linked, run, token } from "./harness.js";

afterEach(closeAll);

const at = "@acme.example";

/**
 * Issue #18 item 8 end to end (real SDK, emulator, linker, policy): the Admin Console rule demands
 * phishing resistance for IT Admins, and what each admin holds decides. Okta lists a user's factors only
 * as far as the highest-priority enrollment policy applying to them allows (reference/identity-apis.md
 * §2.1): the emulator hides the others, and so the collected factor list can be short.
 */
function org() {
  const admins = group("IT Admins");
  const noPhone = policy("MFA_ENROLL", "IT Admins: no phone", 1, [], {
    groups: [admins.id],
    settings: {
      type: "AUTHENTICATORS",
      authenticators: [
        { key: "okta_verify", enroll: { self: "OPTIONAL" } },
        { key: "webauthn", enroll: { self: "REQUIRED" } },
        { key: "phone_number", enroll: { self: "NOT_ALLOWED" } },
        { key: "okta_email", enroll: { self: "REQUIRED" } },
      ],
    },
  });
  return seedOrg(host, token, (p) => {
    p.adminConsolePolicy.rules = [
      appRule("IT Admins: phishing-resistant", {
        priority: 0,
        factorMode: "2FA",
        phishingResistant: true,
        groups: { include: [admins.id] },
      }),
      appRule("Admin Console: catch-all", { priority: 99, factorMode: "2FA", system: true }),
    ];
    const superAdmin = role("SUPER_ADMIN", "Super Administrator");
    return {
      groups: [p.everyone, admins],
      extraPolicies: [noPhone],
      users: [
        seedUser(`kim.key${at}`, { groups: [admins.id], factors: [factor("webauthn")], roles: [superAdmin] }),
        seedUser(`pat.push${at}`, { groups: [admins.id], factors: [factor("push")], roles: [superAdmin] }),
        // Holds a security key and SMS; the admins' enrollment policy hides the SMS factor from the API.
        seedUser(`sid.sms${at}`, {
          groups: [admins.id],
          factors: [factor("webauthn"), factor("sms")],
          roles: [superAdmin],
        }),
      ],
    };
  });
}

describe("Okta factor strength: the rule and the account's enrolled factors together", () => {
  it("fails the admin with only Okta Verify push under a phishing-resistant rule; hides what the enrollment policy hides", async () => {
    const { collection } = await run(org());
    expect(collection.coverage.status).toBe("complete");
    const inventory = linked(collection);
    const byName = new Map(inventory.accounts.map((a) => [a.name, a]));
    // The factors API did not return sid's SMS factor.
    expect(byName.get(`sid.sms${at}`)?.enrollment.methods.map((m) => m.method)).toEqual(["webauthn"]);

    const console_ = inventory.entryPoints.find((e) => e.kind === "admin-console")!;
    const pathOf = (name: string) =>
      inventory.accessPaths.find(
        (p) => p.entryPoint === console_.id && p.accounts.includes(byName.get(name)!.id),
      )!;
    expect(pathOf(`kim.key${at}`).mfa).toMatchObject({ state: "enforced", strength: "phishing-resistant" });
    expect(pathOf(`pat.push${at}`).mfa).toMatchObject({ state: "enforced", strength: null });
    // A hidden SMS factor cannot weaken a phishing-resistant demand.
    expect(pathOf(`sid.sms${at}`).mfa.strength).toBe("phishing-resistant");
    // ... but the Dashboard's "any two factors" would accept it: its strength is not known.
    const dashboard = inventory.entryPoints.find(
      (e) => e.kind !== "admin-console" && e.name.includes("Dashboard"),
    )!;
    const sidDash = inventory.accessPaths.find(
      (p) => p.entryPoint === dashboard.id && p.accounts.includes(byName.get(`sid.sms${at}`)!.id),
    )!;
    expect(sidDash.mfa).toMatchObject({ state: "enforced", strength: null });
    expect(sidDash.mfa.reason).toMatch(
      /does not list its sms\/call factors \(enrollment policy 'IT Admins: no phone'/,
    );

    const results = adminConsolePolicy.evaluate(contextOf({ inventory, now: new Date(), options: {} }));
    const status = Object.fromEntries(results.map((r) => [r.subject.name, r.status]));
    expect(status).toEqual({
      [`kim.key${at}`]: "pass",
      [`pat.push${at}`]: "fail",
      [`sid.sms${at}`]: "pass",
    });
    const pat = results.find((r) => r.subject.name === `pat.push${at}`)!;
    expect(pat.message).toMatch(
      /none of its factors \(push\) is one .* accepts: Okta has the account enroll one/,
    );
  });
});

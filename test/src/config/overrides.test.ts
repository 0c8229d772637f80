import { describe, expect, it } from "vitest";
import { policies } from "../../../policies/index.js";
import { parseConfig } from "../../../src/composition.js";
import { evaluate } from "../../../src/evaluate/index.js";
import { resolvePolicySettings } from "../../../src/evaluate/profiles.js";
import { accessPath, account, entryPoint, inventory } from "../../helpers/inventory.js";
import { linked } from "../../helpers/link.js";

const now = new Date("2026-11-24T12:00:00Z");
const tenant = (extra: string) => `tenants:
  - id: acme
    name: Acme
${extra}    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:T }
`;

function errorOf(text: string): string {
  try {
    parseConfig(text, "mfasweep.yaml", now);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("profiles and per-tenant overrides in the config", () => {
  it("defaults to standard, and to msp-self for the MSP's own tenant", () => {
    expect(parseConfig(tenant(""), "x", now).config.tenants[0]?.profile).toBe("standard");
    expect(parseConfig(tenant("    role: msp\n"), "x", now).config.tenants[0]?.profile).toBe("msp-self");
    expect(
      parseConfig(tenant("    role: msp\n    profile: strict\n"), "x", now).config.tenants[0]?.profile,
    ).toBe("strict");
  });

  it("refuses unknown policy ids, unknown options and bad option values, with their lines", () => {
    expect(errorOf(tenant("    policies:\n      disable: [google-user-2sv-enforcd]\n"))).toContain(
      "mfasweep.yaml:5 tenants[0].policies.disable[0]: no policy 'google-user-2sv-enforcd'",
    );
    expect(
      errorOf(
        tenant("    policies:\n      options:\n        mfa-factor-strength-sufficient: { minimum: app }\n"),
      ),
    ).toContain(
      "mfasweep.yaml:6 tenants[0].policies.options.mfa-factor-strength-sufficient: unknown option minimum",
    );
    expect(
      errorOf(
        tenant("    policies:\n      options:\n        mfa-factor-strength-sufficient: { admin: sms }\n"),
      ),
    ).toMatch(/mfasweep\.yaml:6 tenants\[0\]\.policies\.options\.mfa-factor-strength-sufficient\.admin: /);
    expect(
      errorOf(tenant("    policies:\n      options:\n        google-user-2sv-enforced: { x: 1 }\n")),
    ).toContain("takes no options");
    expect(errorOf(tenant("    profile: lax\n"))).toContain("tenants[0].profile");
  });

  it("lists every tenant override so a report can show it", () => {
    const { applied } = resolvePolicySettings("strict", {
      disable: ["google-ou-2sv-enforced"],
      severity: { "google-user-2sv-enforced": "low" },
      options: { "mfa-factor-strength-sufficient": { admin: "app" } },
    });
    expect(applied).toEqual([
      { policy: "google-ou-2sv-enforced", change: "disabled", source: "tenant" },
      { policy: "google-user-2sv-enforced", change: "severity low", source: "tenant" },
      { policy: "mfa-factor-strength-sufficient", change: 'options {"admin":"app"}', source: "tenant" },
    ]);
  });

  it("the engine honours disable, severity and profile options per tenant", () => {
    const ep = entryPoint({ id: "ep", source: "google-workspace", kind: "directory-sign-in" });
    const p = accessPath({ entryPoint: "ep", accounts: ["u1"], state: "enforced" });
    p.mfa.strength = "weak";
    const inv = inventory({
      accounts: [account({ id: "u1", name: "ann@x.example", source: "google-workspace" })],
      entryPoints: [ep],
      accessPaths: [p],
    });
    const run = (profile: "standard" | "strict", overrides?: Parameters<typeof resolvePolicySettings>[1]) =>
      evaluate({
        tenants: [linked(inv)],
        policies,
        exceptions: [],
        now,
        policySettings: new Map([["t1", resolvePolicySettings(profile, overrides).settings]]),
      });

    const strength = (results: ReturnType<typeof run>) =>
      results.find((r) => r.policy === "mfa-factor-strength-sufficient");
    expect(strength(run("standard"))?.status).toBe("pass");
    expect(strength(run("strict"))).toMatchObject({ status: "fail", severity: "high" });
    expect(strength(run("strict", { severity: { "mfa-factor-strength-sufficient": "low" } }))?.severity).toBe(
      "low",
    );
    expect(strength(run("strict", { disable: ["mfa-factor-strength-sufficient"] }))).toBeUndefined();
    expect(
      strength(run("strict", { options: { "mfa-factor-strength-sufficient": { default: "weak" } } }))?.status,
    ).toBe("pass");
  });
});

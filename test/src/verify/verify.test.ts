import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeTenant, startEntraEmulator } from "../../../providers/entra/emulator.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { ScanReport } from "../../../src/report.js";
import { scan } from "../../../src/scan.js";
import { verifyTenant } from "../../helpers/verify-tenant.js";

const now = new Date("2026-11-24T12:00:00Z");
const seeds = {
  acme: verifyTenant("tok-acme", "acme.example"),
  busy: { ...verifyTenant("tok-busy", "busy.example"), whatIfThrottled: true },
  free: freeTenant("tok-free", "free.example"),
};
let emulator: RunningEmulator;
let caBundle: string;

beforeAll(async () => {
  emulator = await startEntraEmulator({ tenants: Object.values(seeds) });
  caBundle = join(mkdtempSync(join(tmpdir(), "mfasweep-verify-lib-")), "ca.pem");
  writeFileSync(caBundle, emulator.certificate ?? "");
});
afterAll(() => emulator.close());

function config() {
  const tenants = Object.entries(seeds)
    .map(
      ([id, seed]) => `
  - id: ${id}
    name: ${id}
    connections:
      - type: entra
        tenantId: ${seed.tenantId}
        endpoint: ${emulator.url}
        caBundle: ${caBundle}
        auth: { method: access-token, token: env:TOKEN_${id.toUpperCase()} }`,
    )
    .join("");
  return parseConfig(`tenants:${tenants}\n`, "mfasweep.yaml", now).config;
}

const env = { TOKEN_ACME: "tok-acme", TOKEN_BUSY: "tok-busy", TOKEN_FREE: "tok-free" };
const fast = {
  env,
  now,
  quotas: new QuotaRegistry(false),
  retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
  sleep: async () => {},
};
const evaluateCalls = () => emulator.requests.filter((r) => r.path.endsWith("/conditionalAccess/evaluate"));

describe("scan --verify (library)", () => {
  it("adds the second opinion as evidence without changing any fingerprint, status or dependency", async () => {
    const plain = await scan(config(), { ...fast, tenants: ["acme"] });
    const verified = ScanReport.parse(
      await scan(config(), { ...fast, tenants: ["acme"], verify: { sample: 1 } }),
    );
    const key = (r: ScanReport["results"][number]) =>
      `${r.fingerprint} ${r.status} ${r.severity} ${r.dependsOn}`;
    expect(verified.results.map(key).sort()).toEqual(plain.results.map(key).sort());
    expect(plain).not.toHaveProperty("verification");
    // admin, u.admin (excluded by an AU-scoped role), breakglass (admin, excluded) and one other.
    expect(verified.verification?.map((e) => [e.user, e.sampledAs.join("+"), e.outcome])).toEqual([
      ["admin@acme.example", "admin", "agree"],
      ["breakglass@acme.example", "admin+excluded", "agree"],
      ["u.admin@acme.example", "admin+excluded", "disagree"],
      [expect.stringMatching(/^(ann|ben|cat|dan)@acme\.example$/), "sample", "agree"],
    ]);
    const result = verified.results.find(
      (r) => r.policy === "entra-user-mfa-enforced" && r.subject.name === "u.admin@acme.example",
    );
    expect(result?.evidence.at(-1)).toMatchObject({
      source: "entra",
      endpoint: "POST /identity/conditionalAccess/evaluate",
      field: "whatIf",
      value: {
        outcome: "disagree",
        ours: "optional",
        microsoft: "mfa",
        enforcing: ["VT01 MFA for all users"],
      },
      note: expect.stringMatching(/^Microsoft's What If disagrees: mfasweep says nothing requires MFA/),
    });
    // Users outside the sample get no What If evidence.
    const unsampled = verified.results.filter(
      (r) =>
        r.policy === "entra-user-mfa-enforced" &&
        !verified.verification?.some((e) => e.userId === r.subject.id),
    );
    expect(unsampled.length).toBe(3);
    for (const r of unsampled) expect(r.evidence.some((e) => e.field === "whatIf")).toBe(false);
  });

  it("the same sample on every run", async () => {
    const users = async () =>
      (await scan(config(), { ...fast, tenants: ["acme"], verify: { sample: 2 } })).verification?.map(
        (e) => e.user,
      );
    expect(await users()).toEqual(await users());
  });

  it("throttling past the retries (429 without Retry-After) makes those users unknown with the reason", async () => {
    const report = await scan(config(), { ...fast, tenants: ["busy"], verify: { sample: 0 } });
    expect(report.verification?.length).toBe(3);
    for (const e of report.verification ?? []) {
      expect(e.outcome).toBe("unknown");
      expect(e.reason).toMatch(
        /could not be asked: throttled: .*gave up after 2 attempts \(HTTP 429 TooManyRequests\)/,
      );
    }
  });

  it("a tenant whose Conditional Access Graph refused for the licence is not asked; its users are unknown", async () => {
    const before = evaluateCalls().length;
    const report = await scan(config(), { ...fast, tenants: ["free"], verify: { sample: 5 } });
    expect(evaluateCalls().length).toBe(before);
    expect(report.verification?.length).toBe(2);
    for (const e of report.verification ?? []) {
      expect(e.outcome).toBe("unknown");
      expect(e.reason).toContain(
        "could not be asked: the tenant has no Conditional Access to evaluate, so it was not asked (no Entra ID P1",
      );
    }
  });
});

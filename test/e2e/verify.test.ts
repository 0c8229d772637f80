import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPermissions, startEntraEmulator } from "../../providers/entra/emulator.js";
import { verifyCommand } from "../../src/cli/verify.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { VerifyEntry } from "../../src/verify/index.js";
import { inProcess } from "../helpers/cli.js";
import { verifyTenant } from "../helpers/verify-tenant.js";

const full = "eyJ0eXAiOiJKV1QifQ.verify-full";
const limited = "eyJ0eXAiOiJKV1QifQ.verify-limited";
const acme = verifyTenant(full, "acme.example");
const locked = verifyTenant(limited, "locked.example");
// The app may read users, roles and groups but lacks every permission What If accepts
// (Policy.Read.ConditionalAccess, Policy.Read.All, Policy.ReadWrite.ConditionalAccess).
locked.tokens = [{ token: limited, permissions: allPermissions.filter((p) => p !== "Policy.Read.All") }];
let emulator: RunningEmulator;
let configFile: string;

beforeAll(async () => {
  emulator = await startEntraEmulator({ tenants: [acme, locked] });
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-verify-"));
  const caBundle = join(dir, "ca.pem");
  await writeFile(caBundle, emulator.certificate ?? "");
  configFile = join(dir, "mfasweep.yaml");
  const connection = (tenantId: string, variable: string) => `
      - type: entra
        tenantId: ${tenantId}
        endpoint: ${emulator.url}
        caBundle: ${caBundle}
        auth: { method: access-token, token: env:${variable} }`;
  await writeFile(
    configFile,
    `tenants:
  - id: acme
    name: Acme
    connections:${connection(acme.tenantId, "ACME_TOKEN")}
  - id: locked
    name: Locked
    connections:${connection(locked.tenantId, "LOCKED_TOKEN")}
`,
  );
});
afterAll(() => emulator.close());

const env = { ACME_TOKEN: full, LOCKED_TOKEN: limited };

describe("mfasweep verify", () => {
  it("asks about every admin, every excluded account and N others, and prints the one seeded disagreement", async () => {
    const run = await inProcess(
      verifyCommand(),
      ["verify", "--config", configFile, "--tenant", "acme", "--sample", "2"],
      env,
    );
    expect(run.stderr).toContain("Microsoft's What If disagrees with mfasweep about 1 of 5 sampled user(s)");
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    const row = (user: string) => lines.find((l) => l.includes(user)) ?? "";
    expect(row("admin@acme.example")).toMatch(
      /admin\s+enforced\s+mfa\s+agree\s+VT01 MFA for all users, VT02 MFA for admins/,
    );
    // Excluded by name: both engines agree nothing applies (report-only VT03 does not enforce).
    expect(row("breakglass@acme.example")).toMatch(/admin, excluded\s+optional\s+none\s+agree\s+-/);
    expect(row("u.admin@acme.example")).toMatch(
      /admin, excluded\s+optional\s+mfa\s+disagree\s+VT01 MFA for all users/,
    );
    expect(run.stdout).toContain("1 disagree");
    expect(run.stdout).toMatch(
      /disagree: acme u\.admin@acme\.example: mfasweep says nothing requires MFA of this user \(optional\), but Microsoft requires MFA \(VT01 MFA for all users\)/,
    );
    expect(run.stdout).toContain(
      "asked: interactive browser sign-in on Windows to Office 365 (app 00000003-0000-0ff1-ce00-000000000000) from 192.0.2.23 (NZ)",
    );
    // Two of the four ordinary users, the same two every run.
    expect(lines.filter((l) => /\ssample\s/.test(l))).toHaveLength(2);
    const again = await inProcess(
      verifyCommand(),
      ["verify", "--config", configFile, "--tenant", "acme", "--sample", "2", "--format", "json"],
      env,
    );
    const entries = VerifyEntry.array().parse(JSON.parse(again.stdout));
    expect(entries.filter((e) => e.sampledAs.includes("sample")).map((e) => e.user)).toEqual(
      lines.filter((l) => /\ssample\s/.test(l)).map((l) => l.split(/\s+/)[1]),
    );
    expect(entries.find((e) => e.user === "breakglass@acme.example")?.microsoft?.notEnforced).toEqual([
      expect.objectContaining({
        displayName: "VT03 Phishing-resistant pilot (report-only)",
        state: "enabledForReportingButNotEnforced",
      }),
    ]);
  });

  it("a 403 from What If leaves every sampled user unknown with the missing permission, never agreement", async () => {
    const run = await inProcess(
      verifyCommand(),
      ["verify", "--config", configFile, "--tenant", "locked", "--format", "json"],
      env,
    );
    expect(run.code).toBe(2);
    const entries = VerifyEntry.array().parse(JSON.parse(run.stdout));
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.outcome).toBe("unknown");
      expect(e.microsoft).toBeNull();
      expect(e.reason).toMatch(
        /^Microsoft's What If could not be asked: permission missing: POST \/identity\/conditionalAccess\/evaluate.*Authorization_RequestDenied.*missing: Policy\.Read\.All/,
      );
    }
    expect(run.stderr).toMatch(/mfasweep: incomplete: /);
  });

  it("refuses a tenant without an Entra connection and a bad --sample with a clear error", async () => {
    const bad = await inProcess(verifyCommand(), ["verify", "--config", configFile, "--tenant", "nope"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no tenant 'nope' in the config");
    const sample = await inProcess(
      verifyCommand(),
      ["verify", "--config", configFile, "--tenant", "acme", "--sample", "-1"],
      env,
    );
    expect(sample.code).toBe(2);
    expect(sample.stderr).toContain("--sample must be a whole number");
  });
});

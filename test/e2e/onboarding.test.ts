import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { initCommand } from "../../src/cli/init.js";
import { tenantsCommand } from "../../src/cli/tenants.js";
import { loadConfig } from "../../src/composition.js";
import { doctor } from "../../src/doctor.js";
import { scan } from "../../src/scan.js";
import { inProcess } from "../helpers/cli.js";
import { mspApp, mspConnection, type Partner, startPartner } from "../helpers/gdap.js";

/**
 * Issue #22's "done when": a config with only the MSP's own Entra connection → discover --dry-run →
 * discover → doctor → a scan of every customer, against the emulator's partner tenant and customers.
 */
let partner: Partner | undefined;
afterEach(async () => {
  await partner?.emulator.close();
  partner = undefined;
});

function mspOnlyConfig(p: Partner): string {
  const c = mspConnection(p);
  return `# Our MSP. Customers are added by: mfasweep tenants discover --from gdap
version: 1
tenants:
  # The MSP's own tenant: its app is consented in every customer.
  - id: msp
    name: The MSP
    role: msp
    connections:
      - type: entra
        tenantId: ${String(c.tenantId)}
        endpoint: ${String(c.endpoint)}
        authorityHost: ${String(c.authorityHost)}
        caBundle: ${String(c.caBundle)}
        auth: { method: client-secret, clientId: ${mspApp.clientId}, secret: env:MSP_APP_SECRET }
`;
}

describe("onboarding from GDAP", () => {
  it("discover --dry-run, discover, doctor, scan: every customer with an active relationship is scanned", async () => {
    partner = await startPartner();
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-onboard-"));
    const file = join(dir, "mfasweep.yaml");
    const original = mspOnlyConfig(partner);
    writeFileSync(file, original);
    const { names } = partner;

    const dry = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "gdap", "--dry-run", "-c", file],
      partner.env,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would add  northwind-traders  ${names.leastPrivileged}`);
    expect(dry.stdout).toContain("3 to add, 0 gone, 0 left alone (dry run: nothing written)");
    expect(readFileSync(file, "utf8")).toBe(original);

    const run = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "gdap", "-c", file],
      partner.env,
    );
    expect(run.code, run.stderr).toBe(0);
    const written = readFileSync(file, "utf8");
    expect(written.startsWith(original)).toBe(true);
    // The dry run showed exactly the YAML now written: its diff's added lines are the appended text.
    const diff = dry.stdout.slice(dry.stdout.indexOf(`--- ${file}`), dry.stdout.indexOf("would add"));
    expect(diff).toMatch(/^--- .*\n\+\+\+ .*\n@@ -\d+,3 \+\d+,\d+ @@\n/);
    const addedLines = diff
      .split("\n")
      .filter((l) => l.startsWith("+") && !l.startsWith("+++"))
      .map((l) => `${l.slice(1)}\n`)
      .join("");
    expect(original + addedLines).toBe(written);
    expect(written).toContain("# The MSP's own tenant: its app is consented in every customer.");
    const { config } = await loadConfig(file);
    expect(config.tenants.map((t) => t.name)).toEqual([
      "The MSP",
      names.leastPrivileged,
      names.globalAdmin,
      names.unassigned,
    ]);
    // The expired customer is no customer; a second run changes nothing.
    const again = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "gdap", "-c", file],
      partner.env,
    );
    expect(again.stdout).toContain("0 to add, 0 gone, 3 left alone");
    expect(readFileSync(file, "utf8")).toBe(written);

    const reports = await doctor(config, { env: partner.env });
    const permissionsCheck = (tenant: string) =>
      reports
        .find((r) => r.tenant === tenant)
        ?.checks.find((c) => c.check.startsWith("permissions in the Graph access token"));
    expect(permissionsCheck("fabrikam-legal")?.excess).toContain("User.ReadWrite.All");
    expect(
      reports.find((r) => r.tenant === "contoso-dental")?.checks.flatMap((c) => c.missing ?? []),
    ).toContain("AuditLog.Read.All");
    expect(permissionsCheck("northwind-traders")).toMatchObject({ ok: true });

    const report = await scan(config, { env: partner.env, enforceQuotas: false });
    for (const tenant of ["northwind-traders", "fabrikam-legal", "contoso-dental"]) {
      const coverage = report.coverage.find((c) => c.tenant === tenant);
      expect(coverage?.status, `${tenant}: ${JSON.stringify(coverage)}`).not.toBe("failed");
      expect(report.results.some((r) => r.tenant === tenant && r.subject.source === "entra")).toBe(true);
    }
    expect(
      report.results.filter(
        (r) => r.tenant === "msp" && r.policy === "gdap-no-global-administrator" && r.status === "fail",
      ),
    ).toHaveLength(1);
  });

  it("a customer whose relationship ended is reported gone, and left in the config", async () => {
    partner = await startPartner();
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-onboard-"));
    const file = join(dir, "mfasweep.yaml");
    const c = mspConnection(partner);
    writeFileSync(
      file,
      `${mspOnlyConfig(partner)}  - id: adventure
    name: Adventure Works
    connections:
      - type: entra
        tenantId: ${partner.customers.expired.tenantId}
        endpoint: ${String(c.endpoint)}
        auth: { method: client-secret, clientId: ${mspApp.clientId}, secret: env:MSP_APP_SECRET }
`,
    );
    const run = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "gdap", "--dry-run", "-c", file],
      partner.env,
    );
    expect(run.stdout).toContain(
      "gone       adventure  Adventure Works: GDAP relationship ended (Adventure Works onboarding expired)",
    );
  });

  it("a GDAP read refused (403) changes nothing and says why", async () => {
    partner = await startPartner({ mspPermissions: ["User.Read.All"] });
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-onboard-"));
    const file = join(dir, "mfasweep.yaml");
    writeFileSync(file, mspOnlyConfig(partner));
    const run = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "gdap", "-c", file],
      partner.env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("DelegatedAdminRelationship.Read.All");
    expect(run.stderr).toContain("nothing changed");
    expect(readFileSync(file, "utf8")).toBe(mspOnlyConfig(partner));
  });

  it("consent-url prints the admin-consent URL of the MSP's app for a customer", async () => {
    partner = await startPartner();
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-onboard-"));
    const file = join(dir, "mfasweep.yaml");
    writeFileSync(file, mspOnlyConfig(partner));
    const out = await inProcess(tenantsCommand(), ["tenants", "consent-url", "msp", "-c", file]);
    expect(out.stdout.trim()).toBe(
      `${partner.emulator.url}/${partner.msp.tenantId}/adminconsent?client_id=${mspApp.clientId}`,
    );
  });

  it("init --from gdap writes the MSP's tenant and every GDAP customer, and prints each consent URL", async () => {
    partner = await startPartner();
    const file = join(mkdtempSync(join(tmpdir(), "mfasweep-onboard-")), "mfasweep.yaml");
    const c = mspConnection(partner);
    const run = await inProcess(
      initCommand(),
      [
        "init",
        "--from",
        "gdap",
        "-o",
        file,
        "--tenant-id",
        partner.msp.tenantId,
        "--client-id",
        mspApp.clientId,
        "--secret",
        "env:MSP_APP_SECRET",
        "--endpoint",
        String(c.endpoint),
        "--authority-host",
        String(c.authorityHost),
        "--ca-bundle",
        String(c.caBundle),
      ],
      partner.env,
    );
    expect(run.code, run.stderr).toBe(0);
    const { config } = await loadConfig(file);
    expect(config.tenants.map((t) => [t.id, t.role ?? "customer"])).toEqual([
      ["msp", "msp"],
      ["northwind-traders", "customer"],
      ["fabrikam-legal", "customer"],
      ["contoso-dental", "customer"],
    ]);
    expect(run.stdout).toContain("3 to add, 0 gone, 0 left alone");
    expect(run.stdout).toContain(
      `  fabrikam-legal  ${partner.emulator.url}/${partner.customers.globalAdmin.tenantId}/adminconsent?client_id=${mspApp.clientId}`,
    );
    // A second init does not overwrite the config.
    const again = await inProcess(
      initCommand(),
      [
        "init",
        "--from",
        "gdap",
        "-o",
        file,
        "--tenant-id",
        partner.msp.tenantId,
        "--client-id",
        mspApp.clientId,
        "--secret",
        "env:MSP_APP_SECRET",
      ],
      partner.env,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists; use --force to overwrite it");
  });
});

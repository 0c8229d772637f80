import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignAdminRoles,
  seedTenant,
  seedUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { recordColumns } from "../../src/export/record.js";
import { ScanReport } from "../../src/report.js";
import { runCli, runMain } from "../helpers/cli.js";

const secretToken = "ya29.canary-secret-8f3a";
let emulator: RunningEmulator;
let dir: string;
let configFile: string;

beforeAll(async () => {
  emulator = await startGoogleEmulator({
    tenants: [
      assignAdminRoles(
        seedTenant("acme.example", secretToken, ({ root }) => ({
          policies: twoStepPolicies(root, { allowEnrollment: true }),
          users: [
            seedUser("boss@acme.example", { isAdmin: true }),
            seedUser("ok@acme.example", { isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }),
            seedUser("gone@acme.example", { suspended: true }),
          ],
        })),
      ),
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-e2e-"));
  configFile = join(dir, "mfasweep.yaml");
  await writeFile(
    configFile,
    `tenants:
  - id: acme
    name: Acme
    connections:
      - type: google-workspace
        endpoint: ${emulator.url}
        auth: { method: access-token, token: env:ACME_TOKEN }
  - id: other
    name: Other
    connections:
      - type: google-workspace
        endpoint: ${emulator.url}
        auth: { method: access-token, token: env:OTHER_TOKEN }
`,
  );
});
afterAll(() => emulator.close());

describe("mfasweep CLI", () => {
  it("scan --format json prints the report on stdout and exits 1 on failing findings", async () => {
    // A real process: scan, its exit status and its streams end to end (the rest runs in-process).
    const run = await runCli(["scan", "--config", configFile, "--tenant", "acme", "--format", "json"], {
      env: { ACME_TOKEN: secretToken },
    });
    expect(run.stderr).toMatch(/^mfasweep: \d+ finding\(s\) at or above low \(\d+ critical/);
    expect(run.code).toBe(1);
    const report = ScanReport.parse(JSON.parse(run.stdout));
    expect(report.tenants.map((t) => t.id)).toEqual(["acme"]);
    expect(report.coverage).toMatchObject([{ tenant: "acme", status: "complete", counts: { accounts: 3 } }]);
    const failing = report.results
      .filter((r) => r.status === "fail")
      .map((r) => `${r.policy} ${r.subject.name}`);
    expect(failing).toEqual(
      expect.arrayContaining([
        "google-admin-2sv-enrolled boss@acme.example",
        "google-user-2sv-enforced boss@acme.example",
        "google-ou-2sv-enforced /",
      ]),
    );
    expect(report.results.find((r) => r.subject.name === "ok@acme.example")?.status).toBe("pass");
    expect(report.results.some((r) => r.subject.name === "gone@acme.example")).toBe(false);
    expect(run.stdout).not.toContain(secretToken);
  });

  it("scan prints a readable table by default and --fail-on critical still catches the admin", async () => {
    const run = await runMain(["scan", "-c", configFile, "-t", "acme", "--fail-on", "critical"], {
      env: { ACME_TOKEN: secretToken },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^STATUS\s+SEVERITY\s+TENANT/);
    expect(run.stdout).toContain("acme/google-workspace (google-workspace): complete, 3 accounts");
    expect(run.stdout).toMatch(/1 tenant\(s\), 3 accounts: \d+ failing/);
  });

  it("a refused token exits 2, says which tenant and connection, and never prints the secret", async () => {
    const run = await runMain(["scan", "-c", configFile, "-t", "other", "--format", "json"], {
      env: { OTHER_TOKEN: "ya29.wrong-canary-77" },
    });
    expect(run.code).toBe(2);
    const report = ScanReport.parse(JSON.parse(run.stdout));
    expect(report.coverage[0]).toMatchObject({
      tenant: "other",
      connection: "google-workspace",
      status: "failed",
    });
    expect(report.coverage[0]?.reason).toMatch(/credentials refused \(HTTP 401/);
    expect(report.results.every((r) => r.status === "unknown")).toBe(true);
    expect(run.stdout + run.stderr).not.toContain("wrong-canary-77");
  });

  it("scan writes CSV to a file with --output: with a BOM in a .csv file, none with --no-bom", async () => {
    const out = join(dir, "findings.csv");
    const run = await runMain(["scan", "-c", configFile, "-t", "acme", "--format", "csv", "--output", out], {
      env: { ACME_TOKEN: secretToken },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const csv = await readFile(out, "utf8");
    // A .csv file starts with a UTF-8 byte order mark (Excel), then the finding record's columns.
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.slice(1).split("\r\n")[0]).toBe(recordColumns.join(","));
    expect(csv.slice(1)).not.toContain("\uFEFF");
    expect(csv).toContain("boss@acme.example");

    // --no-bom: the same CSV without the mark (each scan has its own time).
    const untimed = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>");
    const plain = join(dir, "plain.csv");
    const noBom = await runMain(
      ["scan", "-c", configFile, "-t", "acme", "--format", "csv", "--output", plain, "--no-bom"],
      { env: { ACME_TOKEN: secretToken } },
    );
    expect(noBom.code).toBe(1);
    expect(untimed(await readFile(plain, "utf8"))).toBe(untimed(csv.slice(1)));
  });

  it("refuses to guess the tenant, and reports config errors with their line, exit 2, no stack", async () => {
    const noTenant = await runMain(["scan", "-c", configFile]);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain("--tenant is required: the config has 2 tenants (acme, other)");

    const bad = join(dir, "bad.yaml");
    await writeFile(
      bad,
      "tenants:\n  - id: x\n    name: X\n    connections:\n      - type: google-workspace\n        auth: { method: access-token, token: hunter2 }\n",
    );
    const run = await runMain(["scan", "-c", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "bad.yaml:6 tenants[0].connections[0].auth.token: expected env:NAME or file:PATH",
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);

    const missing = await runMain(["scan", "-c", join(dir, "nope.yaml")]);
    expect(missing.stderr).toContain("cannot read config file");
    expect(missing.code).toBe(2);
  });

  it("demo --format json runs the portfolio through the emulators and exits 0", async () => {
    const run = await runMain(["demo", "--format", "json"]);
    expect(run.code).toBe(0);
    const report = ScanReport.parse(JSON.parse(run.stdout));
    expect(report.sweep.kind).toBe("demo");
    expect(report.tenants.length).toBeGreaterThanOrEqual(3);
    expect(report.coverage.every((c) => c.status === "complete")).toBe(true);
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.results.some((r) => r.status === "excepted")).toBe(true);
    // A finding's fix names its own vendor only: an Okta account's never lists Entra steps (issue #23).
    const vendors: Record<string, RegExp> = {
      entra: /\bEntra\b/,
      okta: /\bOkta\b/,
      "google-workspace": /\bGoogle\b/,
      fortigate: /FortiGate|fortitoken/,
      "cisco-asa": /\bASA\b/,
      globalprotect: /GlobalProtect|PAN-OS/,
      teamviewer: /TeamViewer/,
      ninjaone: /NinjaOne/,
      ssh: /\bSSH\b/,
    };
    const multiVendor = new Set([
      "mfa-factor-strength-sufficient",
      "msp-customer-access-phishing-resistant",
      "vpn-login-requires-mfa",
      "firewall-admin-two-factor-enabled",
      "rmm-technician-mfa-enforced",
    ]);
    const judged = report.results.filter((r) => multiVendor.has(r.policy) && r.status !== "pass");
    expect(new Set(judged.map((r) => r.subject.source)).size).toBeGreaterThanOrEqual(3);
    for (const r of judged)
      for (const [source, name] of Object.entries(vendors))
        if (source !== r.subject.source)
          expect(r.remediation, `${r.policy} on ${r.subject.source}: ${r.remediation}`).not.toMatch(name);
    // An SMB tenant without Entra ID P1 (issue #18 item 4): the licence refusals and the per-user fallback
    // are one coverage line that says the fallback ran and what it cost; a P1 tenant has no such line.
    const licenceNotes = (tenant: string) =>
      report.coverage
        .filter((c) => c.tenant === tenant && c.source === "entra")
        .flatMap((c) => c.notes)
        .filter((n) => /P1|premium|licen/i.test(n));
    const smb = licenceNotes("contoso-dental");
    expect(smb).toHaveLength(1);
    expect(smb[0]).toMatch(/^no Entra ID P1 in this tenant: Graph refused .*MFA registration details/);
    expect(smb[0]).toMatch(
      /registration read per user instead \(GET \/users\/\{id\}\/authentication\/methods through \$batch\): 4 user\(s\) in 1 \$batch request\(s\) \(4 inner, 0 throttled and sent again\)$/,
    );
    expect(licenceNotes("northwind")).toEqual([]);
    // The MSP's own tenant (issue #13) under the msp-self profile: the technician with Authenticator push
    // only is flagged, judged with their Entra account; the FIDO2-only technician passes.
    expect(report.tenants.find((t) => t.id === "msp")).toMatchObject({ role: "msp", profile: "msp-self" });
    const msp = (policy: string, who: string) =>
      report.results.filter(
        (r) => r.tenant === "msp" && r.policy === policy && r.subject.name.startsWith(`${who}@msp.example`),
      );
    const pushOnly = msp("msp-customer-access-phishing-resistant", "d.okafor");
    expect(pushOnly.map((r) => [r.status, r.severity, r.subject.source])).toEqual([
      ["fail", "critical", "ninjaone"],
    ]);
    expect(pushOnly[0]!.message).toContain("(judged with entra d.okafor@msp.example)");
    const pushStrength = msp("mfa-factor-strength-sufficient", "d.okafor");
    expect(pushStrength.length).toBeGreaterThan(0);
    expect(pushStrength.every((r) => r.status === "fail" && r.severity === "critical")).toBe(true);
    expect(msp("msp-customer-access-phishing-resistant", "m.garcia").map((r) => r.status)).toEqual(["pass"]);
    // Neither admin nor technician: the group holding a GDAP role (found from the access assignments, not
    // configured) alone makes her reach customers, and the finding names whom and as what (issue #22).
    const agent = msp("msp-customer-access-phishing-resistant", "s.patel");
    expect(agent.map((r) => [r.status, r.subject.source])).toEqual([["fail", "entra"]]);
    expect(agent[0]!.message).toContain(
      "(member of customer-access group GDAP Helpdesk Agents (GDAP: Northwind Traders as Helpdesk Administrator, Directory Readers))",
    );
    // The MSP's delegated access itself: Global Administrator in Fabrikam Legal, auto-extending; Contoso
    // Dental's role held by no group; the former customer's relationship expired.
    const gdap = (policy: string) =>
      report.results
        .filter((r) => r.tenant === "msp" && r.policy === policy)
        .map((r) => [r.status, r.severity, r.subject.name])
        .sort();
    expect(gdap("gdap-no-global-administrator")).toEqual([
      ["fail", "critical", "GDAP Fabrikam Legal full admin (Fabrikam Legal)"],
      ["pass", "critical", "GDAP Contoso Dental support (Contoso Dental)"],
      ["pass", "critical", "GDAP Northwind Traders helpdesk (Northwind Traders)"],
    ]);
    expect(gdap("gdap-access-through-groups")).toEqual([
      ["fail", "high", "GDAP Fabrikam Legal full admin (Fabrikam Legal)"],
      ["fail", "low", "GDAP Adventure Works onboarding (Adventure Works)"],
      ["fail", "medium", "GDAP Contoso Dental support (Contoso Dental)"],
      ["pass", "medium", "GDAP Northwind Traders helpdesk (Northwind Traders)"],
    ]);
    const fido = msp("mfa-factor-strength-sufficient", "m.garcia");
    expect(fido.length).toBeGreaterThan(0);
    expect(fido.every((r) => r.status === "pass")).toBe(true);
    // The fingerprint is the queue's and the PSA's dedupe key: two results may never share one.
    const fingerprints = report.results.map((r) => r.fingerprint);
    const repeated = fingerprints.filter((f, i) => fingerprints.indexOf(f) !== i);
    expect(
      repeated.map((f) =>
        report.results.filter((r) => r.fingerprint === f).map((r) => `${r.policy} ${r.subject.id}`),
      ),
    ).toEqual([]);
  });

  it("init writes a valid example once; config schema and validate work", async () => {
    const file = join(dir, "new.yaml");
    // init as a real process; the rest of the family in-process.
    expect((await runCli(["init", "--output", file])).code).toBe(0);
    const again = await runMain(["init", "--output", file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists; use --force");
    const validate = await runMain(["config", "validate", "-c", file]);
    // The example: the MSP's own tenant and one customer with every connection type (#22 item 5).
    expect(validate.stdout).toContain("2 tenant(s), 21 connection(s), 0 exception(s): valid");
    const schema = await runMain(["config", "schema"]);
    expect(JSON.parse(schema.stdout).properties.tenants.type).toBe("array");
  });

  it("policies list and show come from the policy files' metadata", async () => {
    const list = await runMain(["policies", "list"]);
    expect(list.stdout).toContain("google-user-2sv-enforced");
    const show = await runMain(["policies", "show", "google-admin-2sv-enrolled"]);
    expect(show.stdout).toContain("severity: critical");
    expect((await runMain(["policies", "show", "nope"])).code).toBe(2);
  });
});

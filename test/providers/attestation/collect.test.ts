import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AttestationSeed,
  attestationCsv,
  attestationYaml,
  writeAttestationFile,
} from "../../../providers/attestation/emulator.js";
import { attestation } from "../../../providers/attestation/index.js";
import { AttestationSettings } from "../../../providers/attestation/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import { scan } from "../../../src/scan.js";
import { testContext } from "../../helpers/context.js";

const now = new Date("2026-11-24T12:00:00Z");
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-test-attestation-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string, extra: Record<string, unknown> = {}) {
  const settings = AttestationSettings.parse({ type: "attestation", file, ...extra });
  return collectConnection(
    { id: "northwind", name: "Northwind" },
    { id: "attestation", type: "attestation", settings },
    { quotas: new QuotaRegistry(false), now },
  );
}

const entries: AttestationSeed[] = [
  {
    tool: "Kaseya VSA",
    console: "https://vsa.northwind.example",
    mfa: "enforced",
    method: "fido2",
    scope: "all technicians",
    checkedBy: "security@msp.example",
    checkedAt: "2026-11-01",
    validUntil: "2027-02-01",
    evidence: "ticket SEC-1042",
  },
  {
    tool: "AnyDesk",
    kind: "remote-support",
    mfa: "enforced",
    method: "totp",
    checkedBy: "j.doe@msp.example",
    checkedAt: "2026-06-01",
    validUntil: "2026-10-31",
  },
  { tool: "Atera", mfa: "enforced", checkedBy: "j.doe@msp.example", checkedAt: "2026-11-20" },
  {
    tool: "Splashtop",
    kind: "remote-support",
    mfa: "sso",
    sso: { protocol: "saml", target: "https://my.splashtop.com", targetSource: "entra" },
    checkedBy: "security@msp.example",
    checkedAt: "2026-11-10",
    validUntil: "2027-05-10",
  },
  {
    tool: "Syncro",
    mfa: "none",
    checkedBy: "security@msp.example",
    checkedAt: "2026-11-10",
    validUntil: "2027-01-10",
    notes: "MFA rollout planned",
  },
];

function pathOf(c: Awaited<ReturnType<typeof collect>>, tool: string) {
  const ep = c.inventory.entryPoints.find((e) => e.name.startsWith(tool));
  return c.inventory.accessPaths.find((p) => p.entryPoint === ep?.id);
}

describe("attestation provider", () => {
  for (const format of ["yaml", "csv"] as const) {
    it(`${format}: each entry is an entry point and a path marked attested, trusted only while current`, async () => {
      const file = await writeAttestationFile(dir, `northwind.${format}`, entries);
      const c = await collect(file);
      expect(c.coverage.status, JSON.stringify(c.coverage.gaps)).toBe("complete");
      expect(c.inventory.entryPoints.map((e) => [e.name, e.kind])).toEqual([
        ["Kaseya VSA https://vsa.northwind.example (attested)", "rmm-console"],
        ["AnyDesk (attested)", "remote-support"],
        ["Atera (attested)", "rmm-console"],
        ["Splashtop (attested)", "remote-support"],
        ["Syncro (attested)", "rmm-console"],
      ]);
      const vsa = pathOf(c, "Kaseya VSA");
      expect(vsa?.mfa).toMatchObject({
        state: "enforced",
        strength: "phishing-resistant",
        via: ["attestation:security@msp.example@2026-11-01"],
      });
      expect(vsa?.mfa.reason).toContain(
        "attested by security@msp.example on 2026-11-01, valid until 2027-02-01",
      );
      expect(vsa?.mfa.reason).toContain("not verified by mfasweep");
      expect(vsa?.mfa.evidence[0]).toMatchObject({
        file,
        line: expect.any(Number),
        field: "mfa",
        value: "enforced",
      });
      // Expired or undated: the claim no longer counts.
      expect(pathOf(c, "AnyDesk")?.mfa.state).toBe("unknown");
      expect(pathOf(c, "AnyDesk")?.mfa.reason).toContain("expired on 2026-10-31");
      expect(pathOf(c, "Atera")?.mfa.state).toBe("unknown");
      expect(pathOf(c, "Atera")?.mfa.reason).toContain("has no validity date");
      const sso = pathOf(c, "Splashtop");
      expect(sso?.chain.delegation).toEqual({
        protocol: "saml",
        target: "https://my.splashtop.com",
        targetSource: "entra",
      });
      expect(sso?.mfa.reason).toContain("signs in through SSO");
      expect(pathOf(c, "Syncro")?.mfa.state).toBe("none");
      expect(c.inventory.facts).toHaveLength(5);
    });
  }

  it("yaml: evidence points at each entry's line", async () => {
    const file = join(dir, "a.yaml");
    await writeFile(file, attestationYaml(entries.slice(0, 2)));
    const c = await collect(file);
    expect(c.inventory.facts.map((f) => (f.data as { line: number }).line)).toEqual([2, 11]);
  });

  it("a bad entry is skipped with file:line and the field; the others still count", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(
      file,
      [
        "attestations:",
        "  - tool: Kaseya VSA",
        "    mfa: enforced",
        "    checkedBy: a@msp.example",
        "    checkedAt: 2026-11-01",
        "    validUntil: 2027-13-01",
        "  - tool: AnyDesk",
        "    mfa: sso",
        "    checkedBy: a@msp.example",
        "    checkedAt: 2026-11-01",
        "  - tool: Atera",
        "    mfa: enforced",
        "    checkedBy: a@msp.example",
        "    checkedAt: 2026-11-01",
        "    validUntill: 2027-01-01",
        "  - tool: Syncro",
        "    mfa: enforced",
        "    checkedBy: a@msp.example",
        "    checkedAt: 2026-11-01",
        "    validUntil: 2027-01-01",
      ].join("\n"),
    );
    const c = await collect(file);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps.map((g) => `${g.what} | ${g.reason}`)).toEqual([
      `${file}:6 attestations[0] | validUntil: expected a date as YYYY-MM-DD`,
      `${file}:7 attestations[1] | sso: mfa: sso needs sso: { protocol, target }`,
      `${file}:15 attestations[2] | unknown field validUntill`,
    ]);
    expect(c.coverage.counts.skipped).toBe(3);
    expect(c.inventory.entryPoints.map((e) => e.name)).toEqual([
      "Syncro (attested)",
      `attestations[0] of ${file} (not read)`,
      `attestations[1] of ${file} (not read)`,
      `attestations[2] of ${file} (not read)`,
    ]);
    // The entries not read are tools someone signs in to: each one unknown, with its line and reason.
    const unread = c.inventory.accessPaths.filter((p) => p.id.includes(":unread:"));
    expect(unread.map((p) => p.mfa.state)).toEqual(["unknown", "unknown", "unknown"]);
    expect(unread[0]?.mfa.reason).toContain(`${file}:6 attestations[0] could not be read (validUntil`);
  });

  it("a file that is not valid YAML, or not an attestation file, fails with file:line", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "attestations:\n  - tool: x\n    mfa: [enforced\n");
    const c = await collect(broken);
    expect(c.coverage.status).toBe("failed");
    expect(c.coverage.reason).toMatch(new RegExp(`^${broken}:\\d+: invalid YAML`));
    const other = join(dir, "other.yaml");
    await writeFile(other, "tenants: []\n");
    const d = await collect(other);
    expect(d.coverage.reason).toContain(`${other}:1: `);
    expect(d.coverage.reason).toContain("expected a top-level 'attestations:' list");
    const missing = await collect(join(dir, "nope.yaml"));
    expect(missing.coverage.reason).toMatch(/^cannot read the attestation file .*nope\.yaml \(ENOENT\)/);
  });

  it("csv: quoted fields, an unknown column, and rows with the wrong number of fields", async () => {
    const file = join(dir, "a.csv");
    await writeFile(
      file,
      [
        "tool,console,mfa,method,checkedBy,checkedAt,validUntil,notes",
        '"Kaseya VSA","vsa, main",enforced,totp,a@msp.example,2026-11-01,2027-01-01,"said ""yes""',
        'on two lines"',
        "AnyDesk,,enforced,totp,a@msp.example,2026-11-01",
        "Atera,,enforced,totp,a@msp.example,2026-11-01,2027-01-01,",
      ].join("\r\n"),
    );
    const c = await collect(file);
    expect(c.coverage.gaps.map((g) => `${g.what} | ${g.reason}`)).toEqual([
      `${file}:4 row 3 | 6 fields, the header has 8`,
    ]);
    expect(c.inventory.entryPoints.map((e) => e.name)).toEqual([
      "Kaseya VSA vsa, main (attested)",
      "Atera (attested)",
      `row 3 of ${file} (not read)`,
    ]);
    expect(c.inventory.facts[1]?.data).toMatchObject({ line: 5 });

    const unknown = join(dir, "b.csv");
    await writeFile(unknown, "tool,mfa,checkedBy,checkedAt,expires\n");
    const d = await collect(unknown);
    expect(d.coverage.reason).toBe(
      `${unknown}:1: unknown column expires (columns: tool, console, kind, mfa, method, scope, checkedBy, checkedAt, validUntil, evidence, notes, ssoProtocol, ssoTarget, ssoTargetSource)`,
    );
    const unclosed = join(dir, "c.csv");
    await writeFile(unclosed, 'tool,mfa,checkedBy,checkedAt\n"AnyDesk,enforced,a,2026-11-01\n');
    expect((await collect(unclosed)).coverage.reason).toBe(`${unclosed}:2: a quoted field is never closed`);
  });

  it("a second statement for the same tool and console is refused, not merged", async () => {
    const file = await writeAttestationFile(dir, "dup.csv", [entries[0]!, { ...entries[0]!, mfa: "none" }]);
    const c = await collect(file);
    expect(c.coverage.gaps[0]?.reason).toContain(
      "a second attestation for Kaseya VSA https://vsa.northwind.example (first on line 2)",
    );
    expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["enforced"]);
  });

  it("the format follows the file name unless set", async () => {
    const file = join(dir, "attestations.txt");
    await writeFile(file, attestationCsv(entries.slice(0, 1)));
    expect((await collect(file)).coverage.status).toBe("failed");
    expect((await collect(file, { format: "csv" })).inventory.entryPoints).toHaveLength(1);
  });

  it("doctor lists out-of-date statements", async () => {
    const file = await writeAttestationFile(dir, "n.yaml", entries);
    const checks = await attestation.doctor?.(
      testContext(AttestationSettings.parse({ type: "attestation", file }), {
        connectionId: "attestation",
        now,
      }),
    );
    expect(checks?.map((c) => [c.ok, c.check, c.detail])).toEqual([
      [true, `read ${file}`, "5 attestation(s)"],
      [false, "AnyDesk (line 11)", "expired on 2026-10-31: check again and renew"],
      [false, "Atera (line 18)", "no validUntil"],
    ]);
  });

  it("through scan: attested is shown as attested, an expired attestation is a finding", async () => {
    const file = await writeAttestationFile(dir, "n.yaml", entries);
    const { config } = parseConfig(
      [
        "tenants:",
        "  - id: northwind",
        "    name: Northwind",
        "    connections:",
        "      - type: attestation",
        `        file: ${file}`,
      ].join("\n"),
      "t.yaml",
      now,
    );
    const report = await scan(config, { now, enforceQuotas: false });
    const current = report.results.filter((r) => r.policy === "attestation-current");
    const status = Object.fromEntries(current.map((r) => [r.subject.name, r.status]));
    expect(status).toEqual({
      "Kaseya VSA https://vsa.northwind.example (attested)": "pass",
      "AnyDesk (attested)": "fail",
      "Atera (attested)": "fail",
      "Splashtop (attested)": "pass",
      "Syncro (attested)": "pass",
    });
    for (const r of current) {
      expect(r.details).toMatchObject({ attested: true, verified: false });
      expect(r.mfa?.via?.[0]).toMatch(/^attestation:/);
    }
    expect(current.find((r) => r.status === "pass")?.message).toContain("attested, not verified");
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ScreenConnectSnapshotSeed,
  userXml,
  versionFilePath,
  writeScreenConnectSnapshot,
} from "../../../providers/screenconnect/emulator.js";
import { screenconnect } from "../../../providers/screenconnect/index.js";
import { ScreenConnectSettings } from "../../../providers/screenconnect/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import { scan } from "../../../src/scan.js";
import { testContext } from "../../helpers/context.js";

const now = new Date("2026-11-24T12:00:00Z");
const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

async function snapshot(seed: ScreenConnectSnapshotSeed): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-test-sc-"));
  dirs.push(dir);
  await writeScreenConnectSnapshot(dir, seed);
  return dir;
}

async function collect(raw: Record<string, unknown>) {
  const settings = ScreenConnectSettings.parse({ type: "screenconnect", ...raw });
  return collectConnection(
    { id: "contoso", name: "Contoso" },
    { id: "screenconnect", type: "screenconnect", settings },
    { quotas: new QuotaRegistry(false), now },
  );
}

const versionOf = (c: Awaited<ReturnType<typeof collect>>) =>
  c.inventory.facts.find((f) => f.kind === "screenconnect-version")?.data as {
    version: string | null;
    from: string | null;
    reason?: string;
  };

const users = [
  { name: "admin", email: "it@contoso.example" },
  { name: "tech & co", email: "tech@contoso.example" },
];

/** One scan of a tenant with a screenconnect connection per snapshot directory, named by its key. */
async function scanSnapshots(directories: Record<string, string>) {
  const connections = Object.entries(directories).flatMap(([id, directory]) => [
    "      - type: screenconnect",
    `        id: ${id}`,
    `        directory: ${directory}`,
    `        versionFile: ${versionFilePath}`,
  ]);
  const yaml = ["tenants:", "  - id: contoso", "    name: Contoso", "    connections:", ...connections];
  const { config } = parseConfig(yaml.join("\n"), "t.yaml", now);
  return scan(config, { now, enforceQuotas: false });
}

describe("screenconnect provider (server snapshot)", () => {
  it("reads the version from a binary and the internal users from User.xml, MFA left unknown", async () => {
    const dir = await snapshot({ users, version: "23.9.7.8804" });
    const c = await collect({
      directory: dir,
      versionFile: versionFilePath,
      name: "https://support.contoso.example",
    });
    expect(c.coverage.status).toBe("complete");
    expect(versionOf(c)).toMatchObject({ version: "23.9.7.8804", from: "file" });
    const ep = c.inventory.entryPoints[0];
    expect(ep).toMatchObject({
      kind: "remote-support",
      name: "ScreenConnect https://support.contoso.example",
    });
    expect(c.inventory.accounts.map((a) => [a.name, a.email])).toEqual([
      ["admin", "it@contoso.example"],
      ["tech & co", "tech@contoso.example"],
    ]);
    expect(c.inventory.accessPaths).toHaveLength(2);
    for (const p of c.inventory.accessPaths) {
      expect(p.mfa.state).toBe("unknown");
      expect(p.mfa.reason).toContain("User.xml OTP format is not confirmed");
      expect(p.mfa.reason).toContain("needs attestation");
      expect(p.mfa.evidence[0]).toMatchObject({
        file: join(dir, "App_Data/User.xml"),
        line: expect.any(Number),
      });
    }
    expect(c.inventory.accessPaths[1]?.mfa.evidence[0]?.line).toBe(7);
  });

  it("takes the version from the settings, and prefers the binary when both are given", async () => {
    const dir = await snapshot({ users, version: "24.1.0.8811" });
    const fromSettings = await collect({ directory: dir, version: "23.9.8" });
    expect(versionOf(fromSettings)).toMatchObject({ version: "23.9.8", from: "settings" });
    const both = await collect({ directory: dir, version: "23.9.7", versionFile: versionFilePath });
    expect(versionOf(both)).toMatchObject({ version: "24.1.0.8811", from: "file" });
    expect(both.coverage.notes.join("\n")).toContain("versionFile says 24.1.0.8811, the settings say 23.9.7");
    const none = await collect({ directory: dir });
    expect(versionOf(none)).toMatchObject({ version: null, from: null });
    expect(versionOf(none).reason).toContain("set `version` or `versionFile`");
  });

  it("a file that is not a Windows binary is a gap; the settings' version is the fallback", async () => {
    const dir = await snapshot({ users });
    await writeFile(join(dir, "notes.txt"), "ScreenConnect 23.9.8 installed last week");
    const c = await collect({ directory: dir, versionFile: "notes.txt", version: "23.9.8" });
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]).toMatchObject({ what: "installed version" });
    expect(c.coverage.gaps[0]?.reason).toContain("not a Windows executable");
    expect(versionOf(c)).toMatchObject({ version: "23.9.8", from: "settings" });
  });

  it("malformed User.xml: a gap with file and line; the version check still stands", async () => {
    const dir = await snapshot({
      version: "23.9.7",
      userXml: "<Users>\n  <User>\n    <Name>admin</Name>\n  </Usr>\n</Users>\n",
    });
    const c = await collect({ directory: dir, versionFile: versionFilePath });
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps).toHaveLength(1);
    expect(c.coverage.gaps[0]?.reason).toBe(
      `${join(dir, "App_Data/User.xml")}:4: </Usr> closes <User> opened on line 2`,
    );
    expect(c.inventory.accounts).toEqual([]);
    expect(versionOf(c).version).toBe("23.9.7.0");
  });

  it("hostile User.xml: no DTD, so no external entity is ever read and no entity expands", async () => {
    const secretDir = await mkdtemp(join(tmpdir(), "mfasweep-test-sc-secret-"));
    dirs.push(secretDir);
    await writeFile(join(secretDir, "secret.txt"), "TOP-SECRET-CONTENT");
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE Users [\n  <!ENTITY x SYSTEM "file://${join(secretDir, "secret.txt")}">\n]>\n<Users><User><Name>&x;</Name></User></Users>`;
    const dir = await snapshot({ userXml: xxe });
    const c = await collect({ directory: dir });
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]?.reason).toMatch(/User\.xml:2: a DTD \(<!DOCTYPE>\) is not accepted/);
    expect(JSON.stringify(c)).not.toContain("TOP-SECRET-CONTENT");

    // An entity reference without a DTD is refused, not expanded to nothing.
    const bare = await snapshot({ userXml: "<Users>\n<User><Name>&lol9;</Name></User></Users>" });
    const d = await collect({ directory: bare });
    expect(d.coverage.gaps[0]?.reason).toContain("User.xml:2: unknown entity &lol9;");
  });

  it("records without the configured name field are skipped and counted; other layouts via userFields", async () => {
    const dir = await snapshot({
      userXml: [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<UserList xmlns:sc="urn:example">',
        '  <Entry Login="ann" Mail="ann@contoso.example"/>',
        "  <Entry><sc:Login>bob</sc:Login></Entry>",
        "  <Entry/>",
        "</UserList>",
      ].join("\n"),
    });
    const defaults = await collect({ directory: dir });
    expect(defaults.coverage.counts.skipped).toBe(3);
    expect(defaults.coverage.gaps.map((g) => g.what)).toContain("internal users");
    const custom = await collect({ directory: dir, userFields: { name: "Login", email: "Mail" } });
    expect(custom.inventory.accounts.map((a) => [a.name, a.email ?? null])).toEqual([
      ["ann", "ann@contoso.example"],
      ["bob", null],
    ]);
    expect(custom.coverage.counts.skipped).toBe(1);
    expect(custom.coverage.gaps[0]?.what).toBe(`${join(dir, "App_Data/User.xml")}:5`);
  });

  it("a user listed twice is counted once and the repeat reported", async () => {
    const dir = await snapshot({ users: [...users, { name: "ADMIN" }] });
    const c = await collect({ directory: dir });
    expect(c.inventory.accounts.map((a) => a.name)).toEqual(["admin", "tech & co"]);
    expect(c.coverage.gaps.map((g) => g.reason)).toEqual(["user ADMIN is listed again (first on line 3)"]);
  });

  it("reads a UTF-16 User.xml as .NET may write it", async () => {
    const text = userXml(users).replace('encoding="utf-8"', 'encoding="utf-16"');
    const dir = await snapshot({
      userXml: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
    });
    const c = await collect({ directory: dir });
    expect(c.inventory.accounts.map((a) => a.name)).toEqual(["admin", "tech & co"]);
  });

  it("a missing User.xml is a gap, not an empty user list", async () => {
    const dir = await snapshot({ version: "24.1.0" });
    const c = await collect({ directory: dir, versionFile: versionFilePath });
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]?.reason).toMatch(/cannot read .*User\.xml \(ENOENT\)/);
    expect(versionOf(c).version).toBe("24.1.0.0");
    // The internal users did not vanish: one unknown path on the console names the file and why.
    expect(c.inventory.accessPaths).toEqual([
      expect.objectContaining({
        id: "screenconnect:screenconnect/unread/internal-users",
        accounts: [],
        mfa: expect.objectContaining({
          state: "unknown",
          reason: expect.stringMatching(/App_Data\/User\.xml\) could not be read \(.*ENOENT/),
        }),
      }),
    ]);
  });

  it("through scan: an unread User.xml is an unknown technician result, never nothing", async () => {
    const unread = await snapshot({ version: "24.1.0" });
    const read = await snapshot({ users, version: "24.1.0" });
    const report = await scanSnapshots({ unread, read });
    const technicians = report.results.filter((r) => r.policy === "rmm-technician-mfa-enforced");
    const of = (connection: string) => technicians.filter((r) => r.subject.connection === connection);
    expect(of("unread").map((r) => [r.subject.kind, r.status])).toEqual([["access-path", "unknown"]]);
    expect(of("unread")[0]?.message).toContain("User.xml) could not be read");
    // The file read: one result per user, and no unread path.
    expect(of("read").map((r) => r.subject.kind)).toEqual(["account", "account"]);
  });

  it("external user sources are delegated paths: the identity provider decides", async () => {
    const dir = await snapshot({ users: [] });
    const c = await collect({
      directory: dir,
      userSources: [
        {
          type: "saml",
          name: "Contoso Entra",
          target: "0b7c1a34-5e6f-4a2b-9c8d-7e6f5a4b3c2d",
          targetSource: "entra",
        },
        { type: "ldap", name: "corp.contoso.example" },
      ],
    });
    const [saml, ldap] = c.inventory.accessPaths;
    expect(saml?.chain.delegation).toEqual({
      protocol: "saml",
      target: "0b7c1a34-5e6f-4a2b-9c8d-7e6f5a4b3c2d",
      targetSource: "entra",
    });
    expect(saml?.mfa).toMatchObject({ state: "unknown" });
    expect(saml?.mfa.reason).toContain(
      "signs in through SSO (SAML user source 'Contoso Entra'): the identity provider decides",
    );
    expect(ldap?.chain.delegation?.protocol).toBe("ldap");
    expect(ldap?.mfa.state).toBe("unknown");
  });

  it("doctor names the files and the version it found", async () => {
    const dir = await snapshot({ users, version: "23.9.8.8811" });
    const settings = ScreenConnectSettings.parse({
      type: "screenconnect",
      directory: dir,
      versionFile: versionFilePath,
    });
    const checks = await screenconnect.doctor?.(
      testContext(settings, { connectionId: "screenconnect", now }),
    );
    expect(checks?.map((c) => [c.ok, c.detail])).toEqual([
      [true, "2 user record(s) with a Name field, 0 without"],
      [true, "23.9.8.8811"],
    ]);
  });

  it("through scan: 23.9.7 fails critical whatever the MFA; 23.9.8 passes", async () => {
    const old = await snapshot({ users, version: "23.9.7.8804" });
    const fixed = await snapshot({ users, version: "23.9.8.8811" });
    const report = await scanSnapshots({ old, fixed });
    const cve = report.results.filter((r) => r.policy === "screenconnect-patched-against-cve-2024-1709");
    expect(cve.map((r) => [r.subject.connection, r.status, r.severity]).sort()).toEqual([
      ["fixed", "pass", "critical"],
      ["old", "fail", "critical"],
    ]);
    expect(cve.find((r) => r.status === "fail")?.message).toContain(
      "23.9.7.8804 is vulnerable to CVE-2024-1709",
    );
    // Internal users' MFA is not read: each is an unknown, never a pass.
    const technicians = report.results.filter((r) => r.policy === "rmm-technician-mfa-enforced");
    expect(technicians).toHaveLength(4);
    for (const r of technicians) {
      expect(r.status).toBe("unknown");
      expect(r.message).toContain("needs attestation");
    }
  });
});

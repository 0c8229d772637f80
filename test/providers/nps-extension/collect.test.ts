import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { azureMfaSettings, parseRegExport } from "../../../providers/nps-extension/api.js";
import {
  regExportBytes,
  regExportText,
  typicalValues,
  writeRegExport,
} from "../../../providers/nps-extension/emulator.js";
import { npsExtension } from "../../../providers/nps-extension/index.js";
import { NpsExtensionSettings } from "../../../providers/nps-extension/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { NpsSettingsFact } from "../../../src/link/nps/index.js";
import { scanDemo } from "../../helpers/connection.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-test-nps-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(frontEnds: Array<Record<string, unknown>>) {
  const settings = NpsExtensionSettings.parse({ type: "nps-extension", frontEnds });
  return collectConnection(
    { id: "northwind", name: "Northwind" },
    { id: "nps-extension", type: "nps-extension", settings },
    { quotas: new QuotaRegistry(false) },
  );
}

function frontEnd(registryExport: string, extra: Record<string, unknown> = {}) {
  return { name: "vpn.northwind.example", frontEnd: "rras", npsServer: "nps01", registryExport, ...extra };
}

describe(".reg export parser", () => {
  it("reads regedit's format: header, keys, strings with escapes, dword, hex(2), hex(7), continuations, @, comments", () => {
    const text = [
      "Windows Registry Editor Version 5.00",
      "",
      "; exported by an admin",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa]",
      '"REQUIRE_USER_MATCH"="FALSE"',
      '"Quoted"="say \\"hi\\" C:\\\\x"',
      '"Count"=dword:0000001f',
      '"Expand"=hex(2):25,00,53,00,59,00,53,00,\\',
      "  25,00,00,00",
      '"Multi"=hex(7):61,00,00,00,62,00,00,00,00,00',
      '@="default"',
      '"Gone"=-',
      "",
      "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]",
    ].join("\r\n");
    const reg = parseRegExport(text, "x.reg");
    expect(reg.problems).toEqual([]);
    expect(reg.header).toBe("Windows Registry Editor Version 5.00");
    const values = reg.keys[0]!.values;
    expect(values.map((v) => [v.name, v.line, v.data])).toEqual([
      ["REQUIRE_USER_MATCH", 5, { type: "sz", value: "FALSE" }],
      ["Quoted", 6, { type: "sz", value: 'say "hi" C:\\x' }],
      ["Count", 7, { type: "dword", value: 31 }],
      ["Expand", 8, { type: "expand-sz", value: "%SYS%" }],
      ["Multi", 10, { type: "multi-sz", value: ["a", "b"] }],
      ["", 11, { type: "sz", value: "default" }],
      ["Gone", 12, { type: "delete", value: null }],
    ]);
  });

  it("lists malformed lines with their line numbers and keeps the rest", () => {
    const text = [
      '"Early"="x"',
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa]",
      '"A"=dword:zz',
      'B="x"',
      '"C"="ok"',
    ].join("\n");
    const reg = parseRegExport(text, "x.reg");
    expect(reg.problems.map((p) => p.line)).toEqual([1, 3, 4, 1]);
    expect(reg.keys[0]!.values.map((v) => v.name)).toEqual(["C"]);
  });

  it("settings: not set = TRUE; FALSE in any case; other values unknown; IP_WHITELIST split on ';'; HKLM spelling", () => {
    const settingsOf = (values: Record<string, string | { dword: number }>, key?: string) =>
      azureMfaSettings(parseRegExport(regExportText(values, key), "x.reg"));
    expect(settingsOf({ STS_URL: "https://login.microsoftonline.com/" })).toMatchObject({
      requireUserMatch: { value: true, raw: null, line: null },
      ipWhitelist: { value: [], raw: null },
    });
    expect(settingsOf({ REQUIRE_USER_MATCH: "false" })).toMatchObject({
      requireUserMatch: { value: false, line: 4 },
    });
    expect(settingsOf({ REQUIRE_USER_MATCH: " True " })).toMatchObject({
      requireUserMatch: { value: true, raw: " True " },
    });
    expect(settingsOf({ REQUIRE_USER_MATCH: { dword: 0 } })).toMatchObject({
      requireUserMatch: { value: "unknown", raw: "dword:0" },
    });
    expect(
      settingsOf({ IP_WHITELIST: "10.0.0.1; 10.0.0.2;;" }, "HKLM\\Software\\Microsoft\\AzureMFA"),
    ).toMatchObject({
      ipWhitelist: { value: ["10.0.0.1", "10.0.0.2"], line: 4 },
    });
    expect(settingsOf({ X: "1" }, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Other")).toEqual({
      error: expect.stringContaining("no [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa] key"),
    });
  });

  it("never throws, whatever the text (property)", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "Windows Registry Editor Version 5.00",
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa]",
        '"REQUIRE_USER_MATCH"="FALSE"',
        '"IP_WHITELIST"="1.2.3.4"',
        '"X"=hex(2):41,00,\\',
        '"Y"=dword:',
        "",
      ),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const reg = parseRegExport(lines.join("\r\n"), "f.reg");
        const s = azureMfaSettings(reg);
        if (!("error" in s)) expect([true, false, "unknown"]).toContain(s.requireUserMatch.value);
      }),
    );
  });
});

describe("NPS extension provider", () => {
  it("reads a UTF-16LE regedit export: one delegated RADIUS path per front end, settings as a fact with file:line", async () => {
    const file = await writeRegExport(dir, "nps.reg", typicalValues({ REQUIRE_USER_MATCH: "FALSE" }));
    const rdg = await writeRegExport(dir, "nps-utf8.reg", typicalValues(), "utf-8");
    const c = await collect([
      frontEnd(file, { nasAddresses: ["10.0.0.5"], radiusAddresses: ["10.0.0.10"] }),
      frontEnd(rdg, { name: "rdg.northwind.example", frontEnd: "rd-gateway" }),
    ]);
    expect(c.coverage.status).toBe("complete");
    expect(c.inventory.entryPoints.map((e) => e.kind)).toEqual(["vpn", "rd-gateway"]);
    const [vpn, gateway] = c.inventory.accessPaths;
    expect(vpn!.accounts).toEqual([]);
    expect(vpn!.chain.delegation).toEqual({
      protocol: "radius",
      target: "nps-extension",
      targetSource: "entra",
    });
    expect(vpn!.mfa.state).toBe("unknown");
    expect(vpn!.mfa.reason).toContain("pending resolution");
    expect(vpn!.mfa.reason).toContain("REQUIRE_USER_MATCH FALSE");
    expect(gateway!.mfa.reason).toContain("REQUIRE_USER_MATCH not set (equivalent to TRUE)");
    const fact = c.inventory.facts[0]!;
    expect(fact.kind).toBe("nps-extension.settings");
    expect(NpsSettingsFact.parse(fact.data)).toMatchObject({
      entryPoint: vpn!.entryPoint,
      frontEnd: "rras",
      requireUserMatch: { value: false, raw: "FALSE", line: 6 },
      nasAddresses: ["10.0.0.5"],
      radiusAddresses: ["10.0.0.10"],
    });
    expect(fact.evidence[0]).toMatchObject({ file, line: 6, field: "REQUIRE_USER_MATCH", value: "FALSE" });
  });

  it("the front end's own NAS-IP-Address in IP_WHITELIST: state none for everyone, before any linking", async () => {
    const file = await writeRegExport(dir, "nps.reg", typicalValues({ IP_WHITELIST: "10.0.0.9;10.0.0.5" }));
    const c = await collect([frontEnd(file, { nasAddresses: ["10.0.0.5"] })]);
    expect(c.inventory.accessPaths[0]!.mfa.state).toBe("none");
    expect(c.inventory.accessPaths[0]!.mfa.reason).toContain("10.0.0.5");
  });

  it("a missing file or an export of another key: gap, unknown path, no settings fact", async () => {
    const other = join(dir, "other.reg");
    await writeFile(other, regExportBytes(regExportText({ A: "b" }, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Other")));
    const c = await collect([frontEnd(join(dir, "nope.reg")), frontEnd(other, { name: "second" })]);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps.map((g) => g.reason)).toEqual([
      expect.stringMatching(/ENOENT/),
      expect.stringMatching(/no \[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa\] key/),
    ]);
    expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["unknown", "unknown"]);
    expect(c.inventory.facts).toEqual([]);
  });
});

describe("demo", () => {
  it("nps-extension-requires-user-match fails for Northwind's RD Gateway through the real pipeline", async () => {
    const report = await scanDemo(npsExtension);
    const rum = report.results.find((r) => r.policy === "nps-extension-requires-user-match")!;
    expect(rum.status).toBe("fail");
    expect(rum.subject.name).toContain("rdg.northwind.example");
    expect(report.results.find((r) => r.policy === "nps-extension-ip-allowlist-empty")?.status).toBe("pass");
  });
});

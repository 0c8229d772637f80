import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { typicalWindowsLogonValues, windowsLogonExport } from "../../../providers/duo/emulator.js";
import { windowsLogonSettings } from "../../../providers/duo/windows-logon.js";
import { decodeText } from "../../../src/util/text-file.js";

const text = (local: Record<string, string | number>, policy?: Record<string, string | number>) =>
  decodeText(windowsLogonExport(local, policy)).text;

describe("Duo for Windows Logon registry export", () => {
  it("reads FailOpen and OfflineAvailable from the installer's key, with lines; keeps no SKey", () => {
    const s = windowsLogonSettings(
      text(typicalWindowsLogonValues({ FailOpen: 1, OfflineAvailable: 0 })),
      "w.reg",
    );
    expect(s).toMatchObject({
      failOpen: { value: true, raw: "dword:1", line: 9, from: "local" },
      offlineAvailable: { value: false, line: 10, from: "local" },
    });
    expect(JSON.stringify(s)).not.toContain("never-kept");
  });

  it("a Group Policy value overrides the installer's (Duo: GPO settings override the installation settings)", () => {
    const s = windowsLogonSettings(
      text(typicalWindowsLogonValues({ FailOpen: 1 }), { FailOpen: 0 }),
      "w.reg",
    );
    expect(s).toMatchObject({ failOpen: { value: false, from: "policy" } });
    const opposite = windowsLogonSettings(
      text(typicalWindowsLogonValues({ FailOpen: 0 }), { FailOpen: 1 }),
      "w.reg",
    );
    expect(opposite).toMatchObject({ failOpen: { value: true, from: "policy" } });
  });

  it("not set is null (unknown), a value other than 0/1 or a string is unknown; no DuoCredProv key is an error", () => {
    expect(windowsLogonSettings(text(typicalWindowsLogonValues()), "w.reg")).toMatchObject({
      failOpen: { value: null, line: null },
    });
    expect(windowsLogonSettings(text(typicalWindowsLogonValues({ FailOpen: 2 })), "w.reg")).toMatchObject({
      failOpen: { value: "unknown" },
    });
    expect(windowsLogonSettings(text(typicalWindowsLogonValues({ FailOpen: "1" })), "w.reg")).toMatchObject({
      failOpen: { value: "unknown" },
    });
    expect(
      windowsLogonSettings(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]\r\n",
        "w.reg",
      ),
    ).toMatchObject({
      error: expect.stringMatching(/no \[HKEY_LOCAL_MACHINE\\SOFTWARE\\Duo Security\\DuoCredProv\]/),
    });
  });

  it("property: never throws; FailOpen is true, false, null or unknown, with a line inside the text when set", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "Windows Registry Editor Version 5.00",
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Duo Security\\DuoCredProv]",
        "[HKLM\\SOFTWARE\\Policies\\Duo Security\\DuoCredProv]",
        "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Duo Security\\DuoCredProv]",
        '"FailOpen"=dword:00000001',
        '"FailOpen"=dword:00000000',
        '"FailOpen"=-',
        '"failopen"="1"',
        '"OfflineAvailable"=dword:00000001',
        '"SKey"="SECRETVALUE"',
        '"FailOpen"=hex:01,00',
        "; comment",
        "",
      ),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom("\r\n", "\n"), (lines, eol) => {
        const body = lines.join(eol);
        const s = windowsLogonSettings(body, "p.reg");
        if ("error" in s) return;
        expect([true, false, null, "unknown"]).toContain(s.failOpen.value);
        if (s.failOpen.line !== null) {
          expect(s.failOpen.line).toBeGreaterThanOrEqual(1);
          expect(s.failOpen.line).toBeLessThanOrEqual(lines.length);
        }
        expect(JSON.stringify(s)).not.toContain("SECRETVALUE");
      }),
      { numRuns: 300 },
    );
  });
});

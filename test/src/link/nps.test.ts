import { describe, expect, it } from "vitest";
import {
  type NpsRegistration,
  NpsSettingsFact,
  npsExtensionServing,
  npsSettingsFor,
  npsVerdict,
  readNpsSettings,
} from "../../../src/link/nps/index.js";
import type { Evidence, Fact } from "../../../src/model/index.js";

describe("npsVerdict: the extension's settings combined with one user's Entra registration", () => {
  const evidence: Evidence[] = [{ source: "nps-extension", connection: "nps", note: "settings" }];
  const settings = (over: Partial<NpsSettingsFact> = {}) => ({
    data: NpsSettingsFact.parse({
      entryPoint: "ep",
      frontEnd: "rras",
      server: "nps01",
      file: "x.reg",
      requireUserMatch: { value: true, raw: null, line: null },
      ipWhitelist: { entries: [], raw: null, line: null },
      alternateLoginId: null,
      nasAddresses: ["10.0.0.5"],
      radiusAddresses: [],
      ...over,
    }),
    evidence,
  });
  const registered: NpsRegistration = {
    status: "registered",
    reason: "registered: microsoftAuthenticatorPush, mobilePhone",
    methods: [
      { method: "microsoftAuthenticatorPush", strength: "app" },
      { method: "mobilePhone", strength: "weak" },
      { method: "fido2", strength: "phishing-resistant" },
    ],
  };
  const none: NpsRegistration = {
    status: "not-registered",
    reason: "no multi-factor method registered",
    methods: [],
  };
  const unknown: NpsRegistration = {
    status: "unknown",
    reason: "registration not known: forbidden",
    methods: [],
  };
  const rum = (value: boolean | "unknown", raw: string | null) => ({
    requireUserMatch: { value, raw, line: raw ? 4 : null },
  });
  const cases: Array<[string, ReturnType<typeof settings>, NpsRegistration, string, string | null]> = [
    ["registered, defaults", settings(), registered, "enforced", "weak"],
    ["registered, REQUIRE_USER_MATCH FALSE", settings(rum(false, "FALSE")), registered, "enforced", "weak"],
    ["unregistered, FALSE", settings(rum(false, "FALSE")), none, "bypassable", null],
    ["unregistered, not set", settings(), none, "refused", null],
    ["unregistered, TRUE", settings(rum(true, "TRUE")), none, "refused", null],
    ["unregistered, value not understood", settings(rum("unknown", "dword:0")), none, "unknown", null],
    ["registration unknown, TRUE", settings(), unknown, "enforced", null],
    ["registration unknown, FALSE", settings(rum(false, "FALSE")), unknown, "unknown", null],
    [
      "registered, another NAS listed",
      settings({ ipWhitelist: { entries: ["10.0.0.9"], raw: "10.0.0.9", line: 5 } }),
      registered,
      "bypassable",
      null,
    ],
    [
      "registered, this front end listed",
      settings({ ipWhitelist: { entries: ["10.0.0.5"], raw: "10.0.0.5", line: 5 } }),
      registered,
      "none",
      null,
    ],
  ];
  for (const [name, s, reg, expected, strength] of cases) {
    it(`${name} → ${expected}`, () => {
      const out = npsVerdict(
        s,
        { ...reg, evidence: [{ source: "entra", connection: "entra", note: "reg" }] },
        "j.doe",
      );
      if (expected === "refused") {
        expect(out.kind).toBe("refused");
        return;
      }
      expect(out.kind).toBe("path");
      if (out.kind !== "path") return;
      expect(out.verdict.state).toBe(expected);
      expect(out.verdict.strength).toBe(strength);
      expect(out.verdict.via).toEqual(["nps-extension:nps01", "entra:mfa-registration"]);
      expect(out.verdict.reason).toContain("j.doe");
      expect(out.verdict.evidence.map((e) => e.note)).toEqual(["settings", "reg"]);
    });
  }

  it("quotes the documented behaviour for REQUIRE_USER_MATCH=FALSE", () => {
    const out = npsVerdict(settings(rum(false, "FALSE")), none);
    expect(out.kind === "path" && out.verdict.reason).toContain(
      "authentication proceeds without performing MFA",
    );
  });

  it("readNpsSettings and npsExtensionServing find the NPS server behind a RADIUS target", () => {
    const fact: Fact = {
      kind: "nps-extension.settings",
      id: "f",
      source: "nps-extension",
      connection: "nps",
      data: JSON.parse(
        JSON.stringify(settings({ server: "nps01.northwind.example", radiusAddresses: ["10.20.0.10"] }).data),
      ),
      evidence,
    };
    const other: Fact = { ...fact, id: "g", kind: "something.else" };
    expect(readNpsSettings(fact)).toMatchObject({ data: { server: "nps01.northwind.example" } });
    expect(readNpsSettings({ ...fact, data: { entryPoint: 1 } })).toEqual({
      error: expect.stringMatching(/malformed/),
    });
    expect(npsExtensionServing([other, fact], "10.20.0.10")).toEqual([fact]);
    expect(npsExtensionServing([fact], "10.20.0.10:1812")).toEqual([fact]);
    expect(npsExtensionServing([fact], "NPS01.northwind.example")).toEqual([fact]);
    expect(npsExtensionServing([fact], "10.20.0.11")).toEqual([]);
    expect(npsSettingsFor([other, fact], "ep")).toBe(fact);
  });
});

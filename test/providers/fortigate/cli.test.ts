import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allValues, firstValue, parseFortiConfig } from "../../../providers/fortigate/cli.js";

describe("FortiOS configuration text", () => {
  it("reads config/edit/set/next/end with nested blocks, quoted strings and line numbers", () => {
    const r = parseFortiConfig(`#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config user group
    edit "Staff VPN"
        set member "alice" "bob smith"
        config match
            edit 1
                set server-name "corp-ldap"
                set group-name "CN=VPN,DC=corp"
            next
        end
    next
end
config vpn ssl settings
    set status enable
    config authentication-rule
        edit 1
            set groups "Staff VPN"
        next
    end
end
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.header).toMatch(/^config-version=FG100F/);
    const group = r.root.tables["user group"]![0]!;
    expect(group.key).toBe("Staff VPN");
    expect(group.line).toBe(3);
    expect(allValues(group, "member")).toEqual(["alice", "bob smith"]);
    expect(group.fields.member!.line).toBe(4);
    expect(firstValue(group.tables.match![0], "group-name")).toBe("CN=VPN,DC=corp");
    const settings = r.root.tables["vpn ssl settings"]![0]!;
    expect(settings.key).toBe("");
    expect(firstValue(settings, "status")).toBe("enable");
    expect(allValues(settings.tables["authentication-rule"]![0], "groups")).toEqual(["Staff VPN"]);
  });

  it("keeps multi-line quoted values (certificates) in one field and counts their lines", () => {
    const r = parseFortiConfig(
      'config user saml\n    edit "sso"\n        set idp-cert "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"\n        set entity-id "https://vpn/remote/saml/metadata"\n    next\nend\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sso = r.root.tables["user saml"]![0]!;
    expect(firstValue(sso, "idp-cert")).toContain("MIIB");
    expect(sso.fields["entity-id"]!.line).toBe(6);
  });

  it("applies unset and append", () => {
    const r = parseFortiConfig(
      'config user group\n edit "g"\n  set member "a"\n  append member "b"\n  set comment "x"\n  unset comment\n next\nend\n',
    );
    expect(r.ok && allValues(r.root.tables["user group"]![0], "member")).toEqual(["a", "b"]);
    expect(r.ok && r.root.tables["user group"]![0]!.fields.comment).toBeUndefined();
  });

  it("reports structural errors with their line", () => {
    expect(parseFortiConfig("config user local\n edit a\n next\nend\nend\n")).toEqual({
      ok: false,
      error: "end without a config block",
      line: 5,
    });
    expect(parseFortiConfig("set two-factor disable\n")).toMatchObject({ ok: false, line: 1 });
    expect(parseFortiConfig('config user local\n edit "a\n')).toMatchObject({
      ok: false,
      error: "unterminated quoted string",
      line: 2,
    });
    expect(parseFortiConfig("config user local\n next\n")).toMatchObject({ ok: false, line: 2 });
  });

  it("says when the text ends inside open blocks (a truncated backup)", () => {
    const r = parseFortiConfig('config user local\n edit "a"\n  set two-factor disable\n');
    expect(r.ok && r.truncated).toBe(true);
    expect(r.ok && r.warnings.at(-1)).toMatch(/truncated/);
  });

  it("any whitespace separates words: a vertical tab or form feed in a line ends (it once never advanced)", () => {
    const parsed = parseFortiConfig(
      'config user radius\n    edit "r"\u000b\u000c\u00a0\n        set server "10.0.0.1"\n    next\nend\n',
    );
    expect(parsed.ok).toBe(true);
  });

  it("names that are Object.prototype's members (constructor, __proto__, toString) are names like any other", () => {
    const parsed = parseFortiConfig(
      'config constructor\n    edit "__proto__"\n        set toString "x"\n        set __proto__ "y"\n    next\nend\n',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // Read through a string-typed name, as the providers do (a literal would be typed as Object's member).
    const member = (name: string) => name;
    const entry = parsed.root.tables[member("constructor")]?.[0];
    expect(entry?.key).toBe("__proto__");
    expect(entry?.fields[member("toString")]?.values).toEqual(["x"]);
    expect(Object.keys(entry?.fields ?? {})).toEqual(["toString", "__proto__"]);
  });

  it("an edit of a name seen before in the same table continues that entry (one entry per name, read in linear time)", () => {
    const parsed = parseFortiConfig(
      'config user local\n    edit "a"\n        set x "1"\n    next\n    edit "b"\n    next\n    edit "a"\n        set y "2"\n    next\nend\n',
    );
    expect(parsed.ok && parsed.root.tables["user local"]!.map((o) => [o.key, Object.keys(o.fields)])).toEqual(
      [
        ["a", ["x", "y"]],
        ["b", []],
      ],
    );
  });

  it("property: never throws; always a tree or an error with a line inside the text", () => {
    const word = fc.constantFrom(
      "config",
      "edit",
      "set",
      "unset",
      "next",
      "end",
      "append",
      '"q',
      'x"',
      "a",
      "#c",
      "\\",
    );
    const text = fc
      .array(
        fc.array(word, { maxLength: 5 }).map((w) => w.join(" ")),
        { maxLength: 40 },
      )
      .map((l) => l.join("\n"));
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 300 })), (input) => {
        const r = parseFortiConfig(input);
        if (!r.ok) {
          expect(r.line).toBeGreaterThanOrEqual(1);
          expect(r.line).toBeLessThanOrEqual(input.split("\n").length);
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

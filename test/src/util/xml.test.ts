import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fieldOf, parseXml, XmlError } from "../../../src/util/xml.js";

describe("safe XML parser", () => {
  it("reads elements, attributes, text, CDATA and the predefined entities", () => {
    const root = parseXml(
      '\uFEFF<?xml version="1.0"?>\n<!-- users -->\n<Users a="1 &amp; 2">\n  <User id=\'7\'><Name>a &lt;b&gt; &#65;&#x42;</Name><Note><![CDATA[<raw & text>]]></Note></User>\n</Users>\n',
    );
    expect(root.name).toBe("Users");
    expect(root.attributes).toEqual({ a: "1 & 2" });
    const user = root.children[0]!;
    expect(user.line).toBe(4);
    expect(user.attributes.id).toBe("7");
    expect(fieldOf(user, "Name")).toBe("a <b> AB");
    expect(fieldOf(user, "Note")).toBe("<raw & text>");
    expect(fieldOf(user, "id")).toBe("7");
  });

  it.each([
    ["a DTD", '<!DOCTYPE x [<!ENTITY a "b">]><x/>', /line 1: a DTD/],
    [
      "an external entity",
      '<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://127.0.0.1/x.dtd"><x/>',
      /line 2: a DTD/,
    ],
    ["an undefined entity", "<x>\n&ent;</x>", /line 2: unknown entity &ent;/],
    ["a bare ampersand", "<x>a & b</x>", /'&' not followed by an entity reference/],
    ["a mismatched tag", "<a>\n<b></a>", /line 2: <\/a> closes <b> opened on line 2/],
    ["an unclosed root", "<a>\n<b/>\n", /<a> \(line 1\) is never closed/],
    ["two roots", "<a/><b/>", /content after the root element/],
    ["an empty file", "", /the file is empty/],
    ["an unquoted attribute", "<a b=c/>", /not quoted/],
    ["a repeated attribute", '<a b="1" b="2"/>', /repeated/],
    ["a NUL character reference", "<a>&#0;</a>", /invalid character reference/],
    ["a markup declaration inside", "<a><!ELEMENT a ANY></a>", /markup declaration/],
  ])("refuses %s with its line", (_name, text, message) => {
    expect(() => parseXml(text)).toThrow(XmlError);
    expect(() => parseXml(text)).toThrow(message);
  });

  it("bounds depth and element count", () => {
    const deep = `${"<a>".repeat(100)}${"</a>".repeat(100)}`;
    expect(() => parseXml(deep)).toThrow(/nested deeper than 64/);
    expect(() => parseXml(`<a>${"<b/>".repeat(50)}</a>`, { maxElements: 10 })).toThrow(
      /more than 10 elements/,
    );
  });

  it("never throws anything but XmlError, whatever the input (property)", () => {
    const xmlish = fc.string({
      unit: fc.constantFrom(
        "<",
        ">",
        "/",
        "a",
        "b",
        "=",
        '"',
        "'",
        "&",
        ";",
        "#",
        "x",
        "!",
        "-",
        "?",
        "[",
        "]",
        " ",
        "\n",
        "D",
      ),
      maxLength: 80,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), xmlish), (text) => {
        try {
          const root = parseXml(text);
          expect(typeof root.name).toBe("string");
        } catch (err) {
          expect(err).toBeInstanceOf(XmlError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips generated documents (property)", () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);
    const escapeText = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.string({ maxLength: 20 })), { maxLength: 10 }), (users) => {
        const text = `<Users>\n${users.map(([n, v]) => `<User><${n}>${escapeText(v)}</${n}></User>`).join("\n")}\n</Users>`;
        const root = parseXml(text);
        expect(root.children.map((u) => [u.children[0]?.name, u.children[0]?.text, u.line])).toEqual(
          users.map(([n, v], i) => [n, v, i + 2]),
        );
      }),
      { numRuns: 500 },
    );
  });
});

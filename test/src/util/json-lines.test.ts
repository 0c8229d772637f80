import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineAt, parseJsonWithLines } from "../../../src/util/json-lines.js";

describe("JSON with lines", () => {
  it("gives each key's line and the line/column of a syntax error, like JSON.parse otherwise (property)", () => {
    const parsed = parseJsonWithLines(
      '\uFEFF{\n  "a": {\n    "b": [1,\n      2]\n  },\n  "c": "x\\u0041"\n}',
    );
    expect(parsed).toMatchObject({ ok: true, value: { a: { b: [1, 2] }, c: "xA" } });
    if (!parsed.ok) return;
    expect(parsed.lines.get("a")).toBe(2);
    expect(parsed.lines.get(["a", "b", "1"].join("\u0000"))).toBe(4);
    expect(lineAt(parsed.lines, ["a", "missing", 3])).toBe(2);
    expect(parseJsonWithLines('{"a":\n tru}')).toMatchObject({ ok: false, line: 2, column: 2 });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        const out = parseJsonWithLines(text);
        expect(out.ok).toBe(true);
        if (out.ok) expect(out.value).toEqual(JSON.parse(text));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        const out = parseJsonWithLines(text);
        let native: boolean;
        try {
          JSON.parse(text.replace(/^\uFEFF/, ""));
          native = true;
        } catch {
          native = false;
        }
        expect(out.ok).toBe(native);
      }),
    );
  });
});

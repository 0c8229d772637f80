import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adfProblem } from "../../../../src/export/ticketing/emulators/jira.js";
import {
  forTicketLine,
  forTicketText,
  renderAdf,
  renderHtml,
  renderText,
  type TicketDoc,
} from "../../../../src/export/ticketing/render.js";

/** The neutralisers every ticket body goes through, against arbitrary tenant strings. */

const docOf = (value: string): TicketDoc => ({
  blocks: [
    { kind: "heading", text: "Evidence" },
    { kind: "paragraph", text: value },
    { kind: "field", label: "Subject", value },
    { kind: "list", items: [value, `${value}!`] },
  ],
});

describe("ticket text", () => {
  it("plain text: control and direction characters become visible, < > cannot form markup, [code] is broken up", () => {
    expect(forTicketText("a\x1b[31mb\u202Ec")).toBe("a\\x1b[31mb\\u202ec");
    expect(forTicketText("<b>x</b>")).toBe("‹b›x‹/b›");
    expect(forTicketText("[code]<i>x</i>[/CODE]")).toBe("(code)‹i›x‹/i›(/code)");
    expect(forTicketText("one\r\ntwo\rthree")).toBe("one\ntwo\nthree");
    expect(forTicketLine("one\ntwo\tthree")).toBe("one two three");
  });

  it("HTML: every value is escaped; only our own tags appear", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const html = renderHtml(docOf(value));
        const tags = html.match(/<\/?[a-z]+>/g) ?? [];
        expect(tags.every((t) => /^<\/?(p|strong|ul|li|br)>$/.test(t))).toBe(true);
        expect(html.replace(/<\/?(p|strong|ul|li|br)>/g, "")).not.toMatch(/[<>]/);
      }),
    );
  });

  it("ADF: any tenant string gives a valid document of text nodes only (no marks or links on values)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const adf = renderAdf(docOf(value));
        expect(adfProblem(adf)).toBeUndefined();
        const marked = JSON.stringify(adf).match(/"marks":\[\{"type":"strong"\}\]/g) ?? [];
        // The only mark is on our own label "Subject: ".
        expect(marked).toHaveLength(1);
      }),
    );
  });

  it("plain text never carries a raw < > or an unescaped control character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const text = renderText(docOf(value));
        expect(text).not.toMatch(/[<>]/);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left
        expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
        expect(text.toLowerCase()).not.toContain("[code]");
      }),
    );
  });
});

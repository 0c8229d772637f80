import { describe, expect, it } from "vitest";
import { type Column, cutToWidth, displayWidth, outputWidth, renderGrid } from "../../../src/export/grid.js";

interface Row {
  id: string;
  name: string;
  message: string;
}
const columns: Column<Row>[] = [
  { header: "ID", value: (r) => r.id },
  { header: "NAME", value: (r) => r.name, shrink: true },
  { header: "MESSAGE", value: (r) => r.message, shrink: true },
];
const rows: Row[] = [
  { id: "fp-0123456789abcdef", name: "山田太郎@example.jp", message: "MFA is not enforced for this account" },
  { id: "x", name: "bob", message: "ok" },
];

describe("renderGrid", () => {
  it("lines up by display width: wide characters count two columns", () => {
    const lines = renderGrid(rows, columns, {});
    expect(displayWidth("山田")).toBe(4);
    const at = (line: string) =>
      displayWidth(line.slice(0, line.indexOf("MFA") >= 0 ? line.indexOf("MFA") : line.indexOf("ok")));
    expect(at(lines[1]!)).toBe(at(lines[2]!));
  });

  it("fits the width by shortening the message first, never the id", () => {
    const lines = renderGrid(rows, columns, { width: 60 });
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    expect(lines[1]).toContain("fp-0123456789abcdef");
    expect(lines[1]).toContain("山田太郎@example.jp");
    expect(lines[1]).toMatch(/…$/);
  });

  it("keeps the id whole even when nothing else is left to shorten", () => {
    const lines = renderGrid(rows, columns, { width: 10 });
    expect(lines[1]).toContain("fp-0123456789abcdef");
  });

  it("--wide prints every cell whole", () => {
    const lines = renderGrid(rows, columns, { width: 20, wide: true });
    expect(lines[1]).toContain("MFA is not enforced for this account");
  });

  it("neutralises control characters before measuring", () => {
    const [, line] = renderGrid([{ id: "a\x1b[31m", name: "n", message: "m" }], columns, {});
    expect(line).toContain("a\\x1b[31m");
  });

  it("right-aligns numbers", () => {
    const n: Column<string>[] = [{ header: "COUNT", value: (s) => s, align: "right" }];
    expect(renderGrid(["7"], n, {})).toEqual(["COUNT", "    7"]);
  });
});

describe("cutToWidth", () => {
  it("cuts by display width and marks the cut", () => {
    expect(cutToWidth("abcdef", 4)).toBe("abc…");
    expect(cutToWidth("山田太郎", 5)).toBe("山田…");
    expect(cutToWidth("abc", 3)).toBe("abc");
  });
});

describe("outputWidth", () => {
  it("takes the terminal's width, else COLUMNS (also for pipes), else no limit", () => {
    expect(outputWidth({ isTTY: true, columns: 91 }, { COLUMNS: "50" })).toBe(91);
    expect(outputWidth({ isTTY: false }, { COLUMNS: "50" })).toBe(50);
    expect(outputWidth({ isTTY: false }, { COLUMNS: "wide" })).toBeUndefined();
    expect(outputWidth({ isTTY: false }, {})).toBeUndefined();
  });
});

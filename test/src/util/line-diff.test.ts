import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../../src/util/line-diff.js";

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "f")).toBe("");
  });

  it("shows an append with three lines of context, numbered as diff -u does", () => {
    const before = "1\n2\n3\n4\n5\n";
    const after = "1\n2\n3\n4\n5\n6\n7\n";
    expect(unifiedDiff(before, after, "c.yaml")).toBe(
      "--- c.yaml\n+++ c.yaml\n@@ -3,3 +3,5 @@\n 3\n 4\n 5\n+6\n+7\n",
    );
  });

  it("shows removals and replacements, and keeps distant changes in separate hunks", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"].join("\n");
    const after = ["a", "B", "c", "d", "e", "f", "g", "h", "i", "k"].join("\n");
    expect(unifiedDiff(before, after, "f")).toBe(
      [
        "--- f",
        "+++ f",
        "@@ -1,5 +1,5 @@",
        " a",
        "-b",
        "+B",
        " c",
        " d",
        " e",
        "@@ -7,5 +7,4 @@",
        " g",
        " h",
        " i",
        "-j",
        " k",
        "",
      ].join("\n"),
    );
  });

  it("an insertion at the very start, and into an empty file", () => {
    expect(unifiedDiff("x\n", "new\nx\n", "f")).toBe("--- f\n+++ f\n@@ -1,1 +1,2 @@\n+new\n x\n");
    expect(unifiedDiff("", "new\n", "f")).toBe("--- f\n+++ f\n@@ -0,0 +1,1 @@\n+new\n");
  });
});

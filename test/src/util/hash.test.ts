import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/util/hash.js";

describe("sha256Hex", () => {
  it("is SHA-256 of the UTF-8 text, as createHash computes it (crypto.hash where Node has it)", () => {
    for (const text of ["", "abc", "tenant\u0000policy", "Zoë 🔑 ü", "x".repeat(100_000)])
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    // The published test vector for "abc".
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

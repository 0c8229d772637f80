import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeBinaryWithVersion } from "../../../providers/screenconnect/emulator.js";
import { readBinaryVersion, VersionFileError } from "../../../providers/screenconnect/pe-version.js";

describe("binary version resource", () => {
  it("reads VS_FIXEDFILEINFO's product version", () => {
    expect(readBinaryVersion(fakeBinaryWithVersion("23.9.7.8804"))).toEqual({
      product: "23.9.7.8804",
      file: "23.9.7.8804",
    });
  });

  it("refuses non-executables and executables without a version", () => {
    expect(() =>
      readBinaryVersion(Buffer.from("not a binary at all, just some text here.....................")),
    ).toThrow(VersionFileError);
    const bare = Buffer.alloc(256);
    bare.write("MZ");
    expect(() => readBinaryVersion(bare)).toThrow(/no version resource/);
  });

  it("never throws anything but VersionFileError on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, mz) => {
        const data = Buffer.from(bytes);
        if (mz && data.length >= 2) data.write("MZ");
        try {
          const v = readBinaryVersion(data);
          expect(v.product).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        } catch (err) {
          expect(err).toBeInstanceOf(VersionFileError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

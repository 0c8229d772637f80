import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { decodeText, FileReadError, readTextFile, readTextFileSync } from "../../../src/util/text-file.js";

describe("config files exported from devices", () => {
  const text = 'Windows Registry Editor Version 5.00\r\n"A"="é"\r\n';
  it("decodes UTF-16LE and UTF-16BE by BOM, UTF-8 with or without BOM, and BOM-less UTF-16LE", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(Buffer.from(text, "utf16le")).swap16();
    expect(decodeText(le)).toEqual({ text, encoding: "utf-16le" });
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({
      text,
      encoding: "utf-16be",
    });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({
      text,
      encoding: "utf-8",
    });
    expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: "utf-8" });
    expect(decodeText(Buffer.from(text, "utf16le"))).toEqual({ text, encoding: "utf-16le" });
  });

  it("refuses a missing file, a directory and an oversized file with a ConfigError naming the path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mfasweep-text-file-"));
    try {
      const big = join(dir, "big.txt");
      await writeFile(big, "x".repeat(100));
      await expect(readTextFile(join(dir, "nope"))).rejects.toThrow(/cannot read .*nope \(ENOENT\)/);
      await expect(readTextFile(dir)).rejects.toThrow(ConfigError);
      await expect(readTextFile(big, { maxBytes: 10, what: "backup" })).rejects.toThrow(
        /^the backup .*big\.txt is 100 bytes, more than 10 bytes, the most mfasweep reads$/,
      );
      await expect(readTextFile(big)).resolves.toMatchObject({ encoding: "utf-8" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a FIFO without waiting for a writer, sync or not, naming what the file is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mfasweep-text-file-"));
    try {
      const fifo = join(dir, "export.conf");
      execFileSync("mkfifo", [fifo]);
      await expect(readTextFile(fifo, { what: "gateway export" })).rejects.toThrow(
        new FileReadError(`the gateway export ${fifo} is not a regular file`, "ENOTREG"),
      );
      expect(() => readTextFileSync(fifo)).toThrow(/is not a regular file/);
      const missing = await readTextFile(join(dir, "nope")).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(FileReadError);
      expect((missing as FileReadError).code).toBe("ENOENT");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

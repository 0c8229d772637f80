import { readFile, stat } from "node:fs/promises";
import { ConfigError } from "../errors.js";

/**
 * Reads a config file copied or exported from a device (server.conf, wg0.conf, a `.reg` export, an ARM
 * export). Windows tools write UTF-16LE with a BOM (regedit's "Windows Registry Editor Version 5.00"
 * export); everything else is UTF-8, with or without a BOM. A file that cannot be read is a ConfigError
 * naming the path and the error code, never its content.
 */

export const defaultMaxBytes = 8 * 1024 * 1024;

/** Decodes by byte order mark: UTF-16LE/BE with a BOM, else UTF-8 (a UTF-8 BOM is dropped). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: "utf-8" | "utf-16le" | "utf-16be" } {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  const utf8 =
    bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
      ? bytes.subarray(3)
      : bytes;
  // UTF-16LE without a BOM (PowerShell `Out-File` on some versions): ASCII text with every other byte 0.
  if (utf8.length >= 4 && utf8[1] === 0 && utf8[3] === 0 && utf8[0] !== 0)
    return { text: new TextDecoder("utf-16le").decode(utf8), encoding: "utf-16le" };
  return { text: new TextDecoder("utf-8").decode(utf8), encoding: "utf-8" };
}

export async function readTextFile(
  path: string,
  maxBytes = defaultMaxBytes,
): Promise<{ text: string; encoding: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigError(`${path} is not a file`);
    if (info.size > maxBytes) throw new ConfigError(`${path} is larger than ${maxBytes} bytes`);
    return decodeText(await readFile(path));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { ConfigError } from "../errors.js";

/**
 * The one reader for files a customer or an operator hands us (device config exports, attestations,
 * snapshots, CA bundles): a size cap checked before and while reading (a file that grows, a FIFO or a
 * device never fills memory or hangs), encoding by byte order mark (Windows tools write UTF-16LE with a
 * BOM, e.g. regedit's "Windows Registry Editor Version 5.00" export), and errors that name the path and
 * the error code, never the content. Parsers report problems as `path:line` through `lineError`.
 */

export const defaultMaxBytes = 8 * 1024 * 1024;

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

export interface TextFile {
  text: string;
  encoding: TextEncoding;
}

export interface ReadOptions {
  /** Larger files are refused (default 8 MiB). */
  maxBytes?: number;
  /** What the file is, for messages: `the configuration backup`. Default `file`. */
  what?: string;
}

/** Decodes by byte order mark: UTF-16LE/BE with a BOM, else UTF-8 (a UTF-8 BOM is dropped). */
export function decodeText(bytes: Uint8Array): TextFile {
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

/** A problem at a line of a file, as `path:line: message`. */
export function lineError(path: string, line: number, message: string): ConfigError {
  return new ConfigError(message, `${path}:${line}`);
}

/**
 * A customer file that could not be read (missing, not a regular file, over the size cap). A ConfigError:
 * the path in the config is what to fix. `code` is the system's error code, e.g. ENOENT.
 */
export class FileReadError extends ConfigError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function tooLarge(path: string, what: string, size: number | undefined, max: number): FileReadError {
  return new FileReadError(
    `the ${what} ${path} is ${size === undefined ? "more than" : `${size} bytes, more than`} ${max} bytes, the most mfasweep reads`,
    "EFBIG",
  );
}

function cannotRead(path: string, what: string, err: unknown): FileReadError {
  if (err instanceof FileReadError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new FileReadError(`cannot read the ${what} ${path} (${code ?? "error"})`, code);
}

function notRegular(path: string, what: string): FileReadError {
  return new FileReadError(`the ${what} ${path} is not a regular file`, "ENOTREG");
}

const chunkBytes = 64 * 1024;

/**
 * Reads a file of at most `maxBytes`, chunk by chunk until its end: past the cap it is refused, whatever
 * stat said (a file that grows). Not a regular file (a FIFO, a device, a directory): refused before
 * reading, opened non-blocking so a FIFO without a writer cannot hang the read either.
 */
export async function readBoundedFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
  const max = options.maxBytes ?? defaultMaxBytes;
  const what = options.what ?? "file";
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(path, what);
    if (info.size > max) throw tooLarge(path, what, info.size, max);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      total += bytesRead;
      if (total > max) throw tooLarge(path, what, undefined, max);
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } catch (err) {
    throw cannotRead(path, what, err);
  } finally {
    await handle?.close();
  }
}

/** `readBoundedFile`, decoded by `decodeText`. */
export async function readTextFile(path: string, options: ReadOptions = {}): Promise<TextFile> {
  return decodeText(await readBoundedFile(path, options));
}

/** `readTextFile` for the few places that must read synchronously (a CA bundle in a constructor). */
export function readTextFileSync(path: string, options: ReadOptions = {}): TextFile {
  const max = options.maxBytes ?? defaultMaxBytes;
  const what = options.what ?? "file";
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    if (!info.isFile()) throw notRegular(path, what);
    if (info.size > max) throw tooLarge(path, what, info.size, max);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const bytesRead = readSync(fd, chunk, 0, chunkBytes, null);
      if (bytesRead === 0) return decodeText(Buffer.concat(chunks, total));
      total += bytesRead;
      if (total > max) throw tooLarge(path, what, undefined, max);
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } catch (err) {
    throw cannotRead(path, what, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

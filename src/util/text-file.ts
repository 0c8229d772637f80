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
 * A file's bytes as they are read, chunk by chunk, until its end: past `max` it is refused, whatever stat
 * said (a file that grows). Shared by the async and the sync reader.
 */
class Bytes {
  readonly #chunks: Buffer[] = [];
  #total = 0;
  constructor(
    readonly max: number,
    private readonly tooBig: () => FileReadError,
  ) {}
  /** A fresh buffer to read the next chunk into. */
  next(): Buffer {
    return Buffer.allocUnsafe(chunkBytes);
  }
  /** Takes `n` bytes of `chunk`; false at the end of the file. */
  take(chunk: Buffer, n: number): boolean {
    if (n === 0) return false;
    this.#total += n;
    if (this.#total > this.max) throw this.tooBig();
    this.#chunks.push(chunk.subarray(0, n));
    return true;
  }
  all(): Buffer {
    return Buffer.concat(this.#chunks, this.#total);
  }
}

/** Refuses what is not a regular file (a FIFO, a device, a directory) or is already over the cap. */
function checkStat(info: { isFile(): boolean; size: number }, path: string, what: string, max: number): void {
  if (!info.isFile()) throw notRegular(path, what);
  if (info.size > max) throw tooLarge(path, what, info.size, max);
}

/**
 * Reads a file of at most `maxBytes`. Not a regular file: refused before reading, and opened non-blocking
 * so a FIFO without a writer cannot hang the read either.
 */
export async function readBoundedFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
  const max = options.maxBytes ?? defaultMaxBytes;
  const what = options.what ?? "file";
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    checkStat(await handle.stat(), path, what, max);
    const bytes = new Bytes(max, () => tooLarge(path, what, undefined, max));
    for (
      let chunk = bytes.next();
      bytes.take(chunk, (await handle.read(chunk, 0, chunkBytes, null)).bytesRead);
    )
      chunk = bytes.next();
    return bytes.all();
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
    const opened = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    fd = opened;
    checkStat(fstatSync(opened), path, what, max);
    const bytes = new Bytes(max, () => tooLarge(path, what, undefined, max));
    for (let chunk = bytes.next(); bytes.take(chunk, readSync(opened, chunk, 0, chunkBytes, null)); )
      chunk = bytes.next();
    return decodeText(bytes.all());
  } catch (err) {
    throw cannotRead(path, what, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

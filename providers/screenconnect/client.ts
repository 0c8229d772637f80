import { open } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { ProviderResponseError, ProviderUnavailableError } from "../../src/errors.js";
import { fieldOf, parseXml, XmlError } from "../../src/util/xml.js";
import { ScreenConnectUser } from "./api.js";
import { readBinaryVersion, VersionFileError } from "./pe-version.js";
import type { ScreenConnectSettings } from "./settings.js";

/**
 * Transport for a ScreenConnect server snapshot: reads the copied files with size limits, parses User.xml
 * with the safe parser and the version from a binary. Only reads; knows nothing about policies.
 */

/** User.xml of even a large instance is a few MB; anything bigger is not what we expect. */
const maxUserFileBytes = 16 * 1024 * 1024;
const maxBinaryBytes = 256 * 1024 * 1024;

export function pathIn(settings: ScreenConnectSettings, file: string): string {
  return isAbsolute(file) ? file : resolve(join(settings.directory, file));
}

/** Reads at most `limit` bytes; a larger file is refused rather than loaded. */
async function readLimited(path: string, limit: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ProviderUnavailableError(`cannot read ${path} (${code})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ProviderResponseError(`${path} is not a file`);
    if (info.size > limit)
      throw new ProviderResponseError(`${path} is ${info.size} bytes, more than ${limit}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** UTF-8 unless the file starts with a UTF-16 byte order mark (as .NET may write it). */
function decodeText(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString("utf16le");
  if (data[0] === 0xfe && data[1] === 0xff) {
    const swapped = Buffer.from(data.subarray(2));
    swapped.swap16();
    return swapped.toString("utf16le");
  }
  return data.toString("utf8");
}

export interface UserFileRead {
  path: string;
  root: string;
  users: ScreenConnectUser[];
  /** Records that had no login name in the configured field: counted and reported. */
  skipped: Array<{ line: number; reason: string }>;
}

/** Parses User.xml; a malformed or hostile file throws with `file:line` and never crashes. */
export async function readUserFile(settings: ScreenConnectSettings): Promise<UserFileRead> {
  const path = pathIn(settings, settings.userFile);
  const data = await readLimited(path, maxUserFileBytes);
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml(decodeText(data));
  } catch (err) {
    if (err instanceof XmlError)
      throw new ProviderResponseError(`${path}:${err.line}: ${err.message.replace(/^line \d+: /, "")}`);
    throw err;
  }
  const users: ScreenConnectUser[] = [];
  const skipped: UserFileRead["skipped"] = [];
  for (const record of root.children) {
    const name = fieldOf(record, settings.userFields.name);
    const email = fieldOf(record, settings.userFields.email);
    const parsed = ScreenConnectUser.safeParse({ name, ...(email ? { email } : {}), line: record.line });
    if (parsed.success) users.push(parsed.data);
    else
      skipped.push({
        line: record.line,
        reason: `<${record.name}> has no ${settings.userFields.name} (child element or attribute)`,
      });
  }
  return { path, root: root.name, users, skipped };
}

/** The product version from a binary's version resource. */
export async function readVersionFile(
  settings: ScreenConnectSettings,
  file: string,
): Promise<{ path: string; version: string }> {
  const path = pathIn(settings, file);
  const data = await readLimited(path, maxBinaryBytes);
  try {
    return { path, version: readBinaryVersion(data).product };
  } catch (err) {
    if (err instanceof VersionFileError) throw new ProviderResponseError(`${path}: ${err.message}`);
    throw err;
  }
}

import { isAbsolute, join, resolve } from "node:path";
import { ProviderResponseError } from "../../src/errors.js";
import { decodeText, readBoundedFile } from "../../src/util/text-file.js";
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
  const data = await readBoundedFile(path, { maxBytes: maxUserFileBytes, what: "user file" });
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml(decodeText(data).text);
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
  const data = await readBoundedFile(path, { maxBytes: maxBinaryBytes, what: "binary" });
  try {
    return { path, version: readBinaryVersion(data).product };
  } catch (err) {
    if (err instanceof VersionFileError) throw new ProviderResponseError(`${path}: ${err.message}`);
    throw err;
  }
}

import { readTextFile } from "../../src/util/text-file.js";
import { type AzureMfaSettings, azureMfaSettings, parseRegExport, type RegExport } from "./api.js";

/**
 * Reads one registry export (UTF-16LE with a BOM as regedit writes it, or UTF-8) and the extension's
 * settings in it. Throws a ConfigError when the file cannot be read; a file without the AzureMfa key comes
 * back as `{ error }`.
 */
export async function readRegistryExport(
  file: string,
): Promise<{ reg: RegExport; settings: AzureMfaSettings | { error: string } }> {
  const { text } = await readTextFile(file, { maxBytes: 2 * 1024 * 1024, what: "registry export" });
  const reg = parseRegExport(text, file);
  return { reg, settings: azureMfaSettings(reg) };
}

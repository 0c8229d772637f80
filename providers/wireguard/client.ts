import { basename } from "node:path";
import { readTextFile } from "../../src/util/text-file.js";
import { parseWireGuardConfig, type WireGuardConfig } from "./api.js";
import type { WireGuardInterfaceSettings } from "./settings.js";

/** Reads and parses one saved interface configuration. Throws a ConfigError naming the file when unreadable. */
export async function readInterface(
  settings: WireGuardInterfaceSettings,
): Promise<{ name: string; config: WireGuardConfig }> {
  const { text } = await readTextFile(settings.file, { maxBytes: 4 * 1024 * 1024, what: "WireGuard config" });
  return { name: interfaceName(settings), config: parseWireGuardConfig(text, settings.file) };
}

export function interfaceName(settings: WireGuardInterfaceSettings): string {
  return settings.name ?? basename(settings.file).replace(/\.conf$/i, "");
}

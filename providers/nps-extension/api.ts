/**
 * The boundary: a Registry Editor export (`.reg`) of `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\AzureMfa`, the
 * key where the NPS extension for Microsoft Entra multifactor authentication reads its settings.
 *
 * Format (regedit): a header line `Windows Registry Editor Version 5.00` (UTF-16LE with a BOM, regedit's
 * default export) or `REGEDIT4` (ANSI); `[HKEY_...\path]` key lines; `"Name"="string"` (with `\\` and `\"`
 * escapes), `"Name"=dword:0000000a`, `"Name"=hex(2):..` (REG_EXPAND_SZ, UTF-16LE bytes), `hex(7)` (multi
 * string), `hex(b)` (qword), `hex:` (binary); `@=` is the key's default value; a value line ending in `\`
 * continues on the next line; `;` starts a comment line.
 *
 * Settings (Microsoft Learn, howto-mfa-nps-extension.md and howto-mfa-nps-extension-advanced.md):
 * `REQUIRE_USER_MATCH` TRUE/FALSE, "Not set (equivalent to TRUE)"; `IP_WHITELIST`, a semicolon-separated
 * list of IP addresses compared with the RADIUS request's NAS-IP-Address; `LDAP_ALTERNATE_LOGINID_ATTRIBUTE`.
 * Other values of the key (certificate identifiers, service host names) are not kept. The fact recorded per
 * front end (the contract with the delegation linker and the policies) is in `src/model/facts/nps-extension.ts`.
 */

export const azureMfaKey = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa";

export {
  normalizeKeyPath,
  parseRegExport,
  type RegEntry,
  type RegExport,
  type RegKey,
  type RegValue,
} from "../../src/util/reg-export.js";

import { normalizeKeyPath, type RegEntry, type RegExport, type RegValue } from "../../src/util/reg-export.js";

// ---------------------------------------------------------------------------------------------------
// What the NPS extension's key says.

export interface RegSetting<T> {
  value: T;
  /** The registry data as exported; null when the value is absent. */
  raw: string | null;
  line: number | null;
}

export interface AzureMfaSettings {
  file: string;
  /** Line of the `[...\AzureMfa]` key. */
  keyLine: number;
  /** TRUE when not set ("Not set (equivalent to TRUE)"); "unknown" when set to anything but TRUE/FALSE. */
  requireUserMatch: RegSetting<boolean | "unknown">;
  ipWhitelist: RegSetting<string[]>;
  alternateLoginId: RegSetting<string | null>;
}

function stringOf(data: RegValue): string | null {
  if (data.type === "sz" || data.type === "expand-sz") return data.value;
  if (data.type === "multi-sz") return data.value.join(";");
  return null;
}

function rawOf(data: RegValue): string {
  if (data.type === "dword" || data.type === "qword") return `${data.type}:${data.value}`;
  if (data.type === "binary") return "hex:…";
  return stringOf(data) ?? String(data.value);
}

/**
 * The extension's settings from an export, or why they cannot be read. The last line wins for a value
 * set twice (regedit applies lines in order).
 */
export function azureMfaSettings(reg: RegExport): AzureMfaSettings | { error: string } {
  const wanted = normalizeKeyPath(azureMfaKey);
  const keys = reg.keys.filter((k) => normalizeKeyPath(k.path) === wanted);
  if (keys.length === 0)
    return {
      error: `the export has no [${azureMfaKey}] key (export that key with regedit or \`reg export\`)`,
    };
  const value = (name: string): RegEntry | undefined =>
    keys
      .flatMap((k) => k.values)
      .filter((v) => v.name.toUpperCase() === name)
      .at(-1);
  const rum = value("REQUIRE_USER_MATCH");
  let requireUserMatch: AzureMfaSettings["requireUserMatch"];
  if (!rum || rum.data.type === "delete") requireUserMatch = { value: true, raw: null, line: null };
  else {
    const s = stringOf(rum.data)?.trim().toUpperCase();
    requireUserMatch = {
      value: s === "TRUE" ? true : s === "FALSE" ? false : "unknown",
      raw: rawOf(rum.data).slice(0, 100),
      line: rum.line,
    };
  }
  const ipw = value("IP_WHITELIST");
  const ipText = ipw && ipw.data.type !== "delete" ? (stringOf(ipw.data) ?? rawOf(ipw.data)) : null;
  const alt = value("LDAP_ALTERNATE_LOGINID_ATTRIBUTE");
  const altText = alt && alt.data.type !== "delete" ? stringOf(alt.data)?.trim() || null : null;
  return {
    file: reg.file,
    keyLine: keys[0]!.line,
    requireUserMatch,
    ipWhitelist: {
      value: (ipText ?? "")
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => s.slice(0, 100)),
      raw: ipText === null ? null : ipText.slice(0, 2000),
      line: ipw && ipw.data.type !== "delete" ? ipw.line : null,
    },
    alternateLoginId: { value: altText, raw: altText, line: altText ? alt!.line : null },
  };
}

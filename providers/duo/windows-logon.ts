import {
  normalizeKeyPath,
  parseRegExport,
  type RegEntry,
  type RegExport,
} from "../../src/util/reg-export.js";

/**
 * Duo Authentication for Windows Logon (DuoCredProv) from a registry export (`reg export`) of its keys.
 *
 * Where it keeps its settings (Duo's Windows Logon documentation, Group Policy section): the installer's
 * settings under `HKLM\SOFTWARE\Duo Security\DuoCredProv`; a Group Policy writes
 * `HKLM\SOFTWARE\Policies\Duo Security\DuoCredProv`, which "overrides the original Duo installation
 * settings". Values read:
 * - `FailOpen` (DWORD; 1 = fail open): the installer's "Bypass Duo authentication when offline" option
 *   (installer property FAILOPEN), which lets the Windows password alone through when Duo's service cannot
 *   be reached. The value name is the one deployment scripts set beside the documented FAILOPEN property;
 *   Duo's pages we could read do not print it, so only 0 and 1 are read and anything else is unknown.
 *   Not set: unknown (the installer default changed between versions: fail open up to 4.2.2, fail closed
 *   from 4.3.0).
 * - `OfflineAvailable` (DWORD): offline access, which Duo documents as MFA with a Duo Mobile passcode or a
 *   security key while the host cannot reach Duo: kept as evidence, not a bypass.
 * Nothing else is kept (the `SKEY` value is a secret). Pure; never throws.
 */

export const duoCredProvKeys = {
  local: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Duo Security\\DuoCredProv",
  policy: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Duo Security\\DuoCredProv",
} as const;

export interface DwordSetting {
  /** 1/0 as read; null when absent; "unknown" when present but neither 0 nor 1 (or not a DWORD). */
  value: boolean | null | "unknown";
  raw: string | null;
  line: number | null;
  /** Which key set it: a Group Policy value wins over the installer's. */
  from: "policy" | "local" | null;
}

export interface WindowsLogonSettings {
  file: string;
  keyLine: number;
  failOpen: DwordSetting;
  offlineAvailable: DwordSetting;
}

function lastValue(reg: RegExport, key: string, name: string): RegEntry | undefined {
  const wanted = normalizeKeyPath(key);
  return reg.keys
    .filter((k) => normalizeKeyPath(k.path) === wanted)
    .flatMap((k) => k.values)
    .filter((v) => v.name.toLowerCase() === name.toLowerCase())
    .at(-1);
}

function dword(reg: RegExport, name: string): DwordSetting {
  for (const from of ["policy", "local"] as const) {
    const entry = lastValue(reg, duoCredProvKeys[from], name);
    if (!entry || entry.data.type === "delete") continue;
    const raw =
      entry.data.type === "dword" || entry.data.type === "qword"
        ? `dword:${entry.data.value}`
        : `${entry.data.type}`;
    const value =
      entry.data.type === "dword" && (entry.data.value === 0 || entry.data.value === 1)
        ? entry.data.value === 1
        : "unknown";
    return { value, raw, line: entry.line, from };
  }
  return { value: null, raw: null, line: null, from: null };
}

/** The settings, or why the export cannot say (no DuoCredProv key at all). */
export function windowsLogonSettings(text: string, file: string): WindowsLogonSettings | { error: string } {
  const reg = parseRegExport(text, file);
  const keys = reg.keys.filter((k) =>
    Object.values(duoCredProvKeys).some((p) => normalizeKeyPath(p) === normalizeKeyPath(k.path)),
  );
  if (keys.length === 0)
    return {
      error: `the export has no [${duoCredProvKeys.local}] or [${duoCredProvKeys.policy}] key (export them with \`reg export\`)`,
    };
  return {
    file,
    keyLine: keys[0]!.line,
    failOpen: dword(reg, "FailOpen"),
    offlineAvailable: dword(reg, "OfflineAvailable"),
  };
}

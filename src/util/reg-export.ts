/**
 * A Registry Editor export (`.reg`), parsed without Windows. Format (regedit): a header line `Windows
 * Registry Editor Version 5.00` (UTF-16LE with a BOM, regedit's default export) or `REGEDIT4` (ANSI);
 * `[HKEY_...\path]` key lines; `"Name"="string"` (with `\\` and `\"` escapes), `"Name"=dword:0000000a`,
 * `"Name"=hex(2):..` (REG_EXPAND_SZ, UTF-16LE bytes), `hex(7)` (multi string), `hex(b)` (qword), `hex:`
 * (binary); `@=` is the key's default value; a value line ending in `\` continues on the next line; `;`
 * starts a comment line. Shared by the NPS-extension and Duo Windows Logon readers.
 */

export type RegValue =
  | { type: "sz"; value: string }
  | { type: "dword" | "qword"; value: number }
  | { type: "expand-sz"; value: string }
  | { type: "multi-sz"; value: string[] }
  | { type: "binary"; value: number[] }
  | { type: "other"; value: string }
  | { type: "delete"; value: null };

export interface RegEntry {
  name: string;
  line: number;
  data: RegValue;
}

export interface RegKey {
  path: string;
  line: number;
  values: RegEntry[];
}

export interface RegExport {
  file: string;
  header: "Windows Registry Editor Version 5.00" | "REGEDIT4" | null;
  keys: RegKey[];
  problems: Array<{ line: number; message: string }>;
}

const rootNames: Record<string, string> = {
  HKLM: "HKEY_LOCAL_MACHINE",
  HKEY_LOCAL_MACHINE: "HKEY_LOCAL_MACHINE",
  HKCU: "HKEY_CURRENT_USER",
  HKEY_CURRENT_USER: "HKEY_CURRENT_USER",
  HKEY_USERS: "HKEY_USERS",
  HKEY_CLASSES_ROOT: "HKEY_CLASSES_ROOT",
  HKEY_CURRENT_CONFIG: "HKEY_CURRENT_CONFIG",
};

/** `HKLM\Software\...` and `HKEY_LOCAL_MACHINE\SOFTWARE\...` compare equal (registry paths ignore case). */
export function normalizeKeyPath(path: string): string {
  const parts = path.trim().replace(/\\+$/, "").split("\\");
  const root = rootNames[parts[0]!.toUpperCase()] ?? parts[0]!.toUpperCase();
  return [root, ...parts.slice(1)].join("\\").toLowerCase();
}

/** Reads a quoted .reg string starting at `text[start] === '"'`; returns the value and the index after it. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      value += text[i + 1];
      i++;
      continue;
    }
    if (c === '"') return { value, end: i + 1 };
    value += c;
  }
  return undefined;
}

function hexBytes(list: string): number[] | undefined {
  const parts = list
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    bytes.push(Number.parseInt(p, 16));
  }
  return bytes;
}

function utf16(bytes: number[]): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  return out;
}

function parseData(raw: string): RegValue | { error: string } {
  const text = raw.trim();
  if (text === "-") return { type: "delete", value: null };
  if (text.startsWith('"')) {
    const q = readQuoted(text, 0);
    if (!q) return { error: "unterminated string value" };
    if (text.slice(q.end).trim() !== "") return { error: "text after a string value" };
    return { type: "sz", value: q.value };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/i.exec(text);
  if (dword) return { type: "dword", value: Number.parseInt(dword[1]!, 16) };
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/i.exec(text);
  if (hex) {
    const bytes = hexBytes(hex[2]!);
    if (!bytes) return { error: "malformed hex data" };
    const kind = (hex[1] ?? "3").toLowerCase();
    if (kind === "2") return { type: "expand-sz", value: utf16(bytes).replace(/\0+$/, "") };
    if (kind === "7")
      return {
        type: "multi-sz",
        value: utf16(bytes)
          .split("\0")
          .filter((s) => s !== ""),
      };
    if (kind === "b") {
      let n = 0;
      for (let i = Math.min(bytes.length, 7) - 1; i >= 0; i--) n = n * 256 + bytes[i]!;
      return { type: "qword", value: n };
    }
    if (kind === "4") {
      let n = 0;
      for (let i = Math.min(bytes.length, 4) - 1; i >= 0; i--) n = n * 256 + bytes[i]!;
      return { type: "dword", value: n };
    }
    if (kind === "3" || kind === "0") return { type: "binary", value: bytes.slice(0, 64) };
    return { type: "other", value: `hex(${kind})` };
  }
  return { error: "value is not a string, dword or hex data" };
}

/** Parses a .reg export. Never throws: lines it cannot read are listed in `problems`. */
export function parseRegExport(text: string, file: string): RegExport {
  const out: RegExport = { file, header: null, keys: [], problems: [] };
  if (typeof text !== "string") {
    out.problems.push({ line: 1, message: "not text" });
    return out;
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let key: RegKey | null = null;
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    let line = lines[n]!;
    if (line.trim() === "" || line.trimStart().startsWith(";")) continue;
    if (out.header === null && out.keys.length === 0 && !line.trimStart().startsWith("[")) {
      const head = line.trim();
      if (head === "Windows Registry Editor Version 5.00" || head === "REGEDIT4") {
        out.header = head;
        continue;
      }
      out.problems.push({
        line: lineNo,
        message: "expected the header 'Windows Registry Editor Version 5.00' or 'REGEDIT4'",
      });
      continue;
    }
    const keyLine = /^\s*\[(-?)([^\]]+)\]\s*$/.exec(line);
    if (keyLine) {
      if (keyLine[1] === "-") {
        key = null;
        continue;
      }
      key = { path: keyLine[2]!.trim(), line: lineNo, values: [] };
      out.keys.push(key);
      continue;
    }
    // A value; hex data continues on the next line after a trailing backslash.
    const start = lineNo;
    if (/=\s*hex/i.test(line)) {
      // Collected in parts and joined once: re-reading the growing line made a long blob quadratic.
      const parts: string[] = [];
      let part = line.trimEnd();
      while (part.endsWith("\\") && n + 1 < lines.length) {
        parts.push(part.slice(0, -1));
        part = lines[++n]!.trim();
      }
      parts.push(part);
      line = parts.join("");
    }
    if (!key) {
      out.problems.push({ line: start, message: "a value before any [key] line" });
      continue;
    }
    let name: string;
    let rest: string;
    const trimmed = line.trimStart();
    if (trimmed.startsWith("@")) {
      name = "";
      rest = trimmed.slice(1);
    } else if (trimmed.startsWith('"')) {
      const q = readQuoted(trimmed, 0);
      if (!q) {
        out.problems.push({ line: start, message: "unterminated value name" });
        continue;
      }
      name = q.value;
      rest = trimmed.slice(q.end);
    } else {
      out.problems.push({ line: start, message: 'expected "Name"=value or @=value' });
      continue;
    }
    rest = rest.trimStart();
    if (!rest.startsWith("=")) {
      out.problems.push({ line: start, message: "expected '=' after the value name" });
      continue;
    }
    const data = parseData(rest.slice(1));
    if ("error" in data) {
      out.problems.push({ line: start, message: `${name.slice(0, 40) || "@"}: ${data.error}` });
      continue;
    }
    key.values.push({ name, line: start, data });
  }
  if (out.header === null && out.keys.length > 0)
    out.problems.push({ line: 1, message: "no 'Windows Registry Editor Version 5.00' header" });
  return out;
}

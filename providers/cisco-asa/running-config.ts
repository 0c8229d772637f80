/**
 * A parser for Cisco ASA `show running-config` text: top-level commands and the indented sub-commands
 * under them (`tunnel-group X general-attributes` → ` authentication-server-group …`), `!` separators,
 * with line numbers. Pure; never throws: commands with warnings, or an error naming the line.
 */

export interface AsaLine {
  words: string[];
  line: number;
  /** Leading spaces: a deeper sub-command belongs to the shallower one before it (`saml idp` → `base-url`). */
  indent: number;
}

export interface AsaCommand extends AsaLine {
  children: AsaLine[];
}

export type AsaParse =
  | { ok: true; commands: AsaCommand[]; warnings: string[] }
  | { ok: false; error: string; line: number };

const maxLines = 500_000;

export function parseRunningConfig(text: string): AsaParse {
  const lines = text.split(/\r?\n/);
  if (lines.length > maxLines) return { ok: false, error: `more than ${maxLines} lines`, line: maxLines };
  const commands: AsaCommand[] = [];
  const warnings: string[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "" || /^\s*!/.test(raw) || /^: /.test(raw) || raw === ":") return;
    const indent = raw.length - raw.trimStart().length;
    const words = raw.trim().split(/\s+/);
    if (indent === 0) {
      commands.push({ words, line, indent, children: [] });
      return;
    }
    const parent = commands.at(-1);
    if (!parent) {
      warnings.push(`line ${line}: an indented line before any command is ignored`);
      return;
    }
    parent.children.push({ words, line, indent });
  });
  return { ok: true, commands, warnings };
}

/** The words after a prefix, when a line starts with it (`['authentication-server-group', …]`). */
export function after(words: string[], ...prefix: string[]): string[] | undefined {
  if (words.length < prefix.length) return undefined;
  for (let i = 0; i < prefix.length; i++)
    if (words[i]!.toLowerCase() !== prefix[i]!.toLowerCase()) return undefined;
  return words.slice(prefix.length);
}

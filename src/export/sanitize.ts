/**
 * Neutralising what a tenant controls (account names, descriptions) before it reaches an output.
 * Each output has its own rule; they are kept together so they are reviewed together.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g;

/** Terminal: control characters (ANSI escapes, newlines, BEL, C1) become visible `\xNN`. */
export function forTerminal(text: string): string {
  return text.replace(controlCharacters, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Terminal, several lines: each line as `forTerminal`, the line breaks kept. */
export function linesForTerminal(text: string): string {
  return text.split("\n").map(forTerminal).join("\n");
}

/** CSV cell: formula prefixes (= + - @ tab CR) are defused with a leading quote (OWASP CSV injection). */
export function forCsvCell(text: string): string {
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

/**
 * Neutralising what a tenant controls (account names, descriptions) before it reaches an output.
 * Each output has its own rule; they are kept together so they are reviewed together.
 */

/**
 * Invisible or direction-changing code points: zero-width spaces and joiners, LRM/RLM, the bidi embeddings,
 * overrides and isolates (which make `gpj.exe` read as `exe.jpg`), and a byte order mark inside text.
 */
const invisibles = "\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff";
const terminalHidden = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${invisibles}]`, "g");
/** As in text meant to keep its line breaks and tabs (HTML, CSV, ticket text). */
const textHidden = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${invisibles}]`, "g");

/** `\xNN` for a control character, `\uNNNN` for an invisible one: the reader sees what the data says. */
function escapeCodeUnit(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Control characters (ANSI escapes, BEL, C1) and invisible or direction-changing code points become
 * visible escapes. Tab and newline stay.
 */
export function visible(text: string): string {
  return text.replace(textHidden, escapeCodeUnit);
}

/** Terminal: control characters (also tab and newline) and invisible code points become visible escapes. */
export function forTerminal(text: string): string {
  return text.replace(terminalHidden, escapeCodeUnit);
}

/** Terminal, several lines: each line as `forTerminal`, the line breaks kept. */
export function linesForTerminal(text: string): string {
  return text.split("\n").map(forTerminal).join("\n");
}

/**
 * CSV cell: formula prefixes (= + - @ tab CR) are defused with a leading quote (OWASP CSV injection);
 * control and invisible characters become visible (`visible`); a cell holding a separator (`,`, or `;`, the
 * list separator of many locales' spreadsheets), a quote or a line break is quoted per RFC 4180.
 */
export function forCsvCell(text: string): string {
  const defused = visible(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  return /[",;\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

import stringWidth from "string-width";
import { maxOf } from "../util/arrays.js";
import { forTerminal } from "./sanitize.js";

/**
 * The one table renderer of the text outputs (scan, queue, sweep, report, policies). Widths are display
 * widths (wide CJK characters count two, combining marks none), so columns line up whatever the names.
 * Columns people copy (fingerprint, policy id, tenant) are never cut: when the table is wider than the
 * terminal, the `shrink` columns (messages, names) give way, the last one first.
 */

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** May be cut (with …) to fit the width; other columns are always printed whole. */
  shrink?: boolean;
  /** Numbers align right. */
  align?: "right";
}

export interface Layout {
  /** Display columns available; `undefined` = no limit. */
  width?: number;
  /** Print every cell whole, whatever the width (`--wide`). */
  wide?: boolean;
}

/** Columns a shrinking cell keeps at least (room for a few characters and the …). */
const minShrunk = 8;
const gap = "  ";

export const displayWidth = (text: string): number => stringWidth(text);

/** Cuts `text` to at most `width` display columns, ending in … when anything was cut. */
export function cutToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align?: "right"): string {
  const fill = " ".repeat(Math.max(0, width - stringWidth(text)));
  return align === "right" ? fill + text : text + fill;
}

/** Widths that fit `layout.width`: shrink columns give way, last first, down to `minShrunk`. */
function fitWidths<Row>(columns: Column<Row>[], natural: number[], layout: Layout): number[] {
  const widths = [...natural];
  if (layout.wide || layout.width === undefined) return widths;
  let excess = widths.reduce((a, b) => a + b, 0) + gap.length * (columns.length - 1) - layout.width;
  for (let i = columns.length - 1; i >= 0 && excess > 0; i--) {
    if (!columns[i]!.shrink) continue;
    const floor = Math.min(widths[i]!, Math.max(minShrunk, stringWidth(columns[i]!.header)));
    const give = Math.min(excess, widths[i]! - floor);
    widths[i]! -= give;
    excess -= give;
  }
  return widths;
}

/**
 * The header line and one line per row (no trailing spaces). `paintRow` may colour a finished line;
 * colour codes are added after fitting so they never count as width.
 */
export function renderGrid<Row>(
  rows: Row[],
  columns: Column<Row>[],
  layout: Layout,
  paint: { header?: (line: string) => string; row?: (row: Row, line: string) => string } = {},
): string[] {
  const cells = rows.map((row) => columns.map((c) => forTerminal(c.value(row))));
  const natural = columns.map((c, i) =>
    maxOf(
      cells.map((r) => stringWidth(r[i]!)),
      stringWidth(c.header),
    ),
  );
  const widths = fitWidths(columns, natural, layout);
  const line = (values: string[]) =>
    values
      .map((v, i) => pad(cutToWidth(v, widths[i]!), widths[i]!, columns[i]!.align))
      .join(gap)
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  return [
    paint.header ? paint.header(header) : header,
    ...rows.map((row, r) => {
      const text = line(cells[r]!);
      return paint.row ? paint.row(row, text) : text;
    }),
  ];
}

/**
 * Display columns for text output: the terminal's width when stdout is one, else `COLUMNS` (set it for
 * pipes and cron mail), else no limit (a pipe into grep or a file keeps every message whole).
 */
export function outputWidth(
  stream: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

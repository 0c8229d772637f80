import { extname } from "node:path";
import { type Document, isNode, type LineCounter } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../../src/errors.js";
import { readTextFile } from "../../src/util/text-file.js";
import { readYaml } from "../../src/util/yaml-read.js";
import { AttestationEntry, AttestationFile, csvColumns, requiredCsvColumns } from "./api.js";
import type { AttestationSettings } from "./settings.js";

/**
 * Reads and validates an attestation file. Problems of the file as a whole (unreadable, not YAML/CSV, an
 * unknown CSV column) throw a `ConfigError` with `file:line`; a single bad entry is returned as a problem
 * with its `file:line`, so the other entries still count.
 */

const maxBytes = 4 * 1024 * 1024;

export interface ReadEntry {
  entry: AttestationEntry;
  line: number;
}
export interface EntryProblem {
  line: number;
  /** `attestations[2]` (YAML) or `row 3` (CSV). */
  where: string;
  message: string;
}
export interface AttestationRead {
  file: string;
  entries: ReadEntry[];
  problems: EntryProblem[];
}

function issueText(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
  return field ? `${field}: ${issue.message}` : issue.message;
}

export async function readAttestations(settings: AttestationSettings): Promise<AttestationRead> {
  const file = settings.file;
  const { text } = await readTextFile(file, { maxBytes, what: "attestation file" });
  const format = settings.format ?? (extname(file).toLowerCase() === ".csv" ? "csv" : "yaml");
  return format === "csv" ? parseCsvAttestations(text, file) : parseYamlAttestations(text, file);
}

export function parseYamlAttestations(text: string, file: string): AttestationRead {
  const read = readYaml(text);
  if (!read.ok) {
    const first = read.errors[0]!;
    throw new ConfigError(`invalid YAML: ${first.message}`, `${file}:${first.line}`);
  }
  const { doc, lines, value: raw } = read;
  const lineAt = (path: Array<string | number>): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node)) return lines.linePos(node.range?.[0] ?? 0).line;
    }
    return 1;
  };
  const top = AttestationFile.safeParse(raw);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    throw new ConfigError(
      `${issueText(issue)} (expected a top-level 'attestations:' list)`,
      `${file}:${lineAt(issue.path.map((p) => (typeof p === "number" ? p : String(p))))}`,
    );
  }
  const entries: ReadEntry[] = [];
  const problems: EntryProblem[] = [];
  top.data.attestations.forEach((item, i) => {
    const parsed = AttestationEntry.safeParse(item);
    const line = lineAt(["attestations", i]);
    if (parsed.success) entries.push({ entry: parsed.data, line });
    else
      for (const issue of parsed.error.issues) {
        const key = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
        const path: Array<string | number> = [
          "attestations",
          i,
          ...issue.path.map((p) => (typeof p === "number" ? p : String(p))),
        ];
        problems.push({
          line: key ? lineAtKey(doc, lines, path, key) : lineAt(path),
          where: `attestations[${i}]`,
          message: issueText(issue),
        });
      }
  });
  return { file, entries, problems };
}

/** The line of `key` inside the map at `path` (for unknown fields, which have no value path). */
function lineAtKey(
  doc: Document.Parsed,
  lines: LineCounter,
  path: Array<string | number>,
  key: string,
): number {
  const node = doc.getIn(path, true);
  if (node && typeof node === "object" && "items" in node && Array.isArray(node.items)) {
    for (const pair of node.items as Array<{ key?: unknown }>) {
      const k = pair.key;
      if (isNode(k) && "value" in k && k.value === key) return lines.linePos(k.range?.[0] ?? 0).line;
    }
  }
  return isNode(node) ? lines.linePos(node.range?.[0] ?? 0).line : 1;
}

/** RFC 4180 records, each with the line it starts on; quoted fields may hold commas, quotes and newlines. */
export function parseCsv(text: string, file: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r")
          throw new ConfigError("text after a closing quote", `${file}:${line}`);
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== "") throw new ConfigError("a quote inside an unquoted field", `${file}:${line}`);
      quoted = true;
      i++;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      start = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new ConfigError("a quoted field is never closed", `${file}:${start}`);
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}

export function parseCsvAttestations(text: string, file: string): AttestationRead {
  const records = parseCsv(text, file);
  const header = records.shift();
  if (!header) throw new ConfigError("the CSV file is empty (expected a header row)", `${file}:1`);
  const names = header.fields.map((f) => f.trim());
  const known = new Set<string>(csvColumns);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length)
    throw new ConfigError(
      `unknown column ${unknown.join(", ")} (columns: ${csvColumns.join(", ")})`,
      `${file}:${header.line}`,
    );
  const missing = requiredCsvColumns.filter((c) => !names.includes(c));
  if (missing.length) throw new ConfigError(`missing column ${missing.join(", ")}`, `${file}:${header.line}`);
  const entries: ReadEntry[] = [];
  const problems: EntryProblem[] = [];
  records.forEach((record, r) => {
    const where = `row ${r + 2}`;
    if (record.fields.length !== names.length) {
      problems.push({
        line: record.line,
        where,
        message: `${record.fields.length} fields, the header has ${names.length}`,
      });
      return;
    }
    const cells: Record<string, string> = {};
    names.forEach((n, c) => {
      const value = record.fields[c]!.trim();
      if (value !== "") cells[n] = value;
    });
    const { ssoProtocol, ssoTarget, ssoTargetSource, ...rest } = cells;
    const candidate = {
      ...rest,
      ...(ssoProtocol || ssoTarget
        ? {
            sso: {
              protocol: ssoProtocol,
              target: ssoTarget,
              ...(ssoTargetSource ? { targetSource: ssoTargetSource } : {}),
            },
          }
        : {}),
    };
    const parsed = AttestationEntry.safeParse(candidate);
    if (parsed.success) entries.push({ entry: parsed.data, line: record.line });
    else
      for (const issue of parsed.error.issues)
        problems.push({ line: record.line, where, message: issueText(issue) });
  });
  return { file, entries, problems };
}

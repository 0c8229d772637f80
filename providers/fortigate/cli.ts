/**
 * A parser for FortiOS configuration text (`show` / `show full-configuration`, a configuration backup):
 * `config <path>` / `edit <key>` / `set <field> <values…>` / `unset` / `next` / `end`, nested `config`
 * blocks inside an `edit` or directly inside a settings block, double-quoted strings with backslash
 * escapes that may span lines (certificates), `#` header comments. Pure; never throws: the result is the
 * tree with warnings, or an error naming the line.
 */

export interface FortiField {
  values: string[];
  line?: number;
}

/** One object: an `edit` entry (key = its name or number) or a settings block (key ""). */
export interface FortiObject {
  key: string;
  line?: number;
  fields: Record<string, FortiField>;
  tables: Record<string, FortiObject[]>;
}

export type CliParse =
  | { ok: true; root: FortiObject; warnings: string[]; truncated: boolean; header?: string }
  | { ok: false; error: string; line: number };

interface Token {
  text: string;
  line: number;
}

const maxDepth = 64;

/** Splits the text into commands (token lists); a newline ends a command unless it is inside quotes. */
function commands(text: string): { commands: Token[][]; header?: string } | { error: string; line: number } {
  const out: Token[][] = [];
  let current: Token[] = [];
  let line = 1;
  let header: string | undefined;
  let i = 0;
  const n = text.length;
  const endCommand = () => {
    if (current.length) out.push(current);
    current = [];
  };
  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      endCommand();
      line++;
      i++;
      continue;
    }
    // Any other whitespace (a vertical tab, a form feed, a no-break space) separates words too: a word
    // stops at whitespace, so a character the word loop cannot take must be skipped here or the loop
    // would never advance.
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#" && current.length === 0) {
      const end = text.indexOf("\n", i);
      const comment = text.slice(i, end === -1 ? n : end);
      if (header === undefined && comment.startsWith("#config-version=")) header = comment.slice(1);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = line;
      let value = "";
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < n) {
          value += text[i + 1];
          if (text[i + 1] === "\n") line++;
          i += 2;
          continue;
        }
        if (text[i] === "\n") line++;
        value += text[i];
        i++;
      }
      if (i >= n) return { error: "unterminated quoted string", line: start };
      i++;
      current.push({ text: value, line: start });
      continue;
    }
    let word = "";
    while (i < n && !/[\s"']/.test(text[i]!)) {
      word += text[i];
      i++;
    }
    current.push({ text: word, line });
  }
  endCommand();
  return { commands: out, ...(header ? { header } : {}) };
}

/**
 * Field and table names are the file's words: a map without a prototype, so `config constructor` or
 * `set __proto__` is a name like any other rather than Object.prototype's member.
 */
function newObject(key: string, line?: number): FortiObject {
  return {
    key,
    ...(line ? { line } : {}),
    fields: Object.create(null) as FortiObject["fields"],
    tables: Object.create(null) as FortiObject["tables"],
  };
}

type Frame =
  | { kind: "root"; object: FortiObject }
  /** A `config` block: its table, and the settings object created on the first `set` directly in it. */
  | { kind: "config"; name: string; owner: FortiObject; line: number; settings?: FortiObject }
  | { kind: "edit"; object: FortiObject };

export function parseFortiConfig(text: string): CliParse {
  const split = commands(text);
  if ("error" in split) return { ok: false, error: split.error, line: split.line };
  const root = newObject("");
  const stack: Frame[] = [{ kind: "root", object: root }];
  const warnings: string[] = [];
  // Each table's entries by key: a backup with tens of thousands of `edit`s stays linear.
  const byKey = new WeakMap<FortiObject[], Map<string, FortiObject>>();
  const top = () => stack[stack.length - 1]!;
  /** The object a `set` or nested `config` in the current frame belongs to. */
  const target = (frame: Frame, line: number): FortiObject => {
    if (frame.kind === "edit" || frame.kind === "root") return frame.object;
    if (!frame.settings) {
      frame.settings = newObject("", line);
      frame.owner.tables[frame.name] ??= [];
      frame.owner.tables[frame.name]!.push(frame.settings);
    }
    return frame.settings;
  };
  for (const tokens of split.commands) {
    const [verb, ...args] = tokens;
    const line = verb!.line;
    const frame = top();
    switch (verb!.text) {
      case "config": {
        if (args.length === 0) return { ok: false, error: "config without a name", line };
        if (stack.length > maxDepth) return { ok: false, error: `nesting deeper than ${maxDepth}`, line };
        const owner = frame.kind === "root" ? frame.object : target(frame, line);
        const name = args.map((a) => a.text).join(" ");
        owner.tables[name] ??= [];
        stack.push({ kind: "config", name, owner, line });
        break;
      }
      case "edit": {
        if (frame.kind !== "config") return { ok: false, error: "edit outside a config block", line };
        if (args.length !== 1) return { ok: false, error: "edit needs exactly one name", line };
        frame.owner.tables[frame.name] ??= [];
        const table = frame.owner.tables[frame.name]!;
        const index = byKey.get(table) ?? new Map<string, FortiObject>();
        byKey.set(table, index);
        const key = args[0]!.text;
        let object = key === "" ? undefined : index.get(key);
        if (!object) {
          object = newObject(key, line);
          table.push(object);
          if (key !== "") index.set(key, object);
        }
        stack.push({ kind: "edit", object });
        break;
      }
      case "set": {
        if (frame.kind === "root") return { ok: false, error: "set outside a config block", line };
        if (args.length === 0) return { ok: false, error: "set without a field", line };
        const [field, ...values] = args;
        target(frame, line).fields[field!.text] = { values: values.map((v) => v.text), line };
        break;
      }
      case "unset": {
        if (frame.kind === "root") return { ok: false, error: "unset outside a config block", line };
        if (args.length === 0) return { ok: false, error: "unset without a field", line };
        delete target(frame, line).fields[args[0]!.text];
        break;
      }
      case "append": {
        if (frame.kind === "root" || args.length === 0)
          return { ok: false, error: "append outside a config block", line };
        const [field, ...values] = args;
        const object = target(frame, line);
        const prior = object.fields[field!.text]?.values ?? [];
        object.fields[field!.text] = { values: [...prior, ...values.map((v) => v.text)], line };
        break;
      }
      case "next": {
        if (frame.kind !== "edit") return { ok: false, error: "next outside an edit", line };
        stack.pop();
        break;
      }
      case "end": {
        if (frame.kind === "root") return { ok: false, error: "end without a config block", line };
        if (frame.kind === "edit") {
          // An edit closed by `end` (hand-written configs): close both, as FortiOS does.
          warnings.push(`line ${line}: end closes an edit without next`);
          stack.pop();
        }
        stack.pop();
        break;
      }
      default:
        warnings.push(`line ${line}: ignored '${verb!.text}'`);
    }
  }
  const open = stack.length - 1;
  if (open > 0) {
    const first = stack.find((f) => f.kind === "config") as Extract<Frame, { kind: "config" }> | undefined;
    warnings.push(
      `the text ends inside ${open} open block(s) (from 'config ${first?.name ?? "?"}' at line ${first?.line ?? "?"}): the file looks truncated`,
    );
  }
  return {
    ok: true,
    root,
    warnings,
    truncated: open > 0,
    ...(split.header ? { header: split.header } : {}),
  };
}

/** The first value of a field, if set. */
export function firstValue(object: FortiObject | undefined, field: string): string | undefined {
  return object?.fields[field]?.values[0];
}

/** All values of a field (a reference list such as `member` or `groups`). */
export function allValues(object: FortiObject | undefined, field: string): string[] {
  return object?.fields[field]?.values ?? [];
}

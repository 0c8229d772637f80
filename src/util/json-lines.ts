/**
 * JSON with the line each value starts on, for config exports read from files (ARM gateway exports,
 * OpenVPN Access Server `sacli` dumps): evidence then names `file:line`, not just the file. Strict JSON
 * (RFC 8259) plus a leading BOM. Never throws: a syntax error comes back with its line and column.
 */

export type JsonPath = ReadonlyArray<string | number>;

export type JsonParse =
  | { ok: true; value: unknown; lines: Map<string, number> }
  | { ok: false; error: string; line: number; column: number };

const maxDepth = 256;

function key(path: JsonPath): string {
  return path.map(String).join("\u0000");
}

/** The line of `path`, else of its nearest ancestor that has one. */
export function lineAt(lines: Map<string, number>, path: JsonPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = lines.get(key(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

class JsonSyntaxError {
  constructor(
    readonly message: string,
    readonly at: number,
  ) {}
}

export function parseJsonWithLines(input: string): JsonParse {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, i);
  };
  const skipSpace = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === "\n") {
        line++;
        i++;
        lineStart = i;
      } else if (c === " " || c === "\t" || c === "\r") i++;
      else break;
    }
  };
  const parseString = (): string => {
    // Opening quote already checked by the caller.
    i++;
    let out = "";
    while (true) {
      if (i >= text.length) fail("unterminated string");
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\n") fail("newline inside a string");
      if (c === "\\") {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
          continue;
        }
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
          continue;
        }
        fail("bad escape");
      }
      if (c.charCodeAt(0) < 0x20) fail("control character inside a string");
      out += c;
      i++;
    }
  };
  const parseValue = (path: Array<string | number>, depth: number): unknown => {
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth}`);
    skipSpace();
    if (!lines.has(key(path))) lines.set(key(path), line);
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      while (true) {
        skipSpace();
        if (text[i] !== '"') fail("expected a property name in double quotes");
        const keyLine = line;
        const name = parseString();
        const childPath = [...path, name];
        lines.set(key(childPath), keyLine);
        skipSpace();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        // A duplicate name keeps the last value (as JSON.parse does).
        Object.defineProperty(obj, name, {
          value: parseValue(childPath, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      skipSpace();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      while (true) {
        arr.push(parseValue([...path, arr.length], depth + 1));
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (number) {
      i += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    return fail(i >= text.length ? "unexpected end of input" : `unexpected character '${c}'`);
  };

  try {
    const value = parseValue([], 0);
    skipSpace();
    if (i < text.length) fail("unexpected text after the JSON value");
    return { ok: true, value, lines };
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return { ok: false, error: err.message, line, column: err.at - lineStart + 1 };
    }
    return { ok: false, error: err instanceof Error ? err.message : String(err), line, column: 1 };
  }
}

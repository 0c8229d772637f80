import { CST, type Document, Lexer, LineCounter, Parser, parseDocument } from "yaml";

const { isCollection } = CST;

/**
 * Reads YAML that an operator wrote (the config file, attestation files) without letting its shape take
 * the process down. The yaml library's composer is recursive and slow on deep nesting: ten kilobytes of
 * `? ? ? …` or `[{[{…` ran for minutes, and 2,000 unclosed `[` ended the process (a fatal V8 error, not
 * an exception). Its parser (the CST) is linear and iterative, so the depth is measured there first and a
 * file nested deeper than any real configuration is refused before it is composed. `prettyErrors` is off:
 * it formats every error with its context, which made 100,000 stray quotes quadratic; the line and column
 * come from the line counter instead.
 */
export const maxYamlDepth = 64;

export type YamlRead =
  | { ok: true; doc: Document.Parsed; lines: LineCounter; value: unknown }
  | { ok: false; errors: Array<{ line: number; message: string }> };

export function readYaml(text: string): YamlRead {
  const nesting = nestingDepth(text);
  if (nesting.depth > maxYamlDepth)
    return {
      ok: false,
      errors: [{ line: nesting.line, message: `nested deeper than ${maxYamlDepth} levels` }],
    };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length === 0) {
    try {
      return { ok: true, doc, lines, value: doc.toJS({ maxAliasCount: 100 }) ?? {} };
    } catch (err) {
      // An alias bomb, or an alias before its anchor: the library throws a plain error, not a YAML error.
      return { ok: false, errors: [{ line: 1, message: (err as Error).message }] };
    }
  }
  return {
    ok: false,
    errors: doc.errors.map((e) => {
      const at = lines.linePos(e.pos[0]);
      return { line: at.line, message: `${e.message.split("\n")[0]} at line ${at.line}, column ${at.col}` };
    }),
  };
}

/**
 * The deepest nesting of a YAML text, from the parser's own stack as it reads (documented use: the
 * parser fed lexemes one by one), with the line where it first goes past the limit. It stops there, so
 * a text of 400,000 `[` costs a lexer pass, not a tree of 400,000 collections.
 */
function nestingDepth(text: string): { depth: number; line: number } {
  const parser = new Parser();
  let deepest = 0;
  let offset = 0;
  for (const lexeme of new Lexer().lex(text)) {
    for (const _ of parser.next(lexeme)) {
      // Whole documents are not needed here, only the depth while reading them.
    }
    const depth = parser.stack.filter(isCollection).length;
    if (depth > deepest) deepest = depth;
    if (deepest > maxYamlDepth) break;
    offset += lexeme.length;
  }
  return { depth: deepest, line: 1 + (text.slice(0, offset).match(/\n/g)?.length ?? 0) };
}

/**
 * A small XML parser for files copied from a customer's server, which we treat as hostile: no DTD (so no
 * entity definitions, no external entities, no entity expansion bombs), only the five predefined
 * entities and character references, bounded depth and size. Every error names the line. It reads
 * elements, attributes and text; it validates well-formedness only as far as that needs.
 */

export class XmlError extends Error {
  override name = "XmlError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface XmlElement {
  /** Qualified name as written (`x:User`). */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content directly inside this element (CDATA included), entities decoded. */
  text: string;
  line: number;
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
}

const defaultLimits: XmlLimits = { maxDepth: 64, maxElements: 200_000 };

const predefined: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
// XML 1.0 Name, simplified to what element and attribute names in config files use.
const nameStart = /[A-Za-z_:\u00C0-\uFFFF]/;
const nameChar = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;

/** Element's local name: `User` for `x:User`. */
export function localName(name: string): string {
  const i = name.lastIndexOf(":");
  return i >= 0 ? name.slice(i + 1) : name;
}

/** Parses one XML document; throws `XmlError` (never anything else) for input it does not accept. */
export function parseXml(input: string, limits: Partial<XmlLimits> = {}): XmlElement {
  const { maxDepth, maxElements } = { ...defaultLimits, ...limits };
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let pos = 0;
  let line = 1;
  let elements = 0;

  const fail = (message: string): never => {
    throw new XmlError(message, line);
  };
  const advance = (to: number) => {
    for (let i = pos; i < to; i++) if (text.charCodeAt(i) === 10) line++;
    pos = to;
  };
  const startsWith = (s: string) => text.startsWith(s, pos);
  const skipUntil = (end: string, what: string) => {
    const at = text.indexOf(end, pos);
    if (at < 0) fail(`unterminated ${what}`);
    advance(at + end.length);
  };
  const skipSpace = () => {
    let i = pos;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    advance(i);
  };
  const readName = (): string => {
    const start = pos;
    if (pos >= text.length || !nameStart.test(text[pos]!)) fail("expected a name");
    let i = pos + 1;
    while (i < text.length && nameChar.test(text[i]!)) i++;
    advance(i);
    return text.slice(start, i);
  };
  const decode = (raw: string, startLine: number): string =>
    raw.replace(/&([^;&\s<]*);?/g, (whole, ref: string, offset: number) => {
      // Counted only for an error: counting for every reference made a text of many entities quadratic.
      const atLine = () => startLine + (raw.slice(0, offset).match(/\n/g)?.length ?? 0);
      if (!whole.endsWith(";")) throw new XmlError(`'&' not followed by an entity reference`, atLine());
      if (Object.hasOwn(predefined, ref)) return predefined[ref]!;
      const num = /^#x([0-9a-fA-F]{1,6})$/.exec(ref)?.[1] ?? /^#([0-9]{1,7})$/.exec(ref)?.[1];
      if (num !== undefined) {
        const code = ref.startsWith("#x") ? Number.parseInt(num, 16) : Number.parseInt(num, 10);
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
          throw new XmlError(`invalid character reference &${ref};`, atLine());
        return String.fromCodePoint(code);
      }
      throw new XmlError(`unknown entity &${ref}; (only the predefined entities are accepted)`, atLine());
    });

  /** Prolog, comments and processing instructions between elements; refuses any DTD. */
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (startsWith("<!--")) skipUntil("-->", "comment");
      else if (startsWith("<?")) skipUntil("?>", "processing instruction");
      else if (startsWith("<!DOCTYPE") || startsWith("<!doctype"))
        fail("a DTD (<!DOCTYPE>) is not accepted: entities are never defined or expanded");
      else return;
    }
  };

  const parseElement = (depth: number): XmlElement => {
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth} elements`);
    if (++elements > maxElements) fail(`more than ${maxElements} elements`);
    const at = line;
    advance(pos + 1); // '<'
    const name = readName();
    // No prototype: an attribute named `constructor` or `__proto__` is an attribute like any other.
    const attributes = Object.create(null) as Record<string, string>;
    for (;;) {
      const before = pos;
      skipSpace();
      if (startsWith("/>")) {
        advance(pos + 2);
        return { name, attributes, children: [], text: "", line: at };
      }
      if (startsWith(">")) {
        advance(pos + 1);
        break;
      }
      if (pos === before) fail(`expected whitespace, '>' or '/>' in <${name}>`);
      const attrLine = line;
      const attr = readName();
      skipSpace();
      if (!startsWith("=")) fail(`attribute ${attr} of <${name}> has no value`);
      advance(pos + 1);
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} of <${name}> is not quoted`);
      const end = text.indexOf(quote!, pos + 1);
      if (end < 0) fail(`unterminated value of attribute ${attr}`);
      const raw = text.slice(pos + 1, end);
      if (raw.includes("<")) fail(`'<' in the value of attribute ${attr}`);
      if (Object.hasOwn(attributes, attr)) fail(`attribute ${attr} repeated in <${name}>`);
      attributes[attr] = decode(raw, attrLine);
      advance(end + 1);
    }
    const children: XmlElement[] = [];
    let content = "";
    for (;;) {
      if (pos >= text.length) throw new XmlError(`<${name}> (line ${at}) is never closed`, line);
      if (startsWith("</")) {
        advance(pos + 2);
        const closing = readName();
        skipSpace();
        if (!startsWith(">")) fail(`expected '>' after </${closing}`);
        advance(pos + 1);
        if (closing !== name) fail(`</${closing}> closes <${name}> opened on line ${at}`);
        return { name, attributes, children, text: content, line: at };
      }
      if (startsWith("<!--")) skipUntil("-->", "comment");
      else if (startsWith("<![CDATA[")) {
        const end = text.indexOf("]]>", pos + 9);
        if (end < 0) fail("unterminated CDATA section");
        content += text.slice(pos + 9, end);
        advance(end + 3);
      } else if (startsWith("<?")) skipUntil("?>", "processing instruction");
      else if (startsWith("<!")) fail("a markup declaration is not accepted inside an element");
      else if (startsWith("<")) children.push(parseElement(depth + 1));
      else {
        const next = text.indexOf("<", pos);
        const end = next < 0 ? text.length : next;
        const raw = text.slice(pos, end);
        const rawLine = line;
        advance(end);
        content += decode(raw, rawLine);
      }
    }
  };

  skipMisc();
  if (!startsWith("<")) fail(pos >= text.length ? "the file is empty" : "expected the root element");
  const root = parseElement(1);
  skipMisc();
  if (pos < text.length) fail("content after the root element");
  return root;
}

/** A child element by local name, or an attribute of that name, as trimmed text. */
export function fieldOf(element: XmlElement, name: string): string | undefined {
  const child = element.children.find((c) => localName(c.name) === name);
  const value = child ? child.text : element.attributes[name];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

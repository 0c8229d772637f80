import { visible } from "../sanitize.js";

/** One rule for control and invisible characters in every output; re-exported for the HTML modules. */
export { visible };

/**
 * HTML escaping for reports that carry tenant-controlled strings (account names, OU names, config lines).
 * Everything interpolated into the `html` template is escaped unless it is already `SafeHtml`, so a
 * forgotten escape is impossible rather than unlikely. Attributes in templates are always double-quoted,
 * which makes the same escaping safe in text and in attribute values.
 */

/** Markup that was built by this module (or by `html`) and must not be escaped again. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return visible(text).replace(/[&<>"'`]/g, (c) => entities[c]!);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function interpolate(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join("");
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted markup, every interpolation is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** Joins fragments (escaping any plain strings among them). */
export function join(parts: HtmlValue[], separator = ""): SafeHtml {
  return new SafeHtml(parts.map(interpolate).join(separator));
}

/** Trusted markup that this code produced itself (a stylesheet, a script, an SVG built here). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A token for `id`, `href="#…"` and `data-*` values built from tenant data: only `[a-z0-9-]`, so it can
 * never close an attribute or start a selector trick, and stable for the same input.
 */
export function slug(text: string): string {
  const base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  // A short hash keeps two names that slug alike ("a b", "a-b") apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${base || "x"}-${h.toString(36)}`;
}

/**
 * JSON to embed in `<script type="application/json">`: `<`, `>`, `&` and the JS line separators are
 * written as \u escapes, so `</script>` or `<!--` in a tenant's data cannot end the element.
 */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value).replace(
      /[<>&\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    ),
  );
}

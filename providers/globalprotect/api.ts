import { localName, type XmlElement } from "../../src/util/xml.js";

/**
 * The boundary: the PAN-OS XML API (`GET /api/?type=config&action=show&xpath=…`, key in `X-PAN-KEY`,
 * answering `<response status="success"><result>…`) and the configuration tree it returns, with the
 * element paths of reference §2.2 (pan-os-codegen specs). Read-only: `action=show` is the running config.
 */

export const showConfig = { type: "config", action: "show", xpath: "/config" } as const;
export const apiLabel = "GET /api/?type=config&action=show&xpath=/config";

/** Children of an element by (local) name. */
export function childrenOf(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => localName(c.name) === name) : [];
}

/** The element at a path of child names (`["global-protect", "global-protect-portal"]`). */
export function at(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let current = element;
  for (const name of path) current = childrenOf(current, name)[0];
  return current;
}

/** `<entry name="…">` children of the element at a path. */
export function entries(element: XmlElement | undefined, ...path: string[]): XmlElement[] {
  return childrenOf(at(element, ...path), "entry");
}

/** Trimmed text of the element at a path. */
export function text(element: XmlElement | undefined, ...path: string[]): string | undefined {
  const t = at(element, ...path)?.text.trim();
  return t ? t : undefined;
}

/** `<member>` values of the element at a path. */
export function members(element: XmlElement | undefined, ...path: string[]): string[] {
  return childrenOf(at(element, ...path), "member")
    .map((m) => m.text.trim())
    .filter(Boolean);
}

export function nameOf(entry: XmlElement): string {
  return entry.attributes.name ?? "";
}

import { escapeHtml } from "../html/escape.js";
import { visible } from "../sanitize.js";

/**
 * Ticket text, built once as a small neutral document and rendered per target format. Labels and headings
 * are ours; every value may come from a tenant (account names, messages, evidence) and is neutralised for
 * the format it lands in:
 * - `text` (ConnectWise, Autotask, ServiceNow): control and invisible characters become visible escapes;
 *   `<` `>` become ‹ › so a field we could not verify as plain text never renders a tenant's markup; the
 *   ServiceNow journal's `[code]` escape hatch (raw HTML in work notes) is broken up.
 * - `html` (HaloPSA `details_html`/`note_html`): HTML-escaped, lines joined with `<br>`.
 * - `adf` (Jira): values only ever become ADF `text` nodes, never marks, links or other node types.
 */

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "field"; label: string; value: string }
  | { kind: "list"; items: string[] };

export interface TicketDoc {
  blocks: Block[];
}

export type TextFormat = "text" | "html" | "adf";

const lineBreaks = /\r\n?|\u2028|\u2029/g;

/** A tenant's value for a plain-text field. Keeps newlines and tabs. */
export function forTicketText(value: string): string {
  return visible(value.replace(lineBreaks, "\n"))
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .replace(/\[(\/?)code\]/gi, "($1code)");
}

/** A single-line value (a title): text rules, and line breaks become spaces. */
export function forTicketLine(value: string): string {
  return forTicketText(value).replace(/[\n\t]+/g, " ");
}

/** Cuts to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function renderText(doc: TicketDoc): string {
  const lines: string[] = [];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "heading":
        lines.push("", block.text.toUpperCase());
        break;
      case "paragraph":
        lines.push(forTicketText(block.text));
        break;
      case "field":
        lines.push(`${block.label}: ${forTicketText(block.value)}`);
        break;
      case "list":
        for (const item of block.items) lines.push(`- ${forTicketLine(item)}`);
        break;
    }
  }
  return lines.join("\n").trim();
}

const htmlText = (value: string) => escapeHtml(value.replace(lineBreaks, "\n")).replace(/\n/g, "<br>");

export function renderHtml(doc: TicketDoc): string {
  const parts: string[] = [];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "heading":
        parts.push(`<p><strong>${escapeHtml(block.text)}</strong></p>`);
        break;
      case "paragraph":
        parts.push(`<p>${htmlText(block.text)}</p>`);
        break;
      case "field":
        parts.push(`<p><strong>${escapeHtml(block.label)}:</strong> ${htmlText(block.value)}</p>`);
        break;
      case "list":
        parts.push(`<ul>${block.items.map((i) => `<li>${htmlText(i)}</li>`).join("")}</ul>`);
        break;
    }
  }
  return parts.join("");
}

/** Atlassian Document Format nodes we emit: doc, paragraph, heading, bulletList, listItem, text, hardBreak. */
export type AdfNode =
  | { type: "doc"; version: 1; content: AdfNode[] }
  | { type: "paragraph"; content: AdfNode[] }
  | { type: "heading"; attrs: { level: number }; content: AdfNode[] }
  | { type: "bulletList"; content: AdfNode[] }
  | { type: "listItem"; content: AdfNode[] }
  | { type: "text"; text: string; marks?: Array<{ type: "strong" }> }
  | { type: "hardBreak" };

/** Text nodes must not be empty; line breaks inside a value become hardBreak nodes. */
function adfText(value: string, strong = false): AdfNode[] {
  const lines = visible(value.replace(lineBreaks, "\n")).split("\n");
  const out: AdfNode[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push({ type: "hardBreak" });
    if (line !== "")
      out.push(
        strong ? { type: "text", text: line, marks: [{ type: "strong" }] } : { type: "text", text: line },
      );
  });
  return out;
}

function paragraph(content: AdfNode[]): AdfNode {
  return { type: "paragraph", content };
}

export function renderAdf(doc: TicketDoc): AdfNode {
  const content: AdfNode[] = [];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "heading":
        content.push({ type: "heading", attrs: { level: 3 }, content: adfText(block.text) });
        break;
      case "paragraph":
        content.push(paragraph(adfText(block.text)));
        break;
      case "field":
        // The label is ours (strong); the value stays a plain text node.
        content.push(paragraph([...adfText(`${block.label}: `, true), ...adfText(block.value)]));
        break;
      case "list":
        content.push({
          type: "bulletList",
          content: block.items.map((item) => ({ type: "listItem", content: [paragraph(adfText(item))] })),
        });
        break;
    }
  }
  return { type: "doc", version: 1, content: content.length ? content : [paragraph([])] };
}

export function render(doc: TicketDoc, format: "text" | "html"): string {
  return format === "html" ? renderHtml(doc) : renderText(doc);
}

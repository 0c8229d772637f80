/**
 * Pages of a PDF as Chromium writes it: each page is one `/Type /Page` object (the page tree nodes are
 * `/Type /Pages`). Checked against poppler's `pdfinfo` on the executive demo report.
 */
export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

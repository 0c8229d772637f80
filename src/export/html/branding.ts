import { html, type SafeHtml } from "./escape.js";

/**
 * The MSP's branding on a customer-facing report (issue #24 item 2): who prepared it, for whom, with the
 * MSP's logo and colour. mfasweep itself appears only in a small footer line.
 */
export interface Branding {
  msp?: {
    name: string;
    contact?: string;
    /** Embedded in the file as a data: URL (the report loads nothing). */
    logo?: { mediaType: "image/png" | "image/svg+xml"; base64: string };
  };
  /** Customer-facing name per tenant id; a tenant not listed is named by its own name. */
  preparedFor?: Record<string, string>;
  /** `#rrggbb`, the masthead and link colour. */
  accent?: string;
}

export const accentPattern = /^#[0-9a-fA-F]{6}$/;

/** "Prepared for Contoso Dental by Northwind IT Services" (the "by" part only when an MSP is named). */
export function preparedLine(branding: Branding | undefined, tenantName: string): string {
  const msp = branding?.msp?.name;
  return `Prepared for ${tenantName}${msp ? ` by ${msp}` : ""}`;
}

export function customerName(branding: Branding | undefined, tenant: { id: string; name: string }): string {
  return branding?.preparedFor?.[tenant.id] ?? tenant.name;
}

export function logoImage(branding: Branding | undefined): SafeHtml | "" {
  const logo = branding?.msp?.logo;
  if (!logo) return "";
  return html`<img class="logo" alt="${branding?.msp?.name ?? "logo"}" src="data:${logo.mediaType};base64,${logo.base64}">`;
}

/** A CSS override of the accent colour; the value is checked against `accentPattern` first. */
export function accentStyle(branding: Branding | undefined): string {
  const accent = branding?.accent;
  return accent && accentPattern.test(accent) ? `:root { --accent: ${accent}; }` : "";
}

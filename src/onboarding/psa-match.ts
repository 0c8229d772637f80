import type { PsaCompany } from "../export/ticketing/types.js";

/**
 * Matching tenants to PSA companies for `tickets map` (issue #22 item 4). Pure: the caller reads the
 * companies and the config. A tenant is matched only on one unambiguous company at its strongest kind of
 * evidence; anything else is listed as unmatched with the reason, never guessed.
 */

/** How a match was made, strongest first. */
export type MatchConfidence = "domain" | "name" | "identifier";
export const confidenceOrder: readonly MatchConfidence[] = ["domain", "name", "identifier"];

/** What a tenant offers for matching. */
export interface TenantForMatch {
  id: string;
  name: string;
  /** Domains the tenant's connections name (lowercase). */
  domains: string[];
  /** The company id the target already maps it to, if any. */
  mapped?: number;
}

export interface ProposedMapping {
  tenant: string;
  tenantName: string;
  company: PsaCompany;
  confidence: MatchConfidence;
  /** The evidence, e.g. `contoso.com` or `contoso`. */
  because: string;
}

export interface MappingProposal {
  proposed: ProposedMapping[];
  unmatched: Array<{ tenant: string; tenantName: string; reason: string }>;
  /** Tenants the target already maps; left alone. `found`: the company is among the PSA's active ones. */
  kept: Array<{ tenant: string; companyId: number; found: boolean }>;
}

/** Legal forms and fillers that do not tell two companies apart. */
const legalForms = new Set(
  "inc incorporated ltd limited llc llp lp plc gmbh mbh ag kg bv nv sa sas sarl srl spa pty co corp corporation company ab as oy aps".split(
    " ",
  ),
);

/** `The Contoso Group, Ltd.` → `contoso group`: accents, case, punctuation and legal forms dropped. */
export function normaliseName(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\./g, "") // S.A. → sa
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  if (words[0] === "the" && words.length > 1) words.shift();
  while (words.length > 1 && legalForms.has(words[words.length - 1] ?? "")) words.pop();
  return words.join(" ");
}

/** The host a PSA's website field names: `https://www.Contoso.com/about` → `contoso.com`. */
export function websiteDomain(website: string | undefined): string | undefined {
  const text = website?.trim();
  if (!text) return undefined;
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).hostname;
    const bare = host
      .toLowerCase()
      .replace(/\.$/, "")
      .replace(/^www\./, "");
    return bare.includes(".") ? bare : undefined;
  } catch {
    return undefined;
  }
}

/** Letters and digits only: `CONTOSO-01` and `contoso01` are one identifier. */
function compact(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function candidates(
  tenant: TenantForMatch,
  companies: PsaCompany[],
): Array<{ confidence: MatchConfidence; because: string; found: PsaCompany[] }> {
  const name = normaliseName(tenant.name);
  const domains = new Set(tenant.domains.map((d) => d.toLowerCase()));
  const byDomain = companies.filter((c) => domains.has(websiteDomain(c.website) ?? ""));
  return [
    {
      confidence: "domain",
      because: [...new Set(byDomain.map((c) => websiteDomain(c.website)))].join(", "),
      found: byDomain,
    },
    {
      confidence: "name",
      because: name,
      found: name ? companies.filter((c) => normaliseName(c.name) === name) : [],
    },
    {
      confidence: "identifier",
      because: tenant.id,
      found: companies.filter((c) => c.identifier && compact(c.identifier) === compact(tenant.id)),
    },
  ];
}

function listed(companies: PsaCompany[]): string {
  return companies.map((c) => `${c.name} #${c.id}`).join(", ");
}

/**
 * Proposes a company for each tenant the target does not map yet: the strongest kind of evidence that
 * finds any company decides; two companies there, or one company wanted by two tenants (or already mapped
 * to another), is ambiguous and leaves the tenant unmatched.
 */
export function matchCompanies(tenants: TenantForMatch[], companies: PsaCompany[]): MappingProposal {
  const out: MappingProposal = { proposed: [], unmatched: [], kept: [] };
  const ids = new Set(companies.map((c) => c.id));
  const mappedTo = new Map(tenants.filter((t) => t.mapped !== undefined).map((t) => [t.mapped, t.id]));
  const wanted: ProposedMapping[] = [];
  for (const t of tenants) {
    if (t.mapped !== undefined) {
      out.kept.push({ tenant: t.id, companyId: t.mapped, found: ids.has(t.mapped) });
      continue;
    }
    const best = candidates(t, companies).find((c) => c.found.length > 0);
    if (!best) {
      out.unmatched.push({
        tenant: t.id,
        tenantName: t.name,
        reason: "no company matches its domains, name or id",
      });
    } else if (best.found.length > 1) {
      out.unmatched.push({
        tenant: t.id,
        tenantName: t.name,
        reason: `ambiguous: ${best.found.length} companies match by ${best.confidence} (${listed(best.found)})`,
      });
    } else {
      const company = best.found[0] as PsaCompany;
      wanted.push({
        tenant: t.id,
        tenantName: t.name,
        company,
        confidence: best.confidence,
        because: best.because,
      });
    }
  }
  for (const w of wanted) {
    const rivals = wanted.filter((o) => o !== w && o.company.id === w.company.id).map((o) => `'${o.tenant}'`);
    const holder = mappedTo.get(w.company.id);
    if (rivals.length || holder !== undefined)
      out.unmatched.push({
        tenant: w.tenant,
        tenantName: w.tenantName,
        reason: `ambiguous: ${listed([w.company])} also matches tenant ${holder !== undefined ? `'${holder}' (already mapped)` : rivals.join(", ")}`,
      });
    else out.proposed.push(w);
  }
  return out;
}

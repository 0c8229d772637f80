import type { DoctorReport } from "../doctor.js";
import { type Layout, renderGrid } from "../export/grid.js";

/** One tenant's consent of the MSP's app, as doctor read it from the token the tenant issued. */
export interface ConsentRow {
  tenant: string;
  connection: string;
  /** `no`: the app has no service principal in the directory; `unknown`: no token said either way. */
  consented: "yes" | "no" | "unknown";
  granted: string[];
  missing: string[];
  /** Granted but not read by mfasweep: more than least privilege. */
  excessive: string[];
  /** Why the state is unknown. */
  reason?: string;
}

/**
 * One row per connection whose doctor checks read the tenant's consent (application permissions in an
 * app-only token): across every tenant, which are consented, missing or excessive. A connection of such
 * a type whose checks could not get that far is a row with `unknown`, never `yes`.
 */
export function consentRows(reports: DoctorReport[]): ConsentRow[] {
  const types = new Set(reports.filter((r) => r.checks.some((c) => c.consent)).map((r) => r.type));
  return reports
    .filter((r) => types.has(r.type))
    .map((r) => {
      const where = { tenant: r.tenant, connection: r.connection };
      const consent = r.checks.find((c) => c.consent)?.consent;
      if (!consent || consent.state === "unknown") {
        const failed = r.checks.find((c) => !c.ok);
        const reason = consent?.reason ?? (failed ? `${failed.check}: ${failed.detail}` : "not read");
        return { ...where, consented: "unknown", granted: [], missing: [], excessive: [], reason };
      }
      const granted = [...new Set(consent.granted)].sort();
      return {
        ...where,
        consented: consent.state === "granted" ? "yes" : "no",
        granted,
        missing: consent.needed.filter((p) => !granted.includes(p)),
        excessive: granted.filter((p) => !consent.needed.includes(p)),
      };
    });
}

/** The consent table doctor prints after its per-connection checks; empty when no row exists. */
export function consentTable(rows: ConsentRow[], layout: Layout): string {
  if (rows.length === 0) return "";
  const list = (items: string[]) => items.join(", ") || "-";
  const grid = renderGrid(
    rows,
    [
      { header: "TENANT", value: (r) => r.tenant },
      { header: "CONNECTION", value: (r) => r.connection },
      { header: "CONSENTED", value: (r) => r.consented },
      { header: "MISSING", value: (r) => (r.consented === "unknown" ? "?" : list(r.missing)), shrink: true },
      {
        header: "EXCESSIVE",
        value: (r) => (r.consented === "unknown" ? "?" : list(r.excessive)),
        shrink: true,
      },
      {
        header: "GRANTED",
        value: (r) => (r.consented === "unknown" ? (r.reason ?? "?") : list(r.granted)),
        shrink: true,
      },
    ],
    layout,
  );
  const counts = (["yes", "no", "unknown"] as const)
    .map((s) => `${rows.filter((r) => r.consented === s).length} ${s}`)
    .join(", ");
  const short = rows.filter((r) => r.missing.length).length;
  const excess = rows.filter((r) => r.excessive.length).length;
  return `\nConsent of the app, per tenant (application permissions):\n${grid.join("\n")}\nconsented: ${counts}; ${short} missing permissions, ${excess} with excessive ones\n`;
}

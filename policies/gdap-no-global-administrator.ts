import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { directoryRoles } from "../src/model/facts/entra.js";
import {
  gdapFacts,
  gdapRelationships,
  grantingStatuses,
  relationshipEvidence,
} from "../src/model/facts/gdap.js";
import { gdapRelationshipsUnread, unreportedVerdicts } from "./helpers.js";

/**
 * Roles that own a customer tenant outright: Global Administrator, and the two that can grant it or take
 * over its holders' credentials (Privileged Role Administrator, Privileged Authentication Administrator),
 * all carrying Microsoft's "privileged" label (reference wave2-apis.md §1.3).
 */
const tenantOwningRoles = [
  "62e90394-69f5-4237-9190-012177145e10",
  "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
];

const roleName = (id: string) => directoryRoles[id]?.name ?? id;

export default definePolicy({
  meta: {
    id: "gdap-no-global-administrator",
    title: "No GDAP relationship grants the MSP Global Administrator or another tenant-owning role",
    severity: "critical",
    sources: ["entra"],
    tenantRoles: ["msp"],
    subject: "setting",
    rationale:
      'GDAP exists to end standing Global Administrator access of partners: Microsoft says it "eliminates the need for partners to have the Global Administrator role" and asks for least-privileged, time-bound roles. A relationship that still grants Global Administrator (or Privileged Role / Privileged Authentication Administrator, which can grant it or take over its holders) turns one phished MSP account into full control of that customer (AA22-131A).',
    evidence:
      "In the MSP's own tenant (role: msp), its GDAP relationships (GET /tenantRelationships/delegatedAdminRelationships): each active or expiring relationship's roles (accessDetails.unifiedRoles).",
    remediation:
      "Replace the relationship with one that grants the least-privileged roles per task (Partner Center's table, e.g. Helpdesk Administrator for password resets, Service Support Administrator for tickets); for the rare tenant-wide change, request a short separate relationship and let it expire.",
    references: [
      {
        title: "Microsoft: GDAP overview (delegatedAdminRelationships API)",
        url: "https://learn.microsoft.com/graph/api/resources/delegatedadminrelationships-api-overview",
      },
      {
        title: "Microsoft Partner Center: least-privileged roles by task",
        url: "https://learn.microsoft.com/partner-center/gdap-least-privileged-roles-by-task",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs and their Customers",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const verdicts: Verdict[] = [];
    for (const at of gdapFacts(inventory)) {
      if (at.data.status !== "read") {
        verdicts.push(gdapRelationshipsUnread(at, "which roles the MSP holds in its customers"));
        continue;
      }
      for (const r of at.data.relationships) {
        if (!grantingStatuses.has(r.status)) continue;
        const owning = r.roles.filter((id) => tenantOwningRoles.includes(id));
        const subject = {
          kind: "setting" as const,
          id: r.id,
          name: `GDAP ${r.displayName} (${r.customer.displayName})`,
          source: at.source,
          connection: at.connection,
        };
        verdicts.push({
          subject,
          status: owning.length ? "fail" : "pass",
          message: owning.length
            ? `the MSP holds ${owning.map(roleName).join(", ")} in ${r.customer.displayName} through GDAP relationship ${r.displayName}`
            : `GDAP relationship ${r.displayName} grants ${r.roles.map(roleName).join(", ") || "no role"} in ${r.customer.displayName}, none of them tenant-owning`,
          mfa: null,
          evidence: relationshipEvidence(at, r),
        });
      }
    }
    return [...verdicts, ...unreportedVerdicts(inventory, gdapRelationships)];
  },
});

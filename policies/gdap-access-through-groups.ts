import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { directoryRoles } from "../src/model/facts/entra.js";
import {
  autoExtends,
  type GdapRelationship,
  gdapFacts,
  gdapRelationships,
  grantingStatuses,
  relationshipEvidence,
} from "../src/model/facts/gdap.js";
import { type Severity, severityRank } from "../src/model/index.js";
import { gdapRelationshipsUnread, unreportedVerdicts } from "./helpers.js";

const roleName = (id: string) => directoryRoles[id]?.name ?? id;
const privileged = (id: string) => directoryRoles[id]?.privileged === true;

interface Problem {
  severity: Severity;
  text: string;
}

/** What is wrong with one relationship that grants its roles; undefined when its assignments are not known. */
function problemsOf(r: GdapRelationship, now: Date): Problem[] | undefined {
  const problems: Problem[] = [];
  if (r.endDateTime && Date.parse(r.endDateTime) < now.getTime())
    problems.push({ severity: "medium", text: `past its end date ${r.endDateTime} but still ${r.status}` });
  const elevated = r.roles.filter(privileged);
  if (autoExtends(r.autoExtendDuration) && elevated.length)
    problems.push({
      severity: "high",
      text: `auto-extends by ${r.autoExtendDuration} while granting privileged roles (${elevated.map(roleName).join(", ")})`,
    });
  if (r.accessAssignments.status !== "read") return problems.length ? problems : undefined;
  const active = r.accessAssignments.items.filter(
    (a) => a.status === "active" && a.containerType === "securityGroup",
  );
  const held = new Set(active.flatMap((a) => a.roles));
  const unassigned = r.roles.filter((id) => !held.has(id));
  if (active.length === 0)
    problems.push({
      severity: "medium",
      text: "no security group holds its roles (no active access assignment)",
    });
  else if (unassigned.length)
    problems.push({
      severity: "medium",
      text: `roles no group holds: ${unassigned.map(roleName).join(", ")}`,
    });
  return problems;
}

export default definePolicy({
  meta: {
    id: "gdap-access-through-groups",
    title:
      "Every GDAP relationship's roles are held by security groups, expire on time and do not auto-extend privileged roles",
    severity: "medium",
    sources: ["entra"],
    tenantRoles: ["msp"],
    subject: "setting",
    rationale:
      "Under GDAP the MSP's staff reach a customer only through security groups of the MSP's tenant that an access assignment gives the relationship's roles; that is where membership, MFA and reviews are enforced. Roles no group holds are unexplained grants; a relationship that auto-extends with privileged roles never ends (Partner Center warns against auto-extending Global Administrator); one past its end date still listed is access nobody renewed on purpose (AA22-131A: MSP accounts that reach customers).",
    evidence:
      "In the MSP's own tenant (role: msp): each GDAP relationship (status, endDateTime, autoExtendDuration, roles) and its access assignments (GET /tenantRelationships/delegatedAdminRelationships/{id}/accessAssignments: group, roles, status).",
    remediation:
      "Assign each relationship's roles to dedicated security groups (access assignments) and remove roles no group needs; turn off auto-extension on relationships with privileged roles; renew an expired relationship deliberately, or take the customer out of mfasweep.yaml when you no longer manage it.",
    references: [
      {
        title: "Microsoft Graph: delegatedAdminAccessAssignment",
        url: "https://learn.microsoft.com/graph/api/resources/delegatedadminaccessassignment",
      },
      {
        title: "Microsoft Partner Center: expiring GDAP relationships and auto-extend",
        url: "https://learn.microsoft.com/partner-center/customers/expiring-gdap-relationships-and-auto-extend-gdap",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory, now }) {
    const verdicts: Verdict[] = [];
    for (const at of gdapFacts(inventory)) {
      if (at.data.status !== "read") {
        verdicts.push(gdapRelationshipsUnread(at, "how the MSP reaches its customers"));
        continue;
      }
      for (const r of at.data.relationships) {
        const subject = {
          kind: "setting" as const,
          id: r.id,
          name: `GDAP ${r.displayName} (${r.customer.displayName})`,
          source: at.source,
          connection: at.connection,
        };
        const evidence = relationshipEvidence(at, r);
        if (r.status === "expired") {
          verdicts.push({
            subject,
            status: "fail",
            severity: "low",
            message: `GDAP relationship ${r.displayName} with ${r.customer.displayName} expired${r.endDateTime ? ` on ${r.endDateTime}` : ""}: renew it on purpose, or stop managing the customer`,
            mfa: null,
            evidence,
          });
          continue;
        }
        if (!grantingStatuses.has(r.status)) continue;
        const problems = problemsOf(r, now);
        if (problems === undefined) {
          verdicts.push({
            subject,
            status: "unknown",
            message: `which groups hold the roles of ${r.displayName} is not known: ${r.accessAssignments.reason ?? "not read"}`,
            mfa: null,
            evidence,
          });
          continue;
        }
        const worst = problems.reduce<Severity | undefined>(
          (w, p) => (w === undefined || severityRank[p.severity] > severityRank[w] ? p.severity : w),
          undefined,
        );
        verdicts.push({
          subject,
          status: problems.length ? "fail" : "pass",
          ...(worst ? { severity: worst } : {}),
          message: problems.length
            ? `GDAP relationship ${r.displayName} with ${r.customer.displayName}: ${problems.map((p) => p.text).join("; ")}`
            : `GDAP relationship ${r.displayName}: every role is held by a security group, no privileged auto-extension`,
          mfa: null,
          evidence,
        });
      }
    }
    return [...verdicts, ...unreportedVerdicts(inventory, gdapRelationships)];
  },
});

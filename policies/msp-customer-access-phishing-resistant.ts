import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { customerAccessGroup } from "../src/model/facts/customer-access.js";
import { factsOf } from "../src/model/facts/kind.js";
import type { AccessPath, Account, Evidence, MfaVerdict } from "../src/model/index.js";
import { accountsSourceOf } from "./helpers.js";

/** Entry points from which MSP staff reach customers. */
const customerReach = new Set(["rmm-console", "remote-support", "vpn", "ssh", "rd-gateway", "admin-console"]);

const active = (a: Account) => a.status === "active" || a.status === "unknown";
const key = (source: string, connection: string, id: string) => `${source}\u0000${connection}\u0000${id}`;
const personKey = (a: Account) => (a.email ?? a.name).trim().toLowerCase();

/** What makes one of a person's paths fall short of phishing-resistant MFA, or undefined when it meets it. */
function shortfall(mfa: MfaVerdict): { status: "fail" | "unknown"; why: string } | undefined {
  if (mfa.state === "unknown") return { status: "unknown", why: mfa.reason };
  if (mfa.state !== "enforced") return { status: "fail", why: `MFA ${mfa.state}: ${mfa.reason}` };
  if (mfa.strength === "phishing-resistant") return undefined;
  if (mfa.strength === null)
    return { status: "unknown", why: "MFA enforced, but whether it is phishing-resistant is not known" };
  return { status: "fail", why: `weakest factor is ${mfa.strength}, not phishing-resistant` };
}

const consoles = "put RMM consoles behind that SSO and disable local console logins.";

export default definePolicy({
  meta: {
    id: "msp-customer-access-phishing-resistant",
    title: "Every MSP account that can reach customers has phishing-resistant MFA enforced on every path",
    severity: "critical",
    sources: ["*"],
    tenantRoles: ["msp"],
    subject: "account",
    rationale:
      "AA22-131A singles out MSP accounts that reach customer environments: one phished technician or administrator opens every customer at once (Kaseya VSA 2021). In a tenant marked `role: msp`, each such person is judged as one: their RMM or remote-support console account and the identity-provider account with the same email must all require a phishing-resistant factor (FIDO2, passkey, Windows Hello, certificate), because the weakest path is the way in.",
    evidence:
      "In the MSP's own tenant: technicians of RMM/remote-support consoles, administrators of the identity providers, members of the groups used for GDAP / delegated admin (`customerAccessGroups` on the Entra, Okta or Google Workspace connection), and accounts on VPN/SSH/RD entry points; each one's access paths (the console's verdict, or the identity provider's through SSO) and the directory sign-in of the IdP account linked by email.",
    remediation: `Require phishing-resistant authentication for MSP staff in the identity provider; ${consoles}`,
    remediationBySource: {
      entra: `Entra: require an authentication strength of phishing-resistant MFA for the groups used for customer access (GDAP) and the RMM's SSO app; ${consoles}`,
      okta: `Okta: require possession constraints with phishing resistance for MSP staff; ${consoles}`,
      "google-workspace": `Google Workspace: require security keys for admins; ${consoles}`,
    },
    references: [
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs and their Customers",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
      {
        title: "CISA: Implementing Phishing-Resistant MFA",
        url: "https://www.cisa.gov/sites/default/files/publications/fact-sheet-implementing-phishing-resistant-mfa-508c.pdf",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    if (inventory.tenant.role !== "msp") return [];
    const entryPoints = new Map(inventory.entryPoints.map((e) => [e.id, e]));
    const accountByKey = new Map(inventory.accounts.map((a) => [key(a.source, a.connection, a.id), a]));
    const pathsOf = new Map<Account, Array<{ path: AccessPath; where: string }>>();
    for (const path of inventory.accessPaths) {
      const entryPoint = entryPoints.get(path.entryPoint);
      if (!entryPoint) continue;
      const from = accountsSourceOf(path, entryPoint);
      for (const id of path.accounts) {
        const account = accountByKey.get(key(from.source, from.connection, id));
        if (account)
          pathsOf.set(account, [
            ...(pathsOf.get(account) ?? []),
            { path, where: `${entryPoint.name} (${entryPoint.kind})` },
          ]);
      }
    }
    // Members of the GDAP / delegated-admin groups reach customers whatever else they hold; a group that
    // could not be read is one unknown, never an empty group.
    const groupsOf = new Map<string, Array<{ name: string; evidence: Evidence[] }>>();
    const verdicts: Verdict[] = [];
    for (const { fact, data: group } of factsOf(inventory, customerAccessGroup)) {
      const reach = group?.reaches?.length
        ? ` (GDAP: ${group.reaches.map((r) => `${r.customer} as ${r.roles.join(", ")}`).join("; ")})`
        : "";
      const name = `customer-access group ${group?.name ?? group?.group ?? fact.id}${reach}`;
      if (group?.status === "read") {
        for (const id of group.members) {
          const k = key(fact.source, fact.connection, id);
          groupsOf.set(k, [...(groupsOf.get(k) ?? []), { name, evidence: fact.evidence }]);
        }
        continue;
      }
      verdicts.push({
        subject: {
          kind: "setting",
          id: group?.group ?? fact.id,
          name,
          source: fact.source,
          connection: fact.connection,
        },
        status: "unknown",
        message: `who is in ${name} is not known, so neither is their MFA: ${
          !group
            ? "its fact does not match the model"
            : group.status === "not-found"
              ? "no such group in the directory (check customerAccessGroups)"
              : (group.reason ?? "it could not be read")
        }`,
        mfa: null,
        evidence: fact.evidence,
      });
    }
    const inGroups = (a: Account) => groupsOf.get(key(a.source, a.connection, a.id)) ?? [];
    const reachesCustomers = (a: Account) =>
      a.kind === "technician" ||
      inGroups(a).length > 0 ||
      a.admin.isAdmin === true ||
      (pathsOf.get(a) ?? []).some(({ path }) =>
        customerReach.has(entryPoints.get(path.entryPoint)?.kind ?? ""),
      );
    // One person, several accounts: a console technician and the IdP account with the same email.
    const people = new Map<string, Account[]>();
    for (const a of inventory.accounts.filter(active))
      people.set(personKey(a), [...(people.get(personKey(a)) ?? []), a]);

    for (const accounts of people.values()) {
      if (!accounts.some(reachesCustomers)) continue;
      const paths = accounts.flatMap((a) => (pathsOf.get(a) ?? []).map((p) => ({ ...p, account: a })));
      // The subject is the account that reaches customers (a technician before an IdP admin).
      const subjectAccount =
        accounts.find((a) => a.kind === "technician") ?? accounts.find(reachesCustomers)!;
      const memberships = accounts.flatMap(inGroups);
      const evidence: Evidence[] = [
        ...memberships.flatMap((m) => m.evidence),
        ...paths.flatMap(({ path }) => path.mfa.evidence),
      ];
      const problems = paths.flatMap(({ path, where, account }) => {
        const s = shortfall(path.mfa);
        return s ? [{ ...s, text: `${account.source} ${account.name} @ ${where}: ${s.why}` }] : [];
      });
      const alsoJudged =
        accounts.length > 1
          ? ` (judged with ${accounts
              .filter((a) => a !== subjectAccount)
              .map((a) => `${a.source} ${a.name}`)
              .join(", ")})`
          : "";
      const linked =
        alsoJudged +
        (memberships.length ? ` (member of ${[...new Set(memberships.map((m) => m.name))].join(", ")})` : "");
      const weakest =
        paths.map(({ path }) => path.mfa).find((m) => shortfall(m)?.status === "fail") ??
        paths.map(({ path }) => path.mfa).find((m) => shortfall(m)) ??
        paths[0]?.path.mfa;
      const mfa = weakest
        ? { state: weakest.state, strength: weakest.strength, ...(weakest.via ? { via: weakest.via } : {}) }
        : null;
      const subject = accountSubject(subjectAccount);
      if (paths.length === 0) {
        verdicts.push({
          subject,
          status: "unknown",
          message: `${subjectAccount.name}: no sign-in path was collected${linked}`,
          mfa: null,
          evidence: subjectAccount.evidence,
        });
      } else if (problems.some((p) => p.status === "fail")) {
        verdicts.push({
          subject,
          status: "fail",
          message: `${subjectAccount.name} can reach customers without phishing-resistant MFA${linked}: ${problems
            .filter((p) => p.status === "fail")
            .map((p) => p.text)
            .join("; ")}`,
          mfa,
          evidence,
        });
      } else if (problems.length > 0) {
        verdicts.push({
          subject,
          status: "unknown",
          message: `${subjectAccount.name}${linked}: ${problems.map((p) => p.text).join("; ")}`,
          mfa,
          evidence,
        });
      } else {
        verdicts.push({
          subject,
          status: "pass",
          message: `${subjectAccount.name}: phishing-resistant MFA on all ${paths.length} path(s)${linked}`,
          mfa,
          evidence,
        });
      }
    }
    return verdicts;
  },
});

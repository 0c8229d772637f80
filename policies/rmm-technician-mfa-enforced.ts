import { accountSubject, definePolicy, type Verdict } from "../src/evaluate/policy.js";
import type { AccessPath, AccountStatus, Evidence } from "../src/model/index.js";
import { accountsSourceOf, pathStatus, resultMfa, unlistedPathVerdicts } from "./helpers.js";

/** Entry points this policy judges: where a technician reaches every endpoint of a customer. */
const consoleKinds = new Set(["rmm-console", "remote-support"]);

/** Accounts that cannot sign in produce no result. An `unknown` status is judged: fail closed. */
const inactive = new Set<AccountStatus>(["disabled", "suspended", "archived", "deprovisioned", "locked"]);

const sources = [
  "ninjaone",
  "teamviewer",
  "connectwise-automate",
  "beyondtrust",
  "datto-rmm",
  "tactical-rmm",
  "screenconnect",
];

/** The part of the fix that is the same on every console. */
const sso =
  "or move technicians to SSO with an identity provider that enforces phishing-resistant MFA. Disable technicians who no longer need access.";

export default definePolicy({
  meta: {
    id: "rmm-technician-mfa-enforced",
    title: "Every technician of an RMM or remote-support console must present a second factor",
    severity: "critical",
    sources,
    subject: "account",
    rationale:
      "An RMM or remote-support console reaches every endpoint of every customer it manages: one technician who signs in with a password alone is a supply-chain breach (Kaseya VSA 2021, ScreenConnect CVE-2024-1709). CISA's Kaseya guidance asks MSPs to enable and enforce MFA on every account under their control, and AA22-131A to enforce MFA on MSP accounts that access customer environments. A second factor that is only registered, not required, can be skipped; a console that does not say is not assumed safe.",
    evidence:
      "Each technician's access path on an rmm-console or remote-support entry point: the console's own MFA fields (NinjaOne mfaConfigured, TeamViewer tfa_enforcement/tfa_enabled), SSO delegation (NinjaOne authType, TeamViewer sso_status, Automate SsoStatus, BeyondTrust security provider type) and account status and administrator flags.",
    remediation: `Require MFA in the console for every technician, ${sso}`,
    remediationBySource: {
      teamviewer: `TeamViewer: turn on TFA enforcement for each company user, ${sso}`,
      ninjaone: `NinjaOne: require MFA for technicians in the console's security settings, ${sso}`,
      ...Object.fromEntries(
        ["datto-rmm", "connectwise-automate", "beyondtrust"].map((s) => [
          s,
          `Require MFA in the console for every technician, ${sso} The console's API does not say whether MFA is enforced (for BeyondTrust: local and LDAP users): verify the setting and record an attestation.`,
        ]),
      ),
    },
    references: [
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs and their Customers",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
      {
        title:
          "CISA-FBI Guidance for MSPs and their Customers Affected by the Kaseya VSA Supply-Chain Ransomware Attack (TLP:WHITE copy)",
        url: "https://aha.org/fbi-tlp-alert/2021-07-04-cisa-fbi-tlp-white-guidance-msps-and-their-customers-affected-kaseya-vsa",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const sourceSet = new Set(sources);
    const consoles = new Map(
      inventory.entryPoints
        .filter((e) => consoleKinds.has(e.kind) && sourceSet.has(e.source))
        .map((e) => [e.id, e]),
    );
    if (consoles.size === 0) return [];
    // The console path of each account, keyed like the account (source, connection, id).
    const key = (source: string, connection: string, id: string) => `${source}\u0000${connection}\u0000${id}`;
    const pathByAccount = new Map<string, AccessPath>();
    for (const path of inventory.accessPaths) {
      const entryPoint = consoles.get(path.entryPoint);
      if (!entryPoint) continue;
      const from = accountsSourceOf(path, entryPoint);
      for (const id of path.accounts) pathByAccount.set(key(from.source, from.connection, id), path);
    }
    const connectionsWithConsole = new Set(
      [...consoles.values()].map((e) => `${e.source}\u0000${e.connection}`),
    );

    const verdicts: Verdict[] = inventory.accounts
      .filter(
        (a) =>
          a.kind === "technician" &&
          !inactive.has(a.status) &&
          connectionsWithConsole.has(`${a.source}\u0000${a.connection}`),
      )
      .map((account): Verdict => {
        const subject = accountSubject(account);
        const path = pathByAccount.get(key(account.source, account.connection, account.id));
        // Unknown administrator status is treated as administrator: a technician reaches every endpoint.
        const admin = account.admin.isAdmin !== false;
        const severity = admin ? "critical" : "high";
        const adminEvidence: Evidence[] = account.evidence.filter((e) =>
          ["administrator", "perm_admin"].includes(e.field ?? ""),
        );
        if (!path) {
          return {
            subject,
            status: "unknown",
            severity,
            message: `${account.name}: no sign-in path to the console was collected`,
            mfa: null,
            evidence: account.evidence,
          };
        }
        const entryPoint = consoles.get(path.entryPoint)!;
        const mfa = resultMfa(path.mfa);
        const evidence = [...path.mfa.evidence, ...adminEvidence];
        const who = `${account.name} on ${entryPoint.name}`;
        const adminNote =
          account.admin.isAdmin === "unknown"
            ? " (administrator status not exposed: treated as an administrator)"
            : "";
        const details = {
          entryPoint: entryPoint.id,
          ...(path.chain.delegation ? { delegation: path.chain.delegation.target } : {}),
        };
        const status = pathStatus(path.mfa.state);
        if (status === "pass")
          return { subject, status, message: `${who}: ${path.mfa.reason}`, mfa, evidence, details };
        const message =
          status === "fail"
            ? `${who} can sign in without a required second factor: ${path.mfa.reason}${adminNote}`
            : `${who}: ${path.mfa.reason}`;
        return { subject, status, severity, message, mfa, evidence, details };
      });
    // Technicians the console could not list (users refused or cut short): unknown, never nothing.
    return [
      ...verdicts,
      ...unlistedPathVerdicts(inventory, consoles, "technicians not listed", { severity: "critical" }),
    ];
  },
});

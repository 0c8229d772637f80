import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import type { Evidence, MfaState } from "../src/model/index.js";
import { entryPointSubject, reasonsOf } from "./helpers.js";

const worst: MfaState[] = ["none", "bypassable", "optional", "unknown", "enforced"];

export default definePolicy({
  meta: {
    id: "okta-app-sign-on-requires-mfa",
    title: "Every active Okta app, the Dashboard included, requires a second factor for every account",
    severity: "high",
    sources: ["okta"],
    subject: "entry-point",
    rationale:
      "Reaching an app through Okta takes the global session rule and the app's own authentication policy; if both allow one factor for some accounts, networks or devices, a phished password opens that app. VPNs and RMM consoles that delegate sign-in to Okta inherit exactly this. Prowler and the DISA Okta STIG check only the top rule of two built-in apps; this checks every rule an account can reach, for every active app.",
    evidence:
      "GET /api/v1/apps (status, _links.accessPolicy), GET /api/v1/policies?type=ACCESS_POLICY and their rules (factorMode, constraints, people and network conditions), the global session policy, group memberships and enrolled factors, evaluated per account.",
    remediation:
      'Security > Authentication Policies: for this app\'s policy, make every rule that allows access require "Any 2 factor types" (factorMode 2FA), including the Catch-all Rule and rules for trusted zones or groups; or require MFA in the global session policy for everyone who can reach the app. Accounts without an enrolled factor must enroll one.',
    references: [
      {
        title: "Okta: Authentication policies",
        url: "https://help.okta.com/oie/en-us/content/topics/identity-engine/policies/about-app-sign-on-policies.htm",
      },
      {
        title: "Okta Policy API: authentication policy rules",
        url: "https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Policy/",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const accounts = new Map(inventory.accounts.map((a) => [`${a.connection}\u0000${a.id}`, a]));
    return inventory.entryPoints
      .filter((e) => e.source === "okta" && e.kind === "app")
      .flatMap((entryPoint): Verdict[] => {
        const paths = inventory.accessPaths.filter((p) => p.entryPoint === entryPoint.id);
        if (paths.length === 0) return [];
        const subject = entryPointSubject(entryPoint);
        const state = worst.find((s) => paths.some((p) => p.mfa.state === s)) ?? "unknown";
        const mfa = { state, strength: null };
        const nameOf = (id: string) => accounts.get(`${entryPoint.connection}\u0000${id}`)?.name ?? id;
        const failing = paths.filter((p) => p.mfa.state !== "enforced" && p.mfa.state !== "unknown");
        const unknown = paths.filter((p) => p.mfa.state === "unknown");
        const evidenceOf = (list: typeof paths): Evidence[] => {
          const seen = new Set<string>();
          return list
            .flatMap((p) => p.mfa.evidence)
            .filter((e) => {
              const key = `${e.endpoint}|${e.objectId}|${e.field}`;
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            })
            .slice(0, 8);
        };
        const names = (list: typeof paths) => list.flatMap((p) => p.accounts.map(nameOf));
        // The sentences count accounts, not paths: a path may carry several accounts (#18 item 7).
        const accountsIn = (list: typeof paths) => new Set(list.flatMap((p) => p.accounts)).size;
        const all = accountsIn(paths);
        // Each account with its own path's reason (a zone rule for one, a group rule for another).
        const listed = (list: typeof paths) => {
          const { text, byAccount } = reasonsOf(list, nameOf);
          const reasons = Object.fromEntries(Object.entries(byAccount).slice(0, 100));
          return { text, details: { accounts: names(list).slice(0, 100), reasons } };
        };
        if (failing.length > 0) {
          const { text, details } = listed(failing);
          return [
            {
              subject,
              status: "fail",
              ...(failing.every((p) => p.mfa.state === "bypassable") ? { severity: "medium" as const } : {}),
              message: `${accountsIn(failing)} of ${all} account(s) can sign in to ${entryPoint.name} with one factor: ${text}`,
              mfa,
              evidence: evidenceOf(failing),
              details,
            },
          ];
        }
        if (unknown.length > 0) {
          const { text, details } = listed(unknown);
          return [
            {
              subject,
              status: "unknown",
              message: `${accountsIn(unknown)} of ${all} account(s) could not be evaluated for ${entryPoint.name}: ${text}`,
              mfa,
              evidence: evidenceOf(unknown),
              details,
            },
          ];
        }
        return [
          {
            subject,
            status: "pass",
            message: `all ${all} account(s) need a second factor for ${entryPoint.name}`,
            mfa: { state: "enforced", strength: null },
            evidence: evidenceOf(paths),
          },
        ];
      });
  },
});

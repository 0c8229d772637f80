import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { duoUser } from "../src/model/facts/duo.js";
import { factsOf } from "../src/model/facts/kind.js";
import { unreportedVerdicts } from "./helpers.js";

export default definePolicy({
  meta: {
    id: "duo-no-bypass-users",
    title: "No Duo user has the bypass status",
    severity: "high",
    sources: ["duo"],
    subject: "account",
    rationale:
      "A Duo user with status bypass is let through by Duo after the primary credential, with no second factor, at every application Duo protects (VPN, RD gateway, SSH, Windows logon). Bypass is often set for a travelling user or a service account and never removed.",
    evidence: "Duo Admin API GET /admin/v1/users: the user's `status`.",
    remediation:
      "Duo Admin Panel > Users > the user: set the status to Active (require two-factor authentication), after the user has enrolled a device; for a service account, use a dedicated application or an exempted OU with a compensating control instead.",
    references: [{ title: "Duo Admin API: Users", url: "https://duo.com/docs/adminapi#users" }],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    const verdicts = factsOf(inventory, duoUser).flatMap(({ fact, data, error }): Verdict[] => {
      const subject = {
        kind: "account" as const,
        id: data?.userId ?? fact.id,
        name: data?.username ?? fact.id,
        source: fact.source,
        connection: fact.connection,
      };
      const base = { subject, mfa: null, evidence: fact.evidence };
      if (error !== undefined)
        return [
          { ...base, status: "unknown", message: `${fact.id}: the Duo user fact does not match its schema` },
        ];
      const { username, status } = data;
      if (status === "bypass")
        return [
          {
            ...base,
            status: "fail",
            message: `Duo user '${username}' has status bypass: every application Duo protects lets the primary credential through alone`,
          },
        ];
      return [
        { ...base, status: "pass", message: `Duo user '${username}' has status ${status}, not bypass` },
      ];
    });
    return [...verdicts, ...unreportedVerdicts(inventory, duoUser)];
  },
});

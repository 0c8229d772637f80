import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";

/** The `duo.proxy-server` fact (validated with the policy's own schema). */
const ProxyServerFact = z.union([
  z.object({ host: z.string(), file: z.string(), unread: z.string() }),
  z.object({
    host: z.string(),
    file: z.string(),
    section: z.string(),
    failmode: z.string().nullable(),
    exemptOus: z.array(z.string()),
  }),
]);

export default definePolicy({
  meta: {
    id: "duo-proxy-fails-secure",
    title: "Duo Authentication Proxy servers fail secure (failmode=secure)",
    severity: "high",
    sources: ["duo"],
    subject: "setting",
    rationale:
      "A Duo Authentication Proxy server section with failmode \"safe\" (Duo's default) lets the primary credential alone through whenever the proxy cannot reach Duo's service: an outage, a blocked firewall rule or an attacker who cuts the proxy's outbound HTTPS turns every VPN or RD gateway behind it into a password-only login.",
    evidence:
      "authproxy.cfg: the server section's `failmode` line (file and line), or its absence (default safe).",
    remediation:
      "In each server section of authproxy.cfg ([radius_server_auto], [ldap_server_auto], …) set `failmode=secure` and restart the Duo Authentication Proxy service; make sure the proxy can reach Duo on TCP 443.",
    references: [
      { title: "Duo Authentication Proxy reference", url: "https://duo.com/docs/authproxy-reference" },
    ],
  },
  defaultOptions: {},
  evaluate({ inventory }) {
    return inventory.facts.flatMap((fact): Verdict[] => {
      if (fact.kind !== "duo.proxy-server" || fact.source !== "duo") return [];
      const parsed = ProxyServerFact.safeParse(fact.data);
      const name = parsed.success
        ? "section" in parsed.data
          ? `Duo proxy ${parsed.data.host} [${parsed.data.section}]`
          : `Duo proxy ${parsed.data.host}`
        : fact.id;
      const base = {
        subject: {
          kind: "setting" as const,
          id: fact.id,
          name,
          source: fact.source,
          connection: fact.connection,
        },
        mfa: null,
        evidence: fact.evidence,
      };
      if (!parsed.success)
        return [{ ...base, status: "unknown", message: `${name}: the proxy fact does not match its schema` }];
      const data = parsed.data;
      if ("unread" in data)
        return [
          { ...base, status: "unknown", message: `${name}: ${data.file} was not read (${data.unread})` },
        ];
      if (data.failmode === "secure")
        return [
          {
            ...base,
            status: "pass",
            message: `${name} has failmode=secure: when Duo is unreachable, sign-ins are refused`,
          },
        ];
      if (data.failmode === null || data.failmode === "safe")
        return [
          {
            ...base,
            status: "fail",
            message: `${name} has ${data.failmode === null ? "no failmode (Duo's default, safe)" : "failmode=safe"}: when Duo is unreachable, the primary credential alone signs in`,
          },
        ];
      return [
        {
          ...base,
          status: "unknown",
          message: `${name} has failmode '${data.failmode}', neither safe nor secure`,
        },
      ];
    });
  },
});

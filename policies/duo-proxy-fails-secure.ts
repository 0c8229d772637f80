import { definePolicy } from "../src/evaluate/policy.js";
import { duoProxyServer } from "../src/model/facts/duo.js";
import { type SettingJudgement, settingVerdicts } from "./helpers.js";

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
    return settingVerdicts(inventory, {
      kind: duoProxyServer,
      name: (d) => ("section" in d ? `Duo proxy ${d.host} [${d.section}]` : `Duo proxy ${d.host}`),
      judge: (data, name): SettingJudgement => {
        if (data.failmode === "secure")
          return {
            status: "pass",
            message: `${name} has failmode=secure: when Duo is unreachable, sign-ins are refused`,
          };
        if (data.failmode === null || data.failmode === "safe")
          return {
            status: "fail",
            message: `${name} has ${data.failmode === null ? "no failmode (Duo's default, safe)" : "failmode=safe"}: when Duo is unreachable, the primary credential alone signs in`,
          };
        return {
          status: "unknown",
          message: `${name} has failmode '${data.failmode}', neither safe nor secure`,
        };
      },
    });
  },
});

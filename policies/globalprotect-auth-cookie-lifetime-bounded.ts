import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { factsOf } from "../src/model/facts/kind.js";
import { vpnAuthOverrideCookie } from "../src/model/facts/vpn.js";
import { unreadFactVerdict, unreportedVerdicts } from "./helpers.js";

const Options = z.strictObject({
  /** Longest accepted authentication-override cookie lifetime, in hours. */
  maxHours: z.number().positive(),
});
type Options = z.infer<typeof Options>;

export default definePolicy<Options>({
  meta: {
    id: "globalprotect-auth-cookie-lifetime-bounded",
    title: "GlobalProtect authentication-override cookies expire within the allowed lifetime",
    severity: "medium",
    sources: ["globalprotect"],
    subject: "entry-point",
    rationale:
      "A portal or gateway that accepts an authentication-override cookie lets the GlobalProtect app reconnect with the cookie instead of the user's credentials, so the second factor is asked again only when the cookie expires (inferred from the PAN-OS field names: the vendor text saying so was not found). A cookie that lives for days turns one MFA prompt into days of single-factor reconnects from a stolen laptop or copied cookie.",
    evidence:
      "PAN-OS portal `client-config/configs/entry/authentication-override` and gateway `remote-user-tunnel-configs/entry/authentication-override`: `accept-cookie/cookie-lifetime/lifetime-in-days|hours|minutes`.",
    remediation:
      "Network > GlobalProtect > Portals/Gateways > Agent/Client Settings > Authentication Override: shorten 'Cookie Lifetime' to the tenant's limit (for example 8–24 hours), or stop accepting the cookie where MFA must be re-asked on every connect.",
    references: [
      {
        title: "pan-os-codegen specs: globalprotect portal and gateway (authentication-override)",
        url: "https://github.com/PaloAltoNetworks/pan-os-codegen",
      },
    ],
  },
  options: Options,
  defaultOptions: { maxHours: 24 },
  evaluate({ inventory, options }) {
    const entryPoints = new Map(inventory.entryPoints.map((e) => [e.id, e]));
    const verdicts = factsOf(inventory, vpnAuthOverrideCookie).flatMap(({ fact, data, error }): Verdict[] => {
      const entryPoint = data ? entryPoints.get(data.entryPoint) : undefined;
      // A fact that does not match, or names a portal or gateway this inventory lacks: unknown, never dropped.
      if (!data || !entryPoint)
        return [
          unreadFactVerdict(
            fact,
            error ?? "the fact names no GlobalProtect portal or gateway of this inventory",
          ),
        ];
      const { scope, acceptCookie, lifetimeMinutes } = data;
      const subject = {
        kind: "entry-point" as const,
        id: `${entryPoint.id}#${scope}`,
        name: `${entryPoint.name} (${scope})`,
        source: entryPoint.source,
        connection: entryPoint.connection,
      };
      const base = { subject, mfa: null, evidence: fact.evidence };
      if (acceptCookie === false)
        return [
          {
            ...base,
            status: "pass",
            message: `${subject.name}: authentication-override cookies are not accepted`,
          },
        ];
      if (acceptCookie === "unknown" || lifetimeMinutes === null)
        return [
          {
            ...base,
            status: "unknown",
            message: `${subject.name}: whether a cookie is accepted, or for how long, is not known`,
          },
        ];
      const hours = lifetimeMinutes / 60;
      const shown = hours >= 24 ? `${+(hours / 24).toFixed(1)} day(s)` : `${+hours.toFixed(1)} hour(s)`;
      return [
        hours > options.maxHours
          ? {
              ...base,
              status: "fail",
              message: `${subject.name}: an authentication-override cookie is accepted for ${shown}, longer than the ${options.maxHours} h allowed; reconnects skip MFA until it expires`,
            }
          : {
              ...base,
              status: "pass",
              message: `${subject.name}: cookies are accepted for ${shown} (limit ${options.maxHours} h)`,
            },
      ];
    });
    return [...verdicts, ...unreportedVerdicts(inventory, vpnAuthOverrideCookie)];
  },
});

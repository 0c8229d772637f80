import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { factsOf } from "../src/model/facts/kind.js";
import { openvpnAuthToken } from "../src/model/facts/openvpn.js";
import { entryPointSubject, factSubject, unreportedVerdicts } from "./helpers.js";

const Options = z.strictObject({
  /** Longest accepted auth-gen-token lifetime, in hours. */
  maxHours: z.number().positive(),
});
type Options = z.infer<typeof Options>;

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour(s)`;
  return `${seconds} s`;
}

export default definePolicy<Options>({
  meta: {
    id: "openvpn-auth-token-lifetime-bounded",
    title: "OpenVPN auth tokens expire within the allowed lifetime, or re-run authentication",
    severity: "medium",
    sources: ["openvpn"],
    subject: "entry-point",
    rationale:
      'With `auth-gen-token`, an OpenVPN server hands each authenticated client a token; on reconnects and renegotiations the client sends it instead of the password, and the server "will NOT do any additional authentications against configured external user/password authentication mechanisms" (openvpn(8)). A one-time code or push is then asked once per token, and a token without a lifetime "will never expire": a stolen laptop or copied token keeps reconnecting without the second factor. `external-auth` keeps the plugin or script in the loop on every reconnect.',
    evidence:
      "The server configuration: `auth-gen-token [lifetime] [renewal-time] [external-auth]` (file and line), `reneg-sec`, and whether any username/password verification (auth-user-pass-verify, an auth plugin, management-client-auth) is configured.",
    remediation:
      "Give auth-gen-token a lifetime no longer than the tenant's limit (for example `auth-gen-token 28800` for 8 hours), or add `external-auth` so the authentication plugin or script decides every reconnect (and have it refuse an Expired or Invalid session_state).",
    references: [
      {
        title: "OpenVPN manual: --auth-gen-token",
        url: "https://openvpn.net/community-resources/reference-manual-for-openvpn-2-6/",
      },
      {
        title: "OpenVPN source: doc/man-sections/server-options.rst",
        url: "https://github.com/OpenVPN/openvpn/blob/master/doc/man-sections/server-options.rst",
      },
    ],
  },
  options: Options,
  defaultOptions: { maxHours: 24 },
  evaluate({ inventory, options }) {
    const entryPoints = new Map(inventory.entryPoints.map((e) => [e.id, e]));
    const verdicts = factsOf(inventory, openvpnAuthToken).flatMap(({ fact, data, error }): Verdict[] => {
      const entryPointId = (fact.data as { entryPoint?: unknown } | null)?.entryPoint;
      const entryPoint = typeof entryPointId === "string" ? entryPoints.get(entryPointId) : undefined;
      // A fact naming no entry point of this inventory is about something unseen: unknown, never dropped.
      const subject = entryPoint ? entryPointSubject(entryPoint) : factSubject(fact, undefined);
      const name = entryPoint?.name ?? fact.id;
      const base = { subject, mfa: null, evidence: fact.evidence };
      if (error !== undefined || !entryPoint)
        return [
          {
            ...base,
            status: "unknown",
            message: `${name}: the auth-token settings could not be read (${error ?? "the fact names no OpenVPN server of this inventory"})`,
          },
        ];
      const { authGenToken: token, userPassAuth } = data;
      // Without username/password verification there is no second factor for a token to skip.
      if (!userPassAuth) return [];
      if (!token)
        return [
          {
            ...base,
            status: "pass",
            message: `${entryPoint.name}: no auth-gen-token, so every renegotiation runs the username/password check again`,
          },
        ];
      if (token.externalAuth)
        return [
          {
            ...base,
            status: "pass",
            message: `${entryPoint.name}: auth-gen-token with external-auth, so the authentication plugin or script still decides every reconnect`,
          },
        ];
      const max = options.maxHours * 3600;
      if (token.lifetime === 0)
        return [
          {
            ...base,
            status: "fail",
            severity: "high",
            message: `${entryPoint.name}: auth-gen-token has no lifetime, so its tokens never expire and reconnects skip the second factor for as long as the client keeps renewing (every ${duration(token.renewal ?? data.renegSec)})`,
          },
        ];
      if (token.lifetime > max)
        return [
          {
            ...base,
            status: "fail",
            message: `${entryPoint.name}: auth-gen-token tokens live ${duration(token.lifetime)}, longer than the ${options.maxHours} hour(s) allowed, and reconnects with them skip the second factor`,
          },
        ];
      return [
        {
          ...base,
          status: "pass",
          message: `${entryPoint.name}: auth-gen-token tokens expire after ${duration(token.lifetime)} (limit ${options.maxHours} hour(s))`,
        },
      ];
    });
    return [...verdicts, ...unreportedVerdicts(inventory, openvpnAuthToken)];
  },
});

import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { factsOf } from "../src/model/facts/kind.js";
import { tacticalRmmApiKey } from "../src/model/facts/tactical-rmm.js";
import { unlistedPathVerdicts, unreportedVerdicts } from "./helpers.js";

const Options = z.strictObject({
  /** An expiry further ahead than this is treated like none: a key valid for years is a standing credential. */
  maxDaysAhead: z.number().int().positive(),
});
type Options = z.infer<typeof Options>;

const day = 86_400_000;

export default definePolicy<Options>({
  meta: {
    id: "tactical-rmm-api-keys-expire",
    title: "Every Tactical RMM API key expires within the allowed period",
    severity: "high",
    sources: ["tactical-rmm"],
    subject: "access-path",
    rationale:
      "A Tactical RMM API key (X-API-KEY header) is checked without TOTP and acts with its user's permissions on every agent, so a leaked key that never expires is a standing single-factor way into every managed endpoint. AA22-131A asks MSPs to enforce MFA on accounts that reach customers; where a key must exist, it should at least expire.",
    evidence:
      "accounts_apikey: name, expiration and user_id (never the key), with the owning user's is_active and superuser status from accounts_user/accounts_role.",
    remediation:
      "Tactical RMM > Settings > Global Settings > API Keys: edit the key and set an expiration date (or delete keys nobody uses); create a dedicated least-privilege user for integrations instead of using an administrator's.",
    references: [
      {
        title: "Tactical RMM docs: API access (API keys skip 2FA)",
        url: "https://docs.tacticalrmm.com/functions/api",
      },
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
    ],
  },
  options: Options,
  defaultOptions: { maxDaysAhead: 366 },
  evaluate({ inventory, now, options }) {
    const verdicts = factsOf(inventory, tacticalRmmApiKey).map(({ fact, data: key, error }): Verdict => {
      const subject = {
        kind: "access-path" as const,
        id: fact.id,
        name: `API key '${String((fact.data as { name?: unknown }).name ?? fact.id)}'`,
        source: fact.source,
        connection: fact.connection,
      };
      const base = { subject, evidence: fact.evidence };
      if (error !== undefined)
        return {
          ...base,
          status: "unknown",
          mfa: null,
          message: `the API key record could not be read (${error})`,
        };
      const owner = key.username ?? `user id ${key.userId}`;
      subject.name = `API key '${key.name}' (${owner})`;
      const mfa = { state: "none" as const, strength: null };
      const details = { expiration: key.expiration, user: owner };
      if (key.userActive === false)
        return {
          ...base,
          status: "pass",
          mfa: null,
          message: `${owner} is inactive: Tactical RMM refuses the key`,
          details,
        };
      const expires = key.expiration ? Date.parse(key.expiration) : undefined;
      if (expires !== undefined && !Number.isNaN(expires) && expires <= now.getTime())
        return {
          ...base,
          status: "pass",
          mfa: null,
          message: `expired on ${key.expiration?.slice(0, 10)}: Tactical RMM refuses it`,
          details,
        };
      const severity = key.userIsAdmin === true ? ("critical" as const) : undefined;
      const who = key.userIsAdmin === true ? `administrator ${owner}` : owner;
      if (expires === undefined || Number.isNaN(expires))
        return {
          ...base,
          status: "fail",
          mfa,
          ...(severity ? { severity } : {}),
          message: `API key '${key.name}' of ${who} never expires and signs in without TOTP`,
          details,
        };
      const days = Math.ceil((expires - now.getTime()) / day);
      if (days > options.maxDaysAhead)
        return {
          ...base,
          status: "fail",
          mfa,
          severity: severity ?? "medium",
          message: `API key '${key.name}' of ${who} expires in ${days} days (more than ${options.maxDaysAhead}) and signs in without TOTP`,
          details,
        };
      return {
        ...base,
        status: "pass",
        mfa,
        message: `expires on ${key.expiration?.slice(0, 10)} (in ${days} days)`,
        details,
      };
    });
    // Keys that could not be listed stand as one path of no account on the API: unknown, never nothing.
    const sources = new Set(tacticalRmmApiKey.sources);
    const apis = new Map(
      inventory.entryPoints.filter((e) => e.kind === "app" && sources.has(e.source)).map((e) => [e.id, e]),
    );
    const unlisted = unlistedPathVerdicts(inventory, apis, "API keys not listed");
    return [...verdicts, ...unlisted, ...unreportedVerdicts(inventory, tacticalRmmApiKey)];
  },
});

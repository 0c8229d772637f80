import policy from "../../policies/tactical-rmm-api-keys-expire.js";
import { tacticalRmmApiKey } from "../../src/model/facts/tactical-rmm.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { accessPath, coverage, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "tactical-rmm";

/** One API key fact as the Tactical RMM provider records it. */
function key(fields: Record<string, string | boolean | null> = {}): Fact {
  return {
    kind: "tactical-rmm-api-key",
    id: "apikey:1",
    source,
    connection: source,
    data: {
      id: "1",
      name: "psa-sync",
      userId: "7",
      username: "bob",
      userActive: true,
      userIsAdmin: false,
      expiration: null,
      created: null,
      ...fields,
    },
    evidence: [{ source, connection: source, field: "expiration", value: fields.expiration ?? null }],
  };
}

const api = entryPoint({ id: "tactical-rmm:api", source, kind: "app", name: "Tactical RMM API" });

const withKey = (fields: Record<string, string | boolean | null> = {}) =>
  inventory({ facts: [key(fields)], coverage: [coverage(source)] });

testPolicy(policy, {
  pass: [
    {
      name: "expires within the allowed period",
      inventory: withKey({ expiration: "2027-01-15T00:00:00.000Z" }),
      message: ["expires on 2027-01-15"],
    },
    {
      name: "already expired: Tactical RMM refuses it",
      inventory: withKey({ expiration: "2026-01-01T00:00:00.000Z" }),
      message: ["expired on 2026-01-01"],
    },
    { name: "the owner is inactive", inventory: withKey({ userActive: false }), message: ["inactive"] },
  ],
  fail: [
    {
      name: "never expires",
      inventory: withKey(),
      severity: "high",
      mfa: "none",
      message: ["API key 'psa-sync' of bob never expires", "without TOTP"],
    },
    {
      name: "an administrator's key that never expires is critical",
      inventory: withKey({ userIsAdmin: true }),
      severity: "critical",
      message: ["administrator bob"],
    },
    {
      name: "expires years ahead",
      inventory: withKey({ expiration: "2031-01-01T00:00:00.000Z" }),
      severity: "medium",
      message: ["more than 366"],
    },
    {
      name: "a shorter maximum set by the tenant",
      inventory: withKey({ expiration: "2027-01-15T00:00:00.000Z" }),
      options: { maxDaysAhead: 30 },
      message: ["more than 30"],
    },
  ],
  unknown: [
    {
      name: "a record that is not an API key fact",
      inventory: inventory({
        facts: [{ ...key(), data: { name: "x" } }],
        coverage: [coverage(source)],
      }),
    },
    {
      name: "API keys that could not be listed: the API's unread path is unknown, not nothing",
      inventory: inventory({
        entryPoints: [api],
        accessPaths: [
          accessPath({
            id: `${api.id}/unread/api-keys`,
            entryPoint: api.id,
            accounts: [],
            state: "unknown",
            chain: { factors: ["api-key"] },
          }),
        ],
        coverage: [coverage(source)],
      }),
      message: ["Tactical RMM API"],
    },
  ],
  silent: [
    {
      name: "a key's own path on the API is judged by its fact, not again",
      inventory: inventory({
        entryPoints: [api],
        accessPaths: [accessPath({ entryPoint: api.id, accounts: ["7"], state: "none" })],
        coverage: [coverage(source)],
      }),
    },
    {
      name: "facts of other sources",
      inventory: inventory({ facts: [{ ...key(), source: "ninjaone" }], coverage: [coverage(source)] }),
    },
  ],
});

testAbsentFacts(policy, tacticalRmmApiKey);

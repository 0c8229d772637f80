import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/composition.js";
import { ConfigError } from "../../../src/errors.js";

/**
 * Issue #23 item 5: `config validate` in one pass. Schema and semantic problems together, in file order,
 * with did-you-mean; references that would silently never apply are refused; no class names.
 */

const now = new Date("2026-11-24T12:00:00Z");

function problemLines(text: string): string[] {
  try {
    parseConfig(text, "mfasweep.yaml", now);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const [head, ...lines] = (err as Error).message.split("\n");
    expect(head).toBe("invalid configuration");
    return lines;
  }
  throw new Error("expected the config to be refused");
}

const tenant = (id: string, extra = "") => `  - id: ${id}
    name: ${id}
${extra}    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:T }
`;
const exception = (match: string) => `  - match: { ${match} }
    reason: legacy kiosk
    approvedBy: alice
    expires: 2026-12-01
`;

const table: Array<{ name: string; yaml: string; lines: string[] }> = [
  {
    name: "a misspelt profile",
    yaml: `tenants:\n${tenant("acme", "    profile: strickt\n")}`,
    lines: [
      'mfasweep.yaml:4 tenants[0].profile: Invalid option: expected one of "standard"|"strict"|"msp-self" (did you mean strict?)',
    ],
  },
  {
    name: "a misspelt connection type",
    yaml: `tenants:\n${tenant("acme").replace("type: google-workspace", "type: google-workspce")}`,
    lines: [
      expect.stringMatching(
        /^mfasweep\.yaml:5 tenants\[0\]\.connections\[0\]\.type: unknown connection type 'google-workspce' \(did you mean google-workspace\?\) \(known: /,
      ),
    ] as unknown as string[],
  },
  {
    name: "a misspelt policy id in a tenant's overrides",
    yaml: `tenants:\n${tenant("acme", "    policies:\n      disable: [google-user-2sv-enforce]\n")}`,
    lines: [
      "mfasweep.yaml:5 tenants[0].policies.disable[0]: no policy 'google-user-2sv-enforce' (did you mean google-user-2sv-enforced?) (see: mfasweep policies list)",
    ],
  },
  {
    name: "an exception naming an unknown tenant and policy",
    yaml: `tenants:\n${tenant("acme")}exceptions:\n${exception("tenant: acmee, policy: google-user-2sv-enforcd, subject: '*'")}`,
    lines: [
      "mfasweep.yaml:8 exceptions[0].match.tenant: no tenant 'acmee' (did you mean acme?)",
      "mfasweep.yaml:8 exceptions[0].match.policy: no policy 'google-user-2sv-enforcd' (did you mean google-user-2sv-enforced?) (see: mfasweep policies list)",
    ],
  },
  {
    name: "a ticketing mapping naming an unknown tenant",
    yaml: `tenants:\n${tenant("fabrikam")}ticketing:
  - id: jira
    type: jira
    endpoint: https://msp.atlassian.net
    auth: { email: bot@msp.example, apiToken: env:J }
    tenants:
      fabrikm: { projectKey: FAB }
`,
    lines: [
      "mfasweep.yaml:13 ticketing[0].tenants.fabrikm: no tenant 'fabrikm' (did you mean fabrikam?); this mapping would never be used",
    ],
  },
  {
    name: "a name nothing is near gets no suggestion",
    yaml: `tenants:\n${tenant("acme")}exceptions:\n${exception("tenant: zzz-unrelated, policy: '*', subject: '*'")}`,
    lines: ["mfasweep.yaml:8 exceptions[0].match.tenant: no tenant 'zzz-unrelated'"],
  },
  {
    name: "schema and semantic problems together, in file order",
    yaml: `tenants:
${tenant("acme", "    conections: []\n")}${tenant("beta", "    policies:\n      disable: [google-user-2sv-enforce]\n")}exceptions:
${exception("tenant: betta, policy: '*', subject: '*'")}`,
    lines: [
      "mfasweep.yaml:4 tenants[0].conections: unknown field",
      "mfasweep.yaml:11 tenants[1].policies.disable[0]: no policy 'google-user-2sv-enforce' (did you mean google-user-2sv-enforced?) (see: mfasweep policies list)",
      "mfasweep.yaml:16 exceptions[0].match.tenant: no tenant 'betta' (did you mean beta?)",
    ],
  },
];

describe("config validation in one pass", () => {
  it.each(table)("$name", ({ yaml, lines }) => {
    expect(problemLines(yaml)).toEqual(lines);
  });

  it("no message names an error class", () => {
    for (const { yaml } of table) expect(problemLines(yaml).join("\n")).not.toMatch(/\w+Error\b/);
  });
});

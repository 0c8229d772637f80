import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";

/** Issue #23 item 5 through the real CLI: one run of `config validate` shows every problem, in file order. */
it("config validate reports schema and semantic problems together, sorted by line, exit 2, no stack", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-validate-"));
  const file = join(dir, "mfasweep.yaml");
  await writeFile(
    file,
    `tenants:
  - id: contoso
    name: Contoso
    profile: strickt
    connections:
      - type: google-workspce
        auth: { method: access-token, token: env:T }
  - id: fabrikam
    name: Fabrikam
    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:T }
exceptions:
  - match: { tenant: contosso, policy: google-user-2sv-enforcd, subject: "*" }
    reason: legacy kiosk
    approvedBy: alice
    expires: 2026-12-01
ticketing:
  - id: jira
    type: jira
    endpoint: https://msp.atlassian.net
    auth: { email: bot@msp.example, apiToken: env:J }
    tenants:
      fabrikm: { projectKey: FAB }
`,
  );
  const run = await runMain(["config", "validate", "-c", file]);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  const lines = run.stderr.trim().split("\n");
  expect(lines[0]).toBe("mfasweep: invalid configuration");
  expect(lines.slice(1).map((l) => l.replace(/ \(known: .*\)$/, ""))).toEqual([
    'mfasweep.yaml:4 tenants[0].profile: Invalid option: expected one of "standard"|"strict"|"msp-self" (did you mean strict?)',
    "mfasweep.yaml:6 tenants[0].connections[0].type: unknown connection type 'google-workspce' (did you mean google-workspace?)",
    "mfasweep.yaml:14 exceptions[0].match.tenant: no tenant 'contosso' (did you mean contoso?)",
    "mfasweep.yaml:14 exceptions[0].match.policy: no policy 'google-user-2sv-enforcd' (did you mean google-user-2sv-enforced?) (see: mfasweep policies list)",
    "mfasweep.yaml:24 ticketing[0].tenants.fabrikm: no tenant 'fabrikm' (did you mean fabrikam?); this mapping would never be used",
  ]);
  expect(run.stderr).not.toMatch(/Error\b|\n\s+at /);
});

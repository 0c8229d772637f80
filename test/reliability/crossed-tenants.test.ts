import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EntraTenantSeed,
  seedTenant as entraTenant,
  seedUser as entraUser,
  guid,
} from "../../providers/entra/emulator.js";
import { graphAccessToken } from "../../providers/entra/login-emulator.js";
import type { Coverage } from "../../src/model/index.js";
import { runMain } from "../helpers/cli.js";
import { configText, scratch, within } from "./harness.js";
import { type Shared, stack } from "./stacks.js";

/**
 * Issue #19 item 9: crossed tenants. A Graph access token is a JWT whose `tid` claim is the directory that
 * issued it, and Graph answers for that directory (learn.microsoft.com/entra/identity-platform/
 * access-token-claims-reference). Contoso's connection is given Fabrikam's token (a copy-and-paste of the
 * env reference): today that reads Fabrikam's directory as Contoso's, coverage complete. It must fail the
 * connection instead, and `config validate` must warn about the shared reference and PSA company.
 * Through the real CLI against the Entra emulator over TLS.
 */

const cliTimeout = 300_000;
const work = scratch("mfsw-crossed-");
const contosoId = guid("tenant:crossed:contoso");
const fabrikamId = guid("tenant:crossed:fabrikam");

function seed(domain: string, tenantId: string, upn: string): EntraTenantSeed {
  return entraTenant(domain, graphAccessToken(tenantId), {
    tenantId,
    users: [entraUser(upn, { methodsRegistered: [] })],
    policies: [],
  });
}

let shared: Shared;
let file = "";
let env: Record<string, string> = {};

beforeAll(async () => {
  shared = await stack("entra").startShared([
    seed("contoso.example", contosoId, "ceo@contoso.example"),
    seed("fabrikam.example", fabrikamId, "cfo@fabrikam.example"),
  ]);
  env = shared.env;
  const [contoso, fabrikam] = shared.connections as [Record<string, unknown>, Record<string, unknown>];
  // Contoso's connection names Contoso's directory but Fabrikam's token reference.
  const crossed = { ...contoso, auth: fabrikam.auth };
  file = join(work.dir, "crossed.yaml");
  writeFileSync(
    file,
    configText(
      [
        { id: "contoso", name: "Contoso", connections: [crossed] },
        { id: "fabrikam", name: "Fabrikam", connections: [fabrikam] },
      ],
      {
        ticketing: [
          {
            id: "jira",
            type: "jira",
            endpoint: "https://msp.atlassian.example",
            auth: { email: "bot@msp.example", apiToken: "env:JIRA_TOKEN" },
            tenants: { contoso: { projectKey: "CUST" }, fabrikam: { projectKey: "CUST" } },
          },
        ],
      },
    ),
    { mode: 0o600 },
  );
});

afterAll(async () => {
  await shared?.close();
  work.remove();
});

async function scan(tenant: string): Promise<{ code: number | null; stdout: string; coverage: Coverage[] }> {
  const run = await within(
    120_000,
    `scan ${tenant}`,
    runMain(["scan", "--config", file, "--tenant", tenant, "--format", "json"], { env }),
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  const out = JSON.parse(run.stdout || "{}") as { coverage?: Coverage[] };
  return { code: run.code, stdout: run.stdout, coverage: out.coverage ?? [] };
}

describe("a token issued by another tenant (issue #19 item 9)", () => {
  it(
    "fails Contoso's connection naming both tenant ids, and reads nothing of Fabrikam into Contoso",
    async () => {
      const contoso = await scan("contoso");
      expect(contoso.code).toBe(2);
      expect(contoso.coverage).toHaveLength(1);
      expect(contoso.coverage[0]?.status).toBe("failed");
      expect(contoso.coverage[0]?.reason).toMatch(
        new RegExp(
          `the access token was issued by tenant ${fabrikamId}, not by the configured tenantId ${contosoId}`,
        ),
      );
      expect(contoso.stdout).not.toContain("fabrikam.example");
    },
    cliTimeout,
  );

  it(
    "the same token with its own tenant id reads that tenant completely (the check is not a refusal of every token)",
    async () => {
      const fabrikam = await scan("fabrikam");
      expect(fabrikam.coverage[0]?.status).toBe("complete");
      expect(fabrikam.stdout).toContain("cfo@fabrikam.example");
    },
    cliTimeout,
  );

  it(
    "config validate warns that two tenants share a credential reference and a PSA project, with file:line",
    async () => {
      const run = await within(
        120_000,
        "config validate",
        runMain(["config", "validate", "--config", file], { env }),
      );
      expect(run.code, run.stderr).toBe(0);
      const ref = String(
        (JSON.parse(JSON.stringify(shared.connections[1])) as { auth: { token: string } }).auth.token,
      );
      expect(run.stderr).toMatch(
        new RegExp(
          `warning: tenants 'contoso', 'fabrikam' share the credential reference ${ref}: crossed\\.yaml:\\d+ tenants\\[0\\]\\.connections\\[0\\]\\.auth\\.token \\(contoso\\), crossed\\.yaml:\\d+ tenants\\[1\\]\\.connections\\[0\\]\\.auth\\.token \\(fabrikam\\)`,
        ),
      );
      expect(run.stderr).toMatch(
        /warning: tenants 'contoso', 'fabrikam' share the same projectKey CUST in ticketing target 'jira': crossed\.yaml:\d+ ticketing\[0\]\.tenants\.contoso\.projectKey/,
      );
      // Two directories on one emulator endpoint are two systems: no warning for that.
      expect(run.stderr).not.toMatch(/same entra endpoint/);
    },
    cliTimeout,
  );
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seedEndUser, seedTechnician, startNinjaOneEmulator } from "../../../providers/ninjaone/emulator.js";
import { tenantsCommand } from "../../../src/cli/tenants.js";
import { loadConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { scan } from "../../../src/scan.js";
import { inProcess } from "../../helpers/cli.js";

/**
 * `tenants discover --from ninjaone`: the organizations of the MSP's NinjaOne (read through its own
 * connection, paged by `pageSize`/`after`) become tenants whose connection is the MSP's, scoped to the
 * organization; a customer already configured (by its organization, or by name) is left alone. Then a
 * scan of a discovered tenant reads that organization's end users only.
 */

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const env = { NINJA_SECRET: "ninja-s3cret" };

function config(url: string): string {
  return `# Our MSP and its customers.
version: 1
tenants:
  - id: msp
    name: The MSP
    role: msp
    connections:
      # The MSP's NinjaOne: every organization is a customer.
      - type: ninjaone
        endpoint: ${url}
        auth: { method: client-credentials, clientId: mfasweep, clientSecret: env:NINJA_SECRET }
  - id: contoso   # configured by hand already
    name: Contoso Ltd
    connections:
      - type: entra
        tenantId: 22222222-2222-2222-2222-222222222222
        auth: { method: client-secret, clientId: 11111111-1111-1111-1111-111111111111, secret: env:APP_SECRET }
`;
}

describe("tenants discover --from ninjaone", () => {
  it("adds a tenant per organization, scoped to it, and a scan reads that organization's end users only", async () => {
    // 103 organizations: two pages of the client's 100.
    const fillers = Array.from({ length: 100 }, (_, i) => ({ id: 1000 + i, name: `Customer ${i}` }));
    emulator = await startNinjaOneEmulator({
      accounts: [
        {
          clients: [{ clientId: "mfasweep", clientSecret: "ninja-s3cret", scopes: ["monitoring"] }],
          technicians: [seedTechnician("tech@msp.example")],
          endUsers: [
            seedEndUser("alice@fabrikam.example", { organizationId: 12, mfaConfigured: false }),
            seedEndUser("bob@contoso.example", { organizationId: 11, mfaConfigured: false }),
          ],
          organizations: [
            { id: 11, name: "Contoso Limited" },
            { id: 12, name: "Fabrikam", description: "law firm" },
            { id: 13, name: "Tailspin Toys" },
            ...fillers,
          ],
        },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-ninja-"));
    const file = join(dir, "mfasweep.yaml");
    const original = config(emulator.url);
    writeFileSync(file, original);

    const dry = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "ninjaone", "--dry-run", "-c", file],
      env,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("would add  fabrikam  Fabrikam  (NinjaOne organization 12)");
    expect(dry.stdout).toContain("would add  tailspin-toys  Tailspin Toys  (NinjaOne organization 13)");
    expect(dry.stdout).toContain("unchanged  contoso  Contoso Ltd");
    expect(dry.stdout).toContain("102 to add, 0 gone, 1 left alone (dry run: nothing written)");
    expect(readFileSync(file, "utf8")).toBe(original);
    const pages = emulator.requests.filter((r) => r.path === "/v2/organizations").map((r) => r.query);
    expect(pages).toEqual([{ pageSize: "100" }, { pageSize: "100", after: "1096" }]);

    const run = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "ninjaone", "-c", file],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const written = readFileSync(file, "utf8");
    expect(written).toContain("# Our MSP and its customers.");
    expect(written).toContain("      # The MSP's NinjaOne: every organization is a customer.");
    expect(written).toMatch(/ {2}- id: contoso +# configured by hand already\n/);
    const { config: loaded, advice } = await loadConfig(file);
    // One NinjaOne app for every organization, by design: not advised against as a shared credential.
    expect(advice.filter((a) => a.includes("credential reference"))).toEqual([]);
    const fabrikam = loaded.tenants.find((t) => t.id === "fabrikam");
    expect(fabrikam?.connections[0]?.settings).toMatchObject({
      type: "ninjaone",
      organizationId: 12,
      endpoint: emulator.url,
    });

    // Running it again adds nothing.
    const again = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "ninjaone", "-c", file],
      env,
    );
    expect(again.stdout).toContain("0 to add, 0 gone, 103 left alone (nothing to write)");

    const report = await scan(loaded, { env, enforceQuotas: false, tenants: ["fabrikam"] });
    expect(report.coverage.find((c) => c.tenant === "fabrikam")?.status).toBe("complete");
    // One account, alice (organization 12): not bob (11), not the MSP's technician.
    expect(report.coverage.find((c) => c.tenant === "fabrikam")?.counts.accounts).toBe(1);
    const reads = emulator.requests.filter((r) => r.path.startsWith("/v2/user/")).map((r) => r.path);
    expect(reads).toEqual(["/v2/user/end-users"]);
  });

  it("a refused read changes nothing and says which connection", async () => {
    emulator = await startNinjaOneEmulator({
      accounts: [
        { clients: [{ clientId: "mfasweep", clientSecret: "other" }], technicians: [], endUsers: [] },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-ninja-"));
    const file = join(dir, "mfasweep.yaml");
    writeFileSync(file, config(emulator.url));
    const run = await inProcess(
      tenantsCommand(),
      ["tenants", "discover", "--from", "ninjaone", "-c", file],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /tenant 'msp', connection 'ninjaone': NinjaOne organizations not read completely/,
    );
    expect(run.stderr).not.toContain("ninja-s3cret");
    expect(readFileSync(file, "utf8")).toBe(config(emulator.url));
  });
});

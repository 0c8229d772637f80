import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ticketsCommand } from "../../../src/cli/tickets.js";
import { loadConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { startAutotaskEmulator } from "../../../src/export/ticketing/emulators/autotask.js";
import {
  connectwiseBasePath,
  startConnectWiseEmulator,
} from "../../../src/export/ticketing/emulators/connectwise.js";
import { startHaloEmulator } from "../../../src/export/ticketing/emulators/halopsa.js";
import { mapPsaCompanies } from "../../../src/onboarding/psa-map.js";
import { inProcess, runCli } from "../../helpers/cli.js";

/**
 * `tickets map` against each PSA emulator, which serves its company list with the vendor's paging (pages
 * of two here, so every list takes several requests) and auth. The same customers in each: Contoso by
 * its domain (the Entra connection names contoso.example), Fabrikam by name, Northwind already mapped,
 * Tailspin only as an inactive company (never matched). One case runs the real CLI process; the others
 * run the same command in this process.
 */

interface Company {
  id: number;
  name: string;
  website?: string;
  active: boolean;
}

const companies: Company[] = [
  { id: 301, name: "Northwind Traders", active: true },
  { id: 302, name: "Contoso (old name)", website: "https://www.contoso.example/", active: true },
  { id: 303, name: "Fabrikam, Inc.", active: true },
  { id: 304, name: "Tailspin Toys", active: false },
  { id: 305, name: "Someone Else", website: "someone.example", active: true },
];

interface PsaCase {
  type: string;
  field: string;
  env: Record<string, string>;
  start(): Promise<RunningEmulator>;
  target(url: string): Record<string, unknown>;
}

const cases: PsaCase[] = [
  {
    type: "connectwise",
    field: "companyId",
    env: { CW_PUBLIC: "pub-1", CW_PRIVATE: "priv-1", CW_CLIENT: "client-1" },
    start: () =>
      startConnectWiseEmulator({
        companyId: "msp",
        publicKey: "pub-1",
        privateKey: "priv-1",
        clientId: "client-1",
        maxPageSize: 2,
        companies: companies.map((c) => ({
          id: c.id,
          name: c.name,
          identifier: `C${c.id}`,
          ...(c.website ? { website: c.website } : {}),
          deletedFlag: !c.active,
        })),
      }),
    target: (url) => ({
      type: "connectwise",
      endpoint: `${url}${connectwiseBasePath}`,
      auth: {
        companyId: "msp",
        publicKey: "env:CW_PUBLIC",
        privateKey: "env:CW_PRIVATE",
        clientId: "env:CW_CLIENT",
      },
    }),
  },
  {
    type: "autotask",
    field: "companyId",
    env: { AT_SECRET: "at-1", AT_CODE: "CODE-1" },
    start: () =>
      startAutotaskEmulator({
        username: "api@msp.example",
        secret: "at-1",
        integrationCode: "CODE-1",
        pageSize: 2,
        companies: companies.map((c) => ({
          id: c.id,
          companyName: c.name,
          ...(c.website ? { webAddress: c.website } : {}),
          isActive: c.active,
        })),
      }),
    target: (url) => ({
      type: "autotask",
      endpoint: `${url}/ATServicesRest`,
      auth: { username: "api@msp.example", secret: "env:AT_SECRET", integrationCode: "env:AT_CODE" },
    }),
  },
  {
    type: "halopsa",
    field: "clientId",
    env: { HALO_SECRET: "halo-1" },
    start: () =>
      startHaloEmulator({
        clientId: "app",
        clientSecret: "halo-1",
        maxPageSize: 2,
        clients: companies.map((c) => ({
          id: c.id,
          name: c.name,
          ...(c.website ? { website: c.website } : {}),
          inactive: !c.active,
        })),
      }),
    target: (url) => ({
      type: "halopsa",
      endpoint: url,
      auth: { clientId: "app", clientSecret: "env:HALO_SECRET" },
    }),
  },
];

function configText(c: PsaCase, url: string): string {
  const target = { id: "psa", ...c.target(url), tenants: { northwind: { [c.field]: 301 } } };
  const entra = (tenantId: string) =>
    `      - type: entra\n        tenantId: ${tenantId}\n        auth: { method: client-secret, clientId: 11111111-1111-1111-1111-111111111111, secret: env:APP_SECRET }\n`;
  return `# Our customers; mappings come from: mfasweep tickets map --target psa
version: 1
tenants:
  - id: contoso   # found by its domain
    name: Contoso Ltd
    connections:
${entra("contoso.example")}  - id: fabrikam
    name: Fabrikam
    connections:
${entra("33333333-3333-3333-3333-333333333333")}  - id: northwind
    name: Northwind Traders
    connections:
${entra("44444444-4444-4444-4444-444444444444")}  - id: tailspin
    name: Tailspin Toys
    connections:
${entra("55555555-5555-5555-5555-555555555555")}
ticketing:
  # The PSA: one ticket per finding.
${stringify([target])
  .split("\n")
  .map((l) => (l ? `  ${l}` : l))
  .join("\n")}`;
}

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("tickets map", () => {
  it.each(cases)(
    "$type: proposes by domain and name, keeps, leaves unmatched; --write merges, keeping comments",
    async (c) => {
      emulator = await c.start();
      const dir = mkdtempSync(join(tmpdir(), "mfasweep-map-"));
      const file = join(dir, "mfasweep.yaml");
      const original = configText(c, emulator.url);
      writeFileSync(file, original);

      const dry = await inProcess(ticketsCommand(), ["tickets", "map", "--target", "psa", "-c", file], c.env);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain(`psa (${c.type}): 4 active`);
      expect(dry.stdout).toContain(
        `propose  contoso → Contoso (old name) (${c.field} 302), by domain: contoso.example`,
      );
      expect(dry.stdout).toContain(`propose  fabrikam → Fabrikam, Inc. (${c.field} 303), by name: fabrikam`);
      expect(dry.stdout).toContain(`kept     northwind → ${c.field} 301`);
      expect(dry.stdout).toMatch(/unmatched tailspin \(Tailspin Toys\): no company matches/);
      expect(dry.stdout).toContain("2 proposed, 1 kept, 1 unmatched (not written");
      expect(readFileSync(file, "utf8")).toBe(original);
      // Every page was read: pages of two, four active records.
      const listPaths = emulator.requests.filter((r) =>
        /company\/companies|Companies\/query|api\/Client/.test(r.path),
      );
      expect(listPaths.length).toBeGreaterThanOrEqual(2);

      const args = ["tickets", "map", "--target", "psa", "--write", "-c", file];
      const run =
        c.type === "connectwise"
          ? await runCli(args, { env: c.env })
          : await inProcess(ticketsCommand(), args, c.env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("mapped   contoso → Contoso (old name)");
      const written = readFileSync(file, "utf8");
      // The dry run's diff shows what was written: its added lines are in the file.
      for (const line of dry.stdout.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++")))
        expect(written).toContain(line.slice(1));
      expect(written).toContain("# Our customers; mappings come from: mfasweep tickets map --target psa");
      expect(written).toMatch(/ {2}- id: contoso +# found by its domain\n/);
      expect(written).toContain("  # The PSA: one ticket per finding.");
      const { config } = await loadConfig(file);
      expect(config.ticketing[0]?.tenants).toEqual({
        northwind: { [c.field]: 301 },
        contoso: { [c.field]: 302 },
        fabrikam: { [c.field]: 303 },
      });

      // Nothing left to propose: a second run writes nothing.
      const again = await inProcess(ticketsCommand(), args, c.env);
      expect(again.stdout).toContain("0 proposed, 3 kept, 1 unmatched (nothing to write)");
      expect(readFileSync(file, "utf8")).toBe(written);
    },
  );

  it("refused credentials: a clear error naming the target, and the config is left alone", async () => {
    const c = cases[2] as PsaCase;
    emulator = await c.start();
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-map-"));
    const file = join(dir, "mfasweep.yaml");
    const original = configText(c, emulator.url);
    writeFileSync(file, original);
    const run = await inProcess(
      ticketsCommand(),
      ["tickets", "map", "--target", "psa", "--write", "-c", file],
      {
        HALO_SECRET: "wrong",
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("psa (halopsa)");
    expect(run.stderr).not.toContain("wrong");
    expect(readFileSync(file, "utf8")).toBe(original);
  });

  it("a target of a system without companies is refused with the ones that have them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-map-"));
    const file = join(dir, "mfasweep.yaml");
    writeFileSync(
      file,
      `${configText(cases[0] as PsaCase, "http://127.0.0.1:9").split("ticketing:")[0]}ticketing:
  - id: hook
    type: webhook
    endpoint: http://127.0.0.1:9/hook
    auth: { secret: env:HOOK_SECRET }
`,
    );
    const run = await inProcess(ticketsCommand(), ["tickets", "map", "--target", "hook", "-c", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("tickets map reads companies from connectwise, autotask, halopsa only");
  });

  it.each([
    {
      name: "an Autotask next page on another host is not followed (our credentials would go there)",
      start: () =>
        startAutotaskEmulator({
          username: "api@msp.example",
          secret: "at-1",
          integrationCode: "CODE-1",
          pageSize: 2,
          companies: companies.map((c) => ({ id: c.id, companyName: c.name, isActive: true })),
          faults: [
            {
              path: /Companies\/query$/,
              fault: {
                kind: "rewrite",
                rewrite: (answer) => ({
                  ...answer,
                  body: {
                    ...(answer.body as object),
                    pageDetails: { nextPageUrl: "https://attacker.example/V1.0/Companies/query?page=1" },
                  },
                }),
              },
            },
          ],
        }),
      c: cases[1] as PsaCase,
      error: /not the zone's .*not sending credentials there/,
    },
    {
      name: "a HaloPSA page that ends the list before record_count says is an error, not a short list",
      start: () =>
        startHaloEmulator({
          clientId: "app",
          clientSecret: "halo-1",
          maxPageSize: 2,
          clients: companies.map((c) => ({ id: c.id, name: c.name })),
          faults: [
            {
              path: "/api/Client",
              after: 1,
              fault: {
                kind: "rewrite",
                rewrite: (answer) => ({ ...answer, body: { record_count: 5, clients: [] } }),
              },
            },
          ],
        }),
      c: cases[2] as PsaCase,
      error: /page 2 of clients is empty after 2 of 5; the list is incomplete/,
    },
  ])("$name; nothing is written", async ({ start, c, error }) => {
    emulator = await start();
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-map-"));
    const file = join(dir, "mfasweep.yaml");
    const original = configText(c, emulator.url);
    writeFileSync(file, original);
    await expect(mapPsaCompanies(file, "psa", { write: true, env: c.env })).rejects.toThrow(error);
    expect(readFileSync(file, "utf8")).toBe(original);
  });
});

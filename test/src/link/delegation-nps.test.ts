import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { armGateway, writeGatewayExport } from "../../../providers/azure-vpn/emulator.js";
import { seedTenant, seedUser, startEntraEmulator } from "../../../providers/entra/emulator.js";
import {
  type RegSeedValue,
  typicalValues,
  writeRegExport,
} from "../../../providers/nps-extension/emulator.js";
import { collect } from "../../../src/collect/index.js";
import { mergeCollections } from "../../../src/collect/merge.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { link } from "../../../src/link/index.js";
import type { AccessPath } from "../../../src/model/index.js";
import { scan } from "../../../src/scan.js";

/**
 * RADIUS to the NPS extension, resolved by the delegation linker against the tenant's Entra (real Graph
 * SDK against the emulator): the extension's registry settings (REQUIRE_USER_MATCH, IP_WHITELIST) and
 * each user's MFA registration decide, per user.
 */

const now = new Date("2026-11-24T12:00:00Z");
const token = "eyJ0eXAiOiJKV1QifQ.nps";
const domain = "nps.example";
const users = {
  push: seedUser(`push@${domain}`, { methodsRegistered: ["microsoftAuthenticatorPush"] }),
  sms: seedUser(`sms@${domain}`, { methodsRegistered: ["mobilePhone"] }),
  unregistered: seedUser(`unregistered@${domain}`, { methodsRegistered: [] }),
  disabled: seedUser(`disabled@${domain}`, { accountEnabled: false, methodsRegistered: [] }),
};
const tenant = seedTenant(domain, token, { users: Object.values(users) });
const frontEndNas = "10.20.0.5";
const npsAddress = "10.20.0.10";

let entra: RunningEmulator;
let dir: string;
let caBundle: string;
beforeAll(async () => {
  entra = await startEntraEmulator({ tenants: [tenant] });
  dir = await mkdtemp(join(tmpdir(), "mfasweep-delegation-nps-"));
  caBundle = join(dir, "ca.pem");
  await writeFile(caBundle, entra.certificate ?? "");
});
afterAll(async () => {
  await entra.close();
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function tenantConfig(
  values: Record<string, RegSeedValue> | "unreadable",
  extra: Array<Record<string, unknown>> = [],
  withEntra = true,
) {
  const registryExport =
    values === "unreadable"
      ? join(dir, "missing.reg")
      : await writeRegExport(dir, `nps-${files++}.reg`, typicalValues(values));
  const connections: Array<Record<string, unknown>> = [
    ...(withEntra
      ? [
          {
            type: "entra",
            tenantId: tenant.tenantId,
            endpoint: entra.url,
            caBundle,
            auth: { method: "access-token", token: "env:ENTRA_TOKEN" },
          },
        ]
      : []),
    {
      type: "nps-extension",
      frontEnds: [
        {
          name: `rdg.${domain}`,
          frontEnd: "rd-gateway",
          npsServer: `nps01.${domain}`,
          registryExport,
          nasAddresses: [frontEndNas],
          radiusAddresses: [npsAddress],
        },
      ],
    },
    ...extra,
  ];
  return parseConfig(stringify({ tenants: [{ id: "t", name: "T", connections }] }), "t.yaml", now).config;
}

/** Collect (real Graph client against the emulator), merge, link: the paths of the RD Gateway by user. */
async function linkedPaths(config: Awaited<ReturnType<typeof tenantConfig>>): Promise<AccessPath[]> {
  const collections = await collect(config, { enforceQuotas: false, env: { ENTRA_TOKEN: token }, now });
  expect(collections.map((c) => c.coverage.status).filter((s) => s !== "complete")).toEqual([]);
  const [inventory] = mergeCollections(config, collections);
  return link(inventory!).accessPaths.filter((p) => p.chain.delegation?.protocol === "radius");
}

const byUser = (paths: AccessPath[]) =>
  Object.fromEntries(
    paths.map((p) => [
      Object.values(users)
        .find((u) => u.id === p.accounts[0])
        ?.userPrincipalName.split("@")[0] ?? p.id,
      p.mfa.state,
    ]),
  );

describe("delegation linker: RADIUS to the NPS extension, per Entra user", () => {
  it("REQUIRE_USER_MATCH=FALSE: the unregistered user is bypassable, registered users enforced; disabled users get no path", async () => {
    const paths = await linkedPaths(await tenantConfig({ REQUIRE_USER_MATCH: "FALSE" }));
    expect(byUser(paths)).toEqual({ push: "enforced", sms: "enforced", unregistered: "bypassable" });
    const push = paths.find((p) => p.accounts[0] === users.push.id)!;
    expect(push.accountsFrom).toEqual({ source: "entra", connection: "entra" });
    expect(push.mfa.strength).toBe("app");
    expect(push.mfa.via).toEqual([`nps-extension:nps01.${domain}`, "entra:entra:mfa-registration"]);
    expect(paths.find((p) => p.accounts[0] === users.sms.id)!.mfa.strength).toBe("weak");
    const bypass = paths.find((p) => p.accounts[0] === users.unregistered.id)!;
    expect(bypass.mfa.reason).toContain("authentication proceeds without performing MFA");
    // Evidence: the registry value with its file:line, and the user's registration from Graph.
    expect(bypass.mfa.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "REQUIRE_USER_MATCH", value: "FALSE", line: expect.any(Number) }),
        expect.objectContaining({ source: "entra", objectId: users.unregistered.id, value: [] }),
      ]),
    );
  });

  it("REQUIRE_USER_MATCH=TRUE (and not set): the unregistered user is refused, so has no path", async () => {
    const cases: Array<Record<string, RegSeedValue>> = [{ REQUIRE_USER_MATCH: "TRUE" }, {}];
    for (const values of cases) {
      const paths = await linkedPaths(await tenantConfig(values));
      expect(byUser(paths)).toEqual({ push: "enforced", sms: "enforced" });
    }
  });

  it("IP_WHITELIST listing the front end: one path, none, left as the provider judged it; another address: registered users bypassable", async () => {
    const listed = await linkedPaths(await tenantConfig({ IP_WHITELIST: `10.9.9.9;${frontEndNas}` }));
    expect(listed).toHaveLength(1);
    expect(listed[0]!.accounts).toEqual([]);
    expect(listed[0]!.mfa.state).toBe("none");
    const other = await linkedPaths(
      await tenantConfig({ IP_WHITELIST: "10.9.9.9", REQUIRE_USER_MATCH: "TRUE" }),
    );
    expect(byUser(other)).toEqual({ push: "bypassable", sms: "bypassable" });
    expect(other[0]!.mfa.reason).toContain("IP_WHITELIST (10.9.9.9)");
  });

  it("an unreadable export: the provider's unknown path stays, with its reason; no Entra connection: unknown, never enforced", async () => {
    const config = await tenantConfig("unreadable");
    const collections = await collect(config, { enforceQuotas: false, env: { ENTRA_TOKEN: token }, now });
    const [inventory] = mergeCollections(config, collections);
    const [path, ...rest] = link(inventory!).accessPaths.filter(
      (p) => p.chain.delegation?.protocol === "radius",
    );
    expect(rest).toEqual([]);
    expect(path!.mfa.state).toBe("unknown");
    expect(path!.mfa.reason).toMatch(/settings on nps01\.nps\.example are not known/);

    const noEntra = await linkedPaths(await tenantConfig({ REQUIRE_USER_MATCH: "FALSE" }, [], false));
    expect(noEntra.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(noEntra[0]!.mfa.reason).toMatch(/this tenant has no entra connection/);
  });

  it("another gateway's RADIUS server: the NPS extension behind it resolves per user; a server no NPS connection names stays unknown", async () => {
    const gateways = await writeGatewayExport(dir, "gw.json", [
      armGateway({
        name: "vgw-radius",
        authenticationTypes: ["Radius"],
        radiusServers: [npsAddress, "10.30.0.1"],
        audience: null,
      }),
    ]);
    const paths = await linkedPaths(
      await tenantConfig({ REQUIRE_USER_MATCH: "FALSE" }, [{ type: "azure-vpn", exports: [gateways] }]),
    );
    const azure = paths.filter((p) => p.entryPoint.startsWith("azure-vpn:"));
    const viaNps = azure.filter((p) => p.chain.delegation?.target === npsAddress);
    expect(byUser(viaNps)).toEqual({ push: "enforced", sms: "enforced", unregistered: "bypassable" });
    const opaque = azure.filter((p) => p.chain.delegation?.target === "10.30.0.1");
    expect(opaque.map((p) => [p.accounts, p.mfa.state])).toEqual([[[], "unknown"]]);
    expect(opaque[0]!.mfa.reason).toMatch(/MFA depends on the RADIUS server: no nps-extension connection/);
  });

  it("the RD Gateway's paths are judged by vpn-login-requires-mfa: the unregistered user fails", async () => {
    const report = await scan(await tenantConfig({ REQUIRE_USER_MATCH: "FALSE" }), {
      enforceQuotas: false,
      env: { ENTRA_TOKEN: token },
      now,
    });
    const gateway = report.results.filter(
      (r) => r.policy === "vpn-login-requires-mfa" && r.subject.name.includes(`rdg.${domain}`),
    );
    expect(gateway.map((r) => [r.subject.name.split(" @ ")[0], r.status]).sort()).toEqual([
      [`push@${domain}`, "pass"],
      [`sms@${domain}`, "pass"],
      [`unregistered@${domain}`, "fail"],
    ]);
  });
});

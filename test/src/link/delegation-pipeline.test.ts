import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allPermissions,
  caPolicy,
  samlEnterpriseApp,
  seedGroup,
  seedTenant,
  seedUser,
  startEntraEmulator,
} from "../../../providers/entra/emulator.js";
import {
  app,
  appRule,
  factor,
  group,
  seedUser as oktaUser,
  policy,
  seedOrg,
  startOktaEmulator,
  zone,
} from "../../../providers/okta/emulator.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { scan } from "../../../src/scan.js";
import { fortigateSamlVpnBackup } from "../../helpers/fortigate-saml.js";

/**
 * The end-to-end cases, through config → collect (real Graph and Okta SDKs against their
 * emulators, VPN configuration files) → link → evaluate.
 */

const now = new Date("2026-11-24T12:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "mfasweep-delegation-"));
const entityId = "https://vpn.acme.example:10443/remote/saml/metadata";

// Entra: the FortiGate's SAML app, assigned to the VPN group, covered by an enabled MFA policy that
// excludes one user; a user outside the group cannot sign in through the app.
const alice = seedUser("alice@acme.example");
const bob = seedUser("bob@acme.example");
const carol = seedUser("carol@acme.example");
const vpnGroup = seedGroup("VPN users", [alice.id, bob.id]);
const vpnApp = samlEnterpriseApp("FortiGate SSL VPN", entityId, [vpnGroup.id]);
const entraToken = "eyJ0eXAiOiJKV1QifQ.acme";
const noAppsToken = "eyJ0eXAiOiJKV1QifQ.no-apps";
const tenant = seedTenant("acme.example", entraToken, {
  users: [alice, bob, carol],
  groups: [vpnGroup],
  enterpriseApps: [vpnApp],
  policies: [
    caPolicy("VPN requires MFA", {
      users: { includeUsers: ["All"], excludeUsers: [bob.id] },
      applications: { includeApplications: [vpnApp.appId] },
    }),
  ],
});

tenant.tokens.push({
  token: noAppsToken,
  permissions: allPermissions.filter((p) => p !== "Application.Read.All"),
});

const fortigateBackup = fortigateSamlVpnBackup(entityId, tenant.tenantId);

// Okta: a GlobalProtect portal signs in through an Okta SAML app whose policy lets contractors in with
// one factor. The app is assigned to two groups and one user; an intern outside them has no VPN path.
const oktaToken = "00test-okta-token";
const contractors = group("Contractors");
const frontOffice = group("Front office");
const office = zone("Office", "198.51.100.0/24");
const gpPolicy = policy("ACCESS_POLICY", "GlobalProtect", 10, [
  appRule("Contractors: password only", {
    priority: 0,
    factorMode: "1FA",
    groups: { include: [contractors.id] },
  }),
  appRule("Front office: password from the office", {
    priority: 1,
    factorMode: "1FA",
    groups: { include: [frontOffice.id] },
    zones: { include: [office.id] },
  }),
  appRule("Everyone else: MFA", { priority: 99, factorMode: "2FA", system: true }),
]);
const staff = oktaUser("staff@acme.example", { factors: [factor("push")] });
const org = seedOrg("acme.okta.example", oktaToken, (p) => ({
  groups: [p.everyone, contractors, frontOffice],
  zones: [office],
  extraPolicies: [gpPolicy],
  apps: [
    app("saasure", "Okta Admin Console", p.adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
    app("okta_enduser", "Okta Dashboard", p.dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
    app("panw_globalprotect", "GlobalProtect", gpPolicy.id, {
      settings: { signOn: { audience: "https://vpn.acme.example:443/SAML20/SP" } },
      assignedTo: [contractors.id, frontOffice.id, staff.id],
    }),
  ],
  users: [
    oktaUser("contractor@acme.example", { groups: [contractors.id], factors: [factor("push")] }),
    staff,
    oktaUser("reception@acme.example", { groups: [frontOffice.id], factors: [factor("push")] }),
    oktaUser("intern@acme.example", { factors: [] }),
  ],
}));

const globalProtectExport = `<config version="11.0.0">
  <shared>
    <server-profile><saml-idp><entry name="okta"><entity-id>http://www.okta.com/exk1acme</entity-id></entry></saml-idp></server-profile>
    <authentication-profile>
      <entry name="Okta-SAML"><method><saml-idp><server-profile>okta</server-profile></saml-idp></method></entry>
    </authentication-profile>
  </shared>
  <devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><global-protect>
    <global-protect-portal><entry name="portal"><portal-config><client-auth>
      <entry name="any"><os>Any</os><authentication-profile>Okta-SAML</authentication-profile></entry>
    </client-auth></portal-config></entry></global-protect-portal>
  </global-protect></entry></vsys></entry></devices>
</config>`;

let entra: RunningEmulator;
let okta: RunningEmulator;
let caBundle: string;
beforeAll(async () => {
  entra = await startEntraEmulator({ tenants: [tenant] });
  okta = await startOktaEmulator({ orgs: [org] });
  caBundle = join(dir, "ca.pem");
  writeFileSync(caBundle, entra.certificate ?? "");
  writeFileSync(join(dir, "fortigate.conf"), fortigateBackup);
  writeFileSync(join(dir, "panos.xml"), globalProtectExport);
});
afterAll(async () => {
  await entra.close();
  await okta.close();
});

function config(connections: string) {
  return parseConfig(
    `
tenants:
  - id: acme
    name: Acme
    connections:
${connections}
`,
    "mfasweep.yaml",
    now,
  ).config;
}

const entraConnection = () => `
      - type: entra
        tenantId: ${tenant.tenantId}
        endpoint: ${entra.url}
        caBundle: ${caBundle}
        auth: { method: access-token, token: env:ENTRA_TOKEN }`;

describe("delegated VPN sign-ins, end to end", () => {
  it("a FortiGate SAML VPN whose Entra app is covered by an MFA policy except one user flags exactly that user", async () => {
    const report = await scan(
      config(`${entraConnection()}
      - type: fortigate
        name: fw1
        backupFile: ${join(dir, "fortigate.conf")}`),
      { env: { ENTRA_TOKEN: entraToken }, now, quotas: new QuotaRegistry(false) },
    );
    expect(report.coverage.map((c) => [c.source, c.status])).toEqual([
      ["entra", "complete"],
      ["fortigate", "complete"],
    ]);
    const vpn = report.results.filter((r) => r.policy === "vpn-login-requires-mfa");
    // alice and bob are assigned (through the group); carol is not, so she has no VPN path.
    expect(vpn.map((r) => r.subject.name).sort()).toEqual([
      "alice@acme.example @ fw1 SSL-VPN",
      "bob@acme.example @ fw1 SSL-VPN",
    ]);
    const failing = vpn.filter((r) => r.status === "fail");
    expect(failing.map((r) => r.subject.name)).toEqual(["bob@acme.example @ fw1 SSL-VPN"]);
    expect(failing[0]!.severity).toBe("critical");
    expect(failing[0]!.message).toMatch(/VPN requires MFA.*excludes|excluded from 'VPN requires MFA'/);
    expect(failing[0]!.mfa?.via).toEqual([`entra:entra:app/${vpnApp.appId}`]);
    const passing = vpn.find((r) => r.status === "pass")!;
    expect(passing.mfa).toMatchObject({ state: "enforced", via: [`entra:entra:app/${vpnApp.appId}`] });
    expect(passing.evidence.some((e) => e.file?.endsWith("fortigate.conf") && e.field === "entity-id")).toBe(
      true,
    );
    expect(passing.evidence.some((e) => e.endpoint === "GET /identity/conditionalAccess/policies")).toBe(
      true,
    );
    // Both verdicts were decided by the firewall's config and the Entra connection: both are recorded.
    for (const r of vpn) expect(r.dependsOn).toEqual(["entra", "fortigate"]);
  });

  it("without the Entra connection the same VPN path is unknown with the reason, never enforced", async () => {
    const report = await scan(
      config(`
      - type: fortigate
        name: fw1
        backupFile: ${join(dir, "fortigate.conf")}`),
      { env: {}, now, quotas: new QuotaRegistry(false) },
    );
    const vpn = report.results.filter((r) => r.policy === "vpn-login-requires-mfa");
    expect(vpn).toHaveLength(1);
    expect(vpn[0]).toMatchObject({ status: "unknown", mfa: { state: "unknown" } });
    expect(vpn[0]!.message).toMatch(
      /delegated to Microsoft Entra ID, but this tenant has no entra connection/,
    );
  });

  it("an Entra connection without Application.Read.All leaves the delegated path unknown, naming the gap", async () => {
    const report = await scan(
      config(`${entraConnection()}
      - type: fortigate
        name: fw1
        backupFile: ${join(dir, "fortigate.conf")}`),
      { env: { ENTRA_TOKEN: noAppsToken }, now, quotas: new QuotaRegistry(false) },
    );
    const entraCoverage = report.coverage.find((c) => c.source === "entra")!;
    expect(entraCoverage.status).toBe("partial");
    expect(entraCoverage.gaps[0]!.reason).toMatch(/Application\.Read\.All/);
    const vpn = report.results.filter((r) => r.policy === "vpn-login-requires-mfa");
    expect(vpn).toHaveLength(1);
    expect(vpn[0]!.status).toBe("unknown");
    expect(vpn[0]!.message).toMatch(/enterprise apps could not be read/);
  });

  it("a GlobalProtect portal signing in through an Okta app with one-factor rules: those users fail (none, or bypassable where a zone limits the rule)", async () => {
    const report = await scan(
      config(`
      - type: okta
        orgUrl: https://acme.okta.example
        endpoint: ${okta.url}
        auth: { method: api-token, token: env:OKTA_TOKEN }
      - type: globalprotect
        name: fw2
        configFile: ${join(dir, "panos.xml")}
        portalAddress: vpn.acme.example`),
      { env: { OKTA_TOKEN: oktaToken }, now, quotas: new QuotaRegistry(false) },
    );
    expect(report.coverage.every((c) => c.status === "complete")).toBe(true);
    const vpn = report.results.filter((r) => r.policy === "vpn-login-requires-mfa");
    const byUser = Object.fromEntries(vpn.map((r) => [r.subject.name.split(" @ ")[0], r]));
    // The intern is not assigned to the GlobalProtect app: Okta refuses them, so no VPN path.
    expect(Object.keys(byUser).sort()).toEqual([
      "contractor@acme.example",
      "reception@acme.example",
      "staff@acme.example",
    ]);
    expect(byUser["staff@acme.example"]!.message).not.toMatch(/assumed assigned/);
    // A rule that always lets the group in with a password leaves it no second factor at all.
    expect(byUser["contractor@acme.example"]).toMatchObject({ status: "fail", mfa: { state: "none" } });
    expect(byUser["reception@acme.example"]).toMatchObject({ status: "fail", mfa: { state: "bypassable" } });
    expect(byUser["contractor@acme.example"]!.mfa?.via?.[0]).toMatch(/^okta:okta:app\/0oa/);
    expect(byUser["staff@acme.example"]).toMatchObject({ status: "pass", mfa: { state: "enforced" } });
    for (const r of vpn) expect(r.dependsOn).toEqual(["globalprotect", "okta"]);
  });
});

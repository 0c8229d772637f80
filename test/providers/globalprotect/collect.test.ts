import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { configFromResponse } from "../../../providers/globalprotect/client.js";
import { fabrikamConfig, startPanOsEmulator } from "../../../providers/globalprotect/emulator.js";
import { GlobalProtectSettings } from "../../../providers/globalprotect/settings.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import { ProviderResponseError } from "../../../src/errors.js";
import { collectRecorded } from "../../helpers/connection.js";

const dir = mkdtempSync(join(tmpdir(), "mfasweep-panos-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const key = "LUFRPT-test-key-never-printed";

async function collect(raw: Record<string, unknown>, options: Partial<CollectOptions> = {}) {
  const { collection, slept } = await collectRecorded(
    {
      id: "gp",
      type: "globalprotect",
      settings: GlobalProtectSettings.parse({ type: "globalprotect", ...raw }),
    },
    { env: { PAN_KEY: key }, ...options },
  );
  const path = (suffix: string) => collection.inventory.accessPaths.find((p) => p.id.endsWith(suffix));
  return { collection, path, slept };
}

const sequences = `<config version="10.2.0">
  <shared>
    <server-profile>
      <radius><entry name="nps"><server><entry name="nps1"><ip-address>10.2.0.8</ip-address></entry></server></entry></radius>
    </server-profile>
    <authentication-profile>
      <entry name="LDAP-MFA"><method><ldap><server-profile>corp</server-profile></ldap></method><multi-factor-auth><mfa-enable>yes</mfa-enable><factors><member>okta-mfa</member></factors></multi-factor-auth></entry>
      <entry name="LDAP-Plain"><method><ldap><server-profile>corp</server-profile></ldap></method></entry>
      <entry name="Radius-NPS"><method><radius><server-profile>nps</server-profile></radius></method></entry>
    </authentication-profile>
    <authentication-sequence>
      <entry name="Try-Both"><authentication-profiles><member>LDAP-MFA</member><member>LDAP-Plain</member></authentication-profiles></entry>
    </authentication-sequence>
  </shared>
  <devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><global-protect>
    <global-protect-gateway><entry name="gw"><client-auth>
      <entry name="win"><os>Windows</os><authentication-profile>LDAP-MFA</authentication-profile></entry>
      <entry name="mac"><os>Mac</os><authentication-profile>Try-Both</authentication-profile></entry>
      <entry name="ios"><os>iOS</os><authentication-profile>Radius-NPS</authentication-profile></entry>
      <entry name="other"><os>Any</os><authentication-profile>Gone</authentication-profile></entry>
    </client-auth></entry></global-protect-gateway>
  </global-protect></entry></vsys></entry></devices>
</config>`;

describe("globalprotect export mode", () => {
  it("judges each client-auth's authentication profile per OS, cookies and administrators", async () => {
    const export_ = file("fab.xml", fabrikamConfig("fabrikam-legal.example"));
    const { collection, path } = await collect({
      configFile: export_,
      portalAddress: "vpn.fabrikam-legal.example",
      name: "fw",
    });
    expect(collection.coverage.status).toBe("complete");
    const portal = "globalprotect:gp:vsys1:portal/gp-portal/any-os";
    const gateway = "globalprotect:gp:vsys1:gateway/gp-gateway";
    expect(path(`${portal}/profile/Okta-SAML`)!.chain.delegation).toEqual({
      protocol: "saml",
      target: "https://vpn.fabrikam-legal.example:443/SAML20/SP",
      targetSource: "okta",
    });
    expect(path(`${gateway}/linux/user/linux-build`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${gateway}/linux/user/linux-build`)!.mfa.evidence[0]).toMatchObject({
      file: export_,
      field: "method",
      value: "local-database",
    });
    // A disabled local user cannot sign in.
    expect(path(`${gateway}/linux/user/old-contractor`)).toBeUndefined();
    expect(collection.inventory.entryPoints.find((e) => e.id === `${gateway}/linux`)!.name).toBe(
      "fw GlobalProtect gateway 'gp-gateway' (Linux)",
    );
    const cookies = collection.inventory.facts
      .filter((f) => f.kind === "vpn.auth-override-cookie")
      .map((f) => f.data);
    expect(cookies).toEqual([
      {
        entryPoint: portal,
        scope: "portal 'gp-portal' config 'staff'",
        acceptCookie: true,
        lifetimeMinutes: 30 * 1440,
      },
      {
        entryPoint: `${gateway}/any-os`,
        scope: "gateway 'gp-gateway' config 'staff'",
        acceptCookie: true,
        lifetimeMinutes: 480,
      },
    ]);
    expect(path("globalprotect:gp:admin/admin")!.mfa.state).toBe("none");
    expect(path("globalprotect:gp:admin/msp-admin")!.mfa.state).toBe("enforced");
    const ids = collection.inventory.accessPaths.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("without the portal address the SAML app cannot be named: unknown with the reason", async () => {
    const { path } = await collect({
      configFile: file("fab2.xml", fabrikamConfig("fabrikam-legal.example")),
    });
    const saml = path("portal/gp-portal/any-os/profile/Okta-SAML")!;
    expect(saml.chain.delegation).toBeUndefined();
    expect(saml.mfa.reason).toMatch(/set portalAddress/);
  });

  it("resolves sequences (any member signs in), MFA-enabled profiles, NPS RADIUS and missing profiles", async () => {
    const { path } = await collect({
      configFile: file("seq.xml", sequences),
      radiusMfa: [{ server: "nps", via: "entra-nps-extension" }],
    });
    const gw = "globalprotect:gp:vsys1:gateway/gw";
    expect(path(`${gw}/win/profile/LDAP-MFA`)!.mfa).toMatchObject({ state: "enforced" });
    expect(path(`${gw}/win/profile/LDAP-MFA`)!.mfa.reason).toMatch(/okta-mfa/);
    // A sequence tries each member: the plain LDAP member is a second way in, judged on its own.
    expect(path(`${gw}/mac/profile/LDAP-MFA`)!.mfa.state).toBe("enforced");
    expect(path(`${gw}/mac/profile/LDAP-Plain`)!.mfa.state).toBe("unknown");
    expect(path(`${gw}/ios/profile/Radius-NPS`)!.chain.delegation).toEqual({
      protocol: "radius",
      target: "10.2.0.8",
      targetSource: "entra",
    });
    expect(path(`${gw}/other/missing/Gone`)!.mfa.reason).toMatch(/'Gone' is not in the configuration/);
  });

  it("a file that is not a PAN-OS config fails with the file named", async () => {
    const { collection } = await collect({ configFile: file("bad.xml", "<notconfig/>") });
    expect(collection.coverage.reason).toMatch(/bad\.xml: the root element is <notconfig>/);
    const broken = await collect({ configFile: file("broken.xml", "<config><a></config>") });
    expect(broken.collection.coverage.reason).toMatch(/broken\.xml: line 1/);
  });
});

describe("globalprotect XML API mode", () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  async function api(options: { keys?: string[]; faults?: FaultRule[] } = {}) {
    emulator = await startPanOsEmulator({
      firewall: { keys: options.keys ?? [key], config: fabrikamConfig("fabrikam-legal.example") },
      faults: options.faults,
    });
    return collect({
      endpoint: emulator.url,
      caBundle: file("ca.pem", emulator.certificate ?? ""),
      portalAddress: "vpn.fabrikam-legal.example",
      auth: { method: "api-key", key: "env:PAN_KEY" },
    });
  }

  it("shows the running config with the key in X-PAN-KEY, never in the URL", async () => {
    const { collection, path } = await api();
    expect(collection.coverage.status).toBe("complete");
    const [request] = emulator!.requests;
    expect(request).toMatchObject({
      path: "/api/",
      query: { type: "config", action: "show", xpath: "/config" },
    });
    expect(request!.headers["x-pan-key"]).toBe(key);
    expect(JSON.stringify(request!.query)).not.toContain(key);
    expect(path("gateway/gp-gateway/linux/user/linux-build")!.mfa.evidence[0]).toMatchObject({
      endpoint: "GET /api/?type=config&action=show&xpath=/config",
    });
  });

  it("a refused key fails the connection without showing it; a 5xx is retried", async () => {
    const refused = await api({ keys: ["other"] });
    expect(refused.collection.coverage.reason).toMatch(
      /the API key was refused \(HTTP 403: Invalid Credential\)/,
    );
    expect(refused.collection.coverage.reason).not.toContain(key);
    await emulator!.close();
    const retried = await api({
      faults: [{ path: "/api/", times: 1, fault: { kind: "status", status: 502 } }],
    });
    expect(retried.collection.coverage.status).toBe("complete");
    expect(retried.collection.coverage.counts.retries).toBe(1);
  });

  it("property: reading any response body throws nothing but a named response error", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.constantFrom(
            '<response status="error"><result><msg>x</msg></result></response>',
            '<response status="success"><result/></response>',
            "<config/>",
          ),
        ),
        (body) => {
          try {
            configFromResponse(body, "test");
          } catch (err) {
            expect(err).toBeInstanceOf(ProviderResponseError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

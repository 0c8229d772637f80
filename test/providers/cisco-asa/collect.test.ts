import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contosoDentalRunningConfig } from "../../../providers/cisco-asa/emulator.js";
import { parseRunningConfig } from "../../../providers/cisco-asa/running-config.js";
import { CiscoAsaSettings } from "../../../providers/cisco-asa/settings.js";
import { readAsaConfig } from "../../../providers/cisco-asa/transform.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";

const dir = mkdtempSync(join(tmpdir(), "mfasweep-asa-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function collect(raw: Record<string, unknown>) {
  const collection = await collectConnection(
    { id: "acme", name: "Acme" },
    { id: "asa", type: "cisco-asa", settings: CiscoAsaSettings.parse({ type: "cisco-asa", ...raw }) },
    { quotas: new QuotaRegistry(false), env: {} },
  );
  const path = (suffix: string) => collection.inventory.accessPaths.find((p) => p.id.endsWith(suffix));
  const fact = (suffix: string) => collection.inventory.facts.find((f) => f.id.endsWith(suffix));
  return { collection, path, fact };
}

const conditions = `ASA Version 9.18(3)
!
username localvpn password ***** pbkdf2
username netadmin password ***** pbkdf2 privilege 15
username netadmin attributes
 service-type admin
aaa-server RADIUS-DUO protocol radius
aaa-server RADIUS-DUO (inside) host 10.1.1.50
 key *****
aaa-server NPS protocol radius
aaa-server NPS (inside) host 10.1.1.60
aaa-server AD protocol ldap
aaa-server AD (inside) host 10.1.1.10
aaa authentication ssh console LOCAL
webvpn
 enable outside
 anyconnect enable
 saml idp https://sts.windows.net/4f1c0a37-6c2b-4b55-9d0e-2f6a1c9e8b11/
  url sign-in https://login.microsoftonline.com/4f1c0a37-6c2b-4b55-9d0e-2f6a1c9e8b11/saml2
  base-url https://vpn.acme.example
tunnel-group LocalOnly type remote-access
tunnel-group LocalOnly general-attributes
 authentication-server-group LOCAL
tunnel-group LdapFallback type remote-access
tunnel-group LdapFallback general-attributes
 authentication-server-group (outside) AD LOCAL
tunnel-group Double type remote-access
tunnel-group Double general-attributes
 authentication-server-group AD
 secondary-authentication-server-group RADIUS-DUO use-primary-username
tunnel-group TwoPasswords type remote-access
tunnel-group TwoPasswords general-attributes
 authentication-server-group AD
 secondary-authentication-server-group LOCAL
tunnel-group NoSecondary type remote-access
tunnel-group NoSecondary general-attributes
 authentication-server-group AD
 secondary-authentication-server-group none
tunnel-group CertOnly type remote-access
tunnel-group CertOnly webvpn-attributes
 authentication certificate
tunnel-group CertAndAaa type remote-access
tunnel-group CertAndAaa general-attributes
 authentication-server-group LOCAL
tunnel-group CertAndAaa webvpn-attributes
 authentication aaa certificate
tunnel-group Saml type remote-access
tunnel-group Saml webvpn-attributes
 authentication saml
 saml identity-provider https://sts.windows.net/4f1c0a37-6c2b-4b55-9d0e-2f6a1c9e8b11/
tunnel-group ViaNps type remote-access
tunnel-group ViaNps general-attributes
 authentication-server-group NPS
tunnel-group SiteToSite type ipsec-l2l
aaa-server DUO-LDAPS protocol ldap
aaa-server DUO-LDAPS (outside) host api-1a2b3c4d.duosecurity.com
tunnel-group LocalNone type remote-access
tunnel-group LocalNone general-attributes
 authentication-server-group LOCAL
 secondary-authentication-server-group none
tunnel-group RadiusOnly type remote-access
tunnel-group RadiusOnly general-attributes
 authentication-server-group RADIUS-DUO
tunnel-group AdThenDuoLdaps type remote-access
tunnel-group AdThenDuoLdaps general-attributes
 authentication-server-group AD
 secondary-authentication-server-group DUO-LDAPS use-primary-username
tunnel-group DuoLdapsOnly type remote-access
tunnel-group DuoLdapsOnly general-attributes
 authentication-server-group DUO-LDAPS
`;

describe("cisco-asa running-config", () => {
  it("judges each tunnel-group's authentication (reference §2.3) with file:line evidence", async () => {
    const running = file("asa.txt", conditions);
    const { collection, path, fact } = await collect({
      runningConfig: running,
      name: "asa1",
      radiusMfa: [{ server: "NPS", via: "entra-nps-extension" }],
    });
    expect(collection.coverage.status).toBe("complete");
    const tg = (name: string) => `cisco-asa:asa:tunnel-group/${name}`;
    expect(path(`${tg("LocalOnly")}/user/localvpn`)!.mfa).toMatchObject({ state: "none" });
    // service-type admin users cannot use the VPN.
    expect(path(`${tg("LocalOnly")}/user/netadmin`)).toBeUndefined();
    expect(
      path(`${tg("LocalOnly")}/user/localvpn`)!.mfa.evidence.find(
        (e) => e.field === "authentication-server-group",
      ),
    ).toMatchObject({
      file: running,
      line: 23,
      value: "LOCAL",
    });
    // An LDAP group is a password bind: with no secondary group and no certificate, one factor.
    expect(path(`${tg("LdapFallback")}/aaa/AD`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${tg("LdapFallback")}/aaa/AD`)!.mfa.reason).toMatch(
      /checks a directory password \(AAA server group 'AD' \(ldap 10\.1\.1\.10\): ldap bind\) only/,
    );
    expect(
      path(`${tg("LdapFallback")}/aaa/AD`)!.mfa.evidence.find((e) => e.field === "aaa-server protocol"),
    ).toMatchObject({ line: 12, value: "ldap" });
    expect(path(`${tg("LdapFallback")}/fallback/localvpn`)!.mfa.state).toBe("bypassable");
    expect(fact(`${tg("LdapFallback")}/fallback`)!.data).toMatchObject({ fallback: true, serverGroup: "AD" });
    expect(fact(`${tg("Double")}/fallback`)!.data).toMatchObject({ fallback: false });
    expect(path(`${tg("Double")}/aaa/AD`)!.mfa.reason).toMatch(/RADIUS-DUO.*double authentication/);
    expect(path(`${tg("TwoPasswords")}/aaa/AD`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${tg("TwoPasswords")}/aaa/AD`)!.mfa.reason).toMatch(/two passwords are not two factors/);
    expect(path(`${tg("NoSecondary")}/aaa/AD`)!.mfa.state).toBe("none");
    // `secondary-authentication-server-group none` is no secondary check: the local password alone.
    expect(path(`${tg("LocalNone")}/user/localvpn`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${tg("LocalNone")}/user/localvpn`)!.mfa.reason).toMatch(/local password only/);
    // RADIUS may carry a one-time code (Duo proxy, NPS): unknown unless linked.
    expect(path(`${tg("RadiusOnly")}/aaa/RADIUS-DUO`)!.mfa.state).toBe("unknown");
    // Duo's cloud LDAPS adds Duo to the bind: not a plain password, so not none.
    expect(path(`${tg("AdThenDuoLdaps")}/aaa/AD`)!.mfa.state).toBe("unknown");
    expect(path(`${tg("DuoLdapsOnly")}/aaa/DUO-LDAPS`)!.mfa.state).toBe("unknown");
    expect(path(`${tg("CertOnly")}/certificate`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${tg("CertAndAaa")}/user/localvpn`)!.mfa).toMatchObject({ state: "enforced" });
    expect(path(`${tg("Saml")}/saml`)!.chain.delegation).toEqual({
      protocol: "saml",
      target: "https://vpn.acme.example/saml/sp/metadata/Saml",
      targetSource: "entra",
    });
    expect(path(`${tg("ViaNps")}/aaa/NPS`)!.chain.delegation).toEqual({
      protocol: "radius",
      target: "10.1.1.60",
      targetSource: "entra",
    });
    expect(collection.inventory.entryPoints.some((e) => e.id.endsWith("SiteToSite"))).toBe(false);
    // The built-in profiles exist even when untouched, and are flagged for a look.
    expect(path(`${tg("DefaultWEBVPNGroup")}/default`)!.mfa.reason).toMatch(/built-in connection profile/);
    expect(path("cisco-asa:asa:admin/user/netadmin")!.mfa.state).toBe("none");
    const ids = collection.inventory.accessPaths.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the demo's ASA: LDAP primary, no secondary, LOCAL fallback", async () => {
    const { path, fact } = await collect({
      runningConfig: file("dental.txt", contosoDentalRunningConfig("contoso-dental.example")),
    });
    expect(path("tunnel-group/Staff/aaa/AD-LDAP")!.mfa.state).toBe("none");
    expect(path("tunnel-group/Staff/fallback/frontdesk")!.mfa.state).toBe("bypassable");
    expect(fact("tunnel-group/Staff/fallback")!.data).toMatchObject({ fallback: true });
    expect(path("tunnel-group/DefaultWEBVPNGroup/user/frontdesk")!.mfa.state).toBe("none");
  });

  it("the RADIUS or LDAP group that decides names each host and port as a delegation target, with the ASA's defaults", async () => {
    const running = file(
      "asa-targets.txt",
      `aaa-server R protocol radius
aaa-server R (inside) host 10.2.0.1
aaa-server L protocol ldap
aaa-server L (inside) host 10.2.0.2
 server-port 3389
aaa-server S protocol ldap
aaa-server S (inside) host 10.2.0.3
 ldap-over-ssl enable
aaa-server TWO protocol radius
aaa-server TWO (inside) host 10.2.0.4
aaa-server TWO (inside) host 10.2.0.5
aaa-server R (inside) host 10.2.0.1
${["R", "L", "S", "TWO"].map((g) => `tunnel-group T${g} type remote-access\ntunnel-group T${g} general-attributes\n authentication-server-group ${g}\n`).join("")}tunnel-group Second type remote-access
tunnel-group Second general-attributes
 authentication-server-group L
 secondary-authentication-server-group R
`,
    );
    const { path } = await collect({ runningConfig: running, name: "asa1" });
    const target = (tg: string, group: string) =>
      path(`cisco-asa:asa:tunnel-group/${tg}/aaa/${group}`)!.chain.delegation;
    // RADIUS authentication-port not set: the ASA's default 1645; LDAP server-port as set.
    // A host named twice (the second line enters the same host's settings) is one host, one path.
    expect(target("TR", "R")).toEqual({ protocol: "radius", target: "10.2.0.1:1645" });
    expect(target("TL", "L")).toEqual({ protocol: "ldap", target: "10.2.0.2:3389" });
    // LDAP over SSL without a server-port: its port is not known, not linked.
    expect(target("TS", "S")).toBeUndefined();
    // Several hosts: the ASA may use any of them, so one path per host, each its own target.
    expect(path("cisco-asa:asa:tunnel-group/TTWO/aaa/TWO")).toBeUndefined();
    expect(target("TTWO", "TWO/10.2.0.4")).toEqual({ protocol: "radius", target: "10.2.0.4:1645" });
    expect(target("TTWO", "TWO/10.2.0.5")).toEqual({ protocol: "radius", target: "10.2.0.5:1645" });
    expect(path("cisco-asa:asa:tunnel-group/TTWO/aaa/TWO/10.2.0.5")!.mfa.reason).toMatch(/one of 2 in TWO/);
    // Double authentication: the secondary group's check is the second factor, so it is the target.
    expect(target("Second", "L")).toEqual({ protocol: "radius", target: "10.2.0.1:1645" });
  });

  it("FTD/FMC connection profiles: method, local primary, secondary, fallback", async () => {
    const profiles = {
      items: [
        { name: "LocalOnly", authenticationMethod: "AAA_ONLY", useLocalAsPrimaryAuthServer: true },
        {
          name: "RadiusFallback",
          authenticationMethod: "AAA_ONLY",
          primaryAuthenticationServer: { id: "r1", type: "RadiusServerGroup", name: "ISE" },
          enablePrimaryAuthFallbackToLocal: true,
        },
        { name: "Cert", authenticationMethod: "CLIENT_CERTIFICATE_ONLY" },
        { name: "CertAaa", authenticationMethod: "AAA_AND_CLIENT_CERTIFICATE" },
        { name: "Saml", authenticationMethod: "SAML" },
        { name: "Broken", authenticationMethod: "TELEPATHY" },
      ],
    };
    const { collection, path, fact } = await collect({
      ftdConnectionProfiles: file("ftd.json", JSON.stringify(profiles)),
    });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(path("ftd/LocalOnly/aaa")!.mfa.state).toBe("none");
    expect(path("ftd/RadiusFallback/aaa")!.mfa.state).toBe("unknown");
    expect(fact("ftd/RadiusFallback/fallback")!.data).toMatchObject({ fallback: true, serverGroup: "ISE" });
    expect(path("ftd/Cert/auth")!.mfa.state).toBe("none");
    expect(path("ftd/CertAaa/auth")!.mfa.state).toBe("enforced");
    expect(path("ftd/Saml/saml")!.mfa.state).toBe("unknown");
    // The profile that could not be read did not vanish: its entry point stays, with one unknown path.
    expect(path("ftd/Broken/unread")!.mfa).toMatchObject({
      state: "unknown",
      reason: expect.stringMatching(/connection profile Broken could not be read \(.*authenticationMethod/),
    });
    expect(collection.inventory.entryPoints.map((e) => e.id.split(":ftd/")[1]).sort()).toEqual([
      "Broken",
      "Cert",
      "CertAaa",
      "LocalOnly",
      "RadiusFallback",
      "Saml",
    ]);
  });

  it("unreadable or non-JSON files fail the connection with the file named", async () => {
    const missing = await collect({ runningConfig: join(dir, "nope.txt") });
    expect(missing.collection.coverage.reason).toMatch(/cannot read the running-config .*nope\.txt/);
    const bad = await collect({ ftdConnectionProfiles: file("bad.json", "{nope") });
    expect(bad.collection.coverage.reason).toMatch(/bad\.json: not JSON/);
  });

  it("property: the parser and reader never throw, and every command keeps its line", () => {
    const word = fc.constantFrom(
      "tunnel-group",
      "X",
      "general-attributes",
      "webvpn-attributes",
      "authentication",
      "saml",
      "aaa-server",
      "username",
      "privilege",
      "LOCAL",
      "!",
      "webvpn",
      "idp",
      "base-url",
    );
    const line = fc
      .tuple(fc.constantFrom("", " ", "  "), fc.array(word, { maxLength: 5 }))
      .map(([i, w]) => i + w.join(" "));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(line, { maxLength: 40 }).map((l) => l.join("\n")),
          fc.string({ maxLength: 300 }),
        ),
        (text) => {
          const r = parseRunningConfig(text);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          for (const c of r.commands) expect(c.line).toBeGreaterThanOrEqual(1);
          readAsaConfig(r.commands);
        },
      ),
      { numRuns: 400 },
    );
  });
});

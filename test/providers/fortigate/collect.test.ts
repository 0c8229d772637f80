import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AccessGroup,
  type AccessLevel,
  restFromCli,
  startFortiGateEmulator,
} from "../../../providers/fortigate/emulator.js";
import { FortiGateSettings } from "../../../providers/fortigate/settings.js";
import type { CollectOptions } from "../../../src/collect/index.js";
import type { FaultRule, RunningEmulator } from "../../../src/emulator/server.js";
import type { AccessPath } from "../../../src/model/index.js";
import { collectRecorded, doctorOf } from "../../helpers/connection.js";
import { conditionsConfig, entraTenant, multiVdomConfig, plainShowConfig } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "mfasweep-fortigate-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function collect(raw: Record<string, unknown>, options: Partial<CollectOptions> = {}) {
  const { collection, slept } = await collectRecorded(
    { id: "fortigate", type: "fortigate", settings: FortiGateSettings.parse({ type: "fortigate", ...raw }) },
    { env: { FGT_TOKEN: "fgt-token-never-printed" }, ...options },
  );
  const path = (suffix: string): AccessPath | undefined =>
    collection.inventory.accessPaths.find((p) => p.id.endsWith(suffix));
  return { collection, slept, path };
}

describe("fortigate backup mode", () => {
  it("judges every single-factor condition of reference §2.1 with file:line evidence", async () => {
    const backup = file("conditions.conf", conditionsConfig());
    const { collection, path } = await collect({
      backupFile: backup,
      name: "fw1",
      radiusMfa: [{ server: "nps-radius", via: "entra-nps-extension" }],
    });
    expect(collection.coverage.status).toBe("complete");
    const ssl = "fortigate:fortigate:root:ssl-vpn";
    expect(path(`${ssl}/user/pw-only`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${ssl}/user/pw-only`)!.mfa.evidence[0]).toMatchObject({
      file: backup,
      line: 24,
      field: "two-factor",
      value: "disable",
    });
    expect(path(`${ssl}/user/tok`)!.mfa).toMatchObject({ state: "enforced", strength: "app" });
    expect(path(`${ssl}/user/mail`)!.mfa).toMatchObject({ state: "enforced", strength: "weak" });
    expect(path(`${ssl}/user/off`)).toBeUndefined();
    expect(path(`${ssl}/user/ldapuser`)!.mfa).toMatchObject({ state: "unknown" });
    expect(path(`${ssl}/user/ldapuser`)!.mfa.reason).toMatch(/LDAP server 'corp-ldap'.*needs attestation/);
    // This backup prints defaults (`set two-factor disable`), so it is not plain `show`: absent is not default.
    expect(path(`${ssl}/user/nofield`)!.mfa.reason).toMatch(
      /not in the backup, which prints default values elsewhere \(line 5: set two-factor disable\)/,
    );
    expect(path(`${ssl}/ldap/corp-ldap`)!.mfa.state).toBe("unknown");
    expect(path(`${ssl}/radius/corp-radius`)!.mfa.reason).toMatch(
      /RADIUS server 'corp-radius' \(10\.0\.0\.9\).*needs attestation/,
    );
    expect(path(`${ssl}/radius/nps-radius`)!.chain.delegation).toEqual({
      protocol: "radius",
      target: "10.0.0.10",
      targetSource: "entra",
    });
    expect(path(`${ssl}/saml/entra-sso`)!).toMatchObject({
      accounts: [],
      chain: {
        delegation: {
          protocol: "saml",
          target: "https://vpn.acme.example:10443/remote/saml/metadata",
          targetSource: "entra",
        },
      },
      mfa: { state: "unknown" },
    });
    expect(path(`${ssl}/saml/entra-sso`)!.mfa.reason).toContain(`https://sts.windows.net/${entraTenant}/`);
    expect(path(`${ssl}/saml/okta-sso`)!.chain.delegation?.targetSource).toBe("okta");
    expect(path(`${ssl}/unresolved/missing-thing`)!.mfa.state).toBe("unknown");

    const ipsec = "fortigate:fortigate:root:ipsec";
    expect(path(`${ipsec}/dial-psk/tunnel`)!.mfa).toMatchObject({ state: "none" });
    expect(path(`${ipsec}/dial-psk/tunnel`)!.mfa.reason).toMatch(/no user authentication at all/);
    expect(path(`${ipsec}/dial-xauth/user/tok`)!.mfa.state).toBe("enforced");
    expect(path(`${ipsec}/dial-eap/user/tok`)!.mfa.state).toBe("enforced");
    expect(path(`${ipsec}/dial-nodefault/tunnel`)!.mfa.state).toBe("unknown");
    expect(collection.inventory.entryPoints.some((e) => e.id.endsWith("ipsec/site"))).toBe(false);

    const admin = "fortigate:fortigate:admin";
    expect(path(`${admin}/admin`)!.mfa.state).toBe("none");
    expect(path(`${admin}/noc`)!.mfa).toMatchObject({ state: "enforced", strength: "app" });
    expect(path(`${admin}/radius-admin`)!.mfa.reason).toMatch(/RADIUS-ADMINS/);
    expect(path(`${admin}/nofield`)!.mfa.state).toBe("unknown");
    expect(collection.inventory.accounts.find((a) => a.id === "admin/admin")).toMatchObject({
      kind: "local",
      admin: { isAdmin: true, roles: ["super_admin"] },
    });
    expect(collection.inventory.accounts.find((a) => a.id === "user/root/off")?.status).toBe("disabled");
    const ids = collection.inventory.accessPaths.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a plain `show` backup leaves defaults out: a missing two-factor or xauthtype is the documented disable", async () => {
    // FortiOS 7.4.6 CLI reference, Default column: user local / system admin two-factor = disable,
    // phase1-interface xauthtype = disable, eap = disable; `show` omits settings in their default state.
    const backup = file("plain-show.conf", plainShowConfig);
    const { collection, path } = await collect({ backupFile: backup });
    expect(collection.coverage.status).toBe("complete");
    const alice = path("root:ssl-vpn/user/alice")!.mfa;
    expect(alice).toMatchObject({ state: "none" });
    expect(alice.evidence[0]).toMatchObject({ file: backup, field: "two-factor", value: "disable" });
    expect(alice.evidence[0]!.note).toMatch(
      /documented default of two-factor is disable \(FortiOS 7\.4\.6 CLI reference/,
    );
    expect(path("root:ssl-vpn/user/bob")!.mfa).toMatchObject({ state: "enforced", strength: "app" });
    expect(path("admin/admin")!.mfa).toMatchObject({ state: "none" });
    expect(path("admin/admin")!.mfa.evidence[0]!.note).toMatch(
      /plain 'show' leaves out settings at their default/,
    );
    expect(path("admin/noc")!.mfa).toMatchObject({ state: "enforced" });
    const tunnel = path("ipsec/dialup/tunnel")!.mfa;
    expect(tunnel).toMatchObject({ state: "none" });
    expect(tunnel.reason).toMatch(/xauthtype disable and no EAP/);
    expect(tunnel.evidence[0]).toMatchObject({ field: "xauthtype", value: "disable" });
    expect(path("ipsec/dialup-x/user/alice")!.mfa.state).toBe("none");
    expect(path("ipsec/dialup-x/user/bob")!.mfa.state).toBe("enforced");
    // Policy 3 has no `set action`: its documented default is deny, so carol does not reach the SSL-VPN.
    expect(path("root:ssl-vpn/user/carol")).toBeUndefined();
    const account = collection.inventory.accounts.find((a) => a.id === "user/root/alice")!;
    expect(account.enrollment.enrolled).toBe(false);
  });

  it("one printed default marks a backup as not plain `show`: its missing settings stay unknown", async () => {
    const text = plainShowConfig.replace(
      "        set peertype any\n        set xauthtype auto",
      "        set peertype any\n        set eap disable\n        set xauthtype auto",
    );
    expect(text).not.toBe(plainShowConfig);
    const { path } = await collect({ backupFile: file("printed-default.conf", text) });
    expect(path("root:ssl-vpn/user/alice")!.mfa.state).toBe("unknown");
    expect(path("root:ssl-vpn/user/alice")!.mfa.reason).toMatch(
      /prints default values elsewhere \(line \d+: set eap disable\)/,
    );
    expect(path("admin/admin")!.mfa.state).toBe("unknown");
    expect(path("ipsec/dialup/tunnel")!.mfa.state).toBe("unknown");
    expect(path("root:ssl-vpn/user/carol")!.mfa.state).toBe("unknown");
  });

  it("a required client certificate makes a password-only user two factors", async () => {
    const { path } = await collect({
      backupFile: file("cert.conf", conditionsConfig({ reqclientcert: true })),
    });
    expect(path("root:ssl-vpn/user/pw-only")!.mfa).toMatchObject({ state: "enforced" });
    expect(path("root:ssl-vpn/user/pw-only")!.mfa.reason).toMatch(/client certificate/);
  });

  it("reads a multi-VDOM backup: global admins, each VDOM's SSL-VPN through rules or ssl.<vdom> policies", async () => {
    const { collection, path } = await collect({ backupFile: file("vdoms.conf", multiVdomConfig) });
    expect(collection.coverage.status).toBe("complete");
    expect(path("root:ssl-vpn/user/alice")!.mfa.state).toBe("none");
    expect(path("blue:ssl-vpn/user/bob")!.mfa).toMatchObject({ state: "enforced", strength: "app" });
    expect(path("admin/admin")!.mfa.state).toBe("enforced");
    expect(collection.inventory.entryPoints.map((e) => e.name)).toContain(
      "FortiGate vdoms.conf SSL-VPN (vdom blue)",
    );
  });

  it("a truncated backup is partial coverage; a malformed one fails with file:line", async () => {
    const truncated = await collect({ backupFile: file("cut.conf", conditionsConfig().slice(0, 600)) });
    expect(truncated.collection.coverage.status).toBe("partial");
    expect(truncated.collection.coverage.gaps[0]!.reason).toMatch(/truncated/);
    const broken = await collect({ backupFile: file("broken.conf", "config user local\nend\nend\n") });
    expect(broken.collection.coverage.status).toBe("failed");
    expect(broken.collection.coverage.reason).toMatch(/broken\.conf:3: end without a config block/);
    const missing = await collect({ backupFile: join(dir, "nope.conf") });
    expect(missing.collection.coverage.reason).toMatch(/cannot read the configuration backup .*ENOENT/);
  });
});

describe("fortigate REST API mode", () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  async function api(
    options: {
      profile?: Partial<Record<AccessGroup, AccessLevel>>;
      faults?: FaultRule[];
      vdoms?: string[];
      token?: string;
    } = {},
  ) {
    emulator = await startFortiGateEmulator({
      device: {
        tokens: [{ token: options.token ?? "fgt-token-never-printed", profile: options.profile }],
        ...restFromCli(conditionsConfig()),
      },
      faults: options.faults,
    });
    const ca = file("ca.pem", emulator.certificate ?? "");
    return collect({
      endpoint: emulator.url,
      caBundle: ca,
      ...(options.vdoms ? { vdoms: options.vdoms } : {}),
      auth: { method: "api-token", token: "env:FGT_TOKEN" },
    });
  }

  it("reads the cmdb tables with the bearer token and ?vdom=, and judges them as the backup", async () => {
    const { collection, path } = await api();
    expect(collection.coverage.status).toBe("complete");
    const requests = emulator!.requests;
    expect(requests.every((r) => r.headers.authorization === "Bearer fgt-token-never-printed")).toBe(true);
    expect(requests.map((r) => `${r.path}?${new URLSearchParams(r.query)}`).sort()).toEqual(
      [
        "/api/v2/cmdb/firewall/policy?vdom=root",
        "/api/v2/cmdb/system/admin?",
        "/api/v2/cmdb/user/group?vdom=root",
        "/api/v2/cmdb/user/ldap?vdom=root",
        "/api/v2/cmdb/user/local?vdom=root",
        "/api/v2/cmdb/user/radius?vdom=root",
        "/api/v2/cmdb/user/saml?vdom=root",
        "/api/v2/cmdb/vpn.ipsec/phase1-interface?vdom=root",
        "/api/v2/cmdb/vpn.ssl/settings?vdom=root",
      ].sort(),
    );
    expect(collection.coverage.counts.requests).toBe(requests.length);
    expect(path("ssl-vpn/user/pw-only")!.mfa.state).toBe("none");
    expect(path("ssl-vpn/user/pw-only")!.mfa.evidence[0]).toMatchObject({
      endpoint: "GET /api/v2/cmdb/user/local?vdom=root",
      objectId: "pw-only",
      field: "two-factor",
      value: "disable",
    });
    expect(path("ssl-vpn/saml/entra-sso")!.chain.delegation?.targetSource).toBe("entra");
    expect(path("ipsec/dial-psk/tunnel")!.mfa.state).toBe("none");
    expect(path("admin/admin")!.mfa.state).toBe("none");
    expect(path("admin/nofield")!.mfa.reason).toMatch(/the API did not return 'two-factor'/);
  });

  it("the REST API carries explicit values: a field it leaves out is unknown, never the default", async () => {
    emulator = await startFortiGateEmulator({
      device: { tokens: [{ token: "fgt-token-never-printed" }], ...restFromCli(plainShowConfig) },
    });
    const { path } = await collect({
      endpoint: emulator.url,
      caBundle: file("ca-plain.pem", emulator.certificate ?? ""),
      auth: { method: "api-token", token: "env:FGT_TOKEN" },
    });
    expect(path("ssl-vpn/user/alice")!.mfa.state).toBe("unknown");
    expect(path("admin/admin")!.mfa.state).toBe("unknown");
    expect(path("ipsec/dialup/tunnel")!.mfa.state).toBe("unknown");
  });

  // FortiOS governs the user tables by the authgrp group of the REST API admin's access profile (the
  // emulator cites the source); without it each user table is a 403 and a gap naming the permission.
  it("a profile without User & Device (authgrp): the user tables are gaps naming authgrp; what depends on them is unknown", async () => {
    const { collection, path } = await api({ profile: { authgrp: "none" } });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.what)).toEqual(
      ["local", "group", "ldap", "radius", "saml"].map((t) => `GET /api/v2/cmdb/user/${t}?vdom=root`),
    );
    for (const gap of collection.coverage.gaps)
      expect(gap.reason).toMatch(/^permission missing: .*User & Device: read \(authgrp\)/);
    expect(path("ssl-vpn/unresolved/VPN")!.mfa).toMatchObject({ state: "unknown" });
    expect(path("ssl-vpn/unresolved/VPN")!.mfa.reason).toMatch(/user groups could not be read .*\(authgrp\)/);
    expect(path("ipsec/dial-xauth/unresolved/VPN-X")!.mfa.state).toBe("unknown");
    // What does not depend on the user tables is still judged.
    expect(path("ipsec/dial-psk/tunnel")!.mfa.state).toBe("none");
    expect(path("admin/noc")!.mfa.state).toBe("enforced");
  });

  it("a profile without VPN (vpngrp): the SSL-VPN and IPsec tables are gaps naming vpngrp; both entry points are unknown", async () => {
    const { collection, path } = await api({ profile: { vpngrp: "none", fwgrp: "read", authgrp: "read" } });
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps.map((g) => g.what)).toEqual([
      "GET /api/v2/cmdb/vpn.ssl/settings?vdom=root",
      "GET /api/v2/cmdb/vpn.ipsec/phase1-interface?vdom=root",
    ]);
    for (const gap of collection.coverage.gaps)
      expect(gap.reason).toMatch(/^permission missing: .*VPN: read \(vpngrp\)/);
    expect(path("ssl-vpn/unread")!.mfa).toMatchObject({ state: "unknown" });
    expect(path("ssl-vpn/unread")!.mfa.reason).toMatch(/vpn ssl settings could not be read .*\(vpngrp\)/);
    // The dial-up tunnels were not listed either: one unknown path says so (no tunnel path is judged).
    expect(path("ipsec/*/unread")!.mfa).toMatchObject({ state: "unknown" });
    expect(path("ipsec/*/unread")!.mfa.reason).toMatch(
      /vpn ipsec phase1-interface could not be read .*\(vpngrp\)/,
    );
    expect(collection.inventory.accessPaths.filter((p) => /ipsec\/dial/.test(p.id))).toEqual([]);
    expect(
      collection.inventory.accessPaths.some((p) => p.mfa.state === "enforced" && /ssl-vpn/.test(p.id)),
    ).toBe(false);
    expect(path("admin/admin")!.mfa.state).toBe("none");
  });

  it("a profile without VPN and without firewall (vpngrp, fwgrp): two unread SSL-VPN paths, one id each", async () => {
    const { collection } = await api({ profile: { vpngrp: "none", fwgrp: "none", authgrp: "read" } });
    const ssl = collection.inventory.accessPaths.filter((p) => /ssl-vpn\/unread/.test(p.id));
    expect(ssl.map((p) => [p.id.split("ssl-vpn/")[1], p.mfa.state])).toEqual([
      ["unread", "unknown"],
      ["unread/firewall-policy", "unknown"],
    ]);
    expect(ssl[1]?.mfa.reason).toMatch(/firewall policy could not be read .*\(fwgrp\)/);
    const ids = collection.inventory.accessPaths.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refused credentials fail the connection without showing the token", async () => {
    const { collection } = await api({ token: "another" });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(
      /GET \/api\/v2\/cmdb\/system\/admin: credentials refused \(HTTP 401/,
    );
    expect(collection.coverage.reason).not.toContain("fgt-token-never-printed");
  });

  it("honours Retry-After on 429 and retries a 503", async () => {
    const { collection, slept } = await api({
      faults: [
        {
          path: "/api/v2/cmdb/user/local",
          times: 1,
          fault: { kind: "status", status: 429, headers: { "retry-after": "7" } },
        },
        { path: "/api/v2/cmdb/user/group", times: 1, fault: { kind: "status", status: 503 } },
      ],
    });
    expect(collection.coverage.status).toBe("complete");
    expect(slept).toContain(7000);
    expect(collection.coverage.counts.retries).toBe(2);
  });

  it("an unknown VDOM is a gap per table, not an empty VDOM", async () => {
    const { collection } = await api({ vdoms: ["nosuch"] });
    expect(collection.coverage.status).toBe("partial");
    expect(
      collection.coverage.gaps.some((g) => /vdom=nosuch/.test(g.what) && /HTTP 404/.test(g.reason)),
    ).toBe(true);
    expect(
      collection.inventory.accessPaths.some((p) => p.id.includes("nosuch") && p.mfa.state === "unknown"),
    ).toBe(true);
  });

  it("doctor reads each table once and names the admin-profile permission a 403 means", async () => {
    emulator = await startFortiGateEmulator({
      device: {
        tokens: [{ token: "fgt-token-never-printed", profile: { fwgrp: "none" } }],
        ...restFromCli(conditionsConfig()),
      },
    });
    const report = await doctorOf(
      {
        type: "fortigate",
        endpoint: emulator.url,
        caBundle: file("ca-doctor.pem", emulator.certificate ?? ""),
        auth: { method: "api-token", token: "env:FGT_TOKEN" },
      },
      { FGT_TOKEN: "fgt-token-never-printed" },
    );
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.check)).toEqual(["GET /api/v2/cmdb/firewall/policy?vdom=root"]);
    expect(failed[0]!.missing).toEqual(["admin profile permission Firewall: read (fwgrp)"]);
    expect(report.checks.filter((c) => c.ok)).toHaveLength(8);
  });

  it("a body that is not the documented envelope is a gap, not an empty table", async () => {
    const { collection } = await api({
      faults: [
        { path: "/api/v2/cmdb/user/local", times: 3, fault: { kind: "body", body: '{"status":"success"}' } },
      ],
    });
    expect(
      collection.coverage.gaps.some((g) => /user\/local/.test(g.what) && /documented shape/.test(g.reason)),
    ).toBe(true);
  });
});

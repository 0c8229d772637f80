import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AsUserSeed,
  configQuery,
  pamStacks,
  type ServerConfSeed,
  serverConf,
  userProps,
  writeJson,
  writePamDir,
  writeServerConf,
} from "../../../providers/openvpn/emulator.js";
import { openvpn } from "../../../providers/openvpn/index.js";
import { authSettings, parseServerConf, splitOpenVpnLine } from "../../../providers/openvpn/server-conf.js";
import { OpenVpnSettings } from "../../../providers/openvpn/settings.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { OpenVpnAuthToken } from "../../../src/model/facts/openvpn.js";
import { scanDemo } from "../../helpers/connection.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-test-openvpn-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(servers: Array<Record<string, unknown>>) {
  const settings = OpenVpnSettings.parse({ type: "openvpn", servers });
  return collectConnection(
    { id: "northwind", name: "Northwind" },
    { id: "openvpn", type: "openvpn", settings },
    { quotas: new QuotaRegistry(false) },
  );
}

/** Collects one community server built from `seed`, with `pam` files copied as /etc/pam.d. */
async function community(seed: ServerConfSeed, pam?: Record<string, string>) {
  const config = await writeServerConf(dir, "server.conf", seed);
  const pamDir = pam ? await writePamDir(dir, pam) : undefined;
  const c = await collect([{ edition: "community", name: "vpn1", config, ...(pamDir ? { pamDir } : {}) }]);
  return { c, path: c.inventory.accessPaths[0]!, config };
}

describe("server.conf parser", () => {
  it("splits lines like OpenVPN: quotes, escapes, comments where a word starts", () => {
    expect(splitOpenVpnLine(`plugin /x/auth-pam.so "login login USERNAME password PASSWORD" # note`)).toEqual(
      ["plugin", "/x/auth-pam.so", "login login USERNAME password PASSWORD"],
    );
    expect(splitOpenVpnLine("push 'route 10.0.0.0 255.0.0.0' ;x")).toEqual([
      "push",
      "route 10.0.0.0 255.0.0.0",
    ]);
    expect(splitOpenVpnLine("a b\\ c d#e")).toEqual(["a", "b c", "d#e"]);
    expect(splitOpenVpnLine('a "b')).toEqual({ error: "unterminated double quote" });
  });

  it("skips inline key blocks, keeps directive lines, drops non-auth-pam plugin arguments", () => {
    const conf = parseServerConf(
      serverConf({
        pam: { service: "openvpn" },
        plugins: ["/usr/lib/duo_openvpn.so"],
        authGenToken: "3600 external-auth",
      }),
      "s.conf",
    );
    expect(conf.inlineBlocks.map((b) => [b.name, b.line])).toEqual([
      ["ca", 7],
      ["key", 12],
    ]);
    expect(JSON.stringify(conf)).not.toContain("FIXTURE-NOT-A-KEY");
    expect(conf.directives.find((d) => d.name === "plugin" && d.args[0]!.includes("duo"))?.args).toEqual([
      "/usr/lib/duo_openvpn.so",
    ]);
    const auth = authSettings(conf);
    expect(auth.role).toBe("server");
    expect(auth.verifyClientCert.value).toBe("require");
    expect(auth.verifiers.map((v) => v.kind)).toEqual(["pam", "plugin"]);
    expect(auth.authGenToken).toMatchObject({ lifetime: 3600, renewal: null, externalAuth: true });
  });

  it("reads the auth-pam init string: service and name/value pairs, OTP mapping", () => {
    const conf = parseServerConf(
      serverConf({
        pam: {
          service: "login",
          pairs: [
            ["login", "USERNAME"],
            ["password", "PASSWORD"],
            ["pin", "OTP"],
          ],
        },
      }),
      "s.conf",
    );
    const [pam] = authSettings(conf).verifiers;
    expect(pam).toMatchObject({
      kind: "pam",
      service: "login",
      mapsOtp: true,
      pairs: [
        { name: "login", value: "USERNAME" },
        { name: "password", value: "PASSWORD" },
        { name: "pin", value: "OTP" },
      ],
    });
  });

  it("never throws, and every problem has a line (property)", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "server 10.8.0.0 255.255.255.0",
        "verify-client-cert none",
        "verify-client-cert maybe",
        "plugin /usr/lib/openvpn/openvpn-plugin-auth-pam.so openvpn",
        'plugin auth-pam.so "svc a"',
        "auth-user-pass-verify /etc/openvpn/check.sh via-file",
        "auth-gen-token 0 60 external-auth",
        "auth-gen-token x",
        "<ca>",
        "</ca>",
        "client",
        "",
      ),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const conf = parseServerConf(lines.join("\n"), "f.conf");
        const auth = authSettings(conf);
        expect(["none", "optional", "require"]).toContain(auth.verifyClientCert.value);
        for (const p of [...conf.problems, ...auth.problems]) expect(p.line).toBeGreaterThan(0);
      }),
    );
  });
});

describe("OpenVPN community server: every single-factor condition", () => {
  it("certificate only (no auth-user-pass-verify, no auth plugin): device certificate only, none", async () => {
    const { c, path } = await community({});
    expect(c.coverage.status).toBe("complete");
    expect(path.mfa.state).toBe("none");
    expect(path.mfa.reason).toMatch(/^device certificate only/);
    expect(path.chain.factors).toEqual(["certificate"]);
    expect(path.mfa.evidence[0]).toMatchObject({ field: "verify-client-cert", value: "require" });
    expect(path.mfa.evidence[0]!.note).toContain("require is the default");
  });

  it("verify-client-cert none + PAM with pam_unix only: password only, none (with file:line of the PAM module)", async () => {
    const { path } = await community(
      { verifyClientCert: "none", pam: { service: "openvpn" } },
      { openvpn: pamStacks.passwordOnly },
    );
    expect(path.mfa.state).toBe("none");
    expect(path.chain.factors).toEqual(["password"]);
    expect(path.mfa.evidence.some((e) => e.file === "/etc/pam.d/openvpn" && e.line === 1)).toBe(true);
    expect(path.mfa.evidence.some((e) => e.field === "verify-client-cert" && e.line)).toBe(true);
  });

  it("the deprecated client-cert-not-required is verify-client-cert none", async () => {
    const { path } = await community(
      { clientCertNotRequired: true, pam: { service: "openvpn" } },
      { openvpn: pamStacks.passwordOnly },
    );
    expect(path.mfa.state).toBe("none");
  });

  /** openvpn-plugin-auth-pam answering the OTP prompt from the static challenge's response. */
  const otpPam: ServerConfSeed["pam"] = {
    service: "openvpn",
    pairs: [
      ["login", "USERNAME"],
      ["password", "PASSWORD"],
      ["verification", "OTP"],
    ],
  };

  it("verify-client-cert none + PAM password and OTP, OTP mapped from the static challenge: enforced", async () => {
    const { path } = await community(
      { verifyClientCert: "none", pam: otpPam },
      { openvpn: pamStacks.passwordAndOtp },
    );
    expect(path.mfa.state).toBe("enforced");
    expect(path.mfa.strength).toBe("app");
    expect([...path.chain.factors].sort()).toEqual(["otp", "password"]);
  });

  it("…with nullok on the OTP module: bypassable for users without a secret", async () => {
    const { path } = await community(
      { verifyClientCert: "none", pam: otpPam },
      { openvpn: pamStacks.passwordAndOtpNullok },
    );
    expect(path.mfa.state).toBe("bypassable");
    expect(path.mfa.reason).toContain("nullok");
    expect(path.mfa.evidence.some((e) => e.value === "nullok" && e.line === 2)).toBe(true);
  });

  it("password + OTP without a name/value OTP mapping: the one password answers both prompts, so no login succeeds as modelled → unknown", async () => {
    const { path } = await community(
      { verifyClientCert: "none", pam: { service: "openvpn" } },
      { openvpn: pamStacks.passwordAndOtp },
    );
    expect(path.mfa.state).toBe("unknown");
    expect(path.mfa.reason).toContain("never succeeds when one password answers every prompt");
  });

  it("google-authenticator forward_pass takes password and code in one answer: enforced without a mapping", async () => {
    const { path } = await community(
      { verifyClientCert: "none", pam: { service: "openvpn" } },
      { openvpn: pamStacks.otpForwardPass },
    );
    expect(path.mfa.state).toBe("enforced");
  });

  it("verify-client-cert require + PAM with OTP: enforced; require + PAM password: certificate + password, enforced", async () => {
    const otp = await community(
      {
        verifyClientCert: "require",
        pam: {
          service: "openvpn",
          pairs: [
            ["password", "PASSWORD"],
            ["code", "OTP"],
          ],
        },
      },
      { openvpn: pamStacks.passwordAndOtp },
    );
    expect(otp.path.mfa.state).toBe("enforced");
    expect(otp.path.chain.factors).toContain("certificate");
    const pw = await community({ pam: { service: "openvpn" } }, { openvpn: pamStacks.passwordOnly });
    expect(pw.path.mfa.state).toBe("enforced");
    expect([...pw.path.chain.factors].sort()).toEqual(["certificate", "password"]);
  });

  it("verify-client-cert optional: the certificate can be skipped, so PAM alone decides", async () => {
    const { path } = await community(
      { verifyClientCert: "optional", pam: { service: "openvpn" } },
      { openvpn: pamStacks.passwordOnly },
    );
    expect(path.mfa.state).toBe("none");
    expect(path.chain.factors).toEqual(["password"]);
  });

  it("included PAM files are followed inside the copied /etc/pam.d (Debian @include common-auth)", async () => {
    const { path } = await community(
      { verifyClientCert: "none", pam: { service: "openvpn" } },
      { openvpn: pamStacks.debianCommonAuth, "common-auth": pamStacks.commonAuth },
    );
    expect(path.mfa.state).toBe("none");
    expect(path.mfa.evidence.some((e) => e.file === "/etc/pam.d/common-auth")).toBe(true);
  });

  it("auth-user-pass-optional with a script: bypassable (clients may send no username/password)", async () => {
    const { path } = await community({ script: "/etc/openvpn/check.sh", authUserPassOptional: true });
    expect(path.mfa.state).toBe("bypassable");
    expect(path.mfa.reason).toContain("auth-user-pass-optional");
    expect(path.mfa.evidence.some((e) => e.field === "auth-user-pass-optional")).toBe(true);
  });

  it("auth-user-pass-optional with auth-pam: no bypass, auth-pam refuses an empty username", async () => {
    const { path } = await community(
      { pam: { service: "openvpn" }, authUserPassOptional: true },
      { openvpn: pamStacks.passwordOnly },
    );
    expect(path.mfa.state).toBe("enforced");
    expect(path.mfa.evidence.some((e) => (e.note ?? "").includes("refuses an empty username"))).toBe(true);
  });

  it("a script, an unmodelled plugin or management-client-auth decides: unknown, naming it", async () => {
    for (const seed of [
      { verifyClientCert: "none", script: "/etc/openvpn/check.sh" },
      { verifyClientCert: "none", plugins: ["/usr/lib/openvpn/openvpn-auth-ldap.so"] },
      { verifyClientCert: "none", managementClientAuth: true },
    ] as ServerConfSeed[]) {
      const { path } = await community(seed);
      expect(path.mfa.state).toBe("unknown");
      expect(path.mfa.reason).toMatch(/check\.sh|openvpn-auth-ldap|management-interface/);
    }
  });

  it("verify-client-cert none with no username/password check at all: no factor, none", async () => {
    const { path } = await community({ verifyClientCert: "none" });
    expect(path.mfa.state).toBe("none");
    expect(path.mfa.reason).toMatch(/^no factor at all/);
  });

  it("down-root is not an authentication plugin", async () => {
    const { path } = await community({ plugins: ["/usr/lib/openvpn/openvpn-plugin-down-root.so"] });
    expect(path.mfa.state).toBe("none");
    expect(path.mfa.reason).toMatch(/^device certificate only/);
  });

  it("the auth-pam service without pamDir: unknown and a coverage gap naming what to copy", async () => {
    const { c, path } = await community({ verifyClientCert: "none", pam: { service: "openvpn" } });
    expect(path.mfa.state).toBe("unknown");
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]!.reason).toContain("copy /etc/pam.d");
  });

  it("a PAM service file missing from pamDir, or an include outside it: unknown", async () => {
    const missing = await community(
      { pam: { service: "openvpn" }, verifyClientCert: "none" },
      { other: pamStacks.passwordOnly },
    );
    expect(missing.path.mfa.state).toBe("unknown");
    expect(missing.path.mfa.reason).toContain("is not in");
    const outside = await community(
      { pam: { service: "openvpn" }, verifyClientCert: "none" },
      { openvpn: "auth include /opt/pam/extra\n" },
    );
    expect(outside.path.mfa.state).toBe("unknown");
    expect(outside.path.mfa.reason).toContain("outside /etc/pam.d");
  });

  it("`config` includes are expanded relative to the including file; a client config is not a server", async () => {
    await writeFile(
      join(dir, "auth.conf"),
      "verify-client-cert none\nplugin openvpn-plugin-auth-pam.so openvpn\n",
    );
    const main = join(dir, "main.conf");
    await writeFile(main, "server 10.8.0.0 255.255.255.0\nconfig auth.conf\nconfig missing.conf\n");
    const pamDir = await writePamDir(dir, { openvpn: pamStacks.passwordOnly });
    const c = await collect([{ edition: "community", name: "vpn1", config: main, pamDir }]);
    expect(c.inventory.accessPaths[0]!.mfa.state).toBe("none");
    expect(c.coverage.gaps.map((g) => g.what)).toEqual([`${main}:3`]);
    const client = await community({ client: true });
    expect(client.path.mfa.state).toBe("unknown");
    expect(client.c.coverage.gaps[0]!.reason).toBe("not an OpenVPN server configuration");
  });

  it("an unreadable server.conf: gap and an unknown path", async () => {
    const c = await collect([{ edition: "community", name: "vpn1", config: join(dir, "nope.conf") }]);
    expect(c.coverage.status).toBe("partial");
    expect(c.inventory.accessPaths[0]!.mfa.state).toBe("unknown");
  });

  it("records auth-gen-token for the token-lifetime policy, with the line", async () => {
    const { c } = await community(
      { pam: { service: "openvpn" }, authGenToken: "28800 600" },
      { openvpn: pamStacks.passwordOnly },
    );
    const fact = OpenVpnAuthToken.parse(c.inventory.facts[0]!.data);
    expect(fact).toMatchObject({
      userPassAuth: true,
      authGenToken: { lifetime: 28800, renewal: 600, externalAuth: false },
      renegSec: 3600,
    });
    expect(c.inventory.facts[0]!.evidence[0]).toMatchObject({
      field: "auth-gen-token",
      line: fact.authGenToken!.line,
    });
  });
});

describe("OpenVPN Access Server", () => {
  async function accessServer(
    users: Record<string, AsUserSeed>,
    config: Record<string, string> = {},
    groups: Parameters<typeof userProps>[1] = {},
    defaults: Record<string, string> = {},
    extra: Record<string, unknown> = {},
  ) {
    const configQueryFile = await writeJson(dir, "config.json", configQuery(config));
    const userPropsFile = await writeJson(dir, "users.json", userProps(users, groups, defaults));
    const c = await collect([
      {
        edition: "access-server",
        name: "as1",
        configQuery: configQueryFile,
        userProps: userPropsFile,
        ...extra,
      },
    ]);
    const byUser = new Map(c.inventory.accessPaths.map((p) => [p.accounts[0] ?? "(directory users)", p]));
    return { c, byUser };
  }

  it("TOTP off (the default): password only, none; the dumps' secrets never reach the inventory", async () => {
    const { c, byUser } = await accessServer({ alice: {} });
    expect(byUser.get("alice")!.mfa.state).toBe("none");
    expect(
      byUser.get("alice")!.mfa.evidence.some((e) => e.field === "vpn.server.google_auth.enable" && e.line),
    ).toBe(true);
    const text = JSON.stringify(c);
    for (const secret of [
      "fixture-bind-password",
      "FIXTURESECRETXXX",
      "fixture-digest-not-real",
      "PRIVATE KEY",
    ])
      expect(text).not.toContain(secret);
  });

  it("TOTP on globally: enrolled users enforced; users who have not enrolled are bypassable", async () => {
    const { byUser, c } = await accessServer(
      { alice: { enrolled: true }, bob: { enrolled: false }, carol: {} },
      { "vpn.server.google_auth.enable": "true" },
    );
    expect(byUser.get("alice")!.mfa).toMatchObject({ state: "enforced", strength: "app" });
    expect(byUser.get("bob")!.mfa.state).toBe("bypassable");
    expect(byUser.get("bob")!.mfa.reason).toContain("Client Web UI");
    expect(byUser.get("carol")!.mfa.state).toBe("bypassable");
    expect(c.inventory.accounts.find((a) => a.id === "alice")!.enrollment.enrolled).toBe(true);
  });

  it("per-user and per-group prop_google_auth override the global setting; __DEFAULT__ applies last", async () => {
    const { byUser } = await accessServer(
      {
        off: { totp: false, enrolled: true },
        ingroup: { group: "Admins", enrolled: true },
        plain: { enrolled: true },
      },
      { "vpn.server.google_auth.enable": "true" },
      { Admins: { totp: false } },
    );
    expect(byUser.get("off")!.mfa.state).toBe("none");
    expect(byUser.get("ingroup")!.mfa.state).toBe("none");
    expect(
      byUser
        .get("ingroup")!
        .mfa.evidence.some((e) => e.objectId === "Admins" && e.field === "prop_google_auth"),
    ).toBe(true);
    expect(byUser.get("plain")!.mfa.state).toBe("enforced");
    const defaults = await accessServer({ dave: { enrolled: true } }, {}, {}, { prop_google_auth: "true" });
    expect(defaults.byUser.get("dave")!.mfa.state).toBe("enforced");
  });

  it("auto-login profiles authenticate with the certificate only: none, unless TOTP is required for auto-login", async () => {
    const { byUser } = await accessServer(
      { kiosk: { autologin: true, enrolled: true } },
      { "vpn.server.google_auth.enable": "true" },
    );
    expect(byUser.get("kiosk")!.mfa.state).toBe("none");
    expect(byUser.get("kiosk")!.mfa.reason).toContain("a client certificate");
    const withTotp = await accessServer(
      { kiosk: { autologin: true, enrolled: true } },
      { "vpn.server.google_auth.enable": "true", "vpn.server.google_auth.enable_autologin": "true" },
    );
    expect(withTotp.byUser.get("kiosk")!.mfa.state).toBe("enforced");
  });

  it("denied users have no path and a disabled account; groups and __DEFAULT__ are not accounts", async () => {
    const { c, byUser } = await accessServer(
      { gone: { deny: true }, alice: { superuser: true } },
      {},
      { Staff: {} },
    );
    expect(byUser.has("gone")).toBe(false);
    expect(c.inventory.accounts.map((a) => [a.id, a.status, a.admin.isAdmin])).toEqual([
      ["gone", "disabled", false],
      ["alice", "active", true],
    ]);
  });

  it("SAML: delegated to the identity provider (unknown); LDAP default adds a path for directory users not yet seen", async () => {
    const saml = await accessServer(
      { alice: {} },
      { "auth.module.type": "saml" },
      {},
      {},
      { sso: { identityProvider: "entra", target: "https://vpn.example/saml/metadata" } },
    );
    const path = saml.byUser.get("alice")!;
    expect(path.chain.delegation).toEqual({
      protocol: "saml",
      target: "https://vpn.example/saml/metadata",
      targetSource: "entra",
    });
    expect(path.mfa.state).toBe("unknown");
    expect(saml.byUser.get("(directory users)")!.chain.delegation?.protocol).toBe("saml");
    const ldap = await accessServer({}, { "auth.module.type": "ldap" });
    expect(ldap.byUser.get("(directory users)")!.mfa.state).toBe("none");
    const ldapTotp = await accessServer(
      {},
      { "auth.module.type": "ldap", "vpn.server.google_auth.enable": "true" },
    );
    expect(ldapTotp.byUser.get("(directory users)")!.mfa.state).toBe("bypassable");
  });

  it("RADIUS without TOTP: delegated to the RADIUS server, unknown; with TOTP: enforced", async () => {
    const radius = await accessServer(
      { alice: {} },
      { "auth.module.type": "radius", "auth.radius.0.server.0.host": "10.20.0.10" },
    );
    expect(radius.byUser.get("alice")!.chain.delegation).toEqual({
      protocol: "radius",
      target: "10.20.0.10",
    });
    expect(radius.byUser.get("alice")!.mfa.state).toBe("unknown");
    const totp = await accessServer(
      { alice: { enrolled: true } },
      { "auth.module.type": "radius", "vpn.server.google_auth.enable": "true" },
    );
    expect(totp.byUser.get("alice")!.mfa.state).toBe("enforced");
  });

  it("a per-user user_auth_type overrides auth.module.type (Access Server 2.10+)", async () => {
    const { byUser } = await accessServer(
      { admin: { authType: "local" }, bob: {} },
      { "auth.module.type": "saml" },
    );
    expect(byUser.get("admin")!.mfa.state).toBe("none");
    expect(byUser.get("bob")!.mfa.state).toBe("unknown");
  });

  it("a dump that is not JSON fails the server with file:line", async () => {
    const bad = join(dir, "config.json");
    await writeFile(bad, "{\n  oops\n}");
    const users = await writeJson(dir, "users.json", userProps({}));
    const c = await collect([{ edition: "access-server", name: "as1", configQuery: bad, userProps: users }]);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]!.reason).toContain(`${bad}:2:`);
    expect(c.inventory.accessPaths[0]!.mfa.state).toBe("unknown");
  });

  it("a known property that is not a scalar is refused with file:line, not dropped (a group's TOTP must not stand in)", async () => {
    const config = await writeJson(dir, "config.json", configQuery({}));
    const users = join(dir, "users-odd.json");
    await writeFile(
      users,
      JSON.stringify(
        {
          VPN: { type: "group", prop_google_auth: "true" },
          alice: { type: "user_connect", conn_group: "VPN", prop_google_auth: { value: false } },
        },
        null,
        2,
      ),
    );
    const c = await collect([
      { edition: "access-server", name: "as1", configQuery: config, userProps: users },
    ]);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]!.reason).toMatch(
      /property prop_google_auth of 'alice' is not a string, number or boolean/,
    );
    expect(c.coverage.gaps[0]!.reason).toContain(`${users}:`);
    expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["unknown"]);
  });
});

describe("demo", () => {
  it("Northwind's legacy server: bypassable (nullok) and tokens that never expire, through the real pipeline", async () => {
    const report = await scanDemo(openvpn);
    const vpn = report.results.find(
      (r) => r.policy === "vpn-login-requires-mfa" && r.subject.source === "openvpn",
    );
    expect(vpn?.status).toBe("fail");
    expect(vpn?.mfa?.state).toBe("bypassable");
    expect(report.results.find((r) => r.policy === "openvpn-auth-token-lifetime-bounded")?.status).toBe(
      "fail",
    );
  });
});

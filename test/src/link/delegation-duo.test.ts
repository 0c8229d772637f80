import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  type DuoAccountSeed,
  newDuoKeys,
  seedDuoUser,
  startDuoEmulator,
} from "../../../providers/duo/emulator.js";
import { collect } from "../../../src/collect/index.js";
import { mergeCollections } from "../../../src/collect/merge.js";
import { parseConfig } from "../../../src/composition.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { link } from "../../../src/link/index.js";
import type { AccessPath } from "../../../src/model/index.js";
import { scan } from "../../../src/scan.js";

/**
 * FortiGate → Duo Authentication Proxy → Duo user, end to end: the FortiGate's RADIUS server (address and
 * port) is a server section of a proxy's authproxy.cfg; the section's ikey names the Duo application (Admin
 * API, real SDK signer against the emulator), and each Duo user gets what Duo gives them there.
 *
 * Duo's documented semantics the expectations rest on: user status `bypass` skips Duo ("users with bypass
 * status ... bypass Duo authentication entirely"); the new-user policy `allow` lets an unenrolled user in
 * without 2FA, `deny` refuses them; a `disabled` user cannot authenticate; `failmode=safe` (the default)
 * "allows access" with the primary credential when Duo cannot be reached, `secure` refuses (Duo
 * Authentication Proxy reference; pam_duo's identical switch in reference §1.3).
 */

const now = new Date("2026-12-01T12:00:00Z");
const apiHost = "api-9f8e7d6c.duosecurity.com";
const proxyHost = "10.0.0.20";
const ikey = "DIFORTIGATEVPN000001";
const users = {
  alice: seedDuoUser("alice", { capabilities: ["push"] }),
  bob: seedDuoUser("bob", { status: "bypass" }),
  carol: seedDuoUser("carol", { enrolled: false }),
  dave: seedDuoUser("dave", { status: "disabled" }),
  erin: seedDuoUser("erin", { capabilities: ["push", "sms"] }),
};
const key = newDuoKeys(["Grant read resource", "Grant applications"]);

let duo: RunningEmulator;
let dir: string;
let files = 0;

function account(enrollPolicy: string): DuoAccountSeed {
  return {
    apiHost,
    keys: [key],
    users: Object.values(users),
    integrations: [
      { integration_key: ikey, name: "FortiGate SSL-VPN", type: "radius", enroll_policy: enrollPolicy },
    ],
  };
}

function fortigateBackup(port?: number): string {
  return `#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config user radius
    edit "duo-radius"
        set server "${proxyHost}"
${port ? `        set radius-port ${port}\n` : ""}    next
end
config user group
    edit "VPN"
        set member "duo-radius"
    next
end
config vpn ssl settings
    set status enable
    config authentication-rule
        edit 1
            set groups "VPN"
        next
    end
end
`;
}

function proxyConfig(failmode: "safe" | "secure" | null, extra = ""): string {
  return `[ad_client]
host=10.0.0.5
service_account_password=never-kept

[radius_server_auto]
ikey=${ikey}
skey=never-kept-either
api_host=${apiHost}
radius_ip_1=10.0.0.1
radius_secret_1=never-kept-too
client=ad_client
port=1812
${failmode ? `failmode=${failmode}\n` : ""}${extra}`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-delegation-duo-"));
});
afterAll(async () => {
  await duo?.close();
  await rm(dir, { recursive: true, force: true });
});

async function tenantConfig(options: {
  failmode?: "safe" | "secure" | null;
  proxyExtra?: string;
  proxyFile?: "missing";
  port?: number;
  enrollPolicy?: string;
  withDuo?: boolean;
  /** A Cisco ASA running-config instead of the FortiGate backup. */
  asa?: string;
  /** Another FortiGate backup. */
  fortigate?: string;
}) {
  await duo?.close();
  duo = await startDuoEmulator({ account: account(options.enrollPolicy ?? "allow") });
  const backup = join(dir, `fw-${files++}.conf`);
  await writeFile(backup, options.asa ?? options.fortigate ?? fortigateBackup(options.port ?? 1812));
  const proxy = join(dir, `authproxy-${files++}.cfg`);
  if (options.proxyFile !== "missing")
    await writeFile(proxy, proxyConfig(options.failmode ?? null, options.proxyExtra ?? ""));
  const connections: Array<Record<string, unknown>> = [
    options.asa
      ? { type: "cisco-asa", name: "asa1", runningConfig: backup }
      : { type: "fortigate", name: "fw1", backupFile: backup },
    ...(options.withDuo === false
      ? []
      : [
          {
            type: "duo",
            apiHost,
            endpoint: duo.url,
            auth: { method: "hmac", integrationKey: "env:DUO_IKEY", secretKey: "env:DUO_SKEY" },
            authProxies: [{ file: proxy, host: proxyHost }],
          },
        ]),
  ];
  return parseConfig(stringify({ tenants: [{ id: "t", name: "T", connections }] }), "t.yaml", now).config;
}

const env = { DUO_IKEY: key.ikey, DUO_SKEY: key.skey };

async function linkedPaths(
  config: Awaited<ReturnType<typeof tenantConfig>>,
  path = "/radius/duo-radius",
): Promise<AccessPath[]> {
  const collections = await collect(config, { enforceQuotas: false, env, now });
  const [inventory] = mergeCollections(config, collections);
  return link(inventory!).accessPaths.filter((p) => p.id.includes(path));
}

const byUser = (paths: AccessPath[]) =>
  Object.fromEntries(
    paths.map((p) => [
      p.id.endsWith("/duo-new-users")
        ? "new-users"
        : (Object.entries(users).find(([, u]) => u.user_id === p.accounts[0])?.[0] ?? p.id),
      [p.mfa.state, p.mfa.strength],
    ]),
  );

describe("delegation linker: FortiGate RADIUS → Duo Authentication Proxy → Duo users", () => {
  it("failmode=secure: each Duo user gets Duo's verdict; bypass is none, unenrolled under allow bypassable, disabled no path, enrolled undecided", async () => {
    const paths = await linkedPaths(await tenantConfig({ failmode: "secure" }));
    // Enrolled users are not enforced: Duo's policies can skip the second factor ("Bypass 2FA", authorized
    // networks) and are not read (src/link/duo/verdict.ts policiesUnread).
    expect(byUser(paths)).toEqual({
      alice: ["unknown", null],
      bob: ["none", null],
      carol: ["bypassable", null],
      erin: ["unknown", null],
      "new-users": ["bypassable", null],
    });
    const alice = paths.find((p) => p.accounts[0] === users.alice.user_id)!;
    expect(alice.accountsFrom).toEqual({ source: "duo", connection: "duo" });
    expect(alice.mfa.via).toEqual([
      `duo-proxy:${proxyHost}[radius_server_auto]`,
      `duo:duo:application/${ikey}`,
    ]);
    expect(alice.mfa.evidence.some((e) => e.field === "failmode" && e.value === "secure")).toBe(true);
    expect(alice.chain.delegation).toEqual({ protocol: "radius", target: `${proxyHost}:1812` });
    expect(alice.mfa.reason).toMatch(
      /is active and enrolled \(duo-push; the weakest is app\); whether Duo's policies/,
    );
    const carol = paths.find((p) => p.accounts[0] === users.carol.user_id)!;
    expect(carol.mfa.reason).toMatch(/new-user policy is allow: MFA is required but not enrolled/);
    expect(JSON.stringify(paths)).not.toMatch(/never-kept/);
  });

  it("failmode=safe (and not set, Duo's default): enrolled users are bypassable with the failmode line as evidence", async () => {
    for (const failmode of ["safe", null] as const) {
      const paths = await linkedPaths(await tenantConfig({ failmode }));
      expect(byUser(paths)).toMatchObject({ alice: ["bypassable", null], bob: ["none", null] });
      const alice = paths.find((p) => p.accounts[0] === users.alice.user_id)!;
      expect(alice.mfa.reason).toMatch(/failmode/);
      expect(alice.mfa.evidence.some((e) => e.field === "failmode" && e.value === failmode)).toBe(true);
    }
  });

  it("new-user policy deny: an unenrolled user would not sign in, but unread Duo policies leave it unknown; exempted OUs make every verdict bypassable", async () => {
    const deny = await linkedPaths(await tenantConfig({ failmode: "secure", enrollPolicy: "deny" }));
    expect(byUser(deny)).toMatchObject({ carol: ["unknown", null], "new-users": ["unknown", null] });
    expect(deny.find((p) => p.accounts[0] === users.carol.user_id)!.mfa.reason).toMatch(/cannot sign in/);
    const exempt = await linkedPaths(
      await tenantConfig({
        failmode: "secure",
        proxyExtra: "exempt_ou_1=OU=Service,DC=acme,DC=example\n",
        enrollPolicy: "deny",
      }),
    );
    expect(byUser(exempt)).toEqual({
      alice: ["bypassable", null],
      bob: ["none", null],
      carol: ["bypassable", null],
      erin: ["bypassable", null],
      "new-users": ["bypassable", null],
    });
    expect(exempt[0]!.mfa.reason).toMatch(/exempt/);
  });

  it("stays unknown when the proxy was not read, the port is another section's, or there is no duo connection", async () => {
    const unread = await linkedPaths(await tenantConfig({ failmode: "secure", proxyFile: "missing" }));
    expect(unread.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(unread[0]!.mfa.reason).toMatch(/configuration .* was not read/);
    expect(unread[0]!.mfa.evidence.some((e) => e.connection === "duo")).toBe(true);

    const otherPort = await linkedPaths(await tenantConfig({ failmode: "secure", port: 1645 }));
    expect(otherPort.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(otherPort[0]!.mfa.reason).toMatch(/none of its RADIUS server sections .* listens on 1645/);

    const noDuo = await linkedPaths(await tenantConfig({ failmode: "secure", withDuo: false }));
    expect(noDuo.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(noDuo[0]!.mfa.reason).toMatch(/no duo connection's Authentication Proxy/);
  });

  it("vpn-login-requires-mfa judges each Duo user, and every result depends on the duo connection", async () => {
    const report = await scan(await tenantConfig({ failmode: "secure" }), { enforceQuotas: false, env, now });
    const vpn = report.results.filter(
      (r) => r.policy === "vpn-login-requires-mfa" && r.subject.id.includes("/radius/duo-radius"),
    );
    expect(vpn.length).toBe(5);
    for (const r of vpn) expect(r.dependsOn).toContain("duo");
    const status = Object.fromEntries(
      vpn.map((r) => [
        r.subject.id.endsWith("/duo-new-users")
          ? "new-users"
          : Object.entries(users).find(([, u]) => r.subject.id.endsWith(String(u.user_id)))?.[0],
        r.status,
      ]),
    );
    expect(status).toMatchObject({ alice: "unknown", bob: "fail", carol: "fail" });
  });
});

/**
 * The same chain from a Cisco ASA: a tunnel-group whose authentication-server-group is a RADIUS or LDAP
 * group with one host, and no secondary group or certificate, sends the password to that host and port
 * (RADIUS `authentication-port`, default 1645 per Cisco's ASA guide; LDAP `server-port`, default 389).
 */
function asaConfig(radiusPort: number | null): string {
  return `ASA Version 9.18(3)
!
aaa-server DUO-RADIUS protocol radius
aaa-server DUO-RADIUS (inside) host ${proxyHost}
 key *****
${radiusPort ? ` authentication-port ${radiusPort}\n` : ""}aaa-server DUO-LDAP protocol ldap
aaa-server DUO-LDAP (inside) host ${proxyHost}
aaa-server AD protocol ldap
aaa-server AD (inside) host 10.0.0.5
tunnel-group Radius type remote-access
tunnel-group Radius general-attributes
 authentication-server-group DUO-RADIUS
tunnel-group Ldap type remote-access
tunnel-group Ldap general-attributes
 authentication-server-group DUO-LDAP
tunnel-group Directory type remote-access
tunnel-group Directory general-attributes
 authentication-server-group AD
`;
}
const ldapSection = `
[ldap_server_auto]
ikey=${ikey}
skey=never-kept-either
api_host=${apiHost}
client=ad_client
failmode=secure
`;

describe("delegation linker: Cisco ASA AAA server group → Duo Authentication Proxy → Duo users", () => {
  it("a RADIUS group at the proxy's port and an LDAP group at its LDAP section take Duo's verdict per user", async () => {
    const config = await tenantConfig({ failmode: "secure", asa: asaConfig(1812), proxyExtra: ldapSection });
    const radius = await linkedPaths(config, "/aaa/DUO-RADIUS");
    const expected = {
      alice: ["unknown", null],
      bob: ["none", null],
      carol: ["bypassable", null],
      erin: ["unknown", null],
      "new-users": ["bypassable", null],
    };
    expect(byUser(radius)).toEqual(expected);
    expect(radius[0]!.chain.delegation).toEqual({ protocol: "radius", target: `${proxyHost}:1812` });
    expect(radius[0]!.mfa.evidence.some((e) => e.field === "authentication-port" && e.value === 1812)).toBe(
      true,
    );
    // The ASA alone reads an LDAP group as a password bind (none); the proxy's LDAP section makes it Duo's.
    const ldap = await linkedPaths(config, "/aaa/DUO-LDAP");
    expect(byUser(ldap)).toEqual(expected);
    expect(ldap[0]!.mfa.via).toEqual([
      `duo-proxy:${proxyHost}[ldap_server_auto]`,
      `duo:duo:application/${ikey}`,
    ]);
    // A directory server that is no proxy stays the ASA's verdict.
    const directory = await linkedPaths(config, "/aaa/AD");
    expect(directory.map((p) => p.mfa.state)).toEqual(["none"]);
  });

  it("a RADIUS group without authentication-port goes to 1645, where the proxy does not listen: unknown", async () => {
    const paths = await linkedPaths(
      await tenantConfig({ failmode: "secure", asa: asaConfig(null) }),
      "/aaa/DUO-RADIUS",
    );
    expect(paths.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(paths[0]!.mfa.reason).toMatch(/none of its RADIUS server sections .* listens on 1645/);
    expect(
      paths[0]!.mfa.evidence.some(
        (e) => e.field === "authentication-port" && /default 1645/.test(e.note ?? ""),
      ),
    ).toBe(true);
  });

  it("failmode=safe on the proxy makes the ASA's enrolled users bypassable", async () => {
    const paths = await linkedPaths(
      await tenantConfig({ failmode: "safe", asa: asaConfig(1812) }),
      "/aaa/DUO-RADIUS",
    );
    expect(byUser(paths)).toMatchObject({ alice: ["bypassable", null], bob: ["none", null] });
  });
});

/**
 * FortiGate local users of type radius: "radius-server: Name of RADIUS server with which the user must
 * authenticate" (Fortinet's fortios_user_local schema; `type` password|radius|tacacs+|ldap|saml). Without a
 * FortiToken (two-factor disable) the server decides, so a Duo proxy there judges each user by name: the
 * FortiGate sends the local user's name, which Duo matches to a username or alias.
 */
function localRadiusBackup(): string {
  const local = (name: string, type: string) =>
    `    edit "${name}"\n        set type ${type}\n${type === "radius" ? `        set radius-server "duo-radius"\n` : `        set passwd ENC never-kept-local\n`}    next\n`;
  return `#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config user radius
    edit "duo-radius"
        set server "${proxyHost}"
        set radius-port 1812
    next
end
config user local
${local("alice", "radius")}${local("bob", "radius")}${local("dave", "radius")}${local("zed", "radius")}${local("pat", "password")}end
config user group
    edit "VPN"
        set member "alice" "bob" "dave" "zed" "pat"
    next
end
config vpn ssl settings
    set status enable
    config authentication-rule
        edit 1
            set groups "VPN"
        next
    end
end
`;
}

describe("delegation linker: FortiGate local users of type radius → Duo Authentication Proxy → Duo user", () => {
  const local = (paths: AccessPath[]) =>
    Object.fromEntries(paths.map((p) => [p.id.slice(p.id.lastIndexOf("/") + 1), p.mfa.state]));

  it("each local user takes what Duo gives the Duo user of that name; disabled in Duo leaves no path", async () => {
    const paths = await linkedPaths(
      await tenantConfig({ failmode: "secure", fortigate: localRadiusBackup() }),
      "/user/",
    );
    expect(local(paths)).toEqual({
      // Active and enrolled: Duo's policies are not read.
      alice: "unknown",
      // Status bypass: the RADIUS password alone.
      bob: "none",
      // Not in Duo: a new user under new-user policy allow.
      zed: "bypassable",
      // A password user: the FortiGate's own verdict.
      pat: "none",
    });
    const bob = paths.find((p) => p.id.endsWith("/bob"))!;
    expect(bob.chain.delegation).toEqual({ protocol: "radius", target: `${proxyHost}:1812` });
    expect(bob.mfa.reason).toMatch(/account 'bob': .*has status bypass/);
    expect(bob.mfa.evidence.some((e) => e.connection === "duo" && e.objectId === users.bob.user_id)).toBe(
      true,
    );
    expect(bob.accounts).toEqual(["user/root/bob"]);
  });

  it("failmode=safe makes the enrolled local user bypassable; without a duo connection every radius user stays unknown", async () => {
    const safe = await linkedPaths(
      await tenantConfig({ failmode: "safe", fortigate: localRadiusBackup() }),
      "/user/",
    );
    expect(local(safe)).toMatchObject({ alice: "bypassable", bob: "none" });
    const noDuo = await linkedPaths(
      await tenantConfig({ failmode: "secure", withDuo: false, fortigate: localRadiusBackup() }),
      "/user/",
    );
    expect(local(noDuo)).toEqual({
      alice: "unknown",
      bob: "unknown",
      dave: "unknown",
      zed: "unknown",
      pat: "none",
    });
  });
});

/**
 * Cisco ASA groups beyond one host. An AAA server group lists several hosts and the ASA moves on to the next
 * when one does not answer, so any of them may check a login: each host is its own path, and the weakest
 * decides. With double authentication (`secondary-authentication-server-group`), the secondary group's
 * check is the second factor, so a Duo proxy there judges each Duo user, after the primary's password.
 */
function asaGroups(): string {
  return `ASA Version 9.18(3)
!
aaa-server DUO-PAIR protocol radius
aaa-server DUO-PAIR (inside) host ${proxyHost}
 key *****
 authentication-port 1812
aaa-server DUO-PAIR (inside) host 10.0.0.21
 key *****
 authentication-port 1812
aaa-server DUO-2ND protocol radius
aaa-server DUO-2ND (inside) host ${proxyHost}
 key *****
 authentication-port 1812
aaa-server OTHER-2ND protocol radius
aaa-server OTHER-2ND (inside) host 10.0.0.30
 key *****
aaa-server AD protocol ldap
aaa-server AD (inside) host 10.0.0.5
tunnel-group Pair type remote-access
tunnel-group Pair general-attributes
 authentication-server-group DUO-PAIR
tunnel-group Double type remote-access
tunnel-group Double general-attributes
 authentication-server-group AD
 secondary-authentication-server-group DUO-2ND
tunnel-group Elsewhere type remote-access
tunnel-group Elsewhere general-attributes
 authentication-server-group AD
 secondary-authentication-server-group OTHER-2ND
`;
}

describe("delegation linker: Cisco ASA groups of several hosts and secondary groups → Duo proxy", () => {
  it("a group of two hosts: the proxy's host takes Duo's verdicts, the other host stays unknown", async () => {
    const config = await tenantConfig({ failmode: "secure", asa: asaGroups() });
    const proxy = await linkedPaths(config, `/aaa/DUO-PAIR/${proxyHost}`);
    expect(byUser(proxy)).toMatchObject({ alice: ["unknown", null], bob: ["none", null] });
    const other = await linkedPaths(config, "/aaa/DUO-PAIR/10.0.0.21");
    expect(other.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(other[0]!.chain.delegation).toEqual({ protocol: "radius", target: "10.0.0.21:1812" });
    // No path of the group stands for both hosts at once.
    expect((await linkedPaths(config, "/aaa/DUO-PAIR")).every((p) => /DUO-PAIR\/[\d.]+/.test(p.id))).toBe(
      true,
    );
  });

  it("a Duo proxy as the secondary group judges each Duo user; a secondary group that is no proxy stays unknown", async () => {
    const config = await tenantConfig({ failmode: "secure", asa: asaGroups() });
    const double = await linkedPaths(config, "/aaa/AD");
    const fromDouble = double.filter((p) => p.chain.delegation?.target === `${proxyHost}:1812`);
    expect(byUser(fromDouble)).toEqual({
      alice: ["unknown", null],
      bob: ["none", null],
      carol: ["bypassable", null],
      erin: ["unknown", null],
      "new-users": ["bypassable", null],
    });
    expect(fromDouble[0]!.mfa.evidence.some((e) => e.field === "secondary-authentication-server-group")).toBe(
      true,
    );
    const elsewhere = double.filter((p) => p.chain.delegation?.target === "10.0.0.30:1645");
    expect(elsewhere.map((p) => p.mfa.state)).toEqual(["unknown"]);
  });
});

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import sshEmptyPasswordsRefused from "../../../policies/ssh-empty-passwords-refused.js";
import sshLoginRequiresTwoFactors from "../../../policies/ssh-login-requires-two-factors.js";
import sshRootLoginDisabled from "../../../policies/ssh-root-login-disabled.js";
import {
  debianCommonFiles,
  type HostSnapshot,
  startDemo,
  writeSnapshot,
} from "../../../providers/ssh/emulator.js";
import { SshSettings } from "../../../providers/ssh/settings.js";
import { type ConnectionCollection, collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import { demoPortfolio } from "../../../src/demo/index.js";
import type { Policy, Verdict } from "../../../src/evaluate/policy.js";
import type { AccessPath, TenantInventory } from "../../../src/model/index.js";
import { scan } from "../../../src/scan.js";
import { contextOf } from "../../helpers/policy-tester.js";

/**
 * Config-only mode (saved `sshd -T`, sshd_config and PAM files) driven through collectConnection: the
 * verdicts for the configuration variants a real host would need one sshd each for.
 */

const root = mkdtempSync(join(tmpdir(), "mfsw-ssh-snap-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function collectHosts(
  hosts: Record<string, HostSnapshot>,
  extra: Record<string, unknown> = {},
): Promise<ConnectionCollection> {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  for (const [name, snap] of Object.entries(hosts)) await writeSnapshot(dir, name, snap);
  const settings = SshSettings.parse({ type: "ssh", snapshotDir: dir, ...extra });
  return collectConnection(
    { id: "t1", name: "Tenant One" },
    { id: "ssh", type: "ssh", settings },
    { quotas: new QuotaRegistry(false), env: {} },
  );
}

const collectOne = (snap: HostSnapshot, extra: Record<string, unknown> = {}) =>
  collectHosts({ h1: snap }, extra);

function pathOf(c: ConnectionCollection, user: string, host = "h1"): AccessPath {
  const paths = c.inventory.accessPaths.filter((p) => p.accounts.includes(`${user}@${host}`));
  expect(
    paths.map((p) => p.id),
    `one path for ${user}`,
  ).toHaveLength(1);
  return paths[0]!;
}

function verdicts(policy: Policy<unknown>, c: ConnectionCollection, options?: unknown): Verdict[] {
  const inventory: TenantInventory = {
    tenant: { id: "t1", name: "Tenant One", role: "customer" },
    ...c.inventory,
    coverage: [c.coverage],
  };
  return policy.evaluate(
    contextOf({
      inventory,
      now: new Date("2026-11-24T12:00:00Z"),
      options: options ?? policy.defaultOptions,
    }),
  );
}

const keyTotp = {
  kbdinteractiveauthentication: "yes",
  passwordauthentication: "no",
  authenticationmethods: "publickey,keyboard-interactive",
};
const pam = (auth: string) => ({
  "/etc/pam.d/sshd": `${auth}\n@include common-account\n`,
  ...debianCommonFiles,
});
const alice = [{ name: "alice", uid: 1000 }];

describe("config-only snapshots", () => {
  it("nullok with enrolment unknown is bypassable, citing the nullok line", async () => {
    const c = await collectOne({
      sshdT: keyTotp,
      files: {
        "/etc/ssh/sshd_config": "AuthenticationMethods publickey,keyboard-interactive\n",
        ...pam("auth required pam_google_authenticator.so nullok\nauth required pam_permit.so"),
      },
      accounts: alice,
      otpUnknown: true,
    });
    expect(c.coverage.status).toBe("complete");
    const p = pathOf(c, "alice");
    expect(p.mfa.state).toBe("bypassable");
    expect(p.mfa.reason).toMatch(/no google-authenticator secret file, and the module has nullok/);
    expect(p.mfa.evidence).toContainEqual(
      expect.objectContaining({ file: "/etc/pam.d/sshd", line: 1, value: "nullok" }),
    );
    expect(p.mfa.evidence).toContainEqual(
      expect.objectContaining({ file: "/etc/ssh/sshd_config", line: 1, field: "authenticationmethods" }),
    );
    expect(c.inventory.accounts.find((a) => a.id === "alice@h1")?.enrollment.enrolled).toBe("unknown");
    const v = verdicts(sshLoginRequiresTwoFactors, c).find((x) => x.subject.id === p.id);
    expect(v).toMatchObject({ status: "fail", severity: "medium" });
  });

  it("Duo with the default failmode (safe) is bypassable; failmode = secure is enforced; no pam_duo.conf lets everyone in", async () => {
    const duo = (conf?: string) =>
      collectOne({
        sshdT: keyTotp,
        files: {
          ...pam("auth required pam_duo.so"),
          ...(conf === undefined ? {} : { "/etc/duo/pam_duo.conf": conf }),
        },
        accounts: alice,
      });
    const safe = pathOf(await duo("[duo]\nikey = DI1\nskey = topsecret\nhost = api.example\n"), "alice");
    expect(safe.mfa.state).toBe("bypassable");
    expect(safe.mfa.reason).toMatch(/failmode is safe/);
    expect(JSON.stringify(safe)).not.toContain("topsecret");
    const secure = pathOf(await duo("[duo]\nfailmode = secure\n"), "alice");
    expect(secure.mfa.state).toBe("enforced");
    expect([...secure.chain.factors].sort()).toEqual(["publickey", "push"]);
    const missing = pathOf(await duo(), "alice");
    expect(missing.mfa.state).toBe("none");
    expect(missing.mfa.reason).toMatch(/pam_duo.conf does not exist/);
  });

  it("AllowUsers and DenyGroups take principals out; users only named in AllowUsers are still evaluated", async () => {
    const c = await collectOne({
      sshdT: { allowusers: ["alice", "svc-ldap"], denygroups: "contractors" },
      files: {
        "/etc/ssh/sshd_config": "AllowUsers alice svc-ldap\nDenyGroups contractors\n",
        ...pam("@include common-auth"),
      },
      accounts: [...alice, { name: "bob", uid: 1001 }, { name: "carol", uid: 1002, groups: ["contractors"] }],
    });
    expect(c.inventory.accessPaths.filter((p) => p.accounts.includes("bob@h1"))).toEqual([]);
    expect(pathOf(c, "alice").mfa.state).toBe("none");
    expect(pathOf(c, "svc-ldap").mfa.state).toBe("none");
    expect(c.inventory.accounts.find((a) => a.id === "svc-ldap@h1")?.status).toBe("unknown");
  });

  it("local accounts not saved (no getent passwd): one unknown path, judged unknown; saved: none", async () => {
    const snap = {
      sshdT: keyTotp,
      files: {
        "/etc/ssh/sshd_config": "AuthenticationMethods publickey,keyboard-interactive\n",
        ...pam("auth required pam_google_authenticator.so nullok\nauth required pam_permit.so"),
      },
      otpUnknown: true,
    };
    const unread = await collectOne(snap);
    expect(unread.coverage.gaps.map((g) => g.reason)).toContain("getent passwd not saved");
    const paths = unread.inventory.accessPaths.filter((p) => p.accounts.length === 0);
    expect(paths.map((p) => [p.id.split("/unread/")[1], p.mfa.state])).toEqual([["accounts", "unknown"]]);
    expect(paths[0]?.mfa.reason).toContain("local accounts (getent passwd) could not be read");
    const judged = verdicts(sshLoginRequiresTwoFactors, unread).filter((v) => v.subject.id === paths[0]?.id);
    expect(judged.map((v) => v.status)).toEqual(["unknown"]);

    const read = await collectOne({ ...snap, accounts: alice });
    expect(read.inventory.accessPaths.some((p) => p.id.includes("/unread"))).toBe(false);
    expect(pathOf(read, "alice").mfa.state).toBe("bypassable");
  });

  it("PermitEmptyPasswords yes with an empty-password account: no factor at all, a critical finding", async () => {
    const c = await collectOne({
      sshdT: { permitemptypasswords: "yes", permitrootlogin: "no" },
      files: {
        "/etc/ssh/sshd_config": "PermitEmptyPasswords yes\nPermitRootLogin no\n",
        ...pam("@include common-auth"),
      },
      accounts: [...alice, { name: "kiosk", uid: 1005, status: "NP" }],
    });
    const kiosk = pathOf(c, "kiosk");
    expect(kiosk.mfa.state).toBe("none");
    expect(kiosk.chain.factors).toEqual(["none"]);
    expect(kiosk.mfa.reason).toMatch(/no factor logs kiosk in/);
    expect(verdicts(sshLoginRequiresTwoFactors, c).find((v) => v.subject.id === kiosk.id)?.severity).toBe(
      "critical",
    );
    const empty = verdicts(sshEmptyPasswordsRefused, c)[0]!;
    expect(empty).toMatchObject({ status: "fail", severity: "critical" });
    expect(empty.message).toMatch(/kiosk has an empty password/);
    expect(verdicts(sshRootLoginDisabled, c)[0]?.status).toBe("pass");
  });

  it("sshd that accepts only FIDO keys with verify-required: enforced, phishing-resistant, unless the tenant refuses it", async () => {
    const c = await collectOne({
      sshdT: {
        passwordauthentication: "no",
        pubkeyacceptedalgorithms: "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com",
        pubkeyauthoptions: "verify-required",
        permitrootlogin: "no",
      },
      files: pam("@include common-auth"),
      accounts: alice,
    });
    const p = pathOf(c, "alice");
    expect(p.mfa).toMatchObject({ state: "enforced", strength: "phishing-resistant" });
    expect(p.chain.factors).toEqual(["security-key-verified"]);
    expect(verdicts(sshLoginRequiresTwoFactors, c).find((v) => v.subject.id === p.id)?.status).toBe("pass");
    expect(
      verdicts(sshLoginRequiresTwoFactors, c, { acceptVerifiedSecurityKeys: false }).find(
        (v) => v.subject.id === p.id,
      )?.status,
    ).toBe("fail");
  });

  it("ForceCommand login_duo: Duo after a key, skipped by port forwarding unless forwarding is off", async () => {
    const base = {
      files: { ...pam("@include common-auth"), "/etc/duo/login_duo.conf": "[duo]\nfailmode = secure\n" },
      accounts: alice,
    };
    const open = pathOf(
      await collectOne({
        ...base,
        sshdT: { passwordauthentication: "no", forcecommand: "/usr/sbin/login_duo", permitrootlogin: "no" },
      }),
      "alice",
    );
    expect(open.mfa.state).toBe("bypassable");
    expect(open.mfa.reason).toMatch(/port forwarding/);
    const closed = pathOf(
      await collectOne({
        ...base,
        sshdT: {
          passwordauthentication: "no",
          forcecommand: "/usr/sbin/login_duo",
          allowtcpforwarding: "no",
          permittunnel: "no",
          permitrootlogin: "no",
        },
      }),
      "alice",
    );
    expect(closed.mfa.state).toBe("enforced");
  });

  it("OpenSSH 7.4 output: ChallengeResponseAuthentication no turns keyboard-interactive off even with kbdinteractive yes", async () => {
    const c = await collectOne({
      version: "OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017",
      sshdT: {
        kbdinteractiveauthentication: "yes",
        challengeresponseauthentication: "no",
        passwordauthentication: "no",
        permitrootlogin: "no",
      },
      files: pam("auth sufficient pam_permit.so"),
      accounts: alice,
    });
    const p = pathOf(c, "alice");
    expect(p.chain.factors).toEqual(["publickey"]);
    expect(c.inventory.entryPoints[0]?.evidence).toContainEqual(
      expect.objectContaining({
        endpoint: "sshd -V",
        value: "OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017",
      }),
    );
  });

  it("Match Group needs group membership, which the snapshot's getent group gives", async () => {
    const c = await collectOne({
      sshdT: keyTotp,
      files: {
        "/etc/ssh/sshd_config":
          "AuthenticationMethods publickey,keyboard-interactive\nMatch Group ops\n  AuthenticationMethods publickey\n",
        ...pam("auth required pam_google_authenticator.so"),
      },
      accounts: [
        { name: "alice", uid: 1000, otp: true },
        { name: "olga", uid: 1001, groups: ["ops"], otp: true },
      ],
    });
    expect(pathOf(c, "alice").mfa.state).toBe("enforced");
    expect(pathOf(c, "olga").mfa.state).toBe("none");
    expect(c.coverage.notes.join()).toMatch(/evaluated against the Match blocks by mfasweep/);
  });

  it("uses a saved sshd -T -C output for a login instead of evaluating Match itself", async () => {
    const c = await collectOne({
      sshdT: keyTotp,
      files: {
        "/etc/ssh/sshd_config":
          "AuthenticationMethods publickey,keyboard-interactive\nMatch User alice\n  AuthenticationMethods publickey,keyboard-interactive\n",
        ...pam("auth required pam_google_authenticator.so"),
      },
      accounts: [{ name: "alice", uid: 1000, otp: true }],
      // What sshd really printed for alice says otherwise: the saved output wins.
      savedSpecs: [
        {
          spec: "user=alice,host=203.0.113.10,addr=203.0.113.10,laddr=0.0.0.0,lport=22",
          sshdT: { authenticationmethods: "publickey" },
        },
        {
          spec: "user=alice,host=2001:db8::10,addr=2001:db8::10,laddr=::,lport=22",
          sshdT: { authenticationmethods: "publickey" },
        },
      ],
    });
    const p = pathOf(c, "alice");
    expect(p.mfa.state).toBe("none");
    expect(p.mfa.evidence.some((e) => /sshd-T-C\/[01]\.txt/.test(e.endpoint ?? ""))).toBe(true);
  });

  it("never reuses a saved sshd -T -C output for another port when Match LocalPort is in play", async () => {
    const c = await collectOne({
      sshdT: {
        ...keyTotp,
        port: ["22", "2222"],
        listenaddress: ["0.0.0.0:22", "0.0.0.0:2222"],
      },
      files: {
        "/etc/ssh/sshd_config":
          "Port 22\nPort 2222\nAuthenticationMethods publickey,keyboard-interactive\nMatch LocalPort 2222\n  AuthenticationMethods publickey\n",
        ...pam("auth required pam_google_authenticator.so"),
      },
      accounts: [{ name: "alice", uid: 1000, otp: true }],
      // Saved for port 22 only: it must not stand for port 2222, where the Match block gives key alone.
      savedSpecs: [
        {
          spec: "user=alice,host=203.0.113.10,addr=203.0.113.10,laddr=0.0.0.0,lport=22",
          sshdT: { ...keyTotp, port: ["22", "2222"] },
        },
      ],
    });
    expect(c.inventory.entryPoints.map((e) => e.name)).toEqual(["h1", "h1:2222"]);
    const alice = c.inventory.accessPaths.filter((p) => p.accounts.includes("alice@h1"));
    const onPort = (ep: string) => alice.filter((p) => p.entryPoint === ep).map((p) => p.mfa.state);
    expect(onPort("ssh:ssh:h1")).toEqual(["enforced"]);
    expect(
      alice
        .find((p) => p.entryPoint === "ssh:ssh:h1")
        ?.mfa.evidence.some((e) => /sshd-T-C/.test(e.endpoint ?? "")),
    ).toBe(true);
    expect(onPort("ssh:ssh:h1:2222")).toEqual(["none"]);
  });

  describe("a '-' module line (Linux-PAM: a missing module returns PAM_MODULE_UNKNOWN to its control)", () => {
    // The control maps a wrong code (auth_err) to die but anything else to ignore: a missing module
    // lets pam_permit finish the stack (what sshd 9.2 does is checked in real-sshd.test.ts).
    const stack =
      "-auth [success=ok auth_err=die default=ignore] pam_google_authenticator.so\nauth required pam_permit.so";
    const snap = (pamModules?: string[]): HostSnapshot => ({
      sshdT: keyTotp,
      files: pam(stack),
      accounts: [{ name: "alice", uid: 1000, otp: true }],
      ...(pamModules ? { pamModules } : {}),
    });

    it("presence not known: unknown, saying the module may not be installed", async () => {
      const p = pathOf(await collectOne(snap()), "alice");
      expect(p.mfa.state).toBe("unknown");
      expect(p.mfa.reason).toMatch(/pam_google_authenticator\.so is not installed \(not known\)/);
      expect(p.mfa.evidence.some((e) => e.value === "-auth (skip logging if missing)")).toBe(true);
    });

    it("installed: enforced; not installed: the key alone", async () => {
      const installed = pathOf(
        await collectOne(snap(["pam_permit.so", "pam_google_authenticator.so"])),
        "alice",
      );
      expect(installed.mfa.state).toBe("enforced");
      const missing = await collectOne(snap(["pam_permit.so"]));
      expect(pathOf(missing, "alice").mfa.state).toBe("none");
      expect(missing.inventory.entryPoints[0]!.evidence.map((e) => e.note).join()).toMatch(
        /PAM modules not installed .*pam_google_authenticator\.so/,
      );
    });

    it("'-auth required' cannot be skipped by a missing module: it fails the stack, so still enforced", async () => {
      const c = await collectOne({
        sshdT: keyTotp,
        files: pam("-auth required pam_google_authenticator.so\nauth required pam_permit.so"),
        accounts: [{ name: "alice", uid: 1000, otp: true }],
      });
      expect(pathOf(c, "alice").mfa.state).toBe("enforced");
    });
  });

  it("UsePAM no and passwd -S 'L' (both '!' and Debian root's '*'): root's key login is unknown, never dropped", async () => {
    const c = await collectOne({
      sshdT: { usepam: "no", permitrootlogin: "prohibit-password", passwordauthentication: "no" },
      files: { "/etc/ssh/sshd_config": "UsePAM no\nPermitRootLogin prohibit-password\n" },
      accounts: [{ name: "root", uid: 0, home: "/root", status: "L" }],
    });
    const root = pathOf(c, "root");
    expect(root.mfa.state).toBe("unknown");
    expect(root.mfa.reason).toMatch(/'\*'.*a key/);
    // Before, root was dropped as "locked" and the root-login policy passed.
    expect(verdicts(sshRootLoginDisabled, c)[0]?.status).toBe("unknown");
  });

  it("names that are not portable user names are skipped and counted, never evaluated", async () => {
    const c = await collectOne({
      sshdT: { permitrootlogin: "no" },
      files: pam("@include common-auth"),
      accounts: [
        ...alice,
        { name: "evil;touch$IFS/tmp/x", uid: 1001 },
        { name: "$(reboot)", uid: 1002 },
        { name: "-rf", uid: 1003 },
      ],
    });
    expect(c.coverage.counts.skipped).toBe(3);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps.filter((g) => /not a portable POSIX user name/.test(g.reason))).toHaveLength(3);
    expect(c.inventory.accessPaths.flatMap((p) => p.accounts).sort()).toEqual(["alice@h1"]);
  });

  it("an unreadable PAM include makes keyboard-interactive unknown and coverage partial, never enforced", async () => {
    const dir = join(root, "unreadable");
    await writeSnapshot(dir, "h1", {
      sshdT: keyTotp,
      files: { "/etc/pam.d/sshd": "@include common-auth\nauth required pam_google_authenticator.so\n" },
      accounts: [{ name: "alice", uid: 1000, otp: true }],
    });
    // A directory where the file should be: the read fails (EISDIR), as a permission error would.
    mkdirSync(join(dir, "h1", "files", "etc", "pam.d", "common-auth"), { recursive: true });
    const settings = SshSettings.parse({ type: "ssh", snapshotDir: dir });
    const c = await collectConnection(
      { id: "t1", name: "T" },
      { id: "ssh", type: "ssh", settings },
      { quotas: new QuotaRegistry(false) },
    );
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps.map((g) => g.what).join()).toMatch(/common-auth/);
    expect(pathOf(c, "alice").mfa.state).toBe("unknown");
  });

  it("a host without sshd -T is reported unknown while the other hosts are read", async () => {
    const dir = join(root, "partial");
    await writeSnapshot(dir, "good", {
      sshdT: { permitrootlogin: "no" },
      files: pam("@include common-auth"),
      accounts: alice,
    });
    mkdirSync(join(dir, "bad"));
    const settings = SshSettings.parse({ type: "ssh", snapshotDir: dir });
    const c = await collectConnection(
      { id: "t1", name: "T" },
      { id: "ssh", type: "ssh", settings },
      { quotas: new QuotaRegistry(false) },
    );
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps).toContainEqual(expect.objectContaining({ what: "host bad" }));
    expect(c.inventory.accessPaths.find((p) => p.entryPoint === "ssh:ssh:bad")?.mfa.state).toBe("unknown");
    expect(pathOf(c, "alice", "good").mfa.state).toBe("none");
    for (const policy of [sshRootLoginDisabled, sshEmptyPasswordsRefused]) {
      expect(verdicts(policy, c).find((v) => v.subject.id === "ssh:ssh:bad")?.status).toBe("unknown");
    }
  });

  it("a snapshot directory with no host fails the connection with a clear reason", async () => {
    const dir = join(root, "empty");
    mkdirSync(dir);
    const settings = SshSettings.parse({ type: "ssh", snapshotDir: dir });
    const c = await collectConnection(
      { id: "t1", name: "T" },
      { id: "ssh", type: "ssh", settings },
      { quotas: new QuotaRegistry(false) },
    );
    expect(c.coverage.status).toBe("failed");
    expect(c.coverage.reason).toMatch(/holds no host directory/);
  });
});

describe("settings", () => {
  const ok = (raw: Record<string, unknown>) => SshSettings.safeParse({ type: "ssh", ...raw });
  const hosts = [{ host: "bastion.example", hostKey: `SHA256:${"A".repeat(43)}` }];
  const auth = { method: "private-key", privateKey: "file:/etc/mfasweep/id_ed25519" };

  it("accepts hosts with pinned keys, or a snapshot directory", () => {
    expect(ok({ hosts, username: "mfasweep", auth }).success).toBe(true);
    expect(ok({ snapshotDir: "./snapshots" }).success).toBe(true);
  });

  it("refuses a host with no pinned or known key, both modes at once, and trust-on-first-use without a file", () => {
    const unpinned = ok({ hosts: [{ host: "a.example" }], username: "u", auth });
    expect(unpinned.success).toBe(false);
    expect(JSON.stringify(unpinned.error?.issues)).toMatch(/never accepted blindly/);
    expect(ok({ hosts, snapshotDir: "x", username: "u", auth }).success).toBe(false);
    expect(ok({ hosts: [{ host: "a.example" }], trustOnFirstUse: true, username: "u", auth }).success).toBe(
      false,
    );
    expect(ok({ hosts, username: "u" }).success).toBe(false);
  });

  it("refuses inline secrets, malformed fingerprints and hostile host or user names", () => {
    expect(ok({ hosts, username: "u", auth: { method: "password", password: "hunter2" } }).success).toBe(
      false,
    );
    expect(ok({ hosts: [{ host: "a.example", hostKey: "MD5:aa:bb" }], username: "u", auth }).success).toBe(
      false,
    );
    expect(
      ok({ hosts: [{ host: "a.example; rm -rf /", hostKey: hosts[0]!.hostKey }], username: "u", auth })
        .success,
    ).toBe(false);
    expect(ok({ hosts, username: "$(id)", auth }).success).toBe(false);
  });
});

describe("pipeline and demo", () => {
  it("scans a config-only connection from YAML through all three SSH policies", async () => {
    const dir = join(root, "pipeline");
    await writeSnapshot(dir, "web1.example", {
      sshdT: { permitrootlogin: "yes" },
      files: { "/etc/ssh/sshd_config": "PermitRootLogin yes\n", ...pam("@include common-auth") },
      accounts: [{ name: "root", uid: 0, home: "/root", status: "P" }, ...alice],
    });
    const { config } = parseConfig(
      `tenants:\n  - id: acme\n    name: Acme\n    connections:\n      - type: ssh\n        snapshotDir: ${dir}\n`,
    );
    const report = await scan(config, { enforceQuotas: false, env: {} });
    const byPolicy = (id: string) => report.results.filter((r) => r.policy === id);
    expect(byPolicy("ssh-root-login-disabled")).toEqual([
      expect.objectContaining({
        status: "fail",
        severity: "critical",
        subject: expect.objectContaining({ kind: "entry-point", name: "web1.example", source: "ssh" }),
      }),
    ]);
    expect(byPolicy("ssh-empty-passwords-refused").map((r) => r.status)).toEqual(["pass"]);
    expect(
      byPolicy("ssh-login-requires-two-factors")
        .map((r) => r.subject.name)
        .sort(),
    ).toEqual(["alice@web1.example", "root@web1.example"]);
    for (const r of report.results) expect(r.evidence.length).toBeGreaterThan(0);
  });

  it("the demo snapshots cover northwind, contoso-dental and fabrikam-legal with findings and passes", async () => {
    const demo = await startDemo(demoPortfolio);
    try {
      expect(demo.connections.map((c) => c.tenant).sort()).toEqual([
        "contoso-dental",
        "fabrikam-legal",
        "northwind",
      ]);
      const states = new Map<string, string[]>();
      for (const c of demo.connections) {
        const settings = SshSettings.parse(c.connection);
        const got = await collectConnection(
          { id: c.tenant, name: c.tenant },
          { id: "ssh", type: "ssh", settings },
          { quotas: new QuotaRegistry(false) },
        );
        expect(got.coverage.status, JSON.stringify(got.coverage.gaps)).toBe("complete");
        states.set(
          c.tenant,
          got.inventory.accessPaths.map((p) => p.mfa.state),
        );
      }
      expect(states.get("fabrikam-legal")?.every((s) => s === "enforced")).toBe(true);
      expect(states.get("northwind")).toContain("none");
      expect(states.get("northwind")).toContain("enforced");
      expect(states.get("contoso-dental")?.every((s) => s === "none")).toBe(true);
    } finally {
      await demo.close();
    }
  });
});

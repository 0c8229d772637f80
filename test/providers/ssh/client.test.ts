import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandLine, shellQuote } from "../../../providers/ssh/client.js";
import { debianCommonFiles, writeSnapshot } from "../../../providers/ssh/emulator.js";
import {
  entriesFor,
  fingerprintOf,
  knownHostsLine,
  parseKnownHosts,
} from "../../../providers/ssh/known-hosts.js";
import { SshSettings } from "../../../providers/ssh/settings.js";
import { type ConnectionCollection, collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { parseConfig } from "../../../src/composition.js";
import { doctor } from "../../../src/doctor.js";
import { duoUnixLogin } from "../../../src/model/facts/index.js";
import { type FakeHost, startFakeHost, startSilentHost } from "./fake-host.js";

/** The live reader against a stand-in host: commands, quoting, sudo, timeouts, host keys. No root needed. */

const work = mkdtempSync(join(tmpdir(), "mfsw-ssh-client-"));
const pwned = join(work, "pwned");
const hostileHome = `/home/o'brien; touch ${pwned}; echo '`;
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function collect(
  host: { port: number; sshdPath?: string },
  fingerprint: string,
  extra: Record<string, unknown> = {},
): Promise<ConnectionCollection> {
  const settings = SshSettings.parse({
    type: "ssh",
    hosts: [
      {
        host: "127.0.0.1",
        port: host.port,
        hostKey: fingerprint,
        sshdPath: host.sshdPath ?? "/usr/sbin/sshd",
      },
    ],
    username: "audit",
    auth: { method: "password", password: "env:SSH_AUDIT_PASSWORD" },
    timeoutSeconds: 5,
    ...extra,
  });
  return collectConnection(
    { id: "t1", name: "T" },
    { id: "ssh", type: "ssh", settings },
    { quotas: new QuotaRegistry(false), env: { SSH_AUDIT_PASSWORD: "s3cret-audit-pw" } },
  );
}

describe("shell quoting", () => {
  it("leaves plain words alone and single-quotes everything else", () => {
    expect(shellQuote("/usr/sbin/sshd")).toBe("/usr/sbin/sshd");
    expect(shellQuote("user=alice,host=h,addr=10.0.0.1,laddr=0.0.0.0,lport=22")).toBe(
      "user=alice,host=h,addr=10.0.0.1,laddr=0.0.0.0,lport=22",
    );
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
    expect(() => shellQuote("a\nb")).toThrow(/control characters/);
    expect(commandLine(["cat", "--", "/x y"], true)).toBe("sudo -n cat -- '/x y'");
  });

  it("a real sh gives back exactly the argument, whatever it holds", () => {
    for (const arg of [hostileHome, "$(id)", "`id`", "a'b\"c", "*", "-rf", "~root", "!", "\\"]) {
      const out = execFileSync("/bin/sh", ["-c", `printf '%s' ${shellQuote(arg)}`], { encoding: "utf8" });
      expect(out).toBe(arg);
    }
  });
});

describe("known_hosts", () => {
  let pub = "";
  beforeAll(() => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(work, "hk")]);
    pub = readFileSync(join(work, "hk.pub"), "utf8");
  });

  it("computes fingerprints as ssh-keygen -l does", () => {
    const blob = Buffer.from(pub.split(" ")[1]!, "base64");
    const openssh = execFileSync("ssh-keygen", ["-l", "-f", join(work, "hk.pub")], {
      encoding: "utf8",
    }).split(" ")[1];
    expect(fingerprintOf(blob)).toBe(openssh);
  });

  it("matches plain, [host]:port, wildcard, negated and hashed entries (hashed by ssh-keygen -H)", () => {
    const [type, key] = pub.split(" ");
    const file = join(work, "known_hosts");
    writeFileSync(
      file,
      [
        `[10.0.0.5]:2222 ${type} ${key}`,
        `*.corp.example,!bad.corp.example ${type} ${key}`,
        `plain.example ${type} ${key}`,
      ].join("\n"),
    );
    execFileSync("ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
    const hashed = parseKnownHosts(readFileSync(file, "utf8"));
    expect(hashed.entries.every((e) => e.patterns.startsWith("|1|") || e.patterns.includes("*"))).toBe(true);
    expect(entriesFor(hashed.entries, "10.0.0.5", 2222)).toHaveLength(1);
    expect(entriesFor(hashed.entries, "10.0.0.5", 22)).toHaveLength(0);
    expect(entriesFor(hashed.entries, "plain.example", 22)).toHaveLength(1);
    expect(entriesFor(hashed.entries, "web.corp.example", 22)).toHaveLength(1);
    expect(entriesFor(hashed.entries, "bad.corp.example", 22)).toHaveLength(0);
  });

  it("keeps @revoked markers, rejects malformed lines, and writes lines OpenSSH reads back", () => {
    const [type, key] = pub.split(" ");
    const parsed = parseKnownHosts(
      `@revoked * ${type} ${key}\nnot a line\nhost ssh-ed25519 !!!\n@bogus h ${type} ${key}\n`,
    );
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.entries[0]!.marker).toBe("revoked");
    expect(parsed.rejected).toEqual([2, 3, 4]);
    const file = join(work, "tofu");
    writeFileSync(file, `${knownHostsLine("127.0.0.1", 2200, Buffer.from(key!, "base64"))}\n`);
    expect(
      execFileSync("ssh-keygen", ["-F", "[127.0.0.1]:2200", "-f", file], { encoding: "utf8" }),
    ).toContain(key);
  });
});

describe("live collection against a stand-in host", () => {
  let host: FakeHost;
  let snapDir = "";
  beforeAll(async () => {
    snapDir = await writeSnapshot(join(work, "snap"), "h", {
      sshdT: {
        kbdinteractiveauthentication: "yes",
        passwordauthentication: "no",
        authenticationmethods: "publickey,keyboard-interactive",
      },
      files: {
        "/etc/ssh/sshd_config":
          "AuthenticationMethods publickey,keyboard-interactive\nMatch Address 10.9.0.0/16\n  AuthenticationMethods publickey\n",
        "/etc/pam.d/sshd":
          "auth required pam_google_authenticator.so nullok\nauth required pam_permit.so\n@include common-account\n",
        ...debianCommonFiles,
        "/home/alice/.google_authenticator": "SECRET\n",
      },
      accounts: [
        { name: "alice", uid: 1000 },
        { name: "obrien", uid: 1001, home: hostileHome },
        { name: "x;reboot", uid: 1002 },
      ],
    });
    host = await startFakeHost({ snapshotDir: snapDir, sudo: "allow" });
  });
  afterAll(async () => host?.close());

  it("reads the host with fixed commands only; a hostile home path reaches `test` as one argument; hostile names never leave", async () => {
    const c = await collect(host, host.fingerprint, { sudo: true });
    expect(c.coverage.gaps.filter((g) => !/not a portable POSIX user name/.test(g.reason))).toEqual([]);
    const tools = new Set(host.argv().map((a) => a[0]));
    expect([...tools].sort()).toEqual(
      ["cat", "find", "getent", "grep", "passwd", "sshd", "sudo", "test"].filter((t) => tools.has(t)).sort(),
    );
    for (const t of tools)
      expect(["cat", "find", "getent", "grep", "passwd", "sshd", "sudo", "test"]).toContain(t);
    // The GA secret check for obrien got his whole home path, and the shell ran nothing from it.
    expect(host.argv()).toContainEqual(["test", "-e", `${hostileHome}/.google_authenticator`]);
    expect(existsSync(pwned)).toBe(false);
    expect(host.commands.some((cmd) => cmd.includes("reboot"))).toBe(false);
    expect(c.coverage.counts.skipped).toBe(1);
    // alice is enrolled (her secret file exists). The stub sshd prints the global configuration for any
    // -C (real Match evaluation is tested against OpenSSH), so both sources agree and form one path.
    const alice = c.inventory.accessPaths.filter((p) => p.accounts.includes("alice@127.0.0.1"));
    expect(alice.map((p) => p.mfa.state)).toEqual(["enforced"]);
    expect(
      host
        .argv()
        .some(
          (a) => a[0] === "sshd" && a.some((x) => x.startsWith("user=alice,host=10.9.0.1,addr=10.9.0.1,")),
        ),
    ).toBe(true);
    expect(c.inventory.accounts.find((a) => a.id === "alice@127.0.0.1")?.enrollment.enrolled).toBe(true);
    // Every sshd -T -C carried all five keys (OpenSSH ≤ 7.6 requires them).
    const specs = host.argv().filter((a) => a[0] === "sshd" && a.includes("-C"));
    expect(specs.length).toBeGreaterThan(0);
    for (const a of specs)
      expect(a[a.indexOf("-C") + 1]).toMatch(/^user=[^,]+,host=[^,]+,addr=[^,]+,laddr=[^,]+,lport=\d+$/);
    // Every tool ran through sudo -n.
    expect(
      host.commands.every(
        (cmd) => !/(^|; )(cat|getent|passwd|find|grep|\/\S+\/sshd) /.test(cmd) || /sudo -n/.test(cmd),
      ),
    ).toBe(true);
    expect(JSON.stringify(c)).not.toContain("s3cret-audit-pw");
  });

  it("doctor verifies the pinned key and that sshd -T is readable, and names what is missing otherwise", async () => {
    const yaml = (fp: string) =>
      `tenants:\n  - id: t1\n    name: T\n    connections:\n      - type: ssh\n        username: audit\n        auth: { method: password, password: env:SSH_AUDIT_PASSWORD }\n        hosts:\n          - { host: 127.0.0.1, port: ${host.port}, hostKey: "${fp}", sshdPath: ${host.sshdPath} }\n`;
    const env = { SSH_AUDIT_PASSWORD: "s3cret-audit-pw" };
    const [good] = await doctor(parseConfig(yaml(host.fingerprint)).config, { env });
    expect(good?.checks).toEqual([
      expect.objectContaining({ ok: true, detail: expect.stringContaining(host.fingerprint) }),
    ]);
    const [bad] = await doctor(parseConfig(yaml(`SHA256:${"B".repeat(43)}`)).config, { env });
    expect(bad?.checks[0]).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^host key of 127\.0\.0\.1:\d+ does not match/),
    });
  });

  it("fails closed on a pinned key mismatch before any command runs", async () => {
    const before = host.commands.length;
    const c = await collect(host, `SHA256:${"A".repeat(43)}`);
    expect(c.coverage.gaps[0]?.reason).toMatch(
      /host key of .* does not match: expected SHA256:A{43}.*showed ssh-ed25519 SHA256:/,
    );
    expect(host.commands.length).toBe(before);
  });
});

describe("live collection of pam_duo", () => {
  it("reads pam_duo.conf's ikey with grep (the Duo linker's key to the application) and never its skey", async () => {
    const snapDir = await writeSnapshot(join(work, "snap-duo"), "h", {
      sshdT: {
        kbdinteractiveauthentication: "yes",
        passwordauthentication: "no",
        authenticationmethods: "publickey,keyboard-interactive",
      },
      files: {
        "/etc/pam.d/sshd": "auth required pam_duo.so\n@include common-account\n",
        ...debianCommonFiles,
        "/etc/duo/pam_duo.conf":
          "[duo]\nikey = DIHOSTSSH00000000001\nskey = duo-skey-never-read\nhost = api-1.duosecurity.com\nfailmode = secure\n",
      },
      accounts: [{ name: "alice", uid: 1000 }],
    });
    const host = await startFakeHost({ snapshotDir: snapDir, sudo: "allow" });
    try {
      const c = await collect(host, host.fingerprint, { sudo: true, timeoutSeconds: 30 });
      const grep = host.argv().find((a) => a[0] === "grep" && a.includes("/etc/duo/pam_duo.conf"));
      expect(grep?.[4]).toMatch(/\bikey\b/);
      expect(grep?.[4]).not.toMatch(/skey/);
      const fact = c.inventory.facts.find((f) => f.kind === duoUnixLogin.name);
      expect(fact?.data).toMatchObject({
        login: "alice",
        duoUsername: "alice",
        configs: [{ file: "/etc/duo/pam_duo.conf", ikey: "DIHOSTSSH00000000001", line: 2 }],
        withoutDuo: { state: "none" },
      });
      expect(JSON.stringify(c)).not.toContain("duo-skey-never-read");
    } finally {
      await host.close();
    }
  });
});

describe("refusals and timeouts", () => {
  let snapDir = "";
  beforeAll(async () => {
    snapDir = await writeSnapshot(join(work, "snap2"), "h", {
      sshdT: {},
      files: debianCommonFiles,
      accounts: [{ name: "alice", uid: 1000 }],
    });
  });

  it("says clearly when sudo refuses, naming the command to allow", async () => {
    const host = await startFakeHost({ snapshotDir: snapDir, sudo: "refuse" });
    try {
      const c = await collect(host, host.fingerprint, { sudo: true });
      const reason = c.coverage.gaps.map((g) => g.reason).join();
      expect(reason).toMatch(
        /permission missing: .*sudo -n refused '\/\S+\/sshd -T -f \/etc\/ssh\/sshd_config' \(sudo: a password is required\)/,
      );
      expect(reason).toMatch(/missing: passwordless sudo \(NOPASSWD\) for: \/\S+\/sshd -T/);
      expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["unknown"]);
    } finally {
      await host.close();
    }
  });

  it("without root, sshd -T that cannot read the host keys asks for sudo", async () => {
    const host = await startFakeHost({
      snapshotDir: snapDir,
      stubs: { sshd: `echo "sshd: no hostkeys available -- exiting." >&2; exit 1` },
    });
    try {
      const c = await collect(host, host.fingerprint);
      expect(c.coverage.gaps.map((g) => g.reason).join(), JSON.stringify(c.coverage.gaps)).toMatch(
        /permission missing: .*no hostkeys available.*set sudo: true/,
      );
    } finally {
      await host.close();
    }
  });

  it("a host that hangs after its banner times out instead of hanging the sweep", async () => {
    const silent = await startSilentHost();
    try {
      const started = Date.now();
      const c = await collect(silent, `SHA256:${"A".repeat(43)}`, { timeoutSeconds: 1 });
      expect(c.coverage.gaps[0]?.reason).toMatch(/127\.0\.0\.1:\d+: no SSH handshake within 1 s/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await silent.close();
    }
  });

  it("a command that never answers times out and gives up on the host", async () => {
    const host = await startFakeHost({ snapshotDir: snapDir, hangOn: "sshd -T" });
    try {
      const c = await collect(host, host.fingerprint, { timeoutSeconds: 1 });
      expect(c.coverage.gaps[0]?.reason).toMatch(
        /'\/\S+\/sshd -T -f \/etc\/ssh\/sshd_config' gave no answer within 1 s/,
      );
      expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["unknown"]);
    } finally {
      await host.close();
    }
  });

  it("refuses an unknown host key unless trust-on-first-use is on, and records it then", async () => {
    const host = await startFakeHost({ snapshotDir: snapDir });
    const known = join(work, "kh-tofu");
    try {
      const settings = (tofu: boolean) => ({
        hosts: [{ host: "127.0.0.1", port: host.port, sshdPath: host.sshdPath }],
        knownHosts: known,
        trustOnFirstUse: tofu,
      });
      writeFileSync(known, "");
      const refused = await collect(host, host.fingerprint, settings(false));
      expect(refused.coverage.gaps[0]?.reason).toMatch(/host key of 127\.0\.0\.1:\d+ is not known/);
      const first = await collect(host, host.fingerprint, settings(true));
      expect(first.coverage.notes.join()).toContain(host.fingerprint);
      expect(readFileSync(known, "utf8")).toMatch(/^\[127\.0\.0\.1\]:\d+ ssh-ed25519 /);
    } finally {
      await host.close();
    }
  });
});

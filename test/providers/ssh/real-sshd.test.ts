import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sshEmptyPasswordsRefused from "../../../policies/ssh-empty-passwords-refused.js";
import sshLoginRequiresTwoFactors from "../../../policies/ssh-login-requires-two-factors.js";
import sshRootLoginDisabled from "../../../policies/ssh-root-login-disabled.js";
import { SshSettings } from "../../../providers/ssh/settings.js";
import {
  applyMatchBlocks,
  authKeywords,
  buildRawConfig,
  first,
  parseSshdT,
  specArgument,
  tokenizeConfigFile,
} from "../../../providers/ssh/sshd-config.js";
import { type ConnectionCollection, collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import type { Policy, Verdict } from "../../../src/evaluate/policy.js";
import type { AccessPath, TenantInventory } from "../../../src/model/index.js";
import { contextOf } from "../../helpers/policy-tester.js";
import {
  freePort,
  opensshFingerprint,
  type RunningSshd,
  realSshdUnavailable,
  sh,
  startSshd,
  totp,
  tryLogin,
} from "./helpers.js";
import { createSshdSandbox, type SshdSandbox } from "./sshd-sandbox.js";

/**
 * The SSH provider against a real OpenSSH (Debian openssh-server + libpam-google-authenticator): for
 * each configuration, the scan's verdict AND a real login with one factor and with two, so the verdict
 * is what the server does, not only what we parse. Every sshd here (the scanner's own and each variant
 * under test, and every `sshd -T` this file runs) sees a private copy of /etc/pam.d and of the account
 * files (sshd-sandbox.ts): the test users and PAM stacks exist only there, and the host is left as it was.
 */

const unavailable = realSshdUnavailable();
if (unavailable) {
  // CI installs OpenSSH and runs as root: there a missing piece is a broken machine, not a reason to skip.
  if (process.env.CI) throw new Error(`real-sshd tests cannot run under CI: ${unavailable}`);
  console.warn(`SKIPPED real-sshd tests: ${unavailable}`);
}

const secrets = { "mfsw-alice": "JBSWY3DPEHPK3PXP", "mfsw-carol": "KRSXG5CTMVRXEZLU" } as const;
const passwords = {
  "mfsw-alice": "Alice-pw-7761",
  "mfsw-bob": "Bob-pw-2290",
  "mfsw-carol": "Carol-pw-5512",
} as const;
const users = Object.keys(passwords) as Array<keyof typeof passwords>;

describe.skipIf(unavailable !== undefined)("SSH provider against a real OpenSSH", () => {
  let dir = "";
  let sandbox: SshdSandbox;
  let audit: RunningSshd;
  let auditFingerprint = "";
  let auditEcdsaFingerprint = "";
  let userKey = "";
  let rootKey = "";
  let originalPam = "";
  const running: RunningSshd[] = [];
  /** A command run inside the sandbox (what sshd there sees). */
  const shIn = (command: string, args: string[]) => {
    const [c, ...a] = sandbox.wrap([command, ...args]);
    return sh(c!, a);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mfsw-sshd-"));
    chmodSync(dir, 0o755);
    sandbox = createSshdSandbox(dir);
    originalPam = sandbox.stockPam;
    for (const [name, type] of [
      ["host_ed25519", "ed25519"],
      ["host_ecdsa", "ecdsa"],
      ["other_host_ed25519", "ed25519"],
      ["user_key", "ed25519"],
      ["root_key", "ed25519"],
      ["audit_key", "ed25519"],
    ] as const) {
      sh("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", name, "-f", join(dir, name)]);
    }
    userKey = readFileSync(join(dir, "user_key"), "utf8");
    rootKey = readFileSync(join(dir, "root_key"), "utf8");
    auditFingerprint = opensshFingerprint(join(dir, "host_ed25519.pub"));
    auditEcdsaFingerprint = opensshFingerprint(join(dir, "host_ecdsa.pub"));
    mkdirSync(join(dir, "keys"), { mode: 0o755 });
    mkdirSync(join(dir, "audit-keys"), { mode: 0o755 });
    mkdirSync(join(dir, "ga"), { mode: 0o755 });
    writeFileSync(join(dir, "audit-keys", "root"), readFileSync(join(dir, "audit_key.pub")));
    writeFileSync(join(dir, "keys", "root"), readFileSync(join(dir, "root_key.pub")));
    for (const user of users) {
      const { uid, gid, home } = sandbox.addUser(user, passwords[user]);
      chownSync(home, uid, gid);
      writeFileSync(join(dir, "keys", user), readFileSync(join(dir, "user_key.pub")));
      const gaDir = join(dir, "ga", user);
      mkdirSync(gaDir, { mode: 0o700 });
      chownSync(gaDir, uid, gid);
      if (user in secrets) {
        const file = join(gaDir, ".google_authenticator");
        writeFileSync(file, `${secrets[user as keyof typeof secrets]}\n" TOTP_AUTH\n`, { mode: 0o400 });
        chownSync(file, uid, gid);
      }
    }
    // The test users exist only in the sandbox.
    for (const user of users) expect(() => sh("id", ["-u", user]), `${user} on the host`).toThrow();
    expect(shIn("id", ["-u", "mfsw-alice"]).trim()).toMatch(/^\d+$/);
    // The scanner's own way in: root with a key, no PAM, on a separate sshd, so every variant under
    // test can refuse root or passwords without locking the scanner out.
    const auditConfig = join(dir, "audit_sshd_config");
    const auditPort = await freePort();
    writeFileSync(
      auditConfig,
      [
        `Port ${auditPort}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${join(dir, "host_ed25519")}`,
        `HostKey ${join(dir, "host_ecdsa")}`,
        "PidFile none",
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        `AuthorizedKeysFile ${join(dir, "audit-keys", "%u")}`,
        "",
      ].join("\n"),
    );
    audit = await startSshd(auditConfig, auditPort, sandbox.wrap);
    running.push(audit);
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The sandbox's /etc/pam.d/sshd with its `@include common-auth` line replaced by `auth` lines (account/session stay Debian's). */
  function usePam(authLines: string[] | "debian"): void {
    const text =
      authLines === "debian"
        ? originalPam
        : originalPam.replace(/^@include common-auth$/m, authLines.join("\n"));
    if (authLines !== "debian")
      expect(text, "the stock sshd PAM file includes common-auth").not.toBe(originalPam);
    sandbox.writePam(text);
  }

  const ga = (options = "") =>
    `auth required pam_google_authenticator.so secret=${dir}/ga/\${USER}/.google_authenticator${options ? ` ${options}` : ""}`;

  /** Writes a variant's sshd_config (plus extra files), starts sshd on it, returns the config path. */
  async function startVariant(name: string, lines: string[], extraFiles: Record<string, string> = {}) {
    const port = await freePort();
    const config = join(dir, `${name}.sshd_config`);
    for (const [file, text] of Object.entries(extraFiles)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    writeFileSync(
      config,
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${join(dir, "other_host_ed25519")}`,
        "PidFile none",
        "StrictModes no",
        "UsePAM yes",
        `AuthorizedKeysFile ${join(dir, "keys", "%u")}`,
        ...lines,
        "",
      ].join("\n"),
    );
    const sshd = await startSshd(config, port, sandbox.wrap);
    running.push(sshd);
    return { config, port, sshd };
  }

  async function scan(config: string, extra: Record<string, unknown> = {}): Promise<ConnectionCollection> {
    const settings = SshSettings.parse({
      type: "ssh",
      hosts: [{ host: "127.0.0.1", port: audit.port, hostKey: auditFingerprint, sshdConfig: config }],
      username: "root",
      auth: { method: "private-key", privateKey: `file:${join(dir, "audit_key")}` },
      timeoutSeconds: 30,
      ...extra,
    });
    return collectConnection(
      { id: "t1", name: "Tenant One" },
      { id: "ssh", type: "ssh", settings },
      { quotas: new QuotaRegistry(false), env: {} },
    );
  }

  function pathsOf(c: ConnectionCollection, user: string): AccessPath[] {
    return c.inventory.accessPaths.filter((p) => p.accounts.includes(`${user}@127.0.0.1`));
  }

  function onlyPath(c: ConnectionCollection, user: string): AccessPath {
    const paths = pathsOf(c, user);
    expect(
      paths.map((p) => p.id),
      `one path for ${user}`,
    ).toHaveLength(1);
    return paths[0]!;
  }

  function verdicts(policy: Policy<unknown>, c: ConnectionCollection): Verdict[] {
    const inventory: TenantInventory = {
      tenant: { id: "t1", name: "Tenant One", role: "customer" },
      ...c.inventory,
      coverage: [c.coverage],
    };
    return policy.evaluate(contextOf({ inventory, now: new Date(), options: policy.defaultOptions }));
  }

  const key = (k: string) => ({ type: "publickey" as const, key: k });
  const codeFor = (user: keyof typeof secrets) => ({
    type: "keyboard-interactive" as const,
    answer: (prompts: string[]) => prompts.map(() => totp(secrets[user])),
  });
  const kbd = (answers: (prompt: string) => string) => ({
    type: "keyboard-interactive" as const,
    answer: (prompts: string[]) => prompts.map(answers),
  });

  it("reads the audit host's key as OpenSSH fingerprints it, and the scan is complete", async () => {
    const { config } = await startVariant("baseline", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
    ]);
    usePam("debian");
    const c = await scan(config);
    expect(c.coverage.status, JSON.stringify(c.coverage)).toBe("complete");
    expect(c.inventory.entryPoints).toHaveLength(1);
    expect(c.coverage.counts.requests).toBeGreaterThan(3);
  });

  it("password only: a password alone logs in, and the verdict says none", async () => {
    usePam("debian");
    const { config, port } = await startVariant("password-only", [
      "PubkeyAuthentication no",
      "PasswordAuthentication yes",
      "KbdInteractiveAuthentication no",
    ]);
    const c = await scan(config);
    const bob = onlyPath(c, "mfsw-bob");
    expect(bob.mfa.state).toBe("none");
    expect(bob.chain.factors).toEqual(["password"]);
    expect(bob.mfa.evidence.some((e) => e.file === config && e.field === "passwordauthentication")).toBe(
      true,
    );
    expect(
      bob.mfa.evidence.some((e) => e.file === "/etc/pam.d/common-auth" && /pam_unix/.test(String(e.value))),
    ).toBe(true);
    expect(
      (
        await tryLogin({
          port,
          user: "mfsw-bob",
          steps: [{ type: "password", password: passwords["mfsw-bob"] }],
        })
      ).ok,
    ).toBe(true);
    expect((await tryLogin({ port, user: "mfsw-bob", steps: [key(userKey)] })).ok).toBe(false);
    const finding = verdicts(sshLoginRequiresTwoFactors, c).find((v) => v.subject.id === bob.id);
    expect(finding?.status).toBe("fail");
  });

  it("publickey only: a key alone logs in, and the verdict says none", async () => {
    usePam("debian");
    const { config, port } = await startVariant("publickey-only", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
    ]);
    const c = await scan(config);
    const alice = onlyPath(c, "mfsw-alice");
    expect(alice.mfa.state).toBe("none");
    expect(alice.chain.factors).toEqual(["publickey"]);
    expect((await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey)] })).ok).toBe(true);
    expect(
      (
        await tryLogin({
          port,
          user: "mfsw-alice",
          steps: [{ type: "password", password: passwords["mfsw-alice"] }],
        })
      ).ok,
    ).toBe(false);
  });

  it("publickey,keyboard-interactive with google-authenticator required: key + code, never the key alone", async () => {
    usePam([ga()]);
    const { config, port } = await startVariant("key-totp", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication yes",
      "AuthenticationMethods publickey,keyboard-interactive",
    ]);
    const c = await scan(config);
    const alice = onlyPath(c, "mfsw-alice");
    expect(alice.mfa.state).toBe("enforced");
    expect(alice.mfa.strength).toBe("app");
    expect([...alice.chain.factors].sort()).toEqual(["otp", "publickey"]);
    expect(
      alice.mfa.evidence.some(
        (e) => e.file === "/etc/pam.d/sshd" && /pam_google_authenticator/.test(String(e.value)),
      ),
    ).toBe(true);
    // bob has no secret file and the module has no nullok: no way in at all, so no path.
    expect(pathsOf(c, "mfsw-bob")).toEqual([]);
    const account = c.inventory.accounts.find((a) => a.id === "mfsw-alice@127.0.0.1");
    expect(account?.enrollment.enrolled).toBe(true);
    expect(c.inventory.accounts.find((a) => a.id === "mfsw-bob@127.0.0.1")?.enrollment.enrolled).toBe(false);

    const withCode = await tryLogin({
      port,
      user: "mfsw-alice",
      steps: [key(userKey), codeFor("mfsw-alice")],
    });
    expect(withCode.ok, withCode.error).toBe(true);
    expect(withCode.prompts.join(" ")).toMatch(/Verification code/i);
    expect((await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey)] })).ok).toBe(false);
    expect(
      (await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey), kbd(() => "000000")] })).ok,
    ).toBe(false);
    expect((await tryLogin({ port, user: "mfsw-bob", steps: [key(userKey), kbd(() => "000000")] })).ok).toBe(
      false,
    );
    expect(verdicts(sshLoginRequiresTwoFactors, c).find((v) => v.subject.id === alice.id)?.status).toBe(
      "pass",
    );
  });

  it("the same with nullok: an unenrolled user's key alone logs in; root with prohibit-password cannot finish keyboard-interactive", async () => {
    usePam([ga("nullok"), "auth required pam_permit.so"]);
    const { config, port } = await startVariant("key-totp-nullok", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication yes",
      "PermitRootLogin prohibit-password",
      "AuthenticationMethods publickey,keyboard-interactive",
    ]);
    const c = await scan(config);
    const bob = onlyPath(c, "mfsw-bob");
    expect(bob.mfa.state).toBe("none");
    expect(bob.chain.factors).toEqual(["publickey"]);
    expect(bob.mfa.reason).toMatch(/nullok/);
    expect(bob.mfa.evidence.some((e) => e.file === "/etc/pam.d/sshd" && e.value === "nullok")).toBe(true);
    const alice = onlyPath(c, "mfsw-alice");
    expect(alice.mfa.state).toBe("enforced");
    expect(pathsOf(c, "root")).toEqual([]);

    const bobLogin = await tryLogin({ port, user: "mfsw-bob", steps: [key(userKey), kbd(() => "")] });
    expect(bobLogin.ok, bobLogin.error).toBe(true);
    expect(bobLogin.prompts, "nullok asks bob nothing").toEqual([]);
    expect((await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey), kbd(() => "")] })).ok).toBe(
      false,
    );
    expect(
      (await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey), codeFor("mfsw-alice")] })).ok,
    ).toBe(true);
    // root: the key is accepted, the stack would let anyone without a secret through, yet sshd refuses
    // keyboard-interactive for root under prohibit-password, so root cannot log in at all.
    const rootLogin = await tryLogin({ port, user: "root", steps: [key(rootKey), kbd(() => "")] });
    expect(rootLogin.ok).toBe(false);
    const rootVerdict = verdicts(sshRootLoginDisabled, c)[0]!;
    expect(rootVerdict.status, rootVerdict.message).toBe("pass");
  });

  it("Match User exempting one user: that user's key alone logs in, the others need the code", async () => {
    usePam([ga()]);
    const { config, port } = await startVariant("match-user", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication yes",
      "AuthenticationMethods publickey,keyboard-interactive",
      "Match User mfsw-carol",
      "    AuthenticationMethods publickey",
    ]);
    const c = await scan(config);
    const carol = onlyPath(c, "mfsw-carol");
    expect(carol.mfa.state).toBe("none");
    expect(
      carol.mfa.evidence.some(
        (e) =>
          e.file === config &&
          e.field === "authenticationmethods" &&
          e.line === 12 &&
          /Match block/.test(e.note ?? ""),
      ),
    ).toBe(true);
    expect(onlyPath(c, "mfsw-alice").mfa.state).toBe("enforced");
    expect((await tryLogin({ port, user: "mfsw-carol", steps: [key(userKey)] })).ok).toBe(true);
    expect((await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey)] })).ok).toBe(false);
    await expectMatchEvaluationAgreesWithSshd(config, ["mfsw-alice", "mfsw-carol", "root"], ["203.0.113.10"]);
  });

  it("Match Address exempting an internal range (in an Included file): key alone from inside, key + code from elsewhere", async () => {
    usePam([ga()]);
    const { config, port } = await startVariant(
      "match-address",
      [
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication yes",
        "AuthenticationMethods publickey,keyboard-interactive",
        `Include ${join(dir, "match-address.d")}/*.conf`,
      ],
      {
        "match-address.d/50-office.conf":
          "# the office is trusted\nMatch Address 127.0.0.2/32\n    AuthenticationMethods publickey\n",
      },
    );
    const c = await scan(config);
    const paths = pathsOf(c, "mfsw-alice");
    const inside = paths.find((p) => p.id.endsWith("@addr=127.0.0.2/32"));
    const outside = paths.find((p) => p.id.includes("addr=other"));
    expect(inside?.mfa.state).toBe("none");
    expect(
      inside?.mfa.evidence.some(
        (e) => e.file === join(dir, "match-address.d/50-office.conf") && e.line === 3,
      ),
    ).toBe(true);
    expect(outside?.mfa.state).toBe("enforced");
    expect(inside?.mfa.reason).toMatch(/127\.0\.0\.2\/32/);

    expect(
      (await tryLogin({ port, user: "mfsw-alice", localAddress: "127.0.0.2", steps: [key(userKey)] })).ok,
    ).toBe(true);
    expect(
      (await tryLogin({ port, user: "mfsw-alice", localAddress: "127.0.0.1", steps: [key(userKey)] })).ok,
    ).toBe(false);
    expect(
      (
        await tryLogin({
          port,
          user: "mfsw-alice",
          localAddress: "127.0.0.1",
          steps: [key(userKey), codeFor("mfsw-alice")],
        })
      ).ok,
    ).toBe(true);
    await expectMatchEvaluationAgreesWithSshd(
      config,
      ["mfsw-alice", "root"],
      ["127.0.0.2", "127.0.0.3", "203.0.113.10"],
    );
  });

  it("Match Address *,!range (MFA from outside, key alone inside): the negated inside range is its own source", async () => {
    usePam([ga()]);
    const { config, port } = await startVariant("match-negated", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication yes",
      "AuthenticationMethods publickey",
      "Match Address *,!127.0.0.2/32",
      "    AuthenticationMethods publickey,keyboard-interactive",
    ]);
    const c = await scan(config);
    const paths = pathsOf(c, "mfsw-alice");
    const inside = paths.find((p) => p.id.split("@").pop()!.split("+").includes("addr=127.0.0.2/32"));
    expect(inside?.mfa.state, JSON.stringify(paths.map((p) => [p.id, p.mfa.state]))).toBe("none");
    expect(inside?.mfa.reason).toMatch(/127\.0\.0\.2\/32/);
    const elsewhere = paths.filter((p) => p !== inside);
    expect(elsewhere.map((p) => p.mfa.state)).toEqual(["enforced"]);
    // The evidence says which address stood for the rest of the world.
    const probe = elsewhere[0]!.mfa.evidence.find((e) => e.field === "evaluated as");
    expect(JSON.stringify(probe?.value)).toMatch(/addr=\d+\.\d+\.\d+\.\d+/);
    expect(verdicts(sshLoginRequiresTwoFactors, c).find((v) => v.subject.id === inside?.id)?.status).toBe(
      "fail",
    );

    // What sshd does: from inside the key alone logs in; from elsewhere it needs the code too.
    expect(
      (await tryLogin({ port, user: "mfsw-alice", localAddress: "127.0.0.2", steps: [key(userKey)] })).ok,
    ).toBe(true);
    expect(
      (await tryLogin({ port, user: "mfsw-alice", localAddress: "127.0.0.1", steps: [key(userKey)] })).ok,
    ).toBe(false);
    const outside = await tryLogin({
      port,
      user: "mfsw-alice",
      localAddress: "127.0.0.1",
      steps: [key(userKey), codeFor("mfsw-alice")],
    });
    expect(outside.ok, outside.error).toBe(true);
    await expectMatchEvaluationAgreesWithSshd(
      config,
      ["mfsw-alice", "root"],
      ["127.0.0.2", "127.0.0.1", "203.0.113.10", "2001:db8::10"],
    );
  });

  it("Match User root Address !range,*: root gets the same per-source treatment as everyone", async () => {
    usePam([ga()]);
    const { config, port } = await startVariant("match-root-negated", [
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication yes",
      "PermitRootLogin prohibit-password",
      "AuthenticationMethods publickey",
      "Match User root Address !127.0.0.2,*",
      "    PermitRootLogin no",
    ]);
    const c = await scan(config);
    const root = pathsOf(c, "root");
    expect(root.map((p) => [p.id.split("@").pop(), p.mfa.state])).toEqual([["addr=127.0.0.2", "none"]]);
    const fact = verdicts(sshRootLoginDisabled, c)[0]!;
    expect(fact.status).toBe("fail");
    expect(fact.message).toMatch(/127\.0\.0\.2/);
    expect(
      (await tryLogin({ port, user: "root", localAddress: "127.0.0.2", steps: [key(rootKey)] })).ok,
    ).toBe(true);
    expect(
      (await tryLogin({ port, user: "root", localAddress: "127.0.0.1", steps: [key(rootKey)] })).ok,
    ).toBe(false);
  });

  it("Match LocalPort: each listening port is its own entry point, read with lport= (plain sshd -T refuses)", async () => {
    usePam([ga()]);
    const second = await freePort();
    const { config, port } = await startVariant("match-lport", [
      `Port ${second}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication yes",
      "AuthenticationMethods publickey,keyboard-interactive",
      `Match LocalPort ${second}`,
      "    AuthenticationMethods publickey",
    ]);
    expect(() => shIn("/usr/sbin/sshd", ["-T", "-f", config])).toThrow(/'lport' not in connection test/);
    const c = await scan(config);
    expect(c.coverage.status, JSON.stringify(c.coverage.gaps)).toBe("complete");
    const eps = c.inventory.entryPoints.map((e) => e.name).sort();
    expect(eps).toHaveLength(2);
    const byPort = (p: number) =>
      pathsOf(c, "mfsw-alice").filter((x) => x.mfa.evidence.some((e) => e.endpoint === `port ${p}`));
    expect(byPort(port).map((p) => p.mfa.state)).toEqual(["enforced"]);
    expect(byPort(second).map((p) => p.mfa.state)).toEqual(["none"]);
    expect((await tryLogin({ port: second, user: "mfsw-alice", steps: [key(userKey)] })).ok).toBe(true);
    expect((await tryLogin({ port, user: "mfsw-alice", steps: [key(userKey)] })).ok).toBe(false);
  });

  it("'-auth' module lines: a missing module returns PAM_MODULE_UNKNOWN and its control decides", async () => {
    const absent = join(dir, "absent", "pam_google_authenticator.so");
    const lenient = "[success=ok auth_err=die default=ignore]";
    const variant = (name: string) =>
      startVariant(name, [
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication yes",
        "AuthenticationMethods publickey,keyboard-interactive",
      ]);
    const gaLine = (control: string, module: string) =>
      `-auth ${control} ${module} secret=${dir}/ga/\${USER}/.google_authenticator`;

    // Installed: a wrong code dies, so key + code is needed.
    usePam([gaLine(lenient, "pam_google_authenticator.so"), "auth required pam_permit.so"]);
    const present = await variant("dash-present");
    const presentScan = await scan(present.config);
    expect(onlyPath(presentScan, "mfsw-alice").mfa.state).toBe("enforced");
    expect(
      (await tryLogin({ port: present.port, user: "mfsw-alice", steps: [key(userKey), kbd(() => "000000")] }))
        .ok,
    ).toBe(false);

    // Missing with a control that ignores PAM_MODULE_UNKNOWN: the key alone gets in.
    usePam([gaLine(lenient, absent), "auth required pam_permit.so"]);
    const missing = await variant("dash-missing");
    const missingScan = await scan(missing.config);
    const alice = onlyPath(missingScan, "mfsw-alice");
    expect(alice.mfa.state, alice.mfa.reason).toBe("none");
    const login = await tryLogin({
      port: missing.port,
      user: "mfsw-alice",
      steps: [key(userKey), kbd(() => "")],
    });
    expect(login.ok, login.error).toBe(true);
    expect(login.prompts).toEqual([]);

    // Missing under `required`: PAM_MODULE_UNKNOWN fails the stack; nobody gets in that way.
    usePam([gaLine("required", absent), "auth required pam_permit.so"]);
    const strict = await variant("dash-required-missing");
    const strictScan = await scan(strict.config);
    expect(pathsOf(strictScan, "mfsw-alice")).toEqual([]);
    expect(
      (await tryLogin({ port: strict.port, user: "mfsw-alice", steps: [key(userKey), kbd(() => "")] })).ok,
    ).toBe(false);
  }, 240_000);

  it("AuthenticationMethods publickey,password publickey,keyboard-interactive: the password list cannot finish when PAM also asks for the code", async () => {
    usePam(["@include common-auth", ga()]);
    const { config, port } = await startVariant("two-lists", [
      "PasswordAuthentication yes",
      "KbdInteractiveAuthentication yes",
      "AuthenticationMethods publickey,password publickey,keyboard-interactive",
    ]);
    const c = await scan(config);
    const alice = onlyPath(c, "mfsw-alice");
    expect(alice.mfa.state).toBe("enforced");
    expect([...alice.chain.factors].sort()).toEqual(["otp", "password", "publickey"]);
    // sshd's password method answers every PAM prompt with the password, so the code check fails.
    const keyAndPassword = await tryLogin({
      port,
      user: "mfsw-alice",
      steps: [key(userKey), { type: "password", password: passwords["mfsw-alice"] }],
    });
    expect(keyAndPassword.ok).toBe(false);
    const full = await tryLogin({
      port,
      user: "mfsw-alice",
      steps: [
        key(userKey),
        kbd((p) => (/password/i.test(p) ? passwords["mfsw-alice"] : totp(secrets["mfsw-alice"]))),
      ],
    });
    expect(full.ok, full.error).toBe(true);
    expect(full.prompts.join(" ")).toMatch(/Password/);
    expect(full.prompts.join(" ")).toMatch(/Verification code/);
  });

  it("root via publickey (prohibit-password): root's key alone logs in, even with its password locked", async () => {
    usePam("debian");
    const { config, port } = await startVariant("root-key", [
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication yes",
      "KbdInteractiveAuthentication no",
    ]);
    const c = await scan(config);
    const root = onlyPath(c, "root");
    expect(root.mfa.state).toBe("none");
    expect(root.chain.factors).toEqual(["publickey"]);
    const rootFinding = verdicts(sshRootLoginDisabled, c)[0]!;
    expect(rootFinding.status).toBe("fail");
    expect(rootFinding.severity).toBe("high");
    expect(rootFinding.message).toMatch(/prohibit-password/);
    expect(verdicts(sshEmptyPasswordsRefused, c)[0]?.status).toBe("pass");
    const rootLogin = await tryLogin({ port, user: "root", steps: [key(rootKey)] });
    expect(rootLogin.ok, rootLogin.error).toBe(true);
    expect(
      (await tryLogin({ port, user: "root", steps: [{ type: "password", password: "not-roots-password" }] }))
        .ok,
    ).toBe(false);
    expect(
      (
        await tryLogin({
          port,
          user: "mfsw-bob",
          steps: [{ type: "password", password: passwords["mfsw-bob"] }],
        })
      ).ok,
    ).toBe(true);
  });

  it("refuses a host whose key is not the pinned one, naming both fingerprints", async () => {
    const wrong = opensshFingerprint(join(dir, "other_host_ed25519.pub"));
    const c = await scan(join(dir, "baseline.sshd_config"), {
      hosts: [
        {
          host: "127.0.0.1",
          port: audit.port,
          hostKey: wrong,
          sshdConfig: join(dir, "baseline.sshd_config"),
        },
      ],
    });
    expect(c.coverage.status).toBe("partial");
    const gap = c.coverage.gaps.find((g) => /host key of .* does not match/.test(g.reason));
    expect(gap?.reason).toContain(wrong);
    expect(gap?.reason).toContain(auditFingerprint);
    expect(gap?.reason).toContain(`127.0.0.1:${audit.port}`);
    expect(c.inventory.accessPaths.map((p) => p.mfa.state)).toEqual(["unknown"]);
    expect(c.inventory.accounts).toEqual([]);
    expect(c.coverage.counts.requests, "no command ran").toBe(1);
    const v = verdicts(sshLoginRequiresTwoFactors, c);
    expect(v.map((x) => x.status)).toEqual(["unknown"]);
  });

  it("finds a pinned key of another type than the server shows first (ECDSA pinned, Ed25519 preferred)", async () => {
    const c = await scan(join(dir, "baseline.sshd_config"), {
      hosts: [
        {
          host: "127.0.0.1",
          port: audit.port,
          hostKey: auditEcdsaFingerprint,
          sshdConfig: join(dir, "baseline.sshd_config"),
        },
      ],
    });
    expect(c.coverage.status, JSON.stringify(c.coverage.gaps)).toBe("complete");
  });

  it("accepts a key from a known_hosts file written by ssh-keyscan, and refuses one that changed", async () => {
    const known = join(dir, "known_hosts_scan");
    writeFileSync(known, sh("ssh-keyscan", ["-p", String(audit.port), "-t", "ed25519,ecdsa", "127.0.0.1"]));
    const ok = await scan(join(dir, "baseline.sshd_config"), {
      knownHosts: known,
      hosts: [{ host: "127.0.0.1", port: audit.port, sshdConfig: join(dir, "baseline.sshd_config") }],
    });
    expect(ok.coverage.status, JSON.stringify(ok.coverage.gaps)).toBe("complete");
    const changed = join(dir, "known_hosts_changed");
    const other = readFileSync(join(dir, "other_host_ed25519.pub"), "utf8").split(" ").slice(0, 2).join(" ");
    writeFileSync(changed, `[127.0.0.1]:${audit.port} ${other}\n`);
    const refused = await scan(join(dir, "baseline.sshd_config"), {
      knownHosts: changed,
      trustOnFirstUse: true,
      hosts: [{ host: "127.0.0.1", port: audit.port, sshdConfig: join(dir, "baseline.sshd_config") }],
    });
    expect(refused.coverage.gaps.map((g) => g.reason).join()).toMatch(
      /host key of 127\.0\.0\.1:\d+ does not match/,
    );
  });

  it("trust on first use records the key where OpenSSH finds it, and says so", async () => {
    const known = join(dir, "known_hosts_tofu");
    const c = await scan(join(dir, "baseline.sshd_config"), {
      knownHosts: known,
      trustOnFirstUse: true,
      hosts: [{ host: "127.0.0.1", port: audit.port, sshdConfig: join(dir, "baseline.sshd_config") }],
    });
    expect(c.coverage.status, JSON.stringify(c.coverage.gaps)).toBe("complete");
    expect(c.coverage.notes.join()).toMatch(/trust on first use: recorded .* SHA256:/);
    const found = sh("ssh-keygen", ["-F", `[127.0.0.1]:${audit.port}`, "-f", known]);
    expect(found).toContain(`[127.0.0.1]:${audit.port}`);
    const second = await scan(join(dir, "baseline.sshd_config"), {
      knownHosts: known,
      trustOnFirstUse: true,
      hosts: [{ host: "127.0.0.1", port: audit.port, sshdConfig: join(dir, "baseline.sshd_config") }],
    });
    expect(second.coverage.notes.join(), "a known key is not recorded again").not.toMatch(
      /trust on first use/,
    );
  });

  /**
   * Config-only mode evaluates Match blocks itself: it must agree with sshd on every auth keyword for
   * these logins (sshd -T -C is the reference).
   */
  async function expectMatchEvaluationAgreesWithSshd(config: string, who: string[], addrs: string[]) {
    const global = parseSshdT(shIn("/usr/sbin/sshd", ["-T", "-f", config]));
    if (!global.ok) throw new Error(global.error);
    const files = new Map<string, string>();
    const read = (path: string) => files.get(path) ?? readFileSync(path, "utf8");
    const main = tokenizeConfigFile(read(config), config);
    const raw = buildRawConfig(main, (pattern) => {
      const d = pattern.slice(0, pattern.lastIndexOf("/"));
      return sh("find", [d, "-name", "*.conf"])
        .split("\n")
        .filter(Boolean)
        .sort()
        .map((f) => tokenizeConfigFile(read(f), f));
    });
    for (const user of who)
      for (const addr of addrs) {
        const spec = { user, host: addr, addr, laddr: "127.0.0.1", lport: 22 };
        const real = parseSshdT(shIn("/usr/sbin/sshd", ["-T", "-f", config, "-C", specArgument(spec)]));
        const mine = applyMatchBlocks(global.value, raw, spec);
        if (!real.ok || !mine.ok) throw new Error("evaluation failed");
        for (const keyword of authKeywords) {
          expect(first(mine.config, keyword)?.value, `${keyword} for ${user} from ${addr}`).toBe(
            first(real.value, keyword)?.value,
          );
        }
      }
  }
});

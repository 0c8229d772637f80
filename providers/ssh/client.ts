import { randomBytes } from "node:crypto";
import type { NodeSSH } from "node-ssh";
import type { AttemptOutcome } from "../../src/collect/retry.js";
import {
  HostKeyMismatchError,
  MfasweepError,
  ProviderAuthError,
  ProviderPermissionError,
  ProviderUnavailableError,
} from "../../src/errors.js";
import { duoKeys } from "../../src/model/pam/index.js";
import { appendAll } from "../../src/util/arrays.js";
import {
  algorithmsFor,
  fingerprintOf,
  hostKeyAlgorithmGroups,
  type KnownHostEntry,
  keyTypeOf,
} from "./known-hosts.js";

/**
 * Transport for one host: an SSH connection with a pinned host key, fixed read-only commands with
 * every argument shell-quoted, `sudo -n` when configured, and a timeout on the handshake and on each
 * command. Knows nothing about policies or verdicts.
 */

export type SshCredentials = { privateKey: string; passphrase?: string } | { password: string };

export interface HostKeyPolicy {
  /** Fingerprints pinned in the config (`SHA256:…`). */
  pinned: string[];
  /** known_hosts entries that name this host. */
  known: KnownHostEntry[];
  /** Accept an unknown host's key (the caller records it). Never overrides a pin or a known key. */
  trustOnFirstUse: boolean;
}

export interface SeenKey {
  type: string;
  fingerprint: string;
  blob: Buffer;
}

export interface ConnectOptions {
  host: string;
  port: number;
  username: string;
  credentials: SshCredentials;
  hostKey: HostKeyPolicy;
  /** Handshake (including authentication) and per-command timeout. */
  timeoutMs: number;
  /** Source address to connect from (tests use it to come from another loopback address). */
  localAddress?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** POSIX sh single-quoting: plain words stay as they are, anything else is quoted. */
export function shellQuote(arg: string): string {
  // Control characters have no place in our arguments; refuse rather than quote them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point of the check
  if (/[\x00-\x1f\x7f]/.test(arg))
    throw new MfasweepError(`refusing a command argument with control characters`);
  if (arg !== "" && /^[A-Za-z0-9_/.,:=@%+-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: string[], sudo: boolean): string {
  const words = argv.map(shellQuote);
  return sudo ? `sudo -n ${words.join(" ")}` : words.join(" ");
}

interface Ssh2LikeError extends Error {
  level?: string;
  code?: string;
}

function describeConnectError(err: unknown, where: string, timeoutMs: number): Error {
  if (err instanceof MfasweepError) return err;
  const e = err as Ssh2LikeError;
  const message = e?.message ?? String(err);
  if (e?.level === "client-authentication")
    return new ProviderAuthError(`${where}: the server refused the audit account's credentials (${message})`);
  if (e?.level === "client-timeout" || e?.code === "ETIMEDOUT")
    return new ProviderUnavailableError(
      `${where}: no SSH handshake within ${Math.round(timeoutMs / 1000)} s`,
    );
  if (/Cannot parse privateKey|passphrase/i.test(message))
    return new ProviderAuthError(
      `${where}: the private key could not be used (${message.replace(/\s+/g, " ").slice(0, 160)})`,
    );
  if (e?.code) return new ProviderUnavailableError(`${where}: ${e.code} (${message})`);
  return new ProviderUnavailableError(`${where}: ${message}`);
}

/** Connection resets are worth one more try; everything else (refused, timeout, bad key) is not. */
export function classifySshError(err: unknown): AttemptOutcome {
  const code = (err as Ssh2LikeError)?.code;
  if (err instanceof ProviderUnavailableError && /ECONNRESET|EPIPE/.test(err.message))
    return { kind: "transient", detail: err.message };
  if (code === "ECONNRESET" || code === "EPIPE") return { kind: "transient", detail: code };
  return { kind: "fatal", error: err instanceof Error ? err : new Error(String(err)) };
}

export class SshHost {
  private constructor(
    private readonly ssh: NodeSSH,
    readonly where: string,
    readonly seen: SeenKey,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Connects, refusing any host key other than the pinned/known one. With only a bare fingerprint
   * pinned, a server with several host keys may show another type first: each key type is then asked
   * for in turn before the mismatch is reported.
   */
  static async connect(options: ConnectOptions): Promise<SshHost> {
    // node-ssh (and ssh2 under it) is loaded when a host is first read, not when the CLI starts.
    const { NodeSSH } = await import("node-ssh");
    const where = `${options.host}:${options.port}`;
    const { pinned, known } = options.hostKey;
    const knownKeys = known.filter((k) => !k.marker);
    const revoked = known.filter((k) => k.marker === "revoked");
    const attempts: Array<string[] | undefined> = [];
    if (pinned.length === 0 && knownKeys.length > 0) {
      attempts.push([...new Set(knownKeys.flatMap((k) => algorithmsFor(k.keyType)))]);
    } else {
      appendAll(attempts, [undefined, ...hostKeyAlgorithmGroups]);
    }
    const seenAll: SeenKey[] = [];
    for (const algorithms of attempts) {
      let seen: SeenKey | undefined;
      const verifier = (key: Buffer): boolean => {
        seen = { type: keyTypeOf(key) ?? "unknown", fingerprint: fingerprintOf(key), blob: Buffer.from(key) };
        if (revoked.some((r) => r.blob.equals(key))) return false;
        if (pinned.length > 0) return pinned.includes(seen.fingerprint);
        if (knownKeys.length > 0) return knownKeys.some((k) => k.blob.equals(key));
        return options.hostKey.trustOnFirstUse;
      };
      if (
        algorithms &&
        seenAll.some(
          (s) => algorithms.includes(s.type) || algorithmsFor(s.type).some((a) => algorithms.includes(a)),
        )
      )
        continue;
      const ssh = new NodeSSH();
      try {
        await ssh.connect({
          host: options.host,
          port: options.port,
          username: options.username,
          ...("privateKey" in options.credentials
            ? {
                privateKey: options.credentials.privateKey,
                ...(options.credentials.passphrase ? { passphrase: options.credentials.passphrase } : {}),
              }
            : { password: options.credentials.password, tryKeyboard: false }),
          readyTimeout: options.timeoutMs,
          hostVerifier: verifier,
          ...(algorithms ? { algorithms: { serverHostKey: algorithms } } : {}),
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        });
        return new SshHost(ssh, where, seen!, options.timeoutMs);
      } catch (err) {
        ssh.dispose();
        if (seen && !seenAll.some((s) => s.fingerprint === seen!.fingerprint)) seenAll.push(seen);
        const denied = /Host denied/i.test((err as Error)?.message ?? "");
        if (!denied && !(algorithms && /no matching|handshake failed/i.test((err as Error)?.message ?? ""))) {
          throw describeConnectError(err, where, options.timeoutMs);
        }
        // A mismatch with a known_hosts entry or a revoked key is final; a bare pin tries other key types.
        if (denied && (pinned.length === 0 || revoked.some((r) => seen && r.blob.equals(seen.blob)))) break;
      }
    }
    const shown = seenAll.map((s) => `${s.type} ${s.fingerprint}`);
    const expected = pinned.length ? pinned : knownKeys.map((k) => `${k.keyType} ${fingerprintOf(k.blob)}`);
    const isRevoked = seenAll.some((s) => revoked.some((r) => r.blob.equals(s.blob)));
    throw new HostKeyMismatchError(
      where,
      expected,
      shown,
      isRevoked
        ? "; that key is marked @revoked in known_hosts"
        : expected.length
          ? "; if the host was reinstalled, check the new key out of band and update the pin"
          : "; pin it with hostKey (ssh-keyscan -p PORT HOST | ssh-keygen -lf -) or set trustOnFirstUse",
    );
  }

  /** Runs one fixed command. `sudo: true` prefixes `sudo -n` and turns sudo's refusal into a permission error. */
  async run(argv: string[], options: { sudo: boolean; timeoutMs?: number }): Promise<CommandResult> {
    const line = commandLine(argv, options.sudo);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let channel: { close?: () => void; destroy?: () => void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        channel?.close?.();
        this.ssh.dispose();
        reject(
          new ProviderUnavailableError(
            `${this.where}: '${argv.join(" ")}' gave no answer within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([
        this.ssh.execCommand(line, { noTrim: true, onChannel: (c: { close?: () => void }) => (channel = c) }),
        timedOut,
      ]);
      const out: CommandResult = { stdout: result.stdout, stderr: result.stderr, code: result.code };
      if (options.sudo && out.code !== 0 && /^sudo: /m.test(out.stderr)) {
        const first = out.stderr.split("\n").find((l) => l.startsWith("sudo: ")) ?? "sudo refused";
        throw new ProviderPermissionError(
          `${this.where}: sudo -n refused '${argv.join(" ")}' (${first.slice(0, 160)})`,
          [`passwordless sudo (NOPASSWD) for: ${argv.join(" ")}`],
        );
      }
      return out;
    } catch (err) {
      if (err instanceof MfasweepError) throw err;
      throw describeConnectError(err, this.where, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ssh.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------
// What the collector reads from a host. The live reader runs fixed commands; the config-only reader
// (snapshot.ts) reads the same things from a saved directory.

/** What reading something gave: its text, missing, or another error (permission, odd output). */
export type ReadResult =
  | { kind: "ok"; text: string }
  | { kind: "missing" }
  | { kind: "error"; reason: string };

export type SshdTResult =
  | { kind: "ok"; text: string; label: string }
  | { kind: "not-saved" }
  | { kind: "error"; reason: string };

/** Where distributions install PAM modules (Debian/Ubuntu multiarch, RHEL/SUSE lib64, others). */
const pamModuleDirs = [
  "/lib/x86_64-linux-gnu/security",
  "/usr/lib/x86_64-linux-gnu/security",
  "/lib/aarch64-linux-gnu/security",
  "/usr/lib/aarch64-linux-gnu/security",
  "/lib64/security",
  "/usr/lib64/security",
  "/lib/security",
  "/usr/lib/security",
];

export interface HostReader {
  /** `sshd -T`: the global effective configuration. */
  sshdT(): Promise<SshdTResult>;
  /**
   * `sshd -T -C <spec>` for each spec, in order (batched into few commands by the live reader). `reads`:
   * the spec fields the configuration's Match blocks read (a saved output that leaves out another field
   * still fits); the live reader asks sshd itself and ignores it.
   */
  sshdTFor(specs: string[], reads?: ReadonlySet<string>): Promise<SshdTResult[]>;
  /** `OpenSSH_9.2p1, OpenSSL …`, when it can be read. */
  version(): Promise<string | undefined>;
  readFile(path: string): Promise<ReadResult>;
  /** File names in a directory (for `Include` globs). */
  listDir(
    path: string,
  ): Promise<{ kind: "ok"; names: string[] } | { kind: "missing" } | { kind: "error"; reason: string }>;
  /** Only the `duoKeys` lines of a Duo config (failmode, groups, ikey, …), numbered (`N:line`): its skey is never read. */
  readDuoConfig(path: string): Promise<ReadResult>;
  accounts(): Promise<ReadResult>;
  groups(): Promise<ReadResult>;
  passwordStatus(): Promise<ReadResult>;
  /** Whether each user's OTP secret file exists; undefined when that cannot be told. */
  otpEnrolled(checks: Array<{ user: string; path: string }>): Promise<Array<boolean | undefined>>;
  /**
   * Whether PAM modules are installed: `modules` as written in the stack (a name in PAM's module
   * directory, or an absolute path); undefined = not known.
   */
  pamModulesPresent(modules: string[]): Promise<Array<boolean | undefined>>;
  close(): void;
}

export interface LiveReaderOptions {
  sshdPath: string;
  sshdConfig: string;
  sudo: boolean;
  /** Wraps each command (the collector counts and schedules them). */
  run: (label: string, command: () => Promise<CommandResult>) => Promise<CommandResult>;
}

/** Commands per batch: keeps each channel's output small and a slow host's timeout meaningful. */
const batchSize = 12;

/** Only the Duo keys mfasweep reads (`duoKeys`): never `skey`. */
const duoPattern = `^[[:space:]]*(${duoKeys.join("|")})[[:space:]]*=`;

function firstLines(text: string, n = 2): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, n)
    .join(" / ")
    .slice(0, 240);
}

/** Reads a host over SSH with fixed commands. Soft failures (a file missing or unreadable) come back as values. */
export class LiveHostReader implements HostReader {
  constructor(
    private readonly host: SshHost,
    private readonly options: LiveReaderOptions,
  ) {}

  private exec(argv: string[]): Promise<CommandResult> {
    return this.options.run(argv.join(" "), () => this.host.run(argv, { sudo: this.options.sudo }));
  }

  /** A read that may fail on its own (sudo limited to sshd, an unreadable file): a value, not a throw. */
  private async softRead(argv: string[]): Promise<ReadResult> {
    try {
      const r = await this.exec(argv);
      if (r.code === 0) return { kind: "ok", text: r.stdout };
      if (/No such file or directory/i.test(r.stderr)) return { kind: "missing" };
      return {
        kind: "error",
        reason: `'${argv.join(" ")}' exited ${r.code}: ${firstLines(r.stderr) || "no message"}`,
      };
    } catch (err) {
      if (err instanceof ProviderPermissionError) return { kind: "error", reason: err.message };
      throw err;
    }
  }

  private sshdArgv(spec?: string): string[] {
    return [this.options.sshdPath, "-T", "-f", this.options.sshdConfig, ...(spec ? ["-C", spec] : [])];
  }

  private sshdError(argv: string[], code: number | null, text: string): SshdTResult {
    const why = firstLines(text) || "no output";
    const hint =
      /hostkeys|Permission denied|privilege/i.test(why) && !this.options.sudo
        ? "; sshd -T must read the host's private keys: run it as root or set sudo: true"
        : "";
    return { kind: "error", reason: `'${argv.join(" ")}' exited ${code}: ${why}${hint}` };
  }

  async sshdT(): Promise<SshdTResult> {
    const argv = this.sshdArgv();
    const r = await this.exec(argv);
    if (r.code === 0 && r.stdout.trim() !== "") return { kind: "ok", text: r.stdout, label: "sshd -T" };
    return this.sshdError(argv, r.code, r.stderr || r.stdout);
  }

  /**
   * Several fixed commands in one channel, each followed by a marker line with its exit status, so a
   * host with many logins to evaluate costs a few round trips rather than hundreds.
   */
  private async batch(segments: string[]): Promise<Array<{ text: string; code: number | null }>> {
    const mark = `mfasweep-${randomBytes(8).toString("hex")}`;
    const script = segments.map((s) => `${s}; echo "${mark} $?"`).join("; ");
    const r = await this.options.run(`batch of ${segments.length}`, () =>
      this.host.run(["sh", "-c", script], { sudo: false }),
    );
    const out: Array<{ text: string; code: number | null }> = [];
    let text: string[] = [];
    for (const line of r.stdout.split("\n")) {
      const m = line.startsWith(mark) ? /^\S+ (\d+)$/.exec(line) : null;
      if (m) {
        out.push({ text: text.join("\n"), code: Number(m[1]) });
        text = [];
      } else text.push(line);
    }
    if (out.length !== segments.length) {
      throw new ProviderUnavailableError(
        `${this.host.where}: a batch of ${segments.length} commands returned ${out.length} results (${firstLines(r.stderr) || "no message"})`,
      );
    }
    return out;
  }

  async sshdTFor(specs: string[]): Promise<SshdTResult[]> {
    const results: SshdTResult[] = [];
    for (let i = 0; i < specs.length; i += batchSize) {
      const chunk = specs.slice(i, i + batchSize);
      // stderr joins stdout: sshd's warnings are not `keyword value` lines and are reported as such.
      const outs = await this.batch(
        chunk.map((spec) => `${commandLine(this.sshdArgv(spec), this.options.sudo)} 2>&1`),
      );
      outs.forEach((o, j) => {
        const spec = chunk[j]!;
        if (o.code === 0 && o.text.trim() !== "")
          results.push({ kind: "ok", text: o.text, label: `sshd -T -C ${spec}` });
        else results.push(this.sshdError(this.sshdArgv(spec), o.code, o.text));
      });
    }
    return results;
  }

  async version(): Promise<string | undefined> {
    for (const argv of [
      [this.options.sshdPath, "-V"],
      ["ssh", "-V"],
    ]) {
      try {
        const r = await this.exec(argv);
        const m = /OpenSSH_[^\s,]+(?:,\s*[^\n]+)?/.exec(`${r.stderr}\n${r.stdout}`);
        if (m) return m[0].trim();
      } catch (err) {
        if (!(err instanceof ProviderPermissionError)) throw err;
      }
    }
    return undefined;
  }

  readFile(path: string): Promise<ReadResult> {
    return this.softRead(["cat", "--", path]);
  }

  async listDir(
    path: string,
  ): Promise<{ kind: "ok"; names: string[] } | { kind: "missing" } | { kind: "error"; reason: string }> {
    const r = await this.softRead(["find", path, "-mindepth", "1", "-maxdepth", "1", "-print0"]);
    if (r.kind !== "ok") return r;
    return {
      kind: "ok",
      names: r.text
        .split("\0")
        .filter(Boolean)
        .map((p) => p.slice(p.lastIndexOf("/") + 1)),
    };
  }

  async readDuoConfig(path: string): Promise<ReadResult> {
    try {
      const r = await this.exec(["grep", "-n", "-i", "-E", duoPattern, "--", path]);
      if (r.code === 0) return { kind: "ok", text: r.stdout };
      if (r.code === 1) return { kind: "ok", text: "" };
      if (/No such file or directory/i.test(r.stderr)) return { kind: "missing" };
      return {
        kind: "error",
        reason: `grep ${path} exited ${r.code}: ${firstLines(r.stderr) || "no message"}`,
      };
    } catch (err) {
      if (err instanceof ProviderPermissionError) return { kind: "error", reason: err.message };
      throw err;
    }
  }

  accounts(): Promise<ReadResult> {
    return this.softRead(["getent", "passwd"]);
  }

  groups(): Promise<ReadResult> {
    return this.softRead(["getent", "group"]);
  }

  passwordStatus(): Promise<ReadResult> {
    return this.softRead(["passwd", "-S", "-a"]);
  }

  otpEnrolled(checks: Array<{ user: string; path: string }>): Promise<Array<boolean | undefined>> {
    return this.pathsExist(checks.map((c) => c.path));
  }

  async pamModulesPresent(modules: string[]): Promise<Array<boolean | undefined>> {
    if (modules.length === 0) return [];
    // PAM's module directory is fixed when Linux-PAM is built; pam_unix.so, part of Linux-PAM, lives in it.
    const found = await this.pathsExist(pamModuleDirs.map((d) => `${d}/pam_unix.so`));
    const dir = pamModuleDirs.find((_, i) => found[i] === true);
    const paths = modules.map((m) => (m.startsWith("/") ? m : dir ? `${dir}/${m}` : undefined));
    const known = await this.pathsExist(paths.filter((p): p is string => p !== undefined));
    let k = 0;
    return paths.map((p) => (p === undefined ? undefined : known[k++]));
  }

  /** `test -e` per path: true, false (absent from a directory we may search), undefined (not known). */
  private async pathsExist(paths: string[]): Promise<Array<boolean | undefined>> {
    const results: Array<boolean | undefined> = [];
    for (let i = 0; i < paths.length; i += batchSize) {
      const chunk = paths.slice(i, i + batchSize).map((path) => ({ path }));
      // Without permission to search the directory, "absent" is not known: say so.
      const outs = await this.batch(
        chunk.map(({ path }) => {
          const dir = path.slice(0, path.lastIndexOf("/")) || "/";
          const parent = dir.slice(0, dir.lastIndexOf("/")) || "/";
          const exists = commandLine(["test", "-e", path], this.options.sudo);
          const searchable = commandLine(["test", "-x", dir], this.options.sudo);
          // A directory that is absent from a searchable parent holds nothing either.
          const dirExists = commandLine(["test", "-e", dir], this.options.sudo);
          const parentSearchable = commandLine(["test", "-x", parent], this.options.sudo);
          return `if ${exists} 2>/dev/null; then echo y; elif ${searchable} 2>/dev/null; then echo n; elif ! ${dirExists} 2>/dev/null && ${parentSearchable} 2>/dev/null; then echo n; else echo u; fi`;
        }),
      );
      for (const o of outs)
        results.push(o.text.trim() === "y" ? true : o.text.trim() === "n" ? false : undefined);
    }
    return results;
  }

  close(): void {
    this.host.close();
  }
}

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { type AddressInfo, createServer, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A stand-in SSH host for tests that need no root: ssh2's server accepts any login and runs each
 * command with a real /bin/sh, but PATH holds stub tools (sshd, getent, passwd, cat, find, grep, test,
 * sudo) that answer from a snapshot directory and log the exact argv they received. So the shell
 * parses our quoting for real, and a test sees what each tool was given.
 */

interface ParsedKey {
  getPublicSSH(): Buffer;
}
interface ExecStream {
  write(data: Buffer | string): void;
  stderr: { write(data: Buffer | string): void };
  exit(code: number): void;
  end(): void;
}
interface Ssh2Module {
  Server: new (
    config: { hostKeys: string[] },
    onClient: (client: {
      on(event: "authentication", cb: (ctx: { accept(): void }) => void): unknown;
      on(event: "ready", cb: () => void): unknown;
      on(
        event: "session",
        cb: (
          accept: () => {
            on(
              event: "exec",
              cb: (accept: () => ExecStream, reject: () => void, info: { command: string }) => void,
            ): void;
          },
        ) => void,
      ): unknown;
      on(event: "error", cb: (err: Error) => void): unknown;
    }) => void,
  ) => {
    listen(port: number, host: string, cb: () => void): void;
    address(): AddressInfo;
    close(cb?: () => void): void;
  };
  utils: {
    generateKeyPairSync(type: "ed25519"): { private: string; public: string };
    parseKey(key: string): ParsedKey | Error;
  };
}

const ssh2 = createRequire(import.meta.url)("ssh2") as Ssh2Module;

export interface FakeHost {
  port: number;
  /** Absolute path of the stub sshd, for the host's `sshdPath` setting. */
  sshdPath: string;
  fingerprint: string;
  /** Command lines received over SSH. */
  commands: string[];
  /** argv of every stub tool run, tool name first. */
  argv(): string[][];
  close(): Promise<void>;
}

export interface FakeHostOptions {
  snapshotDir: string;
  sudo?: "allow" | "refuse";
  /** Commands (substring of the command line) the host accepts and then never answers. */
  hangOn?: string;
  /** Replaces a stub script's body (after the logging line). */
  stubs?: Record<string, string>;
}

// One file per run: concurrent tools never interleave their records.
const log = `printf '%s\\037' "\${0##*/}" "$@" > "$(/bin/mktemp "$FAKE_LOG/XXXXXXXX")"`;

const defaultStubs: Record<string, string> = {
  sshd: `case " $* " in *" -V "*) echo "OpenSSH_9.9p1 fake, OpenSSL 3.0" >&2; exit 0;; esac
exec /bin/cat "$SNAP/sshd-T"`,
  getent: `case "$1" in passwd) exec /bin/cat "$SNAP/getent-passwd";; group) exec /bin/cat "$SNAP/getent-group";; esac; exit 2`,
  passwd: `exec /bin/cat "$SNAP/passwd-status"`,
  cat: `[ "$1" = "--" ] && shift
if [ -f "$SNAP/files$1" ]; then exec /bin/cat "$SNAP/files$1"; fi
echo "cat: $1: No such file or directory" >&2; exit 1`,
  find: `d="$1"; [ -d "$SNAP/files$d" ] || { echo "find: '$d': No such file or directory" >&2; exit 1; }
for f in "$SNAP/files$d"/*; do [ -e "$f" ] && printf '%s/%s\\0' "$d" "\${f##*/}"; done; exit 0`,
  grep: `last=""; for a in "$@"; do last="$a"; done
[ -f "$SNAP/files$last" ] || { echo "grep: $last: No such file or directory" >&2; exit 2; }
# The client's own pattern (grep -n -i -E PATTERN -- PATH), on the snapshot's copy of PATH.
exec /bin/grep "$1" "$2" "$3" "$4" -- "$SNAP/files$last"`,
  test: `op="$1"; p="$2"; case "$op" in -e) [ -e "$SNAP/files$p" ];; -x) [ -d "$SNAP/files$p" ] || [ "$p" = "/home" ] || [ -d "$p" ];; *) exit 2;; esac`,
};

/**
 * An ed25519 host key and its public blob. ssh2's generator drops a leading zero byte of the public key
 * (about one key in 256), which its own parser then refuses; draw again rather than fail at random.
 */
function hostKey(): { keys: { private: string; public: string }; blob: Buffer } {
  for (;;) {
    const keys = ssh2.utils.generateKeyPairSync("ed25519");
    const parsed = ssh2.utils.parseKey(keys.public);
    if (!(parsed instanceof Error)) return { keys, blob: parsed.getPublicSSH() };
  }
}

export async function startFakeHost(options: FakeHostOptions): Promise<FakeHost> {
  const work = mkdtempSync(join(tmpdir(), "mfsw-fakehost-"));
  const bin = join(work, "bin");
  mkdirSync(bin);
  const logFile = join(work, "argv");
  mkdirSync(logFile);
  const sudo =
    options.sudo === "refuse"
      ? `echo "sudo: a password is required" >&2; exit 1`
      : `[ "$1" = "-n" ] && shift; exec "$@"`;
  for (const [name, body] of Object.entries({ ...defaultStubs, sudo, ...options.stubs })) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${log}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  symlinkSync("/bin/sh", join(bin, "sh"));
  const { keys, blob } = hostKey();
  const fingerprint = `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
  const commands: string[] = [];
  const server = new ssh2.Server({ hostKeys: [keys.private] }, (client) => {
    client.on("error", () => {});
    client.on("authentication", (ctx) => ctx.accept());
    client.on("ready", () => {
      client.on("session", (accept) => {
        accept().on("exec", (acceptExec, _reject, info) => {
          const stream = acceptExec();
          commands.push(info.command);
          if (options.hangOn && info.command.includes(options.hangOn)) return;
          const child = spawn("/bin/sh", ["-c", info.command], {
            env: { PATH: bin, SNAP: options.snapshotDir, FAKE_LOG: logFile },
          });
          child.stdout.on("data", (d: Buffer) => stream.write(d));
          child.stderr.on("data", (d: Buffer) => stream.stderr.write(d));
          child.on("close", (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    sshdPath: join(bin, "sshd"),
    fingerprint,
    commands,
    argv: () =>
      readdirSync(logFile).map((f) => readFileSync(join(logFile, f), "utf8").split("\u001f").slice(0, -1)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(work, { recursive: true, force: true });
      }),
  };
}

/** A TCP server that sends an SSH banner and then nothing: a host that hangs after the banner. */
export async function startSilentHost(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const server: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.write("SSH-2.0-OpenSSH_9.2p1 hangs-after-banner\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

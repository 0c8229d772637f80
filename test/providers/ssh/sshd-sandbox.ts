import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A private view of the host's accounts and PAM configuration for real-sshd tests, so a developer's
 * machine is left as it was: each sshd (and each `sshd -T`) runs in its own mount namespace
 * (`unshare --mount`, private propagation) where /etc/pam.d, /etc/passwd, /etc/shadow, /etc/group and
 * /etc/gshadow are bind mounts of copies under the test's directory, and /run is a fresh tmpfs holding
 * sshd's privilege-separation directory. Test users and PAM stacks are written to the copies only.
 */

const accountFiles = ["passwd", "shadow", "group", "gshadow"] as const;

/** Mounts the copies under $1 over /etc, a tmpfs over /run, then execs the rest of the arguments. */
const enterScript = [
  "set -e",
  'mount --bind "$1/pam.d" /etc/pam.d',
  ...accountFiles.map((f) => `if [ -e "$1/${f}" ]; then mount --bind "$1/${f}" /etc/${f}; fi`),
  "mount -t tmpfs -o mode=0755 mfsw-run /run",
  "mkdir -m 0755 /run/sshd",
  "shift",
  'exec "$@"',
].join("\n");

export interface SshdSandbox {
  /** Where the copies live; `${etc}/pam.d/sshd` is what sshd in the sandbox reads as /etc/pam.d/sshd. */
  etc: string;
  /** The host's /etc/pam.d/sshd as it was copied. */
  stockPam: string;
  /** argv that runs `argv` inside a fresh namespace with the sandbox's mounts. */
  wrap(argv: string[]): string[];
  /** Adds a user with this password and a home under the sandbox; returns its uid and gid. */
  addUser(name: string, password: string): { uid: number; gid: number; home: string };
  /** Replaces the sandbox's /etc/pam.d/sshd. */
  writePam(text: string): void;
}

/** Copies the host's /etc/pam.d and account files into `dir/etc` (read only on the host). */
export function createSshdSandbox(dir: string): SshdSandbox {
  const etc = join(dir, "etc");
  mkdirSync(etc, { recursive: true, mode: 0o755 });
  cpSync("/etc/pam.d", join(etc, "pam.d"), { recursive: true, dereference: false });
  for (const f of accountFiles) if (existsSync(`/etc/${f}`)) copyFileSync(`/etc/${f}`, join(etc, f));
  const stockPam = readFileSync(join(etc, "pam.d", "sshd"), "utf8");
  const homes = join(dir, "home");
  mkdirSync(homes, { recursive: true, mode: 0o755 });

  const used = (file: string, field: number) =>
    new Set(
      readFileSync(join(etc, file), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => Number(line.split(":")[field])),
    );
  // Files are rewritten in place (same inode): a bind mount of a single file keeps the inode it saw.
  const appendLine = (file: string, line: string) => {
    const path = join(etc, file);
    if (!existsSync(path)) return;
    const text = readFileSync(path, "utf8");
    writeFileSync(path, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${line}\n`);
  };

  return {
    etc,
    stockPam,
    wrap: (argv) => [
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "--",
      "/bin/sh",
      "-c",
      enterScript,
      "sh",
      etc,
      ...argv,
    ],
    addUser(name, password) {
      const uids = used("passwd", 2);
      const gids = used("group", 2);
      let id = 61_000;
      while (uids.has(id) || gids.has(id)) id++;
      const home = join(homes, name);
      mkdirSync(home, { mode: 0o755 });
      // SHA-512 crypt, which pam_unix verifies; the password goes in on stdin, not argv.
      const hash = execFileSync("openssl", ["passwd", "-6", "-stdin"], {
        input: `${password}\n`,
        encoding: "utf8",
      }).trim();
      const today = Math.floor(Date.now() / 86_400_000);
      appendLine("passwd", `${name}:x:${id}:${id}::${home}:/bin/bash`);
      appendLine("shadow", `${name}:${hash}:${today}:0:99999:7:::`);
      appendLine("group", `${name}:x:${id}:`);
      appendLine("gshadow", `${name}:!::`);
      return { uid: id, gid: id, home };
    },
    writePam(text) {
      writeFileSync(join(etc, "pam.d", "sshd"), text);
    },
  };
}

/** Why the sandbox cannot be built here (no unshare, no mount namespaces, no openssl), or undefined. */
export function sshdSandboxUnavailable(): string | undefined {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    return "openssl is not installed (it hashes the test users' passwords)";
  }
  try {
    // Binding a directory onto itself inside a throwaway namespace: proves unshare and mount both work.
    execFileSync(
      "unshare",
      ["--mount", "--propagation", "private", "--", "mount", "--bind", "/etc/pam.d", "/etc/pam.d"],
      {
        stdio: "ignore",
      },
    );
  } catch (err) {
    return `cannot make a private mount namespace (unshare --mount; mount --bind): ${(err as Error).message.split("\n")[0]}`;
  }
  if (!existsSync("/etc/pam.d/sshd")) return "/etc/pam.d/sshd is missing (openssh-server installs it)";
  return undefined;
}

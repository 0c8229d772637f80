import { readdir } from "node:fs/promises";
import { join, posix } from "node:path";
import { duoKeys } from "../../src/model/pam/index.js";
import { FileReadError, readTextFile } from "../../src/util/text-file.js";
import type { HostReader, ReadResult, SshdTResult } from "./client.js";

const duoKeyLine = new RegExp(`^\\s*(${duoKeys.join("|")})\\s*=`, "i");

/**
 * Config-only mode: a host's configuration saved to a directory, read in place of a live host (for
 * hosts the scanner cannot reach, and for tests of many variants). Layout of `<snapshotDir>/<host>/`:
 *
 *   sshd-T            output of `sshd -T` (required)
 *   sshd-T-C/*        optional outputs of `sshd -T -C …`, each starting with a line `# -C user=…,host=…,addr=…,laddr=…,lport=…`
 *                     (and `rdomain=…`); used only for the same connection spec
 *   sshd-V            optional: the version line of `sshd -V`
 *   getent-passwd     optional: output of `getent passwd`
 *   getent-group      optional: output of `getent group`
 *   passwd-status     optional: output of `passwd -S -a`
 *   otp-enrolled      optional: users that have a google-authenticator secret file, one per line
 *   pam-modules       optional: installed PAM modules, one per line (file names, or absolute paths)
 *   files/<abs path>  sshd_config and its Include files, /etc/pam.d/*, /etc/duo/*.conf, at their paths
 *
 * Without a saved `-C` output for a login, Match blocks are evaluated by mfasweep from files/…/sshd_config.
 */

export const snapshotFiles = {
  sshdT: "sshd-T",
  sshdTC: "sshd-T-C",
  version: "sshd-V",
  passwd: "getent-passwd",
  group: "getent-group",
  status: "passwd-status",
  otp: "otp-enrolled",
  pamModules: "pam-modules",
  files: "files",
} as const;

const maxFile = 4_000_000;

async function readText(path: string): Promise<ReadResult> {
  try {
    return {
      kind: "ok",
      text: (await readTextFile(path, { maxBytes: maxFile, what: "snapshot file" })).text,
    };
  } catch (err) {
    const code = err instanceof FileReadError ? err.code : undefined;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    return { kind: "error", reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The fields of a `-C` spec (user, host, addr, laddr, lport, rdomain). */
function specFields(spec: string): Map<string, string> {
  return new Map(
    spec
      .split(",")
      .filter((kv) => kv.includes("="))
      .map((kv) => [kv.slice(0, kv.indexOf("=")).toLowerCase(), kv.slice(kv.indexOf("=") + 1)]),
  );
}

const allSpecFields = new Set(["user", "host", "addr", "laddr", "lport", "rdomain"]);

/**
 * Whether a saved output answers a requested spec: every field either gives must be equal, except a
 * field the saved spec leaves out that the configuration does not read (an output saved for port 22
 * is never reused for port 2222 when Match LocalPort is in play).
 */
export function savedSpecFits(
  saved: string,
  requested: string,
  reads: ReadonlySet<string> = allSpecFields,
): boolean {
  const s = specFields(saved);
  const r = specFields(requested);
  if (!s.get("user") || s.get("user") !== r.get("user")) return false;
  for (const field of new Set([...s.keys(), ...r.keys()])) {
    if (s.has(field)) {
      if (s.get(field) !== r.get(field)) return false;
    } else if (reads.has(field)) return false;
  }
  return true;
}

export class SnapshotReader implements HostReader {
  private saved?: Array<{ spec: string; text: string; file: string }>;
  private enrolled?: Set<string> | null;

  constructor(readonly dir: string) {}

  /** A path on the host, inside the snapshot. Refuses anything that would leave `files/`. */
  private hostPath(path: string): string | undefined {
    const normal = posix.normalize(path);
    if (!normal.startsWith("/") || normal.includes("\0")) return undefined;
    return join(this.dir, snapshotFiles.files, normal);
  }

  private async savedOutputs(): Promise<Array<{ spec: string; text: string; file: string }>> {
    if (this.saved) return this.saved;
    this.saved = [];
    let names: string[] = [];
    try {
      names = await readdir(join(this.dir, snapshotFiles.sshdTC));
    } catch {
      return this.saved;
    }
    for (const name of names.sort()) {
      const r = await readText(join(this.dir, snapshotFiles.sshdTC, name));
      if (r.kind !== "ok") continue;
      const m = /^#\s*-C\s+(\S+)/.exec(r.text);
      if (m) this.saved.push({ spec: m[1]!, text: r.text.slice(r.text.indexOf("\n") + 1), file: name });
    }
    return this.saved;
  }

  async sshdT(): Promise<SshdTResult> {
    const r = await readText(join(this.dir, snapshotFiles.sshdT));
    if (r.kind === "ok") return { kind: "ok", text: r.text, label: `${snapshotFiles.sshdT} (saved sshd -T)` };
    return {
      kind: "error",
      reason: r.kind === "missing" ? `${join(this.dir, snapshotFiles.sshdT)} does not exist` : r.reason,
    };
  }

  async sshdTFor(specs: string[], reads?: ReadonlySet<string>): Promise<SshdTResult[]> {
    const saved = await this.savedOutputs();
    return specs.map((spec) => {
      const hit = saved.find((s) => savedSpecFits(s.spec, spec, reads));
      return hit
        ? {
            kind: "ok",
            text: hit.text,
            label: `${snapshotFiles.sshdTC}/${hit.file} (saved sshd -T -C ${spec})`,
          }
        : { kind: "not-saved" };
    });
  }

  async version(): Promise<string | undefined> {
    const r = await readText(join(this.dir, snapshotFiles.version));
    return r.kind === "ok" ? /OpenSSH_[^\s,]+(?:,\s*[^\n]+)?/.exec(r.text)?.[0].trim() : undefined;
  }

  async readFile(path: string): Promise<ReadResult> {
    const local = this.hostPath(path);
    if (!local) return { kind: "error", reason: `not an absolute path: ${path}` };
    return readText(local);
  }

  async listDir(
    path: string,
  ): Promise<{ kind: "ok"; names: string[] } | { kind: "missing" } | { kind: "error"; reason: string }> {
    const local = this.hostPath(path);
    if (!local) return { kind: "error", reason: `not an absolute path: ${path}` };
    try {
      return { kind: "ok", names: await readdir(local) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === "ENOENT"
        ? { kind: "missing" }
        : { kind: "error", reason: `${path}: ${code ?? "cannot list"}` };
    }
  }

  async readDuoConfig(path: string): Promise<ReadResult> {
    const r = await this.readFile(path);
    if (r.kind !== "ok") return r;
    // Same filter as the live reader's grep: keep only `duoKeys`, numbered; drop skey at once.
    const kept = r.text
      .split("\n")
      .map((line, i) => ({ line, n: i + 1 }))
      .filter(({ line }) => duoKeyLine.test(line))
      .map(({ line, n }) => `${n}:${line}`);
    return { kind: "ok", text: kept.join("\n") };
  }

  accounts(): Promise<ReadResult> {
    return readText(join(this.dir, snapshotFiles.passwd));
  }

  groups(): Promise<ReadResult> {
    return readText(join(this.dir, snapshotFiles.group));
  }

  passwordStatus(): Promise<ReadResult> {
    return readText(join(this.dir, snapshotFiles.status));
  }

  async otpEnrolled(checks: Array<{ user: string; path: string }>): Promise<Array<boolean | undefined>> {
    if (this.enrolled === undefined) {
      const r = await readText(join(this.dir, snapshotFiles.otp));
      this.enrolled =
        r.kind === "ok"
          ? new Set(
              r.text
                .split("\n")
                .map((l) => l.trim())
                .filter(Boolean),
            )
          : null;
    }
    const enrolled = this.enrolled;
    return checks.map(({ user }) => (enrolled === null ? undefined : enrolled.has(user)));
  }

  async pamModulesPresent(modules: string[]): Promise<Array<boolean | undefined>> {
    const r = await readText(join(this.dir, snapshotFiles.pamModules));
    if (r.kind !== "ok") return modules.map(() => undefined);
    const listed = r.text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const names = new Set(listed.map((l) => posix.basename(l)));
    const paths = new Set(listed.filter((l) => l.startsWith("/")));
    return modules.map((m) => (m.startsWith("/") ? paths.has(m) : names.has(m)));
  }

  close(): void {}
}

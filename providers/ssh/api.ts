import { z } from "zod";

/**
 * The boundary: formats read from a host (or a config-only snapshot) and the facts this provider emits.
 * Command outputs are checked record by record, so one odd line is counted and skipped, not fatal.
 * The `sshd -T` and PAM formats have their own parsers (sshd-config.ts, pam.ts).
 */

/**
 * POSIX portable user names (letters, digits, `.`, `_`, `-`; not starting with `-`), at most 32
 * characters. Anything else never reaches a command line, even quoted.
 */
export const posixUserName = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}$/;

/** OpenSSH's `SHA256:` fingerprint: base64 of the SHA-256 of the key blob, without padding. */
export const Fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
  message: "expected an OpenSSH fingerprint like SHA256:<43 base64 characters>",
});

/** One `getent passwd` line: name:password:uid:gid:gecos:home:shell. */
export const PasswdEntry = z.object({
  name: z.string().min(1),
  uid: z.number().int().nonnegative(),
  gid: z.number().int().nonnegative(),
  gecos: z.string(),
  home: z.string(),
  shell: z.string(),
});
export type PasswdEntry = z.infer<typeof PasswdEntry>;

/** One `getent group` line: name:password:gid:member,member. */
export const GroupEntry = z.object({
  name: z.string().min(1),
  gid: z.number().int().nonnegative(),
  members: z.array(z.string()),
});
export type GroupEntry = z.infer<typeof GroupEntry>;

/** `passwd -S -a` status column: L locked, NP no password, P usable password (shadow-utils). */
export const PasswordStatus = z.enum(["L", "NP", "P"]);

export interface ParsedLines<T> {
  records: T[];
  /** Lines that did not match the format: 1-based line number and why. */
  rejected: Array<{ line: number; reason: string }>;
}

function parseLines<T>(
  text: string,
  parse: (fields: string[]) => unknown,
  schema: z.ZodType<T>,
  fields: number,
): ParsedLines<T> {
  const records: T[] = [];
  const rejected: ParsedLines<T>["rejected"] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const parts = line.split(":");
    if (parts.length !== fields) {
      rejected.push({ line: i + 1, reason: `expected ${fields} ':'-separated fields, got ${parts.length}` });
      return;
    }
    const checked = schema.safeParse(parse(parts));
    if (checked.success) records.push(checked.data);
    else rejected.push({ line: i + 1, reason: checked.error.issues[0]?.message ?? "invalid" });
  });
  return { records, rejected };
}

const int = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : Number.NaN);

export function parsePasswd(text: string): ParsedLines<PasswdEntry> {
  return parseLines(
    text,
    ([name, , uid, gid, gecos, home, shell]) => ({ name, uid: int(uid), gid: int(gid), gecos, home, shell }),
    PasswdEntry,
    7,
  );
}

export function parseGroups(text: string): ParsedLines<GroupEntry> {
  return parseLines(
    text,
    ([name, , gid, members]) => ({
      name,
      gid: int(gid),
      members: (members ?? "").split(",").filter(Boolean),
    }),
    GroupEntry,
    4,
  );
}

/** `passwd -S -a`: `name status date min max warn inactive`; only the first two columns matter. */
export function parsePasswordStatus(
  text: string,
): ParsedLines<{ name: string; status: z.infer<typeof PasswordStatus> }> {
  const records: Array<{ name: string; status: z.infer<typeof PasswordStatus> }> = [];
  const rejected: Array<{ line: number; reason: string }> = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const [name, status] = line.split(/\s+/);
    const s = PasswordStatus.safeParse(status);
    if (!name || !s.success)
      rejected.push({ line: i + 1, reason: `unexpected status '${String(status).slice(0, 8)}'` });
    else records.push({ name, status: s.data });
  });
  return { records, rejected };
}

/** Login shells that end the session at once. A user with one cannot get a shell (forwarding aside). */
export const noLoginShells = new Set([
  "/usr/sbin/nologin",
  "/sbin/nologin",
  "/bin/false",
  "/usr/bin/false",
  "/bin/sync",
  "/usr/bin/nologin",
]);

/** Groups whose members are administrators on common distributions. */
export const adminGroups = new Set(["sudo", "wheel", "admin", "root"]);

// ---------------------------------------------------------------------------------------------------
// The facts this provider emits are declared in src/model/facts/ssh.ts.

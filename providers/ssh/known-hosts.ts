import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { matchPatternList } from "./sshd-config.js";

/**
 * OpenSSH known_hosts (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") and host key fingerprints. Pure.
 * Lines: `[@marker] patterns keytype base64 [comment]`; patterns are comma-separated names,
 * `[name]:port`, wildcards, `!negations`, or hashed `|1|salt|hmac-sha1`.
 */

export interface KnownHostEntry {
  marker?: "revoked" | "cert-authority";
  patterns: string;
  keyType: string;
  /** The public key blob. */
  blob: Buffer;
  line: number;
}

/** OpenSSH's fingerprint: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type named at the start of an SSH public key blob (uint32 length + string). */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n === 0 || n > 64 || 4 + n > blob.length) return undefined;
  const type = blob.subarray(4, 4 + n).toString("latin1");
  return /^[a-z0-9@.-]+$/.test(type) ? type : undefined;
}

export function parseKnownHosts(text: string): { entries: KnownHostEntry[]; rejected: number[] } {
  const entries: KnownHostEntry[] = [];
  const rejected: number[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const words = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (words[0]?.startsWith("@")) {
      const m = words.shift()!;
      if (m === "@revoked") marker = "revoked";
      else if (m === "@cert-authority") marker = "cert-authority";
      else {
        rejected.push(i + 1);
        return;
      }
    }
    const [patterns, keyType, key] = words;
    if (!patterns || !keyType || !key || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
      rejected.push(i + 1);
      return;
    }
    const blob = Buffer.from(key, "base64");
    if (keyTypeOf(blob) !== keyType) {
      rejected.push(i + 1);
      return;
    }
    entries.push({ ...(marker ? { marker } : {}), patterns, keyType, blob, line: i + 1 });
  });
  return { entries, rejected };
}

/** The name OpenSSH looks up: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatches(pattern: string, name: string): boolean {
  const parts = pattern.split("|");
  if (parts.length !== 4 || parts[1] !== "1") return false;
  const salt = Buffer.from(parts[2]!, "base64");
  const want = Buffer.from(parts[3]!, "base64");
  const got = createHmac("sha1", salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Whether an entry's host patterns name `host:port` (negations override, as in OpenSSH). */
export function entryNames(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (entry.patterns.startsWith("|")) return hashedMatches(entry.patterns, name);
  return matchPatternList(name, entry.patterns, true) === 1;
}

export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  return entries.filter((e) => entryNames(e, host, port));
}

/** The line trust-on-first-use appends. */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  return `${knownHostsName(host, port)} ${keyTypeOf(blob) ?? "unknown"} ${blob.toString("base64")}`;
}

/** Host key algorithms ssh2 offers for a key type, so a pinned key of one type is asked for by name. */
export function algorithmsFor(keyType: string): string[] {
  if (keyType === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return [keyType];
}

/** Key-type groups tried in turn when only a bare fingerprint is pinned and the first key shown differs. */
export const hostKeyAlgorithmGroups = [
  ["ssh-ed25519"],
  ["ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"],
  ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
];

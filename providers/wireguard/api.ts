import { appendAll } from "../../src/util/arrays.js";
/**
 * The boundary: WireGuard's configuration file format, as `wg showconf <interface>` prints it and as
 * `wg-quick` reads `/etc/wireguard/<interface>.conf` (wg(8) "CONFIGURATION FILE FORMAT"; wg-quick(8) adds
 * Address, DNS, MTU, Table, Pre/PostUp, Pre/PostDown and SaveConfig to [Interface]). INI-like: one
 * [Interface] section, any number of [Peer] sections, `Key = Value`, and "characters after and including a
 * '#' are considered comments".
 *
 * Only what decides who can connect is kept: each peer's public key (public by design) and where it may
 * come from. PrivateKey and PresharedKey are secrets: their values are never read into memory beyond the
 * line being split, never stored, never put in evidence.
 */

/** A Curve25519 key in base64: 32 bytes, so 43 characters, the last one limited by the 4 spare bits, and `=`. */
export const wireGuardKey = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export interface WireGuardPeer {
  publicKey: string;
  /** From a comment next to the peer (`# alice-laptop`, `# Name = alice`, PiVPN's `### begin alice ###`). */
  name: string | null;
  /** Line of the `[Peer]` header. */
  line: number;
  publicKeyLine: number;
  allowedIPs: string[];
  endpoint: string | null;
  /** Whether a preshared key is set (its value is never kept). */
  presharedKey: boolean;
}

export interface WireGuardConfig {
  file: string;
  /** Line of `[Interface]`, when there is one. */
  interfaceLine: number | null;
  listenPort: number | null;
  addresses: string[];
  peers: WireGuardPeer[];
  /**
   * Sections that may admit someone but could not be read as a peer: a [Peer] whose PublicKey is missing or
   * not a 32-byte base64 key, or an unknown section that names a PublicKey. Who they admit is unknown.
   */
  unreadablePeers: Array<{ line: number; name: string | null; reason: string }>;
  /** Lines that were not understood; the rest of the file still counts. */
  problems: Array<{ line: number; message: string }>;
}

const interfaceKeys = new Set([
  "privatekey",
  "listenport",
  "fwmark",
  // wg-quick(8)
  "address",
  "dns",
  "mtu",
  "table",
  "preup",
  "postup",
  "predown",
  "postdown",
  "saveconfig",
]);
const peerKeys = new Set(["publickey", "presharedkey", "allowedips", "endpoint", "persistentkeepalive"]);

/** A comment's text as a peer name: PiVPN's `begin NAME`, `Name = NAME`, or the text itself. */
export function peerNameOf(comment: string): string | null {
  const text = comment.replace(/^#+/, "").replace(/#+$/, "").trim();
  if ([...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return null;
  if (text === "") return null;
  const begin = /^begin\s+(.+)$/i.exec(text);
  if (begin) return begin[1]!.trim().slice(0, 64);
  if (/^end\s+/i.test(text)) return null;
  const named = /^(?:name|friendly[ _]?name|peer|client|device)\s*[:=]\s*(.+)$/i.exec(text);
  return (named ? named[1]!.trim() : text).slice(0, 64) || null;
}

/** Parses one interface's configuration. Never throws; what it cannot read is listed in `problems`. */
export function parseWireGuardConfig(text: string, file: string): WireGuardConfig {
  const config: WireGuardConfig = {
    file,
    interfaceLine: null,
    listenPort: null,
    addresses: [],
    peers: [],
    unreadablePeers: [],
    problems: [],
  };
  if (typeof text !== "string") {
    config.problems.push({ line: 1, message: "not text" });
    return config;
  }
  type Section = "none" | "interface" | "peer" | "unknown";
  let section: Section = "none";
  let peer:
    | (Omit<WireGuardPeer, "publicKey" | "publicKeyLine"> & {
        publicKey?: string;
        publicKeyLine?: number;
        keyProblem?: string;
      })
    | null = null;
  /** An unknown section, kept until its end to see whether it names a PublicKey. */
  let unknown: { line: number; title: string; publicKey: boolean } | null = null;
  // The last comment seen since the previous key line: names the next [Peer] (or the current one).
  let pendingName: string | null = null;
  const seenKeys = new Set<string>();
  const closePeer = () => {
    if (unknown?.publicKey)
      config.unreadablePeers.push({
        line: unknown.line,
        name: null,
        reason: `section [${unknown.title}] is not [Peer] but names a PublicKey`,
      });
    unknown = null;
    if (!peer) return;
    if (!peer.publicKey || peer.publicKeyLine === undefined) {
      const reason = peer.keyProblem ?? "[Peer] without a PublicKey";
      config.problems.push({ line: peer.line, message: `${reason}: not read as a peer` });
      config.unreadablePeers.push({ line: peer.line, name: peer.name, reason });
    } else if (seenKeys.has(peer.publicKey)) {
      config.problems.push({
        line: peer.line,
        message: "a second [Peer] with the same PublicKey: wg keeps one peer per key; skipped",
      });
    } else {
      seenKeys.add(peer.publicKey);
      const { keyProblem: _, ...read } = peer;
      config.peers.push({ ...read, publicKey: peer.publicKey, publicKeyLine: peer.publicKeyLine });
    }
    peer = null;
  };
  const lines = text.split(/\r\n|\n|\r/);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = lines[n]!;
    const hash = raw.indexOf("#");
    const comment = hash >= 0 ? raw.slice(hash) : "";
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content === "") {
      if (comment) {
        const name = peerNameOf(comment);
        if (name !== null) {
          if (peer && !peer.name && peer.publicKey === undefined) peer.name = name;
          else pendingName = name;
        }
      }
      continue;
    }
    const header = /^\[([^\]]*)\]$/.exec(content);
    if (header) {
      const name = header[1]!.trim().toLowerCase();
      closePeer();
      if (name === "interface") {
        if (config.interfaceLine !== null)
          config.problems.push({
            line: lineNo,
            message: "a second [Interface] section: only one is allowed",
          });
        else config.interfaceLine = lineNo;
        section = "interface";
      } else if (name === "peer") {
        section = "peer";
        peer = {
          name: pendingName,
          line: lineNo,
          allowedIPs: [],
          endpoint: null,
          presharedKey: false,
        };
        const inline = comment ? peerNameOf(comment) : null;
        if (inline) peer.name = inline;
      } else {
        section = "unknown";
        unknown = { line: lineNo, title: header[1]!.slice(0, 40), publicKey: false };
        config.problems.push({ line: lineNo, message: `unknown section [${header[1]!.slice(0, 40)}]` });
      }
      pendingName = null;
      continue;
    }
    const eq = content.indexOf("=");
    if (eq <= 0) {
      config.problems.push({ line: lineNo, message: "expected 'Key = Value' or a [Section] header" });
      continue;
    }
    const key = content.slice(0, eq).trim().toLowerCase();
    const value = content.slice(eq + 1).trim();
    pendingName = null;
    if (section === "none") {
      config.problems.push({ line: lineNo, message: "a setting before any [Interface] or [Peer] section" });
      continue;
    }
    if (section === "unknown") {
      if (key === "publickey" && unknown) unknown.publicKey = true;
      continue;
    }
    if (section === "interface") {
      if (!interfaceKeys.has(key)) {
        config.problems.push({ line: lineNo, message: `unknown [Interface] key '${key.slice(0, 40)}'` });
        continue;
      }
      if (key === "listenport") {
        const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
        if (Number.isInteger(port) && port >= 0 && port <= 65535) config.listenPort = port;
        else config.problems.push({ line: lineNo, message: "ListenPort is not a port number" });
      } else if (key === "address") {
        appendAll(config.addresses, splitList(value));
      }
      continue;
    }
    // section === "peer"
    const current = peer!;
    if (!peerKeys.has(key)) {
      config.problems.push({ line: lineNo, message: `unknown [Peer] key '${key.slice(0, 40)}'` });
      continue;
    }
    if (key === "publickey") {
      if (!wireGuardKey.test(value)) {
        current.keyProblem = `PublicKey at line ${lineNo} is not a WireGuard key (32 bytes in base64)`;
        config.problems.push({ line: lineNo, message: "PublicKey is not a base64 WireGuard key" });
        continue;
      }
      current.publicKey = value;
      current.publicKeyLine = lineNo;
      if (!current.name && comment) current.name = peerNameOf(comment);
    } else if (key === "presharedkey") {
      current.presharedKey = value !== "";
    } else if (key === "allowedips") {
      // "May be specified multiple times."
      appendAll(current.allowedIPs, splitList(value));
    } else if (key === "endpoint") {
      current.endpoint = value.slice(0, 300) || null;
    }
  }
  closePeer();
  return config;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => v.slice(0, 100));
}

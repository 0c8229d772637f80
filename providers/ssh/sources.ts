import { isIP } from "node:net";
import { appendAll } from "../../src/util/arrays.js";
import {
  all,
  type EffectiveConfig,
  ipBytes,
  matchPattern,
  parseCidr,
  type RawConfig,
  type RawLine,
} from "./sshd-config.js";

/**
 * Which logins to evaluate on a host: the ports and local addresses sshd listens on (each port is an
 * entry point of its own), and per port the source addresses to probe. Every address range any Match
 * criterion names, negated or not, gets a probe inside it (avoiding the other named ranges where it
 * can, so each probe stands for its own range), and per address family one probe ("elsewhere") lies
 * outside every named range. Pure; never throws.
 */

export type Family = 4 | 6;

/** One socket sshd listens on (`listenaddress` lines of `sshd -T`). */
export interface Listener {
  laddr: string;
  lport: number;
  family: Family;
  /** 0.0.0.0 or ::: any local address of that family. */
  wildcard: boolean;
  /** Linux routing domain (VRF) of the socket; absent when none. */
  rdomain?: string;
}

/** One login's connection parameters: what `sshd -T -C` is given, and what it stands for. */
export interface SourceSpec {
  /** Stable key used in access-path ids. */
  key: string;
  /** What people read: `10.0.0.0/8`, `any other IPv4 address`. */
  label: string;
  addr: string;
  host: string;
  laddr: string;
  lport: number;
  /** Passed as `rdomain=` only when the configuration has Match RDomain ("" = no routing domain). */
  rdomain?: string;
  /** Set when no address could be picked for a named range: its logins are `unknown`. */
  unevaluable?: string;
}

// ---------------------------------------------------------------------------------------------------
// Addresses as numbers.

const maxValue: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

function toBig(ip: string): { family: Family; value: bigint } | undefined {
  const parsed = ipBytes(ip);
  if (!parsed) return undefined;
  let value = 0n;
  for (const b of parsed.bytes) value = (value << 8n) | BigInt(b);
  return { family: parsed.family, value };
}

/** The text sshd prints (inet_ntop): IPv6 lower-case with the longest run of two or more zero groups as `::`. */
export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((value >> s) & 0xffffn));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/** One entry of an address list (Match Address, LocalAddress, AllowUsers user@host), `!` removed. */
export interface AddressEntry {
  text: string;
  span?: { family: Family; start: bigint; end: bigint };
  /** Lower-cased wildcard pattern, matched against the address text as sshd does. */
  pattern?: string;
}

export function parseAddressEntry(text: string): AddressEntry | undefined {
  if (/[*?]/.test(text))
    return /^[0-9a-fA-F:.*?]+$/.test(text) ? { text, pattern: text.toLowerCase() } : undefined;
  if (!/^[0-9a-fA-F:.]+(\/\d+)?$/.test(text)) return undefined;
  const cidr = parseCidr(text);
  if (!cidr) return undefined;
  const base = toBig(text.split("/")[0]!)!;
  const width = cidr.family === 4 ? 32 : 128;
  const hostBits = BigInt(width - cidr.bits);
  const start = (base.value >> hostBits) << hostBits;
  return { text, span: { family: cidr.family, start, end: start + (1n << hostBits) - 1n } };
}

export function entryContains(entry: AddressEntry, addr: string): boolean {
  if (entry.pattern !== undefined) return matchPattern(addr.toLowerCase(), entry.pattern);
  const a = toBig(addr);
  return (
    !!a &&
    !!entry.span &&
    a.family === entry.span.family &&
    a.value >= entry.span.start &&
    a.value <= entry.span.end
  );
}

/** Documentation addresses (RFC 5737 / RFC 3849) stand for "somewhere on the internet" when free. */
const preferred: Record<Family, string[]> = {
  4: ["203.0.113.10", "198.51.100.10", "192.0.2.10"],
  6: ["2001:db8::10", "2001:db8:ffff::10"],
};

const maxSteps = 4096;

/** From `start` upwards: the first address no entry contains (jumping over CIDR blocks), within `limit`. */
function firstFree(
  family: Family,
  start: bigint,
  avoid: AddressEntry[],
  limit: bigint = maxValue[family],
): bigint | undefined {
  let c = start;
  for (let step = 0; step < maxSteps && c <= limit; step++) {
    const text = formatAddress(family, c);
    const blocking = avoid.filter((e) => entryContains(e, text));
    if (blocking.length === 0) return c;
    // Past the furthest end of the blocks holding c (Math.max takes no bigint).
    let jump = c;
    for (const e of blocking) if (e.span && e.span.end > jump) jump = e.span.end;
    c = jump + 1n;
  }
  return undefined;
}

/** A deterministic spread of addresses over the whole family (for wildcard patterns that cover swathes). */
function* spread(family: Family): Generator<bigint> {
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 2048; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 128n) - 1n);
    yield family === 4 ? (x >> 64n) & maxValue[4] : x;
  }
}

/** An address of `family` that none of `entries` contains; undefined when none is found (all named). */
export function addressOutside(entries: AddressEntry[], family: Family): string | undefined {
  const free = (a: string) => entries.every((e) => !entryContains(e, a));
  for (const p of preferred[family]) if (free(p)) return p;
  for (const p of preferred[family]) {
    const c = firstFree(family, toBig(p)!.value, entries);
    if (c !== undefined) return formatAddress(family, c);
  }
  for (const v of spread(family)) {
    const text = formatAddress(family, v);
    if (free(text)) return text;
  }
  return undefined;
}

/** Texts a wildcard pattern may stand for: each `*` as one of a few fillers, each `?` as a digit. */
function patternGuesses(pattern: string, family: Family): string[] {
  const fillers = family === 4 ? ["1", "1.1", "1.1.1", "0", "10", "200"] : ["1", "1:1", "0", "a", "db8"];
  const out: string[] = [];
  for (const fill of fillers)
    for (const digit of ["1", "7", "0"]) {
      const guess = pattern.replace(/\*/g, fill).replace(/\?/g, digit);
      if (isIP(guess) === family) {
        const big = toBig(guess)!;
        out.push(formatAddress(family, big.value));
      }
    }
  return out;
}

/**
 * An address of `family` inside `entry`, matched by as few of `others` as can be found (so a probe for
 * 10.0.0.0/8 steps around a separately named 10.0.0.0/24); undefined when the entry holds no such address.
 */
export function addressInside(
  entry: AddressEntry,
  others: AddressEntry[],
  family: Family,
): string | undefined {
  const score = (a: string) => others.filter((o) => entryContains(o, a)).length;
  let best: { text: string; score: number } | undefined;
  const consider = (text: string) => {
    if (!entryContains(entry, text)) return false;
    const s = score(text);
    if (!best || s < best.score) best = { text, score: s };
    return s === 0;
  };
  if (entry.span) {
    if (entry.span.family !== family) return undefined;
    const { start, end } = entry.span;
    // The first host address when the block has room (network + 1), as an admin would test from.
    const first = end - start >= 3n ? start + 1n : start;
    if (consider(formatAddress(family, first))) return best!.text;
    // Step around the other named blocks strictly inside this one.
    const inner = others.filter((o) => !o.span || o.span.start > start || o.span.end < end);
    const free = firstFree(family, first, inner, end);
    if (free !== undefined && consider(formatAddress(family, free))) return best!.text;
    return best?.text;
  }
  for (const guess of [...patternGuesses(entry.pattern!, family), ...preferred[family]])
    if (consider(guess)) return best!.text;
  for (const v of spread(family)) if (consider(formatAddress(family, v))) return best!.text;
  return best?.text;
}

// ---------------------------------------------------------------------------------------------------
// What the configuration names.

export interface NamedCriteria {
  /** Match Address entries and the host part of AllowUsers/DenyUsers `user@host` (and address-like Host patterns). */
  address: string[];
  /** Match Host entries (matched against the client's name, or its address text when UseDNS is no). */
  host: string[];
  localAddress: string[];
  localPort: string[];
  rdomain: string[];
}

function listEntries(value: string): string[] {
  return value
    .split(",")
    .map((e) => (e.startsWith("!") ? e.slice(1) : e))
    .filter((e) => e !== "");
}

const addressLike = /^[0-9a-fA-F:.*?/]+$/;

/** Every entry that any Match criterion (negated or not) and any `user@host` access rule names. */
export function namedCriteria(raw: RawConfig | undefined): NamedCriteria {
  const named: NamedCriteria = { address: [], host: [], localAddress: [], localPort: [], rdomain: [] };
  const push = (list: string[], values: string[]) => {
    for (const v of values) if (!list.includes(v)) list.push(v);
  };
  const accessRules = (lines: RawLine[]) => {
    for (const l of lines) {
      if (l.keyword !== "allowusers" && l.keyword !== "denyusers") continue;
      for (const arg of l.args) {
        const at = arg.indexOf("@");
        if (at < 0) continue;
        const hostPart = arg.slice(at + 1);
        push(
          named.address,
          listEntries(hostPart).filter((e) => addressLike.test(e)),
        );
        push(
          named.host,
          listEntries(hostPart).filter((e) => !addressLike.test(e)),
        );
      }
    }
  };
  accessRules(raw?.global ?? []);
  for (const block of raw?.matches ?? []) {
    accessRules(block.lines);
    for (const c of block.criteria) {
      const entries = listEntries(c.value);
      if (c.name === "address") push(named.address, entries);
      if (c.name === "host") {
        push(named.host, entries);
        // With UseDNS no (the default) sshd matches Host against the address text.
        push(
          named.address,
          entries.filter((e) => addressLike.test(e) && /[0-9]/.test(e)),
        );
      }
      if (c.name === "localaddress") push(named.localAddress, entries);
      if (c.name === "localport") push(named.localPort, entries);
      if (c.name === "rdomain") push(named.rdomain, entries);
    }
  }
  return named;
}

// ---------------------------------------------------------------------------------------------------
// Listeners.

/**
 * The sockets sshd listens on, from `listenaddress` lines (`0.0.0.0:22`, `[::]:2222`, `10.0.0.1:22
 * rdomain blue`); without them, each `port` on both wildcard addresses (as `addressfamily` allows).
 */
export function listenersOf(global: EffectiveConfig): Listener[] {
  const out: Listener[] = [];
  for (const line of all(global, "listenaddress")) {
    const m = /^(?:\[([^\]]+)\]|([^\s:]+)):(\d+)(?:\s+rdomain\s+(\S+))?$/.exec(line.value.trim());
    if (!m) continue;
    const laddr = (m[1] ?? m[2])!;
    const family = isIP(laddr);
    const lport = Number(m[3]);
    if ((family !== 4 && family !== 6) || !(lport > 0 && lport < 65536)) continue;
    out.push({
      laddr,
      lport,
      family,
      wildcard: laddr === "0.0.0.0" || laddr === "::",
      ...(m[4] ? { rdomain: m[4] } : {}),
    });
  }
  if (out.length > 0) return out;
  const af = all(global, "addressfamily")[0]?.value.toLowerCase() ?? "any";
  const families: Family[] = af === "inet" ? [4] : af === "inet6" ? [6] : [4, 6];
  const ports = all(global, "port")
    .map((l) => Number(l.value))
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  for (const lport of ports.length ? ports : [22])
    for (const family of families)
      out.push({ laddr: family === 4 ? "0.0.0.0" : "::", lport, family, wildcard: true });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Sources per port.

export interface PortPlan {
  lport: number;
  /** The sockets on this port. */
  listeners: Listener[];
  /** The address the scanner reached the host at: the local address for wildcard listeners. */
  reached?: string;
  /** Extra ranges from the connection settings. */
  extra?: string[];
}

interface Remote {
  key: string;
  label: string;
  addr: string;
  host: string;
  unevaluable?: string;
}

const familyName: Record<Family, string> = { 4: "IPv4", 6: "IPv6" };

/** The sources to evaluate on one port: remote probes × local-address probes, per address family. */
export function sourcesFor(
  raw: RawConfig | undefined,
  plan: PortPlan,
): { sources: SourceSpec[]; problems: string[]; named: NamedCriteria } {
  const problems: string[] = [];
  const named = namedCriteria(raw);
  const addressTexts = [...named.address, ...(plan.extra ?? []).filter((e) => !named.address.includes(e))];
  const entries = addressTexts.flatMap((text) => {
    const e = parseAddressEntry(text);
    if (!e)
      problems.push(`'${text}' is not an address, CIDR block or address pattern; logins from it are unknown`);
    return e ? [e] : [];
  });
  const families = [...new Set(plan.listeners.map((l) => l.family))].sort() as Family[];
  const bothFamilies = families.length > 1;
  const sources: SourceSpec[] = [];
  const seen = new Set<string>();
  const readsRdomain = named.rdomain.length > 0;

  // Named entries that yield no address at all: their logins cannot be evaluated (unknown, never skipped).
  const unparsed: Remote[] = addressTexts
    .filter((t) => !entries.some((e) => e.text === t))
    .map((t) => ({
      key: `addr=${t}`,
      label: t,
      addr: "",
      host: "",
      unevaluable: `no address can be picked inside '${t}'`,
    }));

  families.forEach((family, fi) => {
    const remotes: Remote[] = [];
    for (const e of entries) {
      if (e.span && e.span.family !== family) continue;
      const addr = addressInside(
        e,
        entries.filter((o) => o !== e),
        family,
      );
      if (!addr) continue;
      const suffix = e.pattern !== undefined && bothFamilies ? ` (${familyName[family]})` : "";
      remotes.push({
        key: `addr=${e.text}${suffix ? `/${familyName[family]}` : ""}`,
        label: `${e.text}${suffix}`,
        addr,
        host: addr,
      });
    }
    const elsewhere = addressOutside(entries, family);
    const isNamed = entries.length > 0 || named.host.length > 0;
    if (elsewhere) {
      const which = bothFamilies ? ` ${familyName[family]}` : "";
      remotes.push({
        key: `${isNamed ? "addr=other" : "addr=any"}${family === 6 && bothFamilies ? "-ipv6" : ""}`,
        label: isNamed ? `any other${which} address` : `any${which} address`,
        addr: elsewhere,
        host: elsewhere,
      });
    } else
      problems.push(
        `every ${familyName[family]} address is named by a Match criterion: no "elsewhere" probe`,
      );
    // Host names: probed from the first family, with an address no criterion names.
    if (fi === 0)
      for (const h of named.host) {
        const name = h.replace(/[*?]/g, "x").toLowerCase();
        if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) {
          remotes.push({
            key: `host=${h}`,
            label: `host ${h}`,
            addr: "",
            host: "",
            unevaluable: `host pattern '${h}' gives no usable host name`,
          });
          continue;
        }
        const addr = elsewhere ?? preferred[family][0]!;
        remotes.push({ key: `host=${h}`, label: `host ${h}`, addr, host: name });
      }
    if (fi === 0) appendAll(remotes, unparsed);

    for (const local of localProbes(plan, family, named, problems)) {
      for (const r of remotes) {
        const key = local.key ? `${r.key},${local.key}` : r.key;
        if (seen.has(key)) continue;
        seen.add(key);
        sources.push({
          key,
          label: local.label ? `${r.label} ${local.label}` : r.label,
          addr: r.addr,
          host: r.host,
          laddr: local.laddr,
          lport: plan.lport,
          ...(readsRdomain ? { rdomain: local.rdomain ?? "" } : {}),
          ...(r.unevaluable ? { unevaluable: r.unevaluable } : {}),
        });
      }
    }
  });
  return { sources, problems, named };
}

interface LocalProbe {
  key: string;
  label: string;
  laddr: string;
  rdomain?: string;
}

/** Local addresses to evaluate on this port for one family: one, unless Match LocalAddress names some. */
function localProbes(plan: PortPlan, family: Family, named: NamedCriteria, problems: string[]): LocalProbe[] {
  const listeners = plan.listeners.filter((l) => l.family === family);
  const reached = plan.reached && isIP(plan.reached) === family ? plan.reached : undefined;
  const base = (l: Listener) => (l.wildcard ? (reached ?? l.laddr) : l.laddr);
  if (named.localAddress.length === 0) {
    const l = listeners.find((x) => !x.wildcard && x.laddr === reached) ?? listeners[0]!;
    return [{ key: "", label: "", laddr: base(l), ...(l.rdomain ? { rdomain: l.rdomain } : {}) }];
  }
  const entries = named.localAddress.flatMap((t) => {
    const e = parseAddressEntry(t);
    if (!e) problems.push(`local address '${t}' is not an address or pattern; it is not evaluated`);
    return e ? [e] : [];
  });
  const out: LocalProbe[] = [];
  for (const l of listeners) {
    const rd = l.rdomain ? { rdomain: l.rdomain } : {};
    if (!l.wildcard) {
      out.push({ key: `laddr=${l.laddr}`, label: `to local address ${l.laddr}`, laddr: l.laddr, ...rd });
      continue;
    }
    for (const e of entries) {
      const laddr = addressInside(
        e,
        entries.filter((o) => o !== e),
        family,
      );
      if (laddr) out.push({ key: `laddr=${e.text}`, label: `to local address ${e.text}`, laddr, ...rd });
    }
    const other = addressOutside(entries, family);
    if (other)
      out.push({
        key: `laddr=other${family === 6 ? "-ipv6" : ""}`,
        label: "to any other local address",
        laddr: other,
        ...rd,
      });
  }
  return out;
}

/** The listening ports, in order, with the port the scanner reached first when sshd listens on it. */
export function portsOf(listeners: Listener[], reachedPort?: number): number[] {
  const ports = [...new Set(listeners.map((l) => l.lport))];
  if (reachedPort !== undefined && ports.includes(reachedPort))
    return [reachedPort, ...ports.filter((p) => p !== reachedPort)];
  return ports;
}

import { isIP } from "node:net";
import { appendAll } from "../../src/util/arrays.js";
import { matchPattern, matchPatternList } from "../../src/util/openssh-pattern.js";

/**
 * Pure parsers for OpenSSH server configuration (reference/remote-access-and-ticketing.md §1.1–1.2):
 * the effective configuration printed by `sshd -T [-C spec]`, the raw `sshd_config` (for its `Match`
 * blocks and for the file:line that set a keyword), and OpenSSH's pattern and address-list matching.
 * No I/O: `Include` targets are read by the caller and passed in. Parsers never throw on bad input;
 * they return a clear error or a value with warnings.
 */

export type Parsed<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: string };

/** One `keyword value` line of `sshd -T` output. */
export interface EffectiveLine {
  keyword: string;
  value: string;
  /** 1-based line in the output. */
  line: number;
}

/** The effective configuration for one connection spec, as sshd printed it. */
export interface EffectiveConfig {
  /** What produced it: `sshd -T`, `sshd -T -C user=…`, or `mfasweep Match evaluation`. */
  label: string;
  lines: EffectiveLine[];
}

const maxOutput = 2_000_000;
/** Keywords every `sshd -T` since OpenSSH 5.x prints; without them the text is not -T output. */
const requiredKeywords = ["pubkeyauthentication", "passwordauthentication", "permitrootlogin"];

/** Parses `sshd -T` stdout. Lines that are not `keyword value` (warnings) are reported, not fatal. */
export function parseSshdT(text: string, label = "sshd -T"): Parsed<EffectiveConfig> {
  if (typeof text !== "string") return { ok: false, error: `${label}: no output` };
  if (text.length > maxOutput) return { ok: false, error: `${label}: output larger than ${maxOutput} bytes` };
  const lines: EffectiveLine[] = [];
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === "") return;
    const m = /^([a-z][a-z0-9]*)(?:[ \t]+(.*))?$/.exec(trimmed);
    if (!m) {
      if (warnings.length < 20)
        warnings.push(`${label}:${i + 1}: not a 'keyword value' line: ${clip(trimmed)}`);
      return;
    }
    lines.push({ keyword: m[1]!, value: (m[2] ?? "").trim(), line: i + 1 });
  });
  const present = new Set(lines.map((l) => l.keyword));
  const missing = requiredKeywords.filter((k) => !present.has(k));
  if (missing.length > 0) {
    const first = text.split(/\r?\n/).find((l) => l.trim() !== "");
    return {
      ok: false,
      error: `${label}: not sshd -T output (no ${missing.join(", ")})${first ? `; it starts with: ${clip(first.trim())}` : "; it is empty"}`,
    };
  }
  return { ok: true, value: { label, lines }, warnings };
}

function clip(s: string, n = 120): string {
  const printable = s.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > n ? `${printable.slice(0, n)}…` : printable;
}

export function first(config: EffectiveConfig, keyword: string): EffectiveLine | undefined {
  return config.lines.find((l) => l.keyword === keyword);
}

export function all(config: EffectiveConfig, keyword: string): EffectiveLine[] {
  return config.lines.filter((l) => l.keyword === keyword);
}

/** `yes`/`no` values; anything else (missing, `unset`) is undefined. */
export function yesNo(config: EffectiveConfig, keyword: string): boolean | undefined {
  const v = first(config, keyword)?.value.toLowerCase();
  return v === "yes" ? true : v === "no" ? false : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Authentication settings derived from one effective configuration.

export type PermitRootLogin = "yes" | "prohibit-password" | "forced-commands-only" | "no";

export function permitRootLogin(config: EffectiveConfig): PermitRootLogin | undefined {
  const v = first(config, "permitrootlogin")?.value.toLowerCase();
  if (v === "without-password") return "prohibit-password"; // deprecated alias; 9.2 still prints it
  if (v === "yes" || v === "prohibit-password" || v === "forced-commands-only" || v === "no") return v;
  return undefined;
}

export interface MethodList {
  methods: string[];
  /** The text of the list as configured, e.g. `publickey,keyboard-interactive:pam`. */
  text: string;
}

/**
 * `authenticationmethods`: `any` (or absent: OpenSSH before 6.2 and some builds print nothing when
 * unset) means any single enabled method; otherwise every method of at least one list.
 */
export function authenticationMethods(config: EffectiveConfig): "any" | MethodList[] {
  const line = first(config, "authenticationmethods");
  if (!line || line.value === "" || line.value.toLowerCase() === "any") return "any";
  return line.value
    .split(/\s+/)
    .filter(Boolean)
    .map((text) => ({ text, methods: text.split(",").filter(Boolean) }));
}

/** Whether keyboard-interactive is enabled, reading both names (≤ 8.6 printed both, as separate options). */
export function kbdInteractiveEnabled(config: EffectiveConfig): boolean | undefined {
  const kbd = yesNo(config, "kbdinteractiveauthentication");
  const chall = yesNo(config, "challengeresponseauthentication");
  if (kbd === undefined && chall === undefined) return undefined;
  // In ≤ 8.6 PAM's keyboard-interactive device also needed ChallengeResponseAuthentication: both must allow it.
  if (kbd === false || chall === false) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Raw sshd_config: tokens, Include, Match blocks.

export interface RawLine {
  /** Lower-cased keyword. */
  keyword: string;
  args: string[];
  file: string;
  line: number;
}

export interface MatchCriterion {
  /** Lower-cased criterion name: user, group, host, address, localaddress, localport, rdomain, all, … */
  name: string;
  /** Pattern list as written; empty for `all`/`invalid-user`. */
  value: string;
}

export interface MatchBlock {
  criteria: MatchCriterion[];
  file: string;
  line: number;
  /** Keyword lines that apply when the block matches, in order. */
  lines: RawLine[];
}

export interface RawConfig {
  /** Keyword lines outside any Match block, in file order with includes spliced in. */
  global: RawLine[];
  matches: MatchBlock[];
  /** Files read, in order. */
  files: string[];
  problems: string[];
}

/**
 * Splits one config line into words: whitespace separated, `"double quoted"` words, an optional single
 * `=` between keyword and first argument, and a trailing `#` comment. Returns undefined for an
 * unterminated quote.
 */
export function splitConfigLine(text: string): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  const s = text.replace(/\r$/, "");
  while (i < s.length) {
    while (i < s.length && /[ \t]/.test(s[i]!)) i++;
    if (i >= s.length) break;
    if (s[i] === "#") break;
    if (words.length === 1 && s[i] === "=") {
      i++;
      continue;
    }
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) return undefined;
      words.push(s.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/[ \t"]/.test(s[j]!)) {
      if (words.length === 0 && s[j] === "=") break;
      j++;
    }
    words.push(s.slice(i, j));
    i = j;
  }
  return words;
}

/** One file's lines, before includes are resolved. `include` lines carry their patterns. */
export interface ConfigFileLines {
  file: string;
  lines: RawLine[];
  problems: string[];
}

export function tokenizeConfigFile(text: string, file: string): ConfigFileLines {
  const lines: RawLine[] = [];
  const problems: string[] = [];
  if (typeof text !== "string") return { file, lines, problems: [`${file}: not text`] };
  text.split("\n").forEach((raw, i) => {
    const words = splitConfigLine(raw);
    if (!words) {
      problems.push(`${file}:${i + 1}: unterminated quote`);
      return;
    }
    if (words.length === 0) return;
    const [keyword, ...args] = words;
    if (!keyword || !/^[A-Za-z][A-Za-z0-9-]*$/.test(keyword)) {
      problems.push(`${file}:${i + 1}: not a keyword: ${clip(raw.trim())}`);
      return;
    }
    lines.push({ keyword: keyword.toLowerCase(), args, file, line: i + 1 });
  });
  return { file, lines, problems };
}

/** What the caller read for an `Include` line: the files its patterns named (sorted, as glob(3) does). */
export type IncludeResolver = (pattern: string, from: RawLine) => ConfigFileLines[] | { error: string };

const maxIncludeDepth = 16;
/**
 * Files walked in all, counting a file each time it is included. A file that includes another several
 * times, each including it again, multiplies: without a total bound a few lines walked millions of files.
 */
const maxIncludeVisits = 512;

/**
 * Builds the raw configuration: global lines and Match blocks, with `Include` resolved through
 * `resolve` (which the caller backs with files it already read). As in sshd, an Include inside a Match
 * block is conditional on that block, and a Match in an included file ends with that file.
 */
export function buildRawConfig(main: ConfigFileLines, resolve: IncludeResolver): RawConfig {
  const config: RawConfig = { global: [], matches: [], files: [], problems: [] };
  let visits = 0;
  const walk = (file: ConfigFileLines, chain: string[], inherited: MatchBlock | undefined) => {
    const depth = chain.length - 1;
    config.files.push(file.file);
    appendAll(config.problems, file.problems);
    let current = inherited;
    for (const line of file.lines) {
      if (line.keyword === "match") {
        const criteria = parseMatchCriteria(line.args);
        if ("error" in criteria) {
          config.problems.push(`${line.file}:${line.line}: ${criteria.error}`);
          // An unparseable Match still starts a block: its lines must not leak into the global section.
          current = {
            criteria: [{ name: "unparsed", value: line.args.join(" ") }],
            file: line.file,
            line: line.line,
            lines: [],
          };
        } else {
          current = { criteria: criteria.criteria, file: line.file, line: line.line, lines: [] };
        }
        config.matches.push(current);
        continue;
      }
      if (line.keyword === "include") {
        if (depth >= maxIncludeDepth) {
          config.problems.push(`${line.file}:${line.line}: Include nested deeper than ${maxIncludeDepth}`);
          continue;
        }
        for (const pattern of line.args) {
          const included = resolve(pattern, line);
          if ("error" in included) {
            config.problems.push(`${line.file}:${line.line}: Include ${pattern}: ${included.error}`);
            continue;
          }
          for (const f of included) {
            // sshd refuses a configuration that includes itself (its depth limit is fatal), so the loop is
            // reported rather than unrolled; so is an include tree too large to walk.
            if (chain.includes(f.file))
              config.problems.push(`${line.file}:${line.line}: Include ${pattern}: loop back to ${f.file}`);
            else if (++visits > maxIncludeVisits)
              config.problems.push(
                `${line.file}:${line.line}: Include ${pattern}: more than ${maxIncludeVisits} files included in all`,
              );
            else walk(f, [...chain, f.file], current);
          }
        }
        continue;
      }
      if (current) current.lines.push(line);
      else config.global.push(line);
    }
  };
  walk(main, [main.file], undefined);
  return config;
}

const knownCriteria = new Set([
  "all",
  "user",
  "group",
  "host",
  "address",
  "localaddress",
  "localport",
  "rdomain",
  "invalid-user",
  "version",
]);

export function parseMatchCriteria(args: string[]): { criteria: MatchCriterion[] } | { error: string } {
  const criteria: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.toLowerCase();
    if (name === "all" || name === "invalid-user") {
      criteria.push({ name, value: "" });
      continue;
    }
    // `Match User=alice` is accepted by newer OpenSSH; split it here too.
    const eq = args[i]!.indexOf("=");
    if (eq > 0) {
      criteria.push({ name: args[i]!.slice(0, eq).toLowerCase(), value: args[i]!.slice(eq + 1) });
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) return { error: `Match ${args[i]} has no value` };
    criteria.push({ name, value });
    i++;
  }
  if (criteria.length === 0) return { error: "Match without criteria" };
  const unknown = criteria.find((c) => !knownCriteria.has(c.name));
  if (unknown) return { error: `unknown Match criterion '${unknown.name}'` };
  return { criteria };
}

// ---------------------------------------------------------------------------------------------------
// Connection specs and Match evaluation.

/** The five `-C` keys old OpenSSH (≤ 7.6) requires, plus what we know of the user's groups. */
export interface ConnectionSpec {
  user: string;
  host: string;
  addr: string;
  laddr: string;
  lport: number;
  /** Routing domain: only when the configuration has Match RDomain ("" = none, as a socket outside a VRF). */
  rdomain?: string;
  /** Primary and supplementary group names; undefined when not known. */
  groups?: string[];
}

/** The `-C` argument: all five keys old OpenSSH requires, plus `rdomain=` when the configuration reads it. */
export function specArgument(spec: ConnectionSpec): string {
  const rdomain = spec.rdomain === undefined ? "" : `,rdomain=${spec.rdomain}`;
  return `user=${spec.user},host=${spec.host},addr=${spec.addr},laddr=${spec.laddr},lport=${spec.lport}${rdomain}`;
}

export { matchPattern, matchPatternList };

export interface Cidr {
  family: 4 | 6;
  bytes: number[];
  bits: number;
}

export function ipBytes(ip: string): { family: 4 | 6; bytes: number[] } | undefined {
  const family = isIP(ip);
  if (family === 4) return { family, bytes: ip.split(".").map(Number) };
  if (family !== 6) return undefined;
  let text = ip;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail = v4[1]!.split(".").map(Number);
    text = `${text.slice(0, -v4[1]!.length)}0:0`;
  }
  const [head = "", rest] = text.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  const all16 = [...h, ...new Array(Math.max(0, fill)).fill(0), ...r];
  if (all16.length !== 8) return undefined;
  const bytes = all16.flatMap((g) => [(g >> 8) & 0xff, g & 0xff]);
  if (tail.length) for (const [i, b] of tail.entries()) bytes[12 + i] = b;
  return { family: 6, bytes };
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, bitsText, extra] = text.split("/");
  if (extra !== undefined || !addr) return undefined;
  const ip = ipBytes(addr);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  return { family: ip.family, bytes: ip.bytes, bits };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const addr = ipBytes(ip);
  if (!addr || addr.family !== cidr.family) return false;
  for (let bit = 0; bit < cidr.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((addr.bytes[byte]! & mask) !== (cidr.bytes[byte]! & mask)) return false;
  }
  return true;
}

/**
 * OpenSSH `addr_match_list`: entries are CIDR blocks or wildcard patterns, `!` negates. 1 = match,
 * 0 = no match, -1 = a negated entry matched, -2 = an entry is malformed (sshd treats the Match as
 * failed and logs an error).
 */
export function addrMatchList(addr: string, list: string): 1 | 0 | -1 | -2 {
  let got: 1 | 0 = 0;
  for (const raw of list.split(",")) {
    if (raw === "") continue;
    const negated = raw.startsWith("!");
    const entry = raw.slice(negated ? 1 : 0);
    let hit: boolean;
    if (/[*?]/.test(entry)) hit = matchPattern(addr.toLowerCase(), entry.toLowerCase());
    else if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(entry)) {
      const cidr = parseCidr(entry);
      if (!cidr) return -2;
      hit = cidrContains(cidr, addr);
    } else return -2;
    if (hit) {
      if (negated) return -1;
      got = 1;
    }
  }
  return got;
}

export type MatchResult = boolean | { unknown: string };

/** Whether a Match block applies to `spec`, as sshd's `match_cfg_line` decides (all criteria must hold). */
export function matchBlockApplies(block: MatchBlock, spec: ConnectionSpec): MatchResult {
  for (const c of block.criteria) {
    let hit: MatchResult;
    switch (c.name) {
      case "all":
        hit = true;
        break;
      case "user":
        hit = matchPatternList(spec.user, c.value) === 1;
        break;
      case "group":
        if (!spec.groups) hit = { unknown: `groups of ${spec.user} not known for 'Match Group ${c.value}'` };
        else
          hit =
            spec.groups.some((g) => matchPatternList(g, c.value) === 1) &&
            !spec.groups.some((g) => matchPatternList(g, c.value) === -1);
        break;
      case "host":
        hit = matchPatternList(spec.host, c.value, true) === 1;
        break;
      case "address": {
        const r = addrMatchList(spec.addr, c.value);
        hit = r === -2 ? { unknown: `malformed address list '${c.value}'` } : r === 1;
        break;
      }
      case "localaddress": {
        const r = addrMatchList(spec.laddr, c.value);
        hit = r === -2 ? { unknown: `malformed address list '${c.value}'` } : r === 1;
        break;
      }
      case "localport":
        hit = matchPatternList(String(spec.lport), c.value) === 1;
        break;
      case "rdomain":
        // A socket outside any VRF matches `*` but not `default` (checked against OpenSSH 9.2 logins).
        hit = matchPatternList(spec.rdomain ?? "", c.value) === 1;
        break;
      case "invalid-user":
        // Our principals are accounts that exist.
        hit = false;
        break;
      default:
        hit = { unknown: `Match criterion '${c.name}' is not evaluated by mfasweep` };
    }
    if (hit === false) return false;
    if (hit !== true) return hit;
  }
  return true;
}

/** Raw keyword → the keyword `sshd -T` prints for it (deprecated aliases). */
const keywordAliases: Record<string, string> = {
  challengeresponseauthentication: "kbdinteractiveauthentication",
  pubkeyacceptedkeytypes: "pubkeyacceptedalgorithms",
  hostbasedacceptedkeytypes: "hostbasedacceptedalgorithms",
  skeyauthentication: "kbdinteractiveauthentication",
};

export function canonicalKeyword(keyword: string): string {
  return keywordAliases[keyword] ?? keyword;
}

/** The keywords a Match block can change that decide who logs in and how. */
export const authKeywords = [
  "authenticationmethods",
  "pubkeyauthentication",
  "passwordauthentication",
  "kbdinteractiveauthentication",
  "hostbasedauthentication",
  "gssapiauthentication",
  "kerberosauthentication",
  "permitrootlogin",
  "permitemptypasswords",
  "allowusers",
  "denyusers",
  "allowgroups",
  "denygroups",
  "forcecommand",
  "authorizedkeyscommand",
  "authorizedkeysfile",
  "trustedusercakeys",
  "pubkeyacceptedalgorithms",
  "pubkeyauthoptions",
  "allowtcpforwarding",
  "allowstreamlocalforwarding",
  "permittunnel",
  "disableforwarding",
] as const;

function isAuthKeyword(keyword: string): boolean {
  return (authKeywords as readonly string[]).includes(keyword);
}

/** Keywords whose every occurrence adds to a list (sshd prints one line per entry). */
const listKeywords = new Set(["allowusers", "denyusers", "allowgroups", "denygroups"]);

function normalizeValue(keyword: string, args: string[]): string {
  const value = args.join(" ");
  if (keyword === "permitrootlogin" && value.toLowerCase() === "without-password") return "prohibit-password";
  if (/authentication$|^permit|^allow|^disable/.test(keyword)) return value.toLowerCase();
  return value;
}

export interface LocatedSetting {
  keyword: string;
  value: string;
  /** Where it was set; absent when the value is sshd's default. */
  at?: { file: string; line: number; match?: { file: string; line: number } };
}

/**
 * Where `keyword` got its value for `spec`: the first matching Match block that sets it, else the first
 * global line, else nothing (the default). Used for evidence, and for config-only evaluation.
 */
export function locate(
  raw: RawConfig,
  keyword: string,
  spec: ConnectionSpec | undefined,
): LocatedSetting | { unknown: string } | undefined {
  if (spec) {
    for (const block of raw.matches) {
      const setting = block.lines.find((l) => canonicalKeyword(l.keyword) === keyword);
      if (!setting) continue;
      const applies = matchBlockApplies(block, spec);
      if (typeof applies === "object") return { unknown: `${block.file}:${block.line}: ${applies.unknown}` };
      if (!applies) continue;
      return {
        keyword,
        value: normalizeValue(keyword, setting.args),
        at: { file: setting.file, line: setting.line, match: { file: block.file, line: block.line } },
      };
    }
  }
  const global = raw.global.find((l) => canonicalKeyword(l.keyword) === keyword);
  if (global)
    return {
      keyword,
      value: normalizeValue(keyword, global.args),
      at: { file: global.file, line: global.line },
    };
  return undefined;
}

/**
 * Config-only evaluation: the global `sshd -T` output with the auth keywords of every Match block that
 * applies to `spec` laid over it (first match wins, as in sshd). Only `authKeywords` are overlaid; the
 * rest stays global. Returns an error when a Match block cannot be evaluated for this spec.
 */
export function applyMatchBlocks(
  global: EffectiveConfig,
  raw: RawConfig,
  spec: ConnectionSpec,
): { ok: true; config: EffectiveConfig } | { ok: false; error: string } {
  const overrides = new Map<string, EffectiveLine[]>();
  // List keywords accumulate within the one block that first sets them; later blocks cannot add.
  const listOwner = new Map<string, MatchBlock>();
  for (const block of raw.matches) {
    const setsAuth = block.lines.some((l) => isAuthKeyword(canonicalKeyword(l.keyword)));
    if (!setsAuth) continue;
    const applies = matchBlockApplies(block, spec);
    if (typeof applies === "object")
      return { ok: false, error: `${block.file}:${block.line}: ${applies.unknown}` };
    if (!applies) continue;
    for (const l of block.lines) {
      const keyword = canonicalKeyword(l.keyword);
      if (!isAuthKeyword(keyword)) continue;
      if (listKeywords.has(keyword)) {
        const owner = listOwner.get(keyword);
        if (owner && owner !== block) continue;
        listOwner.set(keyword, block);
        const values = l.args.map((a) => ({ keyword, value: a, line: 0 }));
        overrides.set(keyword, [...(overrides.get(keyword) ?? []), ...values]);
        continue;
      }
      if (overrides.has(keyword)) continue;
      overrides.set(keyword, [{ keyword, value: normalizeValue(keyword, l.args), line: 0 }]);
    }
  }
  if (overrides.size === 0)
    return { ok: true, config: { ...global, label: `${global.label} (no Match block applies)` } };
  const lines: EffectiveLine[] = [];
  const done = new Set<string>();
  for (const l of global.lines) {
    const o = overrides.get(l.keyword);
    if (!o) {
      lines.push(l);
      continue;
    }
    if (done.has(l.keyword)) continue;
    done.add(l.keyword);
    appendAll(
      lines,
      o.map((x) => ({ ...x, line: l.line })),
    );
  }
  for (const [keyword, o] of overrides)
    if (!done.has(keyword))
      appendAll(
        lines,
        o.map((x) => ({ ...x, line: 0 })),
      );
  return { ok: true, config: { label: `mfasweep Match evaluation for ${specArgument(spec)}`, lines } };
}

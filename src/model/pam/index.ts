import { posix } from "node:path";
import { appendAll } from "../../util/arrays.js";
import { matchPatternList } from "../../util/openssh-pattern.js";

/**
 * Pure PAM parsing and a symbolic run of the `auth` stack (reference/remote-access-and-ticketing.md §1.3).
 *
 * The run follows Linux-PAM's dispatcher (pam.conf(5) control values, `_pam_dispatch_aux`): required /
 * requisite / sufficient / optional as their bracket equivalents, `ok`/`done`/`bad`/`die`/`ignore`/
 * `reset`/jumps, `include` spliced in, `substack` scoped for done/die/jumps. Each module is modelled by
 * what it checks (a factor the person must present) and the switches that let it return early without
 * checking (`nullok`, Duo `failmode = safe`, `localifdown`, …). We try every combination of factors held
 * and of those switches, and keep the minimal ways the stack succeeds. No I/O; never throws.
 */

export type PamType = "auth" | "account" | "password" | "session";
export type SimpleControl = "required" | "requisite" | "sufficient" | "optional";

export interface PamModuleLine {
  kind: "module";
  type: PamType;
  control: { kind: "simple"; value: SimpleControl } | { kind: "bracket"; actions: Record<string, string> };
  /** Module file name without directory, e.g. `pam_unix.so`. */
  module: string;
  /** The module as written: a name in PAM's module directory, or an absolute path. */
  path: string;
  /**
   * The type had a leading `-` (`-auth …`). Linux-PAM then only stops logging a module it cannot load:
   * the missing module still returns PAM_MODULE_UNKNOWN and the control decides (libpam pam_handlers.c,
   * pam_dispatch.c; checked with a real sshd login).
   */
  quietIfMissing: boolean;
  args: string[];
  file: string;
  line: number;
  /** The line as written (continuations joined), for evidence. */
  text: string;
}

export interface PamIncludeLine {
  kind: "include";
  /** `all` for Debian's `@include`. */
  type: PamType | "all";
  mode: "include" | "substack";
  /** Absolute path of the included file. */
  target: string;
  file: string;
  line: number;
  text: string;
}

export interface PamFile {
  file: string;
  entries: Array<PamModuleLine | PamIncludeLine>;
  problems: string[];
}

const pamTypes = new Set(["auth", "account", "password", "session"]);
const simpleControls = new Set(["required", "requisite", "sufficient", "optional"]);
export const pamDir = "/etc/pam.d";

/** Splits a PAM line into words; `[ ... ]` (control or module argument) is one word, `\]` escapes. */
function splitPamWords(text: string): string[] | { error: string } {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] === "[") {
      let j = i + 1;
      let word = "";
      while (j < text.length && text[j] !== "]") {
        if (text[j] === "\\" && text[j + 1] === "]") {
          word += "]";
          j += 2;
          continue;
        }
        word += text[j];
        j++;
      }
      if (j >= text.length) return { error: "unterminated '['" };
      words.push(`[${word}]`);
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    words.push(text.slice(i, j));
    i = j;
  }
  return words;
}

function parseBracket(word: string): Record<string, string> | { error: string } {
  const actions: Record<string, string> = {};
  for (const pair of word.slice(1, -1).trim().split(/\s+/).filter(Boolean)) {
    const [name, action, extra] = pair.split("=");
    if (!name || !action || extra !== undefined) return { error: `malformed control '${pair}'` };
    if (!/^(ignore|bad|die|ok|done|reset|\d+)$/.test(action)) return { error: `unknown action '${action}'` };
    actions[name.toLowerCase()] = action;
  }
  return actions;
}

export function resolvePamPath(target: string, base = pamDir): string {
  return target.startsWith("/") ? posix.normalize(target) : posix.join(base, target);
}

/** Parses one PAM service file (the `/etc/pam.d/` format without the service column). */
export function parsePamFile(text: string, file: string): PamFile {
  const entries: PamFile["entries"] = [];
  const problems: string[] = [];
  if (typeof text !== "string") return { file, entries, problems: [`${file}: not text`] };
  const physical = text.split("\n");
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    // Continuations collected in parts and joined once: re-reading a growing line was quadratic.
    const parts: string[] = [];
    let part = physical[i]!.replace(/\r$/, "");
    while (part.endsWith("\\") && i + 1 < physical.length) {
      parts.push(part.slice(0, -1));
      part = physical[++i]!.replace(/\r$/, "");
    }
    parts.push(part);
    const joined = parts.join(" ");
    const hash = joined.indexOf("#");
    const content = (hash >= 0 ? joined.slice(0, hash) : joined).trim();
    if (content === "") continue;
    const line = start + 1;
    const where = `${file}:${line}`;
    if (content.startsWith("@include")) {
      const target = content.slice("@include".length).trim();
      if (!target || /\s/.test(target)) {
        problems.push(`${where}: malformed @include`);
        continue;
      }
      entries.push({
        kind: "include",
        type: "all",
        mode: "include",
        target: resolvePamPath(target),
        file,
        line,
        text: content,
      });
      continue;
    }
    const words = splitPamWords(content);
    if ("error" in words) {
      problems.push(`${where}: ${words.error}`);
      continue;
    }
    let [typeWord = "", controlWord = "", moduleWord = "", ...args] = words;
    const silent = typeWord.startsWith("-");
    if (silent) typeWord = typeWord.slice(1);
    const type = typeWord.toLowerCase();
    if (!pamTypes.has(type)) {
      problems.push(`${where}: unknown type '${typeWord}'`);
      continue;
    }
    const controlLower = controlWord.toLowerCase();
    if (controlLower === "include" || controlLower === "substack") {
      if (!moduleWord) {
        problems.push(`${where}: ${controlLower} without a file`);
        continue;
      }
      entries.push({
        kind: "include",
        type: type as PamType,
        mode: controlLower,
        target: resolvePamPath(moduleWord),
        file,
        line,
        text: content,
      });
      continue;
    }
    if (!moduleWord) {
      problems.push(`${where}: no module`);
      continue;
    }
    let control: PamModuleLine["control"];
    if (controlWord.startsWith("[")) {
      const actions = parseBracket(controlWord);
      if ("error" in actions) {
        problems.push(`${where}: ${actions.error}`);
        continue;
      }
      control = { kind: "bracket", actions };
    } else if (simpleControls.has(controlLower)) {
      control = { kind: "simple", value: controlLower as SimpleControl };
    } else {
      problems.push(`${where}: unknown control '${controlWord}'`);
      continue;
    }
    entries.push({
      kind: "module",
      type: type as PamType,
      control,
      module: posix.basename(moduleWord),
      path: moduleWord,
      quietIfMissing: silent,
      args,
      file,
      line,
      text: content,
    });
  }
  return { file, entries, problems };
}

/** Absolute paths a file includes (any type), so the caller can read them before building the stack. */
export function includeTargets(file: PamFile): string[] {
  return [...new Set(file.entries.filter((e) => e.kind === "include").map((e) => e.target))];
}

export type PamNode =
  | { kind: "module"; line: PamModuleLine }
  | { kind: "substack"; from: PamIncludeLine; nodes: PamNode[] };

/** What reading a file gave: its text, missing, or another error (permission, timeout). */
export type FileRead = { kind: "ok"; text: string } | { kind: "missing" } | { kind: "error"; reason: string };

/** A PAM file as the stack builder sees it. */
export type PamFileState =
  | { kind: "parsed"; file: PamFile }
  | { kind: "missing" }
  | { kind: "error"; reason: string };

export interface PamStack {
  service: string;
  nodes: PamNode[];
  /** Files that make up the stack, in order of first use. */
  files: string[];
  problems: string[];
  /** Included files that could not be read: the stack is incomplete. */
  unreadable: Array<{ file: string; reason: string }>;
}

const maxPamDepth = 16;
/**
 * Files walked in all, counting a file each time it is included: files that include the next one
 * several times multiply (a few lines became millions of modules). Beyond it the stack is incomplete.
 */
const maxPamIncludes = 512;

/**
 * The `type` stack of a service, with includes resolved from `files` (already-parsed files by absolute
 * path). A missing included file is an error in Linux-PAM too; an unreadable one makes the stack unknown.
 */
export function buildPamStack(
  service: string,
  files: Map<string, PamFileState>,
  type: PamType = "auth",
): PamStack {
  const stack: PamStack = { service, nodes: [], files: [], problems: [], unreadable: [] };
  let includes = 0;
  const walk = (path: string, depth: number, chain: string[]): PamNode[] => {
    const state = files.get(path);
    if (state?.kind !== "parsed") {
      const reason = !state ? "not read" : state.kind === "missing" ? "file does not exist" : state.reason;
      if (!stack.unreadable.some((u) => u.file === path)) stack.unreadable.push({ file: path, reason });
      return [];
    }
    const entry = state.file;
    if (!stack.files.includes(path)) stack.files.push(path);
    for (const p of entry.problems) if (!stack.problems.includes(p)) stack.problems.push(p);
    const nodes: PamNode[] = [];
    for (const e of entry.entries) {
      if (e.kind === "module") {
        if (e.type === type) nodes.push({ kind: "module", line: e });
        continue;
      }
      if (e.type !== "all" && e.type !== type) continue;
      if (depth >= maxPamDepth || chain.includes(e.target)) {
        stack.problems.push(
          `${e.file}:${e.line}: include loop or nesting deeper than ${maxPamDepth} (${e.target})`,
        );
        continue;
      }
      if (++includes > maxPamIncludes) {
        if (!stack.unreadable.some((u) => u.file === e.target))
          stack.unreadable.push({
            file: e.target,
            reason: `more than ${maxPamIncludes} PAM files included in all (${e.file}:${e.line})`,
          });
        continue;
      }
      const inner = walk(e.target, depth + 1, [...chain, e.target]);
      if (e.mode === "substack") nodes.push({ kind: "substack", from: e, nodes: inner });
      else appendAll(nodes, inner);
    }
    return nodes;
  };
  stack.nodes = walk(service, 0, [service]);
  return stack;
}

/** Every module line of a stack, depth first. */
export function moduleLines(nodes: PamNode[]): PamModuleLine[] {
  return nodes.flatMap((n) => (n.kind === "module" ? [n.line] : moduleLines(n.nodes)));
}

// ---------------------------------------------------------------------------------------------------
// Duo configuration (pam_duo.conf / login_duo.conf): only the keys that decide whether Duo can be
// skipped. The file also holds `skey`; callers pass only these lines, and we never keep anything else.

export interface DuoConfig {
  file: string;
  /** Default "safe" (duo_unix: on service or configuration errors, allow access). */
  failmode: { value: "safe" | "secure"; line?: number };
  groups?: { patterns: string[]; line: number };
  autopush?: { value: boolean; line: number };
  /** The integration key: which Duo application the host asks (an identifier, not a secret; skey is). */
  ikey?: { value: string; line: number };
  /**
   * duo_unix sends Duo the GECOS field instead of the login name (`send_gecos`), or one comma-separated
   * part of it (`gecos_username_pos`, 1-based, split at `gecos_delim`, default ','): lib/util.c, pam_duo.c.
   */
  gecos?: { position: number | null; delim: string; line: number };
}

/** The keys read from a Duo config: the live reader greps for these, the snapshot reader filters by them. */
export const duoKeys = [
  "failmode",
  "groups",
  "group",
  "autopush",
  "ikey",
  "send_gecos",
  "gecos_username_pos",
  "gecos_delim",
];

/** Parses `key = value` lines of the `[duo]` INI file; unknown keys are ignored, never retained. */
export function parseDuoConfig(text: string, file: string): { config: DuoConfig; problems: string[] } {
  const config: DuoConfig = { file, failmode: { value: "safe" } };
  const problems: string[] = [];
  const gecos: { send: number | null; position?: { value: number; line: number }; delim: string } = {
    send: null,
    delim: ",",
  };
  text.split("\n").forEach((raw, i) => {
    // `grep -n` output carries the real line number as `N:`; plain files use their own.
    const numbered = /^(\d+):(.*)$/.exec(raw);
    const lineNo = numbered ? Number(numbered[1]) : i + 1;
    const content = (numbered ? numbered[2]! : raw).trim();
    if (content === "" || content.startsWith("#") || content.startsWith(";") || content.startsWith("["))
      return;
    const eq = content.indexOf("=");
    if (eq < 0) return;
    const key = content.slice(0, eq).trim().toLowerCase();
    const value = content
      .slice(eq + 1)
      .trim()
      .replace(/\s+[;#].*$/, "");
    if (key === "failmode") {
      if (value.toLowerCase() === "secure" || value.toLowerCase() === "safe")
        config.failmode = { value: value.toLowerCase() as "safe" | "secure", line: lineNo };
      else problems.push(`${file}:${lineNo}: unknown failmode '${value.slice(0, 20)}'`);
    } else if (key === "groups" || key === "group") {
      config.groups = { patterns: value.split(/\s+/).filter(Boolean), line: lineNo };
    } else if (key === "autopush") {
      config.autopush = { value: yes(value), line: lineNo };
    } else if (key === "ikey") {
      if (value) config.ikey = { value, line: lineNo };
    } else if (key === "send_gecos") {
      gecos.send = yes(value) ? lineNo : null;
    } else if (key === "gecos_username_pos") {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1) gecos.position = { value: n, line: lineNo };
      else
        problems.push(
          `${file}:${lineNo}: gecos_username_pos '${value.slice(0, 20)}' is not a position from 1`,
        );
    } else if (key === "gecos_delim") {
      if (value.length === 1) gecos.delim = value;
    }
  });
  // duo_unix uses the GECOS field when send_gecos is on or a position is set (pam_duo.c).
  if (gecos.send !== null || gecos.position)
    config.gecos = {
      position: gecos.position?.value ?? null,
      delim: gecos.delim,
      line: gecos.position?.line ?? gecos.send!,
    };
  return { config, problems };
}

// duo_set_boolean_option (lib/util.c) compares case-sensitively.
const yes = (value: string) => /^(yes|true|on|1)$/.test(value);

/**
 * The name duo_unix presents to Duo for a login (pam_duo.c): the login name, or with `gecos` the GECOS
 * field (whole, or its 1-based part); an empty field or part falls back to the login name.
 */
export function duoUsernameFor(config: DuoConfig, login: string, gecos: string | undefined): string {
  if (!config.gecos || !gecos) return login;
  if (config.gecos.position === null) return gecos;
  return gecos.split(config.gecos.delim)[config.gecos.position - 1] || login;
}

/** Whether Duo applies to a user with these groups (duo_check_groups: any space-separated pattern-list matches). */
export function duoGroupsMatch(patterns: string[], groups: string[]): boolean {
  return patterns.some((list) => {
    let hit = false;
    for (const g of groups) {
      const r = matchPatternList(g, list);
      if (r === -1) return false;
      if (r === 1) hit = true;
    }
    return hit;
  });
}

// ---------------------------------------------------------------------------------------------------
// Symbolic run of the auth stack.

/** What a person must present for a module to succeed. `unknown`: a module we cannot model. */
export type PamFactor = "password" | "otp" | "push" | "security-key" | "radius" | "unknown";

/** Factors typed at a prompt: the `password` method answers every prompt with the same string. */
const typedFactors = new Set<PamFactor>(["password", "otp", "radius"]);

/** A switch that lets a module return without checking its factor. */
export interface PamCondition {
  id: string;
  /** E.g. "mfsw-bob has no OTP secret file and the module has nullok". */
  description: string;
  file: string;
  /** Absent when the switch comes from a file's absence. */
  line?: number;
  /** The setting that creates the switch, for evidence. */
  setting: string;
  /** Known for this user (enrolment, group membership); undefined = either may be true. */
  known?: boolean;
  /** `presence`: the module may not be installed. Not a per-login switch: a way relying on it is unknown. */
  kind?: "presence";
}

type Ret = string;

/** A module's behaviour: gates tried in order (the first true one decides), then the check itself. */
interface ModuleModel {
  gates: Array<{ condition: PamCondition; ret: Ret }>;
  check: { factor: PamFactor } | { ret: Ret };
}

/** What the run needs to know about the person logging in. */
export interface PamSubject {
  user: string;
  uid?: number;
  /** Primary and supplementary groups; undefined when not known. */
  groups?: string[];
  /** Local password state from `passwd -S`. */
  password: "usable" | "locked" | "empty" | "unknown";
  /** sshd PermitEmptyPasswords: when no, sshd passes PAM_DISALLOW_NULL_AUTHTOK. */
  emptyPasswordsPermitted: boolean;
  /** Whether the user has a google-authenticator secret for this module line; undefined = not known. */
  otpEnrolled?: (line: PamModuleLine) => boolean | undefined;
}

export interface PamEnvironment {
  /** Whether a line's module file is installed; undefined = not known. */
  modulePresent?: (line: PamModuleLine) => boolean | undefined;
  /** pam_duo.conf (or the `conf=` file): parsed, missing (Duo lets everyone in), or unreadable. */
  duo?: (
    path: string,
  ) => { kind: "ok"; config: DuoConfig } | { kind: "missing" } | { kind: "error"; reason: string };
}

const passwordModules = new Set([
  "pam_unix.so",
  "pam_unix2.so",
  "pam_pwdb.so",
  "pam_sss.so",
  "pam_ldap.so",
  "pam_krb5.so",
  "pam_winbind.so",
  "pam_userdb.so",
  "pam_kanidm.so",
]);

/** Modules that never ask for anything in `auth` and succeed for a normal login. */
const neutralModules = new Set([
  "pam_env.so",
  "pam_faildelay.so",
  "pam_group.so",
  "pam_cap.so",
  "pam_nologin.so",
  "pam_mail.so",
  "pam_motd.so",
  "pam_shells.so",
  "pam_tally.so",
  "pam_tally2.so",
  "pam_sepermit.so",
  "pam_selinux.so",
  "pam_keyinit.so",
  "pam_loginuid.so",
  "pam_limits.so",
  "pam_lastlog.so",
  "pam_umask.so",
  "pam_systemd.so",
  "pam_mkhomedir.so",
  "pam_xauth.so",
  "pam_gnome_keyring.so",
  "pam_kwallet5.so",
  "pam_localuser.so",
  "pam_access.so",
  "pam_time.so",
]);

/** Modules that return PAM_IGNORE in auth. */
const ignoringModules = new Set(["pam_warn.so", "pam_echo.so", "pam_debug.so"]);

function arg(line: PamModuleLine, name: string): string | undefined {
  const a = line.args.find((x) => x === name || x.startsWith(`${name}=`));
  if (a === undefined) return undefined;
  return a === name ? "" : a.slice(name.length + 1);
}

function has(line: PamModuleLine, name: string): boolean {
  return line.args.includes(name);
}

function condition(
  line: PamModuleLine,
  what: string,
  description: string,
  setting: string,
  known?: boolean,
): PamCondition {
  return {
    id: `${line.file}:${line.line}:${what}`,
    description,
    file: line.file,
    line: line.line,
    setting,
    ...(known === undefined ? {} : { known }),
  };
}

function withFile(c: PamCondition, file: string, line?: number): PamCondition {
  const { line: _ignored, ...rest } = c;
  return { ...rest, file, ...(line === undefined ? {} : { line }) };
}

/** `pam_succeed_if` conditions we can decide from the account; undefined when not decidable. */
function succeedIf(line: PamModuleLine, subject: PamSubject): boolean | undefined {
  const words = line.args.filter(
    (a) => !["quiet", "quiet_fail", "quiet_success", "audit", "debug", "use_uid"].includes(a),
  );
  if (words.length === 0) return true;
  // Conditions are joined by AND; each is `field op value`.
  let result = true;
  for (let i = 0; i < words.length; i += 3) {
    const [field, op, value] = [words[i], words[i + 1], words[i + 2]];
    if (!field || !op || value === undefined) return undefined;
    let r: boolean | undefined;
    if (field === "user") {
      if (op === "=" || op === "eq") r = subject.user === value;
      else if (op === "!=" || op === "ne") r = subject.user !== value;
      else if (op === "in") r = value.split(":").includes(subject.user);
      else if (op === "notin") r = !value.split(":").includes(subject.user);
      else if (op === "ingroup") r = subject.groups ? subject.groups.includes(value) : undefined;
      else if (op === "notingroup") r = subject.groups ? !subject.groups.includes(value) : undefined;
      else if (op === "=~" || op === "!~") r = undefined;
    } else if (field === "uid" && subject.uid !== undefined && /^\d+$/.test(value)) {
      const n = Number(value);
      const u = subject.uid;
      r =
        op === "<" || op === "lt"
          ? u < n
          : op === "<=" || op === "le"
            ? u <= n
            : op === ">" || op === "gt"
              ? u > n
              : op === ">=" || op === "ge"
                ? u >= n
                : op === "=" || op === "eq"
                  ? u === n
                  : op === "!=" || op === "ne"
                    ? u !== n
                    : undefined;
    }
    if (r === undefined) return undefined;
    result = result && r;
  }
  return result;
}

function modelModule(
  line: PamModuleLine,
  subject: PamSubject,
  env: PamEnvironment,
  problems: string[],
): ModuleModel {
  const m = line.module;
  const gates: ModuleModel["gates"] = [];
  // A module that is not installed returns PAM_MODULE_UNKNOWN (with or without `-`); the control decides.
  const present = env.modulePresent?.(line);
  if (present === false) return { gates, check: { ret: "module_unknown" } };
  if (
    present === undefined &&
    (line.quietIfMissing || actionFor(line, "module_unknown") !== actionFor(line, "auth_err"))
  ) {
    gates.push({
      condition: {
        ...condition(
          line,
          "presence",
          `${line.path} is not installed (not known), and PAM then gives the control PAM_MODULE_UNKNOWN`,
          line.quietIfMissing
            ? `-${line.type} (skip logging if missing)`
            : `${line.path} (presence not known)`,
        ),
        kind: "presence",
      },
      ret: "module_unknown",
    });
  }
  if (passwordModules.has(m)) {
    if (m === "pam_unix.so" || m === "pam_unix2.so" || m === "pam_pwdb.so") {
      if (subject.password === "locked") return { gates, check: { ret: "auth_err" } };
      if (subject.password === "empty") {
        const allowed =
          (has(line, "nullok") || has(line, "nullok_secure")) && subject.emptyPasswordsPermitted;
        if (!allowed) return { gates, check: { ret: "auth_err" } };
        gates.push({
          condition: condition(
            line,
            "empty",
            `${subject.user} has an empty password, which ${m} accepts with nullok`,
            "nullok",
            true,
          ),
          ret: "success",
        });
      }
    }
    return { gates, check: { factor: "password" } };
  }
  switch (m) {
    case "pam_google_authenticator.so": {
      const enrolled = subject.otpEnrolled?.(line);
      if (has(line, "nullok")) {
        gates.push({
          condition: condition(
            line,
            "nullok",
            `${subject.user} has no google-authenticator secret file, and the module has nullok`,
            "nullok",
            enrolled === undefined ? undefined : !enrolled,
          ),
          ret: "ignore",
        });
      } else if (enrolled === false) return { gates, check: { ret: "auth_err" } };
      const grace = arg(line, "grace_period");
      if (grace !== undefined && Number(grace) > 0) {
        gates.push({
          condition: condition(
            line,
            "grace",
            `a login from the same address passed the code in the last ${grace} s (grace_period)`,
            `grace_period=${grace}`,
          ),
          ret: "success",
        });
      }
      return { gates, check: { factor: "otp" } };
    }
    case "pam_oath.so":
      // Users absent from the usersfile make pam_oath return PAM_USER_UNKNOWN; the control decides.
      gates.push({
        condition: condition(
          line,
          "user_unknown",
          `${subject.user} is not in the pam_oath usersfile`,
          "user_unknown",
        ),
        ret: "user_unknown",
      });
      return { gates, check: { factor: "otp" } };
    case "pam_duo.so": {
      const path = arg(line, "conf") || "/etc/duo/pam_duo.conf";
      const duo = env.duo?.(path) ?? { kind: "error" as const, reason: "not read" };
      if (duo.kind === "missing") {
        gates.push({
          condition: withFile(
            condition(
              line,
              "duo-missing",
              `${path} does not exist, so pam_duo lets every login through (its failmode defaults to safe)`,
              "failmode",
              true,
            ),
            path,
          ),
          ret: "success",
        });
        return { gates, check: { factor: "push" } };
      }
      if (duo.kind === "error") {
        problems.push(`${path}: ${duo.reason}; Duo's failmode and groups are not known`);
        gates.push({
          condition: withFile(
            condition(
              line,
              "duo-unknown",
              `${path} could not be read, so Duo's failmode and groups are not known`,
              "failmode",
            ),
            path,
          ),
          ret: "success",
        });
        return { gates, check: { factor: "push" } };
      }
      const cfg = duo.config;
      if (cfg.groups) {
        const member = subject.groups ? duoGroupsMatch(cfg.groups.patterns, subject.groups) : undefined;
        gates.push({
          condition: withFile(
            condition(
              line,
              "duo-groups",
              `${subject.user} is not in Duo's groups (${cfg.groups.patterns.join(" ")}), so pam_duo skips Duo`,
              `groups = ${cfg.groups.patterns.join(" ")}`,
              member === undefined ? undefined : !member,
            ),
            path,
            cfg.groups.line,
          ),
          ret: "success",
        });
      }
      if (cfg.failmode.value === "safe") {
        gates.push({
          condition: withFile(
            condition(
              line,
              "duo-failsafe",
              "Duo's service cannot be reached, and failmode is safe (allow access)",
              `failmode = safe${cfg.failmode.line ? "" : " (default)"}`,
            ),
            path,
            cfg.failmode.line,
          ),
          ret: "success",
        });
      }
      return { gates, check: { factor: "push" } };
    }
    case "pam_u2f.so":
      if (has(line, "alwaysok")) {
        gates.push({
          condition: condition(
            line,
            "alwaysok",
            "pam_u2f has alwaysok: every attempt succeeds",
            "alwaysok",
            true,
          ),
          ret: "success",
        });
      }
      if (has(line, "nouserok")) {
        gates.push({
          condition: condition(
            line,
            "nouserok",
            `${subject.user} has no registered security key, and pam_u2f has nouserok`,
            "nouserok",
          ),
          ret: "success",
        });
      }
      return { gates, check: { factor: "security-key" } };
    case "pam_yubico.so":
      if (has(line, "alwaysok")) {
        gates.push({
          condition: condition(
            line,
            "alwaysok",
            "pam_yubico has alwaysok: every attempt succeeds",
            "alwaysok",
            true,
          ),
          ret: "success",
        });
      }
      if (has(line, "nullok")) {
        gates.push({
          condition: condition(
            line,
            "nullok",
            `${subject.user} has no YubiKey mapped, and pam_yubico has nullok`,
            "nullok",
          ),
          ret: "ignore",
        });
      }
      return { gates, check: { factor: "otp" } };
    case "pam_radius_auth.so":
    case "pam_radius.so":
      if (has(line, "localifdown")) {
        gates.push({
          condition: condition(
            line,
            "localifdown",
            "the RADIUS server cannot be reached, and the module has localifdown",
            "localifdown",
          ),
          ret: "ignore",
        });
      }
      return { gates, check: { factor: "radius" } };
    case "pam_permit.so":
      return { gates, check: { ret: "success" } };
    case "pam_deny.so":
      return { gates, check: { ret: "auth_err" } };
    case "pam_rootok.so":
      // sshd runs PAM as root, so pam_rootok (which checks the caller's uid) succeeds for everyone.
      return { gates, check: { ret: "success" } };
    case "pam_succeed_if.so": {
      const known = succeedIf(line, subject);
      gates.push({
        condition: condition(
          line,
          "succeed_if",
          `pam_succeed_if's condition (${line.args.join(" ")}) holds for ${subject.user}`,
          line.args.join(" "),
          known,
        ),
        ret: "success",
      });
      return { gates, check: { ret: "auth_err" } };
    }
    case "pam_listfile.so": {
      gates.push({
        condition: condition(
          line,
          "listfile",
          `${subject.user} is listed in ${arg(line, "file") ?? "the list file"} (pam_listfile, not read)`,
          line.args.join(" "),
        ),
        ret: arg(line, "sense") === "deny" ? "auth_err" : "success",
      });
      return { gates, check: { ret: arg(line, "sense") === "deny" ? "success" : "auth_err" } };
    }
    case "pam_faillock.so":
      return { gates, check: { ret: has(line, "authfail") ? "auth_err" : "success" } };
    case "pam_securetty.so":
      // sshd sets PAM_TTY to "ssh", which /etc/securetty does not list: root fails, others pass.
      return { gates, check: { ret: subject.uid === 0 ? "auth_err" : "success" } };
    default:
      if (neutralModules.has(m)) return { gates, check: { ret: "success" } };
      if (ignoringModules.has(m)) return { gates, check: { ret: "ignore" } };
      problems.push(`${line.file}:${line.line}: ${m} is not modelled; what it checks is unknown`);
      return { gates, check: { factor: "unknown" } };
  }
}

const simpleActions: Record<SimpleControl, Record<string, string>> = {
  required: { success: "ok", new_authtok_reqd: "ok", ignore: "ignore", default: "bad" },
  requisite: { success: "ok", new_authtok_reqd: "ok", ignore: "ignore", default: "die" },
  sufficient: { success: "done", new_authtok_reqd: "done", default: "ignore" },
  optional: { success: "ok", new_authtok_reqd: "ok", default: "ignore" },
};

function actionFor(line: PamModuleLine, ret: Ret): string {
  const actions = line.control.kind === "simple" ? simpleActions[line.control.value] : line.control.actions;
  // Linux-PAM sets every value not named to `default`, and `default` itself to bad when absent.
  return actions[ret] ?? actions.default ?? "bad";
}

interface RunState {
  impression: "undef" | "positive" | "negative";
  status: Ret;
}

type Decide = (line: PamModuleLine) => Ret;

/**
 * Runs the modules of one stack level. Returns true when done/die ends this level: at the top that ends
 * the stack, in a substack only the substack. `start` is the state `reset` returns to (a substack's start).
 */
function run(nodes: PamNode[], state: RunState, decide: Decide, start: RunState): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.kind === "substack") {
      run(node.nodes, state, decide, { ...state });
      continue;
    }
    const ret = decide(node.line);
    const action = actionFor(node.line, ret);
    if (action === "ignore") continue;
    if (action === "ok" || action === "done") {
      if (state.impression === "undef" || (state.impression === "positive" && state.status === "success")) {
        if (ret !== "ignore") {
          state.impression = "positive";
          state.status = ret;
        }
      }
      if (state.impression !== "negative" && action === "done") return true;
      continue;
    }
    if (action === "bad" || action === "die") {
      if (state.impression !== "negative") {
        state.impression = "negative";
        state.status = ret === "ignore" ? "must_fail" : ret;
      }
      if (action === "die") return true;
      continue;
    }
    if (action === "reset") {
      state.impression = start.impression;
      state.status = start.status;
      continue;
    }
    // A jump skips that many entries at this level; a substack counts as one.
    i += Number(action);
  }
  return false;
}

/** One minimal way the stack succeeds: the factors presented, and the switches it relies on. */
export interface PamOutcome {
  factors: PamFactor[];
  /**
   * Switches whose value is not known and without which this way would not exist while another way
   * would: each lets some logins skip a check (nullok for a user whose enrolment is unknown, Duo
   * unreachable under failmode safe, ...).
   */
  bypasses: PamCondition[];
  /** Switches this way relies on that are known to hold, or that every way relies on: cited, not doubted. */
  because: PamCondition[];
}

interface RawOutcome {
  factors: PamFactor[];
  assumptions: Array<{ condition: PamCondition; value: boolean }>;
}

export interface PamAnalysis {
  /** Minimal successful combinations; empty when the stack can never succeed. */
  outcomes: PamOutcome[];
  /** Modules that ask for a factor, for evidence. */
  factorLines: Array<{ factor: PamFactor; line: PamModuleLine }>;
  problems: string[];
  /** Set when the stack could not be analysed (too many switches). */
  error?: string;
}

/** How the stack is driven: keyboard-interactive answers each prompt; the password method answers all with one string. */
export type PamMode = "prompts" | "single-answer";

const maxVariables = 16;
/** Module runs in all (combinations × stack length): a 16-switch stack of 100 lines, well beyond real ones. */
const maxSteps = 100 * 2 ** 16;

/**
 * Every minimal way the auth stack succeeds for `subject`. In `single-answer` mode (sshd's `password`
 * method under UsePAM, and `none` with empty passwords) at most one typed factor can be given, unless a
 * google-authenticator line takes password and code in one answer (`forward_pass`).
 */
export function analyzeAuthStack(
  stack: PamNode[],
  subject: PamSubject,
  env: PamEnvironment,
  mode: PamMode,
  held: "any" | "none" = "any",
): PamAnalysis {
  const problems: string[] = [];
  const lines = moduleLines(stack);
  const models = new Map<PamModuleLine, ModuleModel>();
  for (const line of lines) models.set(line, modelModule(line, subject, env, problems));
  const factorLines = lines.flatMap((line) => {
    const check = models.get(line)!.check;
    return "factor" in check ? [{ factor: check.factor, line }] : [];
  });
  const factors = [...new Set(factorLines.map((f) => f.factor))];
  const variables = new Map<string, PamCondition>();
  for (const model of models.values())
    for (const g of model.gates)
      if (g.condition.known === undefined) variables.set(g.condition.id, g.condition);
  const conds = [...variables.values()];
  // Each combination runs the whole stack: bound the work, not only the combinations.
  if (
    factors.length + conds.length > maxVariables ||
    lines.length * 2 ** (factors.length + conds.length) > maxSteps
  ) {
    return {
      outcomes: [],
      factorLines,
      problems,
      error: `the PAM auth stack has ${lines.length} modules with ${factors.length + conds.length} factors and switches; too many to analyse`,
    };
  }
  const forwardPass = lines.some((l) => l.module === "pam_google_authenticator.so" && has(l, "forward_pass"));
  const found: RawOutcome[] = [];
  const total = 1 << (factors.length + conds.length);
  for (let mask = 0; mask < total; mask++) {
    const heldSet = new Set(factors.filter((_, i) => mask & (1 << i)));
    if (held === "none" && heldSet.size > 0) continue;
    if (
      mode === "single-answer" &&
      !forwardPass &&
      [...heldSet].filter((f) => typedFactors.has(f)).length > 1
    )
      continue;
    const values = new Map(conds.map((c, i) => [c.id, (mask & (1 << (factors.length + i))) !== 0]));
    const consulted = new Map<string, RawOutcome["assumptions"][number]>();
    const decide: Decide = (line) => {
      const model = models.get(line)!;
      for (const gate of model.gates) {
        const value = gate.condition.known ?? values.get(gate.condition.id) ?? false;
        consulted.set(gate.condition.id, { condition: gate.condition, value });
        if (value) return gate.ret;
      }
      if ("ret" in model.check) return model.check.ret;
      return heldSet.has(model.check.factor) ? "success" : "auth_err";
    };
    const state: RunState = { impression: "undef", status: "must_fail" };
    run(stack, state, decide, { ...state });
    if (state.impression === "positive" && state.status === "success") {
      found.push({ factors: [...heldSet], assumptions: [...consulted.values()] });
    }
  }
  return { outcomes: minimalOutcomes(found), factorLines, problems };
}

/**
 * Keeps outcomes no other outcome improves on (fewer factors under fewer switches that had to be true),
 * then sorts each one's switches: a switch every outcome needs is a precondition of logging in at all
 * (cited as `because`); one some outcome does without is a bypass.
 */
export function minimalOutcomes(outcomes: RawOutcome[]): PamOutcome[] {
  const norm = outcomes.map((o) => ({
    factors: [...o.factors].sort(),
    conditions: o.assumptions
      .filter((a) => a.value)
      .map((a) => a.condition)
      .sort((a, b) => a.id.localeCompare(b.id)),
  }));
  const subset = <T>(a: T[], b: T[], key: (x: T) => string) => {
    const keys = new Set(b.map(key));
    return a.every((x) => keys.has(key(x)));
  };
  type Norm = (typeof norm)[number];
  const dominates = (a: Norm, b: Norm) =>
    subset(a.factors, b.factors, (f) => f) && subset(a.conditions, b.conditions, (c) => c.id);
  const kept: Norm[] = [];
  for (const o of norm) {
    if (kept.some((k) => dominates(k, o))) continue;
    for (let i = kept.length - 1; i >= 0; i--) if (dominates(o, kept[i]!)) kept.splice(i, 1);
    kept.push(o);
  }
  return kept.map((o) => {
    const bypasses: PamCondition[] = [];
    const because: PamCondition[] = [];
    for (const c of o.conditions) {
      const avoidable = kept.some((k) => !k.conditions.some((x) => x.id === c.id));
      if (c.known === undefined && avoidable) bypasses.push(c);
      else because.push(c);
    }
    return { factors: o.factors, bypasses, because };
  });
}

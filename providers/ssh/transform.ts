import { unreadPath } from "../../src/collect/unread.js";
import { type DuoUnixConfigRef, type DuoUnixLogin, duoUnixLogin } from "../../src/model/facts/duo-unix.js";
import { factOf } from "../../src/model/facts/kind.js";
import {
  type SshEmptyPasswords,
  type SshRootLogin,
  sshEmptyPasswords,
  sshRootLogin,
} from "../../src/model/facts/ssh.js";
import type {
  AccessPath,
  Account,
  AuthChain,
  EntryPoint,
  Evidence,
  Fact,
  FactorStrength,
  MfaVerdict,
  WayClass,
} from "../../src/model/index.js";
import { distinctEvidence, strongestOf, worstWayVerdict } from "../../src/model/index.js";
import {
  analyzeAuthStack,
  duoGroupsMatch,
  duoUsernameFor,
  type PamAnalysis,
  type PamCondition,
  type PamEnvironment,
  type PamFactor,
  type PamModuleLine,
  type PamStack,
  type PamSubject,
} from "../../src/model/pam/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { adminGroups, type GroupEntry, noLoginShells, type PasswdEntry, posixUserName } from "./api.js";
import type { SourceSpec } from "./sources.js";
import {
  addrMatchList,
  all,
  authenticationMethods,
  type ConnectionSpec,
  type EffectiveConfig,
  first,
  kbdInteractiveEnabled,
  locate,
  matchPattern,
  matchPatternList,
  type PermitRootLogin,
  permitRootLogin,
  type RawConfig,
  yesNo,
} from "./sshd-config.js";

/**
 * Pure decision (reference/remote-access-and-ticketing.md §1.2): for each principal and source, the
 * method lists that complete a login and whether each needs two independent factors; then the model's
 * accounts, one entry point per host, access paths with verdicts, and the root-login and empty-password
 * facts. Every verdict cites the config lines it rests on.
 */

export const source = "ssh";

// ---------------------------------------------------------------------------------------------------
// Principals

export interface Principal {
  name: string;
  uid?: number;
  home?: string;
  shell?: string;
  gecos?: string;
  /** Primary and supplementary group names; undefined when not known. */
  groups?: string[];
  password: PamSubject["password"];
  /** `passwd -S` says L and UsePAM is off: sshd refuses a `!` password but not `*`, and we cannot tell which. */
  lockAmbiguous?: boolean;
  /** Where we learned of it: the account database, or only from AllowUsers/AllowGroups. */
  origin: "passwd" | "allowusers" | "allowgroups";
}

export interface PrincipalInput {
  accounts?: PasswdEntry[];
  groups?: GroupEntry[];
  /** `passwd -S` status by user. */
  status?: Map<string, "L" | "NP" | "P">;
  global: EffectiveConfig;
}

export interface PrincipalList {
  principals: Principal[];
  /** Accounts that cannot log in, and why (not findings, not gaps). */
  excluded: Array<{ name: string; reason: string }>;
  /** Names that fail the strict user-name check: never passed to a command. */
  rejected: Array<{ name: string; reason: string }>;
  /** Every uid-0 account (PermitRootLogin applies to uid 0, whatever its name). */
  rootNames: string[];
}

function groupsOf(entry: PasswdEntry, groups: GroupEntry[] | undefined): string[] | undefined {
  if (!groups) return undefined;
  const primary = groups.find((g) => g.gid === entry.gid)?.name;
  const supplementary = groups.filter((g) => g.members.includes(entry.name)).map((g) => g.name);
  return [...new Set([...(primary ? [primary] : []), ...supplementary])];
}

/**
 * Accounts that can log in (a login shell; a locked password only stops them when UsePAM is off, since
 * OpenSSH checks the lock itself only without PAM and key logins still work), plus users named only in
 * AllowUsers/AllowGroups (directory users the account database does not list).
 */
export function principalsOf(input: PrincipalInput): PrincipalList {
  const out: PrincipalList = { principals: [], excluded: [], rejected: [], rootNames: [] };
  const usePam = yesNo(input.global, "usepam");
  const seen = new Set<string>();
  const add = (p: Principal) => {
    if (seen.has(p.name)) return;
    seen.add(p.name);
    if (!posixUserName.test(p.name)) {
      out.rejected.push({ name: p.name, reason: "not a portable POSIX user name; never passed to sshd -C" });
      return;
    }
    out.principals.push(p);
  };
  for (const entry of input.accounts ?? []) {
    if (entry.uid === 0 && !out.rootNames.includes(entry.name)) out.rootNames.push(entry.name);
    if (seen.has(entry.name)) continue;
    const shell = entry.shell === "" ? "/bin/sh" : entry.shell;
    if (noLoginShells.has(shell)) {
      seen.add(entry.name);
      out.excluded.push({ name: entry.name, reason: `login shell ${shell}` });
      continue;
    }
    const status = input.status?.get(entry.name);
    add({
      // passwd -S prints L both for `!…` (sshd without PAM refuses the account) and for `*` (it does not).
      ...(status === "L" && usePam === false ? { lockAmbiguous: true } : {}),
      name: entry.name,
      uid: entry.uid,
      home: entry.home,
      shell,
      gecos: entry.gecos,
      groups: groupsOf(entry, input.groups),
      password: status === "L" ? "locked" : status === "NP" ? "empty" : status === "P" ? "usable" : "unknown",
      origin: "passwd",
    });
  }
  // Users only named in AllowUsers (directory users that getent does not enumerate).
  for (const line of all(input.global, "allowusers")) {
    const user = line.value.split("@")[0] ?? "";
    if (user === "" || /[*?!]/.test(user) || seen.has(user)) continue;
    add({ name: user, password: "unknown", origin: "allowusers" });
  }
  for (const line of all(input.global, "allowgroups")) {
    if (/[*?!]/.test(line.value)) continue;
    const group = input.groups?.find((g) => g.name === line.value);
    for (const member of group?.members ?? []) {
      if (seen.has(member)) continue;
      add({ name: member, password: "unknown", groups: [line.value], origin: "allowgroups" });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Per-login decision

/** What a way in asks for. `security-key-verified`: an sk-* key with verify-required (PIN/biometric). */
export type Factor = PamFactor | "publickey" | "security-key-verified" | "host" | "kerberos";

const factorLabel: Record<Factor, string> = {
  publickey: "a key",
  "security-key-verified": "a FIDO security key with user verification (sk-* key, verify-required)",
  password: "a password",
  otp: "a one-time code",
  push: "a Duo approval",
  "security-key": "a security key",
  radius: "whatever the RADIUS server asks",
  host: "a trusted client host (hostbased)",
  kerberos: "a Kerberos ticket (gssapi-with-mic)",
  unknown: "whatever an unmodelled PAM module checks",
};

const factorStrength: Partial<Record<Factor, FactorStrength>> = {
  publickey: "app",
  otp: "app",
  push: "app",
  "security-key": "phishing-resistant",
  "security-key-verified": "phishing-resistant",
};

/** One way a method (or a whole list) completes: factors presented, switches relied on, evidence. */
interface Way {
  list: string;
  factors: Factor[];
  bypasses: PamCondition[];
  because: PamCondition[];
  evidence: Evidence[];
  /** The Duo Unix configuration files whose approval (`push`) this way presents. */
  duoFiles?: string[];
}

export interface DecisionContext {
  connection: string;
  host: string;
  /** The raw config, for the file:line that set each keyword. */
  raw?: RawConfig;
  /** The PAM auth stack of service sshd; undefined when UsePAM is off. */
  pam?: { stack: PamStack } | { error: string };
  pamEnv: PamEnvironment;
  /** Whether a user has a google-authenticator secret for a module line; undefined = not known. */
  otpEnrolled?: (user: string, line: PamModuleLine) => boolean | undefined;
}

export interface LoginDecision {
  /** Why this principal cannot log in from this source, when it cannot. */
  refused?: string;
  verdict?: MfaVerdict;
  chain?: AuthChain;
  /** The method lists as decided, for details and tests. */
  lists: Array<{ list: string; ways: number; impossible?: string }>;
  /**
   * When a way in presents Duo's approval: the Duo Unix files it comes from, and the verdict without it
   * (what the login is when Duo lets this user through unasked: status bypass, a permissive new-user policy).
   */
  duo?: { files: string[]; withoutDuo: MfaVerdict };
}

function evidence(ctx: DecisionContext, e: Omit<Evidence, "source" | "connection" | "objectId">): Evidence {
  return { source, connection: ctx.connection, objectId: ctx.host, ...e };
}

/** Names the raw line that set `keyword` for this login, when it agrees with what sshd printed. */
function settingEvidence(
  ctx: DecisionContext,
  effective: EffectiveConfig,
  keyword: string,
  /** The login; undefined for the global configuration (no Match block applies). */
  spec: ConnectionSpec | undefined,
  note?: string,
): Evidence {
  const printed = first(effective, keyword);
  const value = printed?.value ?? null;
  const located = ctx.raw ? locate(ctx.raw, keyword, spec) : undefined;
  if (
    located &&
    !("unknown" in located) &&
    located.at &&
    (printed === undefined ||
      located.value === printed.value.toLowerCase() ||
      located.value === printed.value)
  ) {
    return evidence(ctx, {
      file: located.at.file,
      line: located.at.line,
      field: keyword,
      value,
      ...(note
        ? { note }
        : located.at.match
          ? { note: `in the Match block at ${located.at.match.file}:${located.at.match.line}` }
          : {}),
    });
  }
  return evidence(ctx, {
    endpoint: effective.label,
    ...(printed && printed.line > 0 ? { line: printed.line } : {}),
    field: keyword,
    value,
    note:
      note ??
      (ctx.raw
        ? "not set in sshd_config: OpenSSH's default for this build"
        : "effective value printed by sshd"),
  });
}

function pamLineEvidence(
  ctx: DecisionContext,
  file: string,
  line: number | undefined,
  value: string,
  note: string,
): Evidence {
  return evidence(ctx, { file, ...(line ? { line } : {}), value, note });
}

function conditionEvidence(ctx: DecisionContext, c: PamCondition): Evidence {
  return pamLineEvidence(ctx, c.file, c.line, c.setting, c.description);
}

/** Whether AllowUsers/DenyUsers/AllowGroups/DenyGroups refuse this login (sshd's allowed_user order). */
function accessRefusal(
  effective: EffectiveConfig,
  principal: Principal,
  spec: ConnectionSpec,
): string | undefined {
  const userMatches = (entry: string) => {
    const at = entry.indexOf("@");
    const userPart = at >= 0 ? entry.slice(0, at) : entry;
    if (!matchPattern(principal.name, userPart)) return false;
    if (at < 0) return true;
    const hostPart = entry.slice(at + 1);
    return addrMatchList(spec.addr, hostPart) === 1 || matchPatternList(spec.host, hostPart, true) === 1;
  };
  const deny = all(effective, "denyusers").find((l) => userMatches(l.value));
  if (deny) return `DenyUsers ${deny.value}`;
  const allow = all(effective, "allowusers");
  if (allow.length > 0 && !allow.some((l) => userMatches(l.value))) return "not listed in AllowUsers";
  const groups = principal.groups;
  if (groups) {
    const denyG = all(effective, "denygroups").find((l) => groups.some((g) => matchPattern(g, l.value)));
    if (denyG) return `DenyGroups ${denyG.value}`;
    const allowG = all(effective, "allowgroups");
    if (allowG.length > 0 && !allowG.some((l) => groups.some((g) => matchPattern(g, l.value))))
      return "not in AllowGroups";
  }
  return undefined;
}

/** sshd accepts only FIDO keys with user verification: every accepted algorithm is sk-*, and verify-required is set. */
function securityKeysOnly(effective: EffectiveConfig): boolean {
  const algorithms = first(effective, "pubkeyacceptedalgorithms")?.value.split(",").filter(Boolean) ?? [];
  const options = first(effective, "pubkeyauthoptions")?.value.toLowerCase() ?? "";
  return (
    algorithms.length > 0 &&
    algorithms.every((a) => a.startsWith("sk-")) &&
    options.includes("verify-required")
  );
}

const rootMethods: Record<PermitRootLogin, Set<string> | "all"> = {
  yes: "all",
  "prohibit-password": new Set(["publickey", "hostbased", "gssapi-with-mic"]),
  "forced-commands-only": new Set(["publickey"]),
  no: new Set(),
};

interface MethodContext {
  ctx: DecisionContext;
  effective: EffectiveConfig;
  principal: Principal;
  spec: ConnectionSpec;
  isRoot: boolean;
  pamCache: Map<string, PamAnalysis>;
}

function pamWays(
  m: MethodContext,
  mode: "prompts" | "single-answer",
  held: "any" | "none",
  list: string,
  methodEvidence: Evidence[],
): Way[] | { impossible: string } {
  const pam = m.ctx.pam;
  if (!pam) return { impossible: "UsePAM is off" };
  if ("error" in pam) {
    return [
      {
        list,
        factors: ["unknown"],
        bypasses: [],
        because: [],
        evidence: [...methodEvidence, evidence(m.ctx, { file: "/etc/pam.d/sshd", note: pam.error })],
      },
    ];
  }
  if (pam.stack.unreadable.length > 0) {
    const what = pam.stack.unreadable.map((u) => `${u.file} (${u.reason})`).join(", ");
    return [
      {
        list,
        factors: ["unknown"],
        bypasses: [],
        because: [],
        evidence: [
          ...methodEvidence,
          evidence(m.ctx, { file: pam.stack.unreadable[0]!.file, note: `PAM stack incomplete: ${what}` }),
        ],
      },
    ];
  }
  const key = `${mode}/${held}`;
  let analysis = m.pamCache.get(key);
  if (!analysis) {
    const subject: PamSubject = {
      user: m.principal.name,
      ...(m.principal.uid === undefined ? {} : { uid: m.principal.uid }),
      ...(m.principal.groups ? { groups: m.principal.groups } : {}),
      password: m.principal.password,
      emptyPasswordsPermitted: yesNo(m.effective, "permitemptypasswords") === true,
      otpEnrolled: (line) => m.ctx.otpEnrolled?.(m.principal.name, line),
    };
    analysis = analyzeAuthStack(pam.stack.nodes, subject, m.ctx.pamEnv, mode, held);
    m.pamCache.set(key, analysis);
  }
  if (analysis.error) {
    return [
      {
        list,
        factors: ["unknown"],
        bypasses: [],
        because: [],
        evidence: [...methodEvidence, evidence(m.ctx, { file: pam.stack.service, note: analysis.error })],
      },
    ];
  }
  if (analysis.outcomes.length === 0)
    return {
      impossible: `the PAM auth stack (${pam.stack.service}) never succeeds for ${m.principal.name} this way`,
    };
  const duoFiles = [
    ...new Set(
      analysis.factorLines
        .filter((f) => f.factor === "push")
        .map((f) => f.line.args.find((a) => a.startsWith("conf="))?.slice(5) || "/etc/duo/pam_duo.conf"),
    ),
  ];
  return analysis.outcomes.map((o) => ({
    list,
    factors: o.factors,
    bypasses: o.bypasses,
    because: o.because,
    ...(o.factors.includes("push") ? { duoFiles } : {}),
    evidence: [
      ...methodEvidence,
      ...analysis!.factorLines
        .filter((f) => o.factors.includes(f.factor))
        .map((f) =>
          pamLineEvidence(
            m.ctx,
            f.line.file,
            f.line.line,
            f.line.text,
            `${f.line.module} asks for ${factorLabel[f.factor]}`,
          ),
        ),
      ...[...o.bypasses, ...o.because].map((c) => conditionEvidence(m.ctx, c)),
    ],
  }));
}

function methodWays(m: MethodContext, method: string, list: string): Way[] | { impossible: string } {
  const { ctx, effective, spec } = m;
  const [name, device] = method.split(":");
  const prl = permitRootLogin(effective);
  if (m.isRoot && prl) {
    const allowed = rootMethods[prl];
    if (allowed !== "all" && !allowed.has(name!))
      return { impossible: `PermitRootLogin ${prl} refuses ${name} for root` };
  }
  const rootEvidence = m.isRoot ? [settingEvidence(ctx, effective, "permitrootlogin", spec)] : [];
  switch (name) {
    case "publickey": {
      if (yesNo(effective, "pubkeyauthentication") === false)
        return { impossible: "PubkeyAuthentication no" };
      const sk = securityKeysOnly(effective);
      const ev = [settingEvidence(ctx, effective, "pubkeyauthentication", spec), ...rootEvidence];
      if (sk)
        ev.push(
          settingEvidence(ctx, effective, "pubkeyacceptedalgorithms", spec),
          settingEvidence(ctx, effective, "pubkeyauthoptions", spec),
        );
      return [
        {
          list,
          factors: [sk ? "security-key-verified" : "publickey"],
          bypasses: [],
          because: [],
          evidence: ev,
        },
      ];
    }
    case "password": {
      if (yesNo(effective, "passwordauthentication") === false)
        return { impossible: "PasswordAuthentication no" };
      const ev = [settingEvidence(ctx, effective, "passwordauthentication", spec), ...rootEvidence];
      if (yesNo(effective, "usepam") === true) return pamWays(m, "single-answer", "any", list, ev);
      if (m.principal.password === "locked")
        return { impossible: `${m.principal.name}'s password is locked` };
      if (m.principal.password === "empty") {
        if (yesNo(effective, "permitemptypasswords") !== true)
          return { impossible: "empty password, PermitEmptyPasswords no" };
        return [
          {
            list,
            factors: [],
            bypasses: [],
            because: [],
            evidence: [
              ...ev,
              settingEvidence(
                ctx,
                effective,
                "permitemptypasswords",
                spec,
                `${m.principal.name} has an empty password`,
              ),
            ],
          },
        ];
      }
      return [{ list, factors: ["password"], bypasses: [], because: [], evidence: ev }];
    }
    case "keyboard-interactive": {
      if (kbdInteractiveEnabled(effective) === false)
        return { impossible: "KbdInteractiveAuthentication no" };
      const ev = [settingEvidence(ctx, effective, "kbdinteractiveauthentication", spec), ...rootEvidence];
      const usePam = yesNo(effective, "usepam");
      if (device === "bsdauth")
        return [{ list, factors: ["unknown"], bypasses: [], because: [], evidence: ev }];
      if (usePam === true) return pamWays(m, "prompts", "any", list, ev);
      if (usePam === false) return { impossible: "keyboard-interactive has no device without PAM on Linux" };
      return [
        {
          list,
          factors: ["unknown"],
          bypasses: [],
          because: [],
          evidence: [
            ...ev,
            evidence(ctx, {
              endpoint: effective.label,
              field: "usepam",
              note: "not printed: sshd built without PAM; BSD auth devices are not modelled",
            }),
          ],
        },
      ];
    }
    case "hostbased":
      if (yesNo(effective, "hostbasedauthentication") !== true)
        return { impossible: "HostbasedAuthentication no" };
      return [
        {
          list,
          factors: ["host"],
          bypasses: [],
          because: [],
          evidence: [settingEvidence(ctx, effective, "hostbasedauthentication", spec), ...rootEvidence],
        },
      ];
    case "gssapi-with-mic":
      if (yesNo(effective, "gssapiauthentication") !== true) return { impossible: "GSSAPIAuthentication no" };
      return [
        {
          list,
          factors: ["kerberos"],
          bypasses: [],
          because: [],
          evidence: [settingEvidence(ctx, effective, "gssapiauthentication", spec), ...rootEvidence],
        },
      ];
    case "none": {
      // sshd's none method tries an empty password when PermitEmptyPasswords and PasswordAuthentication allow it.
      if (
        yesNo(effective, "permitemptypasswords") !== true ||
        yesNo(effective, "passwordauthentication") === false
      )
        return { impossible: "empty passwords not permitted" };
      if (m.isRoot && prl !== "yes") return { impossible: `PermitRootLogin ${prl}` };
      const ev = [
        settingEvidence(ctx, effective, "permitemptypasswords", spec),
        settingEvidence(ctx, effective, "passwordauthentication", spec),
      ];
      if (yesNo(effective, "usepam") === true) return pamWays(m, "single-answer", "none", list, ev);
      if (m.principal.password === "empty")
        return [{ list, factors: [], bypasses: [], because: [], evidence: ev }];
      if (m.principal.password === "unknown")
        return [{ list, factors: ["unknown"], bypasses: [], because: [], evidence: ev }];
      return { impossible: `${m.principal.name} has a password` };
    }
    default:
      return { impossible: `unknown method ${method}` };
  }
}

const maxWaysPerList = 512;

function combine(a: Way[], b: Way[]): Way[] {
  const out: Way[] = [];
  for (const x of a)
    for (const y of b) {
      out.push({
        list: x.list,
        factors: [...new Set([...x.factors, ...y.factors])],
        bypasses: [...x.bypasses, ...y.bypasses.filter((c) => !x.bypasses.some((d) => d.id === c.id))],
        because: [...x.because, ...y.because.filter((c) => !x.because.some((d) => d.id === c.id))],
        evidence: [...x.evidence, ...y.evidence],
        ...(x.duoFiles || y.duoFiles
          ? { duoFiles: [...new Set([...(x.duoFiles ?? []), ...(y.duoFiles ?? [])])] }
          : {}),
      });
      if (out.length >= maxWaysPerList) return out;
    }
  return out;
}

/** login_duo as ForceCommand: Duo after any login, unless Duo is skipped or the client only forwards ports. */
function loginDuoWays(m: MethodContext): Way[] | undefined {
  const force = first(m.effective, "forcecommand")?.value ?? "none";
  if (!/(^|\/)login_duo(\s|$)/.test(force)) return undefined;
  const ev = settingEvidence(m.ctx, m.effective, "forcecommand", m.spec);
  const path = "/etc/duo/login_duo.conf";
  const conf = m.ctx.pamEnv.duo?.(path) ?? { kind: "error" as const, reason: "not read" };
  const list = "ForceCommand login_duo";
  const ways: Way[] = [
    { list, factors: ["push"], bypasses: [], because: [], evidence: [ev], duoFiles: [path] },
  ];
  const cond = (
    id: string,
    description: string,
    setting: string,
    line: number | undefined,
    known?: boolean,
  ): PamCondition => ({
    id: `${path}:${id}`,
    description,
    file: path,
    ...(line ? { line } : {}),
    setting,
    ...(known === undefined ? {} : { known }),
  });
  const skip = (c: PamCondition): Way => ({
    list,
    factors: [],
    bypasses: c.known ? [] : [c],
    because: c.known ? [c] : [],
    evidence: [ev, conditionEvidence(m.ctx, c)],
  });
  if (conf.kind === "missing")
    ways.push(
      skip(
        cond(
          "missing",
          `${path} does not exist, so login_duo lets every session through (failmode defaults to safe)`,
          "failmode",
          undefined,
          true,
        ),
      ),
    );
  else if (conf.kind === "error")
    ways.push(
      skip(
        cond(
          "unknown",
          `${path} could not be read (${conf.reason}); Duo's failmode is not known`,
          "failmode",
          undefined,
        ),
      ),
    );
  else {
    if (conf.config.failmode.value === "safe")
      ways.push(
        skip(
          cond(
            "failsafe",
            "Duo's service cannot be reached, and failmode is safe (allow access)",
            "failmode = safe",
            conf.config.failmode.line,
          ),
        ),
      );
    if (conf.config.groups) {
      const member = m.principal.groups
        ? duoGroupsMatch(conf.config.groups.patterns, m.principal.groups)
        : undefined;
      if (member !== true)
        ways.push(
          skip(
            cond(
              "groups",
              `${m.principal.name} is not in login_duo's groups`,
              `groups = ${conf.config.groups.patterns.join(" ")}`,
              conf.config.groups.line,
              member === undefined ? undefined : !member,
            ),
          ),
        );
    }
  }
  const disabled = yesNo(m.effective, "disableforwarding") === true;
  const tcp = first(m.effective, "allowtcpforwarding")?.value.toLowerCase();
  const tunnel = first(m.effective, "permittunnel")?.value.toLowerCase();
  if (!disabled && ((tcp && tcp !== "no") || (tunnel && tunnel !== "no"))) {
    ways.push(
      skip(
        cond(
          "forwarding",
          "the client asks only for port forwarding (ssh -N), which ForceCommand does not run for",
          `AllowTcpForwarding ${tcp ?? "?"}, PermitTunnel ${tunnel ?? "?"}`,
          undefined,
        ),
      ),
    );
    ways[ways.length - 1]!.evidence.push(settingEvidence(m.ctx, m.effective, "allowtcpforwarding", m.spec));
  }
  return ways;
}

function classify(way: Way): WayClass {
  if (way.factors.includes("security-key-verified")) return "enforced";
  const known = way.factors.filter((f) => f !== "unknown" && f !== "radius");
  if (known.length >= 2) return "enforced";
  if (way.factors.some((f) => f === "unknown" || f === "radius")) return "unknown";
  // Relying on a module not being installed, which nobody checked: not a per-login switch, so unknown.
  if ([...way.bypasses, ...way.because].some((c) => c.kind === "presence" && c.known === undefined))
    return "unknown";
  return way.bypasses.length > 0 ? "bypassable" : "none";
}

function describeWay(way: Way): string {
  const what = way.factors.length ? way.factors.map((f) => factorLabel[f]).join(" + ") : "no factor at all";
  const via = ` (${way.list})`;
  const when = way.bypasses.length ? ` when ${way.bypasses.map((c) => c.description).join(", or ")}` : "";
  const because = way.because.length ? `, because ${way.because.map((c) => c.description).join("; ")}` : "";
  return `${what}${via}${when}${because}`;
}

/** The verdict for one principal from one source, given sshd's effective configuration for that login. */
export function decideLogin(
  ctx: DecisionContext,
  principal: Principal,
  spec: ConnectionSpec,
  effective: EffectiveConfig,
): LoginDecision {
  const isRoot = principal.uid === 0;
  const prl = permitRootLogin(effective);
  if (isRoot && prl === "no") return { refused: "PermitRootLogin no", lists: [] };
  const refusal = accessRefusal(effective, principal, spec);
  if (refusal) return { refused: refusal, lists: [] };
  const m: MethodContext = { ctx, effective, principal, spec, isRoot, pamCache: new Map() };
  const configured = authenticationMethods(effective);
  const amEvidence = settingEvidence(ctx, effective, "authenticationmethods", spec);
  const lists =
    configured === "any"
      ? ["publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic", "none"].map(
          (method) => ({ text: "any", methods: [method] }),
        )
      : configured;
  const decided: LoginDecision["lists"] = [];
  const ways: Way[] = [];
  const duo = loginDuoWays(m);
  for (const l of lists) {
    let acc: Way[] | undefined;
    let impossible: string | undefined;
    for (const method of l.methods) {
      const w = methodWays(m, method, l.text);
      if ("impossible" in w) {
        impossible = `${method}: ${w.impossible}`;
        break;
      }
      acc = acc ? combine(acc, w) : w;
    }
    if (!impossible && acc && duo) acc = combine(acc, duo);
    const label = l.text === "any" ? l.methods.join(",") : l.text;
    // With AuthenticationMethods any, each method is its own list: name it in descriptions.
    if (l.text === "any" && acc)
      acc = acc.map((w) => ({
        ...w,
        list: l.methods[0] === "none" ? "none method, empty password" : l.methods[0]!,
      }));
    if (impossible || !acc) {
      decided.push({ list: label, ways: 0, impossible: impossible ?? "empty list" });
      continue;
    }
    decided.push({ list: label, ways: acc.length });
    appendAll(
      ways,
      acc.map((w) => ({ ...w, evidence: [amEvidence, ...w.evidence] })),
    );
  }
  if (ways.length === 0) {
    return {
      refused: `no method list can complete (${decided.map((d) => `${d.list}: ${d.impossible}`).join("; ")})`,
      lists: decided,
    };
  }
  const read = (way: Way) => ({
    class: classify(way),
    factorCount: way.factors.length,
    strength: strongestOf(way.factors, factorStrength),
    description: describeWay(way),
    evidence: way.evidence,
  });
  const phrases = { letsIn: `logs ${principal.name} in`, needs: "this login needs" };
  const { verdict, worst } = worstWayVerdict(ways, read, phrases);
  const worstFactors = worst[0]!.factors;
  const duoFiles = [...new Set(ways.flatMap((w) => w.duoFiles ?? []))];
  // Duo's approval counts only as far as Duo asks this user for it (the Duo linker decides): the same ways
  // without it are what the login is when Duo lets the user through.
  const duoPart =
    duoFiles.length > 0
      ? {
          files: duoFiles,
          withoutDuo: worstWayVerdict(
            ways.map((w) => ({ ...w, factors: w.factors.filter((f) => f !== "push") })),
            read,
            phrases,
          ).verdict,
        }
      : undefined;
  return {
    verdict,
    chain: { factors: worstFactors.length ? worstFactors : ["none"] },
    lists: decided,
    ...(duoPart ? { duo: duoPart } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// Inventory for one host

export interface HostEntryPoint {
  /** Entry point id: `ssh:<connection>:<host>:<port>`. */
  id: string;
  name: string;
  host: string;
  port: number;
}

export interface HostInput {
  connection: string;
  entryPoint: HostEntryPoint;
  /** `OpenSSH_9.2p1 …` when read. */
  version?: string;
  global: EffectiveConfig;
  decision: DecisionContext;
  principals: PrincipalList;
  accounts?: PasswdEntry[];
  /** Why the local accounts (getent passwd) were not read: who logs in is then one unknown path. */
  accountsUnread?: string;
  sources: SourceSpec[];
  /** Effective configuration per login: from sshd -T -C, or the config-only Match evaluation. */
  effective: (user: string, source: SourceSpec) => EffectiveConfig | { error: string };
  /** Users with an empty password (`passwd -S` NP); undefined when not read. */
  emptyPasswordAccounts?: string[];
  /** Extra caveats for the entry point's evidence. */
  notes: string[];
}

export interface HostInventory {
  accounts: Account[];
  entryPoints: EntryPoint[];
  accessPaths: AccessPath[];
  facts: Fact[];
}

export function entryPointOf(connection: string, ep: HostEntryPoint, extra: Evidence[] = []): EntryPoint {
  return {
    id: ep.id,
    name: ep.name,
    kind: "ssh",
    source,
    connection,
    evidence: [{ source, connection, objectId: ep.host, endpoint: `ssh ${ep.host}:${ep.port}` }, ...extra],
  };
}

function specFor(user: string, s: SourceSpec, groups?: string[]): ConnectionSpec {
  return {
    user,
    host: s.host,
    addr: s.addr,
    laddr: s.laddr,
    lport: s.lport,
    ...(s.rdomain !== undefined ? { rdomain: s.rdomain } : {}),
    ...(groups ? { groups } : {}),
  };
}

function accountOf(
  input: HostInput,
  p: Principal,
  enrolled: boolean | "unknown",
  otpEvidence: Evidence[],
): Account {
  const c = input.connection;
  const host = input.entryPoint.host;
  const roles = [
    ...(p.uid === 0 ? ["uid 0"] : []),
    ...(p.groups ?? []).filter((g) => adminGroups.has(g)).map((g) => `group ${g}`),
  ];
  const ev: Evidence = {
    source,
    connection: c,
    objectId: host,
    endpoint:
      p.origin === "passwd" ? "getent passwd" : p.origin === "allowusers" ? "AllowUsers" : "AllowGroups",
    field: p.name,
    value: p.origin === "passwd" ? `uid ${p.uid} shell ${p.shell}` : "named in sshd's configuration only",
  };
  const statusEv: Evidence[] =
    p.password === "unknown"
      ? []
      : [
          {
            source,
            connection: c,
            objectId: host,
            endpoint: "passwd -S -a",
            field: p.name,
            value: p.password,
          },
        ];
  return {
    id: `${p.name}@${host}`,
    name: `${p.name}@${host}`,
    ...(p.gecos?.split(",")[0] ? { displayName: p.gecos.split(",")[0] } : {}),
    source,
    connection: c,
    kind: "local",
    status: p.password === "locked" ? "locked" : p.origin === "passwd" ? "active" : "unknown",
    admin: { isAdmin: p.groups === undefined && p.uid === undefined ? "unknown" : roles.length > 0, roles },
    enrollment: {
      enrolled,
      methods: enrolled === true ? [{ method: "totp (google-authenticator)", strength: "app" }] : [],
      evidence: otpEvidence,
    },
    evidence: [ev, ...statusEv],
  };
}

/** The host's part of the inventory: accounts, the entry point, a path per (principal, group of sources), facts. */
export function hostInventory(input: HostInput): HostInventory {
  const c = input.connection;
  const ep = input.entryPoint;
  const entryPoint = entryPointOf(c, ep, [
    ...(input.version
      ? [{ source, connection: c, objectId: ep.host, endpoint: "sshd -V", value: input.version }]
      : []),
    {
      source,
      connection: c,
      objectId: ep.host,
      endpoint: input.global.label,
      note: `${input.sources.length} source range(s) evaluated: ${input.sources.map((s) => s.label).join(", ")}`,
    },
    ...input.notes.map((note) => ({ source, connection: c, objectId: ep.host, note })),
  ]);
  const accounts: Account[] = [];
  const accessPaths: AccessPath[] = [];
  const facts: Fact[] = [];
  const gaLines =
    input.decision.pam && "stack" in input.decision.pam ? collectGaLines(input.decision.pam.stack) : [];
  const rootSources: SshRootLogin["sources"] = [];
  const permitted: SshEmptyPasswords["permitted"] = [];
  const notKnown: string[] = [];
  const rootPrincipal =
    input.principals.principals.find((p) => p.uid === 0 && p.name === "root") ??
    input.principals.principals.find((p) => p.uid === 0);

  for (const p of input.principals.principals) {
    let enrolled: boolean | "unknown" = gaLines.length === 0 ? false : "unknown";
    const otpEvidence: Evidence[] = [];
    if (gaLines.length > 0) {
      const values = gaLines.map((l) => input.decision.otpEnrolled?.(p.name, l));
      enrolled = values.every((v) => v === true) ? true : values.some((v) => v === false) ? false : "unknown";
      otpEvidence.push({
        source,
        connection: c,
        objectId: ep.host,
        endpoint: "google-authenticator secret file",
        field: p.name,
        value: enrolled,
      });
    }
    accounts.push(accountOf(input, p, enrolled, otpEvidence));
    const bySignature = new Map<string, { sources: SourceSpec[]; decision: LoginDecision }>();
    for (const s of input.sources) {
      const effective = input.effective(p.name, s);
      const isRootHere = p === rootPrincipal;
      if ("error" in effective) {
        notKnown.push(`${p.name} from ${s.label}: ${effective.error}`);
        if (isRootHere) rootSources.push({ source: s.label, permitRootLogin: null, accessPath: null });
        const key = `error:${effective.error}`;
        const decision: LoginDecision = {
          verdict: {
            state: "unknown",
            strength: null,
            reason: `sshd's configuration for this login could not be read: ${effective.error}`,
            evidence: [{ source, connection: c, objectId: ep.host, note: effective.error }],
          },
          chain: { factors: [] },
          lists: [],
        };
        bySignature.set(key, { sources: [...(bySignature.get(key)?.sources ?? []), s], decision });
        continue;
      }
      const spec = specFor(p.name, s, p.groups);
      if (yesNo(effective, "permitemptypasswords") === true)
        permitted.push({ principal: p.name, source: s.label });
      const decision = lockAmbiguity(p, decideLogin(input.decision, p, spec, effective));
      if (isRootHere)
        rootSources.push({
          source: s.label,
          permitRootLogin: permitRootLogin(effective) ?? null,
          accessPath: null,
        });
      if (decision.refused || !decision.verdict) continue;
      const key = JSON.stringify([
        decision.verdict.state,
        decision.verdict.reason,
        decision.chain?.factors,
        decision.duo?.withoutDuo.reason,
      ]);
      bySignature.set(key, { sources: [...(bySignature.get(key)?.sources ?? []), s], decision });
    }
    for (const { sources, decision } of bySignature.values()) {
      const everywhere = sources.length === input.sources.length;
      const suffix = everywhere
        ? "any"
        : sources
            .map((s) => s.key)
            .sort()
            .join("+");
      const label = everywhere ? "any address" : sources.map((s) => s.label).join(", ");
      const path: AccessPath = {
        id: `${ep.id}/${p.name}@${suffix}`,
        entryPoint: ep.id,
        accounts: [`${p.name}@${ep.host}`],
        chain: decision.chain ?? { factors: [] },
        mfa: {
          ...decision.verdict!,
          reason: `${p.name} from ${label}: ${decision.verdict!.reason}`,
          evidence: [...decision.verdict!.evidence, probeEvidence(c, ep, sources)],
        },
      };
      accessPaths.push(path);
      if (decision.duo) facts.push(duoUnixFact(input, p, path, decision.duo, label, sources));
      if (p === rootPrincipal)
        for (const r of rootSources) if (sources.some((s) => s.label === r.source)) r.accessPath = path.id;
    }
  }
  if (input.accountsUnread)
    // The local accounts were not listed: any of them may log in, with a verdict nobody has seen.
    accessPaths.push(
      unreadPath(
        { id: ep.id, evidence: entryPoint.evidence },
        `the local accounts (getent passwd) could not be read (${input.accountsUnread}): who logs in over SSH, and with what, is not known`,
        { key: "accounts" },
      ),
    );
  if (!rootPrincipal) {
    // Root is not a principal (no login shell, or not found): still report PermitRootLogin per source.
    for (const s of input.sources) {
      const effective = input.effective("root", s);
      rootSources.push({
        source: s.label,
        permitRootLogin: "error" in effective ? null : (permitRootLogin(effective) ?? null),
        accessPath: null,
      });
    }
  }
  const rootEntry =
    input.accounts?.find((a) => a.uid === 0 && a.name === "root") ?? input.accounts?.find((a) => a.uid === 0);
  const rootAccount: SshRootLogin["rootAccount"] = !input.accounts
    ? "unknown"
    : !rootEntry
      ? "not-found"
      : rootPrincipal
        ? "login-shell"
        : "no-login-shell";
  const rootSpecs = input.sources.map((s) => ({ s, e: input.effective(rootPrincipal?.name ?? "root", s) }));
  const rootEvidence = rootSpecs.flatMap(({ s, e }) =>
    "error" in e
      ? []
      : [
          settingEvidence(
            input.decision,
            e,
            "permitrootlogin",
            specFor(rootPrincipal?.name ?? "root", s),
            `from ${s.label}`,
          ),
        ],
  );
  facts.push(
    factOf(
      sshRootLogin,
      {
        id: `${ep.id}/root-login`,
        source,
        connection: c,
        evidence: distinctEvidence(
          rootEvidence.length
            ? rootEvidence
            : [{ source, connection: c, objectId: ep.host, note: "PermitRootLogin could not be read" }],
        ),
      },
      { entryPoint: ep.id, host: ep.name, rootAccount, sources: rootSources },
    ),
    {
      kind: sshEmptyPasswords.name,
      id: `${ep.id}/empty-passwords`,
      source,
      connection: c,
      data: {
        entryPoint: ep.id,
        host: ep.name,
        permitted:
          input.principals.principals.length === 0 && yesNo(input.global, "permitemptypasswords") === true
            ? [{ principal: null, source: "global" }]
            : permitted,
        notKnown,
        emptyPasswordAccounts: input.emptyPasswordAccounts ?? null,
      } satisfies SshEmptyPasswords,
      evidence: distinctEvidence([
        settingEvidence(input.decision, input.global, "permitemptypasswords", undefined),
        ...(input.emptyPasswordAccounts
          ? [
              {
                source,
                connection: c,
                objectId: ep.host,
                endpoint: "passwd -S -a",
                field: "NP",
                value: input.emptyPasswordAccounts,
              },
            ]
          : []),
      ]),
    },
  );
  return { accounts, entryPoints: [entryPoint], accessPaths, facts };
}

/**
 * The Duo linker's input for a path whose ways present Duo's approval: which Duo application each Duo Unix
 * file names (`ikey`), the name duo_unix presents to Duo, and the verdict without Duo's factor.
 */
function duoUnixFact(
  input: HostInput,
  p: Principal,
  path: AccessPath,
  duo: NonNullable<LoginDecision["duo"]>,
  label: string,
  sources: SourceSpec[],
): Fact {
  const c = input.connection;
  const read = duo.files.map((file) => ({ file, conf: input.decision.pamEnv.duo?.(file) }));
  const configs: DuoUnixConfigRef[] = read.map(({ file, conf }) => {
    if (conf?.kind === "ok" && conf.config.ikey)
      return { file, ikey: conf.config.ikey.value, line: conf.config.ikey.line };
    const unread =
      conf === undefined
        ? "not read"
        : conf.kind === "missing"
          ? "the file does not exist"
          : conf.kind === "error"
            ? conf.reason
            : "the file has no ikey line";
    return { file, ikey: null, unread };
  });
  const withGecos = read.flatMap(({ conf }) =>
    conf?.kind === "ok" && conf.config.gecos ? [conf.config] : [],
  );
  const data: DuoUnixLogin = {
    accessPath: path.id,
    login: p.name,
    duoUsername: withGecos[0] ? duoUsernameFor(withGecos[0], p.name, p.gecos) : p.name,
    fromGecos: withGecos.length > 0,
    configs,
    withoutDuo: {
      ...duo.withoutDuo,
      reason: `${p.name} from ${label}: ${duo.withoutDuo.reason}`,
      evidence: [...duo.withoutDuo.evidence, probeEvidence(c, input.entryPoint, sources)],
    },
  };
  return factOf(
    duoUnixLogin,
    {
      id: `${path.id}/duo-unix`,
      source,
      connection: c,
      evidence: configs.map((cfg) =>
        evidence(input.decision, {
          file: cfg.file,
          ...(cfg.line ? { line: cfg.line } : {}),
          field: "ikey",
          value: cfg.ikey,
          ...(cfg.unread ? { note: cfg.unread } : {}),
        }),
      ),
    },
    data,
  );
}

/** Which address (and local address, port) stood for each source of a path, "elsewhere" included. */
function probeEvidence(connection: string, ep: HostEntryPoint, sources: SourceSpec[]): Evidence {
  return {
    source,
    connection,
    objectId: ep.host,
    endpoint: `port ${sources[0]?.lport ?? ep.port}`,
    field: "evaluated as",
    value: sources.map(
      (s) =>
        `${s.label}: ${s.unevaluable ? "not evaluated" : `addr=${s.addr}${s.host !== s.addr ? ` host=${s.host}` : ""} laddr=${s.laddr}`}`,
    ),
    note: "the connection each source was evaluated with (sshd -T -C); 'any other address' is one no Match criterion names",
  };
}

/** A login that gets in with fewer than two factors, by an account sshd may refuse as locked: unknown, not dropped. */
function lockAmbiguity(p: Principal, decision: LoginDecision): LoginDecision {
  const v = decision.verdict;
  if (!p.lockAmbiguous || !v || (v.state !== "none" && v.state !== "bypassable")) return decision;
  return {
    ...decision,
    verdict: {
      ...v,
      state: "unknown",
      reason: `passwd -S shows ${p.name} locked (L), which with UsePAM off stops the account if its password field starts with '!' but not if it is '*'; if it can log in: ${v.reason}`,
    },
  };
}

function collectGaLines(stack: PamStack): PamModuleLine[] {
  const out: PamModuleLine[] = [];
  const walk = (nodes: PamStack["nodes"]) => {
    for (const n of nodes) {
      if (n.kind === "module") {
        if (n.line.module === "pam_google_authenticator.so") out.push(n.line);
      } else walk(n.nodes);
    }
  };
  walk(stack.nodes);
  return out;
}

/** A host that could not be read: its entry point and one `unknown` path, so nothing unread looks compliant. */
export function unreadHostInventory(connection: string, ep: HostEntryPoint, reason: string): HostInventory {
  const ev: Evidence = {
    source,
    connection,
    objectId: ep.host,
    endpoint: `ssh ${ep.host}:${ep.port}`,
    note: reason,
  };
  return {
    accounts: [],
    entryPoints: [entryPointOf(connection, ep)],
    accessPaths: [
      {
        id: `${ep.id}/*`,
        entryPoint: ep.id,
        accounts: [],
        chain: { factors: [] },
        mfa: {
          state: "unknown",
          strength: null,
          reason: `${ep.name} was not read: ${reason}`,
          evidence: [ev],
        },
      },
    ],
    facts: [],
  };
}

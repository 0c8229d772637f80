import { appendFile, readdir, stat } from "node:fs/promises";
import { isIP } from "node:net";
import { join, posix } from "node:path";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import {
  describeError,
  MfasweepError,
  ProviderPermissionError,
  ProviderResponseError,
  SecretError,
} from "../../src/errors.js";
import type { ProviderInventory } from "../../src/model/index.js";
import {
  buildPamStack,
  type DuoConfig,
  includeTargets,
  moduleLines,
  type PamFileState,
  type PamModuleLine,
  type PamStack,
  parseDuoConfig,
  parsePamFile,
  resolvePamPath,
} from "../../src/model/pam/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { FileReadError, readTextFile } from "../../src/util/text-file.js";
import { parseGroups, parsePasswd, parsePasswordStatus } from "./api.js";
import {
  type CommandResult,
  classifySshError,
  type HostReader,
  LiveHostReader,
  type SshCredentials,
  type SshdTResult,
  SshHost,
} from "./client.js";
import { entriesFor, type KnownHostEntry, knownHostsLine, parseKnownHosts } from "./known-hosts.js";
import { type SshHostSettings, SshSettings } from "./settings.js";
import { SnapshotReader } from "./snapshot.js";
import { listenersOf, type NamedCriteria, portsOf, type SourceSpec, sourcesFor } from "./sources.js";
import {
  all,
  applyMatchBlocks,
  buildRawConfig,
  type ConfigFileLines,
  type ConnectionSpec,
  type EffectiveConfig,
  type IncludeResolver,
  matchPattern,
  parseSshdT,
  type RawConfig,
  specArgument,
  tokenizeConfigFile,
  yesNo,
} from "./sshd-config.js";
import {
  type DecisionContext,
  type HostEntryPoint,
  type HostInventory,
  hostInventory,
  principalsOf,
  source,
  unreadHostInventory,
} from "./transform.js";

type Ctx = CollectContext<SshSettings>;

/** Logins evaluated per host at most (principals × sources); beyond it the rest is reported as a gap. */
const maxLoginsPerHost = 4000;
/** `sshd -T -C` commands in flight per host: under sshd's default MaxSessions (10). */
const hostLimits = { concurrency: 4 };

// ---------------------------------------------------------------------------------------------------
// Reading sshd_config with its Include files, and the PAM stack with its includes.

const sshDir = "/etc/ssh";
const maxConfigFiles = 64;

function includePaths(
  pattern: string,
  listing: (dir: string) => string[] | { error: string } | undefined,
): string[] | { error: string } {
  const abs = pattern.startsWith("/") ? posix.normalize(pattern) : posix.join(sshDir, pattern);
  const dir = posix.dirname(abs);
  const base = posix.basename(abs);
  if (/[*?[]/.test(dir)) return { error: "wildcards in directory names are not followed" };
  if (!/[*?]/.test(base)) return [abs];
  const names = listing(dir);
  if (!names) return [];
  if ("error" in names) return names;
  // glob(3) order, and like glob a pattern does not match dot files.
  return names
    .filter((n) => !n.startsWith(".") && matchPattern(n, base))
    .sort()
    .map((n) => posix.join(dir, n));
}

async function loadRawConfig(
  reader: HostReader,
  mainPath: string,
): Promise<{ raw?: RawConfig; problem?: string }> {
  const main = await reader.readFile(mainPath);
  if (main.kind !== "ok") {
    return {
      problem: main.kind === "missing" ? `${mainPath} does not exist` : `${mainPath}: ${main.reason}`,
    };
  }
  const files = new Map<string, ConfigFileLines | { error: string }>();
  const dirs = new Map<string, string[] | { error: string }>();
  const first = tokenizeConfigFile(main.text, mainPath);
  files.set(mainPath, first);
  const pending = [first];
  while (pending.length > 0 && files.size < maxConfigFiles) {
    const file = pending.shift()!;
    for (const line of file.lines.filter((l) => l.keyword === "include")) {
      for (const pattern of line.args) {
        const abs = pattern.startsWith("/") ? pattern : posix.join(sshDir, pattern);
        const dir = posix.dirname(abs);
        if (/[*?]/.test(posix.basename(abs)) && !dirs.has(dir)) {
          const listed = await reader.listDir(dir);
          dirs.set(
            dir,
            listed.kind === "ok" ? listed.names : listed.kind === "missing" ? [] : { error: listed.reason },
          );
        }
        const paths = includePaths(pattern, (d) => dirs.get(d));
        if ("error" in paths) continue;
        for (const path of paths) {
          if (files.has(path)) continue;
          const r = await reader.readFile(path);
          if (r.kind === "ok") {
            const tokens = tokenizeConfigFile(r.text, path);
            files.set(path, tokens);
            pending.push(tokens);
          } else files.set(path, r.kind === "missing" ? { error: "missing" } : { error: r.reason });
        }
      }
    }
  }
  const resolve: IncludeResolver = (pattern) => {
    const paths = includePaths(pattern, (d) => dirs.get(d));
    if ("error" in paths) return paths;
    const out: ConfigFileLines[] = [];
    for (const path of paths) {
      const f = files.get(path);
      // glob(3) skips a literal path that does not exist, as sshd does.
      if (!f || ("error" in f && f.error === "missing")) continue;
      if ("error" in f) return { error: `${path}: ${f.error}` };
      out.push(f);
    }
    return out;
  };
  return { raw: buildRawConfig(first, resolve) };
}

async function loadPamStack(
  reader: HostReader,
  service: string,
): Promise<{ stack: PamStack; notes: string[] } | { error: string }> {
  const notes: string[] = [];
  const files = new Map<string, PamFileState>();
  let root = service;
  let wave = [service];
  // Breadth first, one round trip per level of includes.
  while (wave.length > 0 && files.size < maxConfigFiles) {
    const paths = [...new Set(wave)].filter((p) => !files.has(p));
    const reads = await Promise.all(paths.map((p) => reader.readFile(p)));
    wave = [];
    paths.forEach((path, i) => {
      const r = reads[i]!;
      if (r.kind === "ok") {
        const parsed = parsePamFile(r.text, path);
        files.set(path, { kind: "parsed", file: parsed });
        appendAll(wave, includeTargets(parsed));
      } else if (r.kind === "missing") {
        files.set(path, { kind: "missing" });
        if (path === service && root === service) {
          // Linux-PAM falls back to the `other` service when a service has no file.
          root = resolvePamPath("other");
          notes.push(`${service} does not exist: PAM uses ${root}`);
          wave.push(root);
        }
      } else files.set(path, { kind: "error", reason: r.reason });
    });
  }
  const rootState = files.get(root);
  if (!rootState || rootState.kind === "error")
    return { error: `${root}: ${rootState?.kind === "error" ? rootState.reason : "not read"}` };
  if (rootState.kind === "missing") return { error: `neither ${service} nor ${root} exists` };
  return { stack: buildPamStack(root, files, "auth"), notes };
}

/** google-authenticator's `secret=` short-hands: `${USER}`, `${HOME}` and a leading `~`. */
const userToken = "$" + "{USER}";
const homeToken = "$" + "{HOME}";

function expandSecretPath(line: PamModuleLine, user: string, home: string | undefined): string | undefined {
  const secret =
    line.args.find((a) => a.startsWith("secret="))?.slice("secret=".length) ?? "~/.google_authenticator";
  if ((secret.includes(homeToken) || secret.startsWith("~")) && !home) return undefined;
  const path = secret
    .replace(/^~/, home ?? "")
    .replaceAll(homeToken, home ?? "")
    .replaceAll(userToken, user);
  return path.startsWith("/") ? posix.normalize(path) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// One host, from any reader.

interface HostPlan {
  ep: HostEntryPoint;
  sshdConfig: string;
  pamService: string;
  /** The address sshd sees as local (laddr) and the port logins reach (lport). */
  laddr?: string;
  lport?: number;
  extraSources: string[];
  /** The entry point for another port sshd listens on. */
  portEntryPoint: (port: number) => HostEntryPoint;
}

/**
 * `sshd -T`, or, when a `Match LocalPort` makes plain `-T` refuse ("'lport' not in connection test
 * specification"), `sshd -T -C` with the port the scanner reached: Port and ListenAddress cannot be
 * set inside Match, so any spec gives the host-wide settings.
 */
async function globalConfig(reader: HostReader, plan: HostPlan, notes: string[]): Promise<SshdTResult> {
  const g = await reader.sshdT();
  if (g.kind !== "error" || !/not in connection test specification/.test(g.reason)) return g;
  const spec = specArgument({
    user: "root",
    host: "203.0.113.10",
    addr: "203.0.113.10",
    laddr: plan.laddr ?? "0.0.0.0",
    lport: plan.lport ?? 22,
  });
  const [r] = await reader.sshdTFor([spec], new Set(["user", "host", "addr", "laddr", "lport", "rdomain"]));
  if (r?.kind !== "ok") return g;
  notes.push(`plain sshd -T refused (${g.reason.slice(0, 160)}); host-wide settings read with -C ${spec}`);
  return r;
}

async function collectHost(ctx: Ctx, reader: HostReader, plan: HostPlan): Promise<HostInventory> {
  const { ep } = plan;
  const notes: string[] = [];
  const g = await globalConfig(reader, plan, notes);
  if (g.kind !== "ok") {
    const reason = g.kind === "error" ? g.reason : "not saved";
    if (/hostkeys|needs root|sudo/i.test(reason))
      throw new ProviderPermissionError(`${ep.name}: ${reason}`, [
        "root or sudo: true (sshd -T reads the host keys)",
      ]);
    throw new ProviderResponseError(`${ep.name}: ${reason}`);
  }
  const parsedGlobal = parseSshdT(g.text, g.label);
  if (!parsedGlobal.ok) throw new ProviderResponseError(`${ep.name}: ${parsedGlobal.error}`);
  const global = parsedGlobal.value;
  appendAll(notes, parsedGlobal.warnings.slice(0, 5));
  ctx.progress(`${ep.name}: sshd_config, accounts`);
  // Independent reads go out together: each is a round trip to the host.
  const [version, { raw, problem }, acc, grp, st] = await Promise.all([
    reader.version(),
    loadRawConfig(reader, plan.sshdConfig),
    reader.accounts(),
    reader.groups(),
    reader.passwordStatus(),
  ]);
  if (problem)
    ctx.gap(`${ep.name}: source ranges named in Match blocks`, `${problem}; only one source is evaluated`);
  for (const p of raw?.problems ?? []) {
    if (/Include/.test(p)) ctx.gap(`${ep.name}: ${p.split(":").slice(0, 2).join(":")}`, p);
    else notes.push(p);
  }

  let accounts: ReturnType<typeof parsePasswd>["records"] | undefined;
  let accountsUnread: string | undefined;
  if (acc.kind === "ok") {
    const parsed = parsePasswd(acc.text);
    accounts = parsed.records;
    for (const r of parsed.rejected) ctx.skip(`${ep.name}: getent passwd line ${r.line}`, r.reason);
  } else {
    accountsUnread = acc.kind === "missing" ? "getent passwd not saved" : acc.reason;
    ctx.gap(`${ep.name}: local accounts`, accountsUnread);
  }
  const groups = grp.kind === "ok" ? parseGroups(grp.text).records : undefined;
  if (grp.kind !== "ok")
    ctx.note(
      `${ep.name}: group memberships not known (${grp.kind === "missing" ? "not saved" : grp.reason})`,
    );
  let status: Map<string, "L" | "NP" | "P"> | undefined;
  if (st.kind === "ok") status = new Map(parsePasswordStatus(st.text).records.map((r) => [r.name, r.status]));
  else
    ctx.note(
      `${ep.name}: password lock state not known (${st.kind === "missing" ? "not saved" : st.reason})`,
    );
  const principals = principalsOf({
    ...(accounts ? { accounts } : {}),
    ...(groups ? { groups } : {}),
    ...(status ? { status } : {}),
    global,
  });
  for (const r of principals.rejected)
    ctx.skip(`${ep.name}: account ${JSON.stringify(r.name).slice(0, 40)}`, r.reason);
  if (principals.excluded.length)
    notes.push(`${principals.excluded.length} account(s) cannot log in (no login shell)`);

  let pam: DecisionContext["pam"];
  const duoFiles = new Map<
    string,
    { kind: "ok"; config: DuoConfig } | { kind: "missing" } | { kind: "error"; reason: string }
  >();
  const readDuo = async (path: string) => {
    if (duoFiles.has(path)) return;
    const r = await reader.readDuoConfig(path);
    if (r.kind === "ok") {
      const parsed = parseDuoConfig(r.text, path);
      appendAll(notes, parsed.problems);
      duoFiles.set(path, { kind: "ok", config: parsed.config });
    } else duoFiles.set(path, r);
  };
  const otp = new Map<string, boolean | undefined>();
  const modules = new Map<string, boolean | undefined>();
  if (yesNo(global, "usepam") === true) {
    ctx.progress(`${ep.name}: PAM`);
    const loaded = await loadPamStack(reader, plan.pamService);
    if ("error" in loaded) {
      ctx.gap(`${ep.name}: PAM auth stack`, loaded.error);
      pam = { error: loaded.error };
    } else {
      pam = { stack: loaded.stack };
      appendAll(notes, [...loaded.notes, ...loaded.stack.problems.slice(0, 10)]);
      for (const u of loaded.stack.unreadable) ctx.gap(`${ep.name}: ${u.file}`, u.reason);
      const lines = moduleLines(loaded.stack.nodes);
      const modulePaths = [...new Set(lines.map((l) => l.path))];
      const present = await reader.pamModulesPresent(modulePaths);
      modulePaths.forEach((m, i) => {
        modules.set(m, present[i]);
      });
      const missing = modulePaths.filter((m) => modules.get(m) === false);
      if (missing.length > 0)
        notes.push(
          `PAM modules not installed (PAM gives their controls PAM_MODULE_UNKNOWN): ${missing.join(", ")}`,
        );
      for (const line of lines.filter((l) => l.module === "pam_duo.so")) {
        await readDuo(line.args.find((a) => a.startsWith("conf="))?.slice(5) || "/etc/duo/pam_duo.conf");
      }
      const gaLines = lines.filter((l) => l.module === "pam_google_authenticator.so");
      const checks = gaLines.flatMap((line) =>
        principals.principals.flatMap((p) => {
          const path = expandSecretPath(line, p.name, p.home);
          return path ? [{ key: `${p.name}\0${line.file}:${line.line}`, user: p.name, path }] : [];
        }),
      );
      const enrolled = await reader.otpEnrolled(checks);
      checks.forEach((c, i) => {
        otp.set(c.key, enrolled[i]);
      });
    }
  }

  // Each listening port is an entry point of its own; per port, the sources its Match blocks name.
  const listeners = listenersOf(global);
  const ports = portsOf(listeners, plan.lport);
  const primary = ports[0];
  const perPort = ports.map((port) => {
    const planned = sourcesFor(raw, {
      lport: port,
      listeners: listeners.filter((l) => l.lport === port),
      ...(plan.laddr ? { reached: plan.laddr } : {}),
      extra: plan.extraSources,
    });
    return { port, ep: port === primary ? ep : plan.portEntryPoint(port), ...planned };
  });
  for (const p of perPort)
    appendAll(
      notes,
      p.problems.map((x) => (ports.length > 1 ? `port ${p.port}: ${x}` : x)),
    );
  const reads = specFieldsRead(raw, perPort[0]?.named);

  // The effective configuration per login. Without any Match block, the global one is everyone's.
  const noMatch =
    raw !== undefined && raw.matches.length === 0 && !raw.problems.some((p) => /Include/.test(p));
  const users = [...principals.principals.map((p) => p.name)];
  const rootName = principals.principals.find((p) => p.uid === 0)?.name ?? "root";
  if (!users.includes(rootName)) users.push(rootName);
  const effective = new Map<string, EffectiveConfig | { error: string }>();
  const loginKey = (user: string, s: SourceSpec) => `${user}\0${s.lport}\0${s.key}`;
  const jobs: Array<{ user: string; s: SourceSpec }> = [];
  for (const { sources } of perPort)
    for (const user of users)
      for (const s of sources) {
        if (s.unevaluable) effective.set(loginKey(user, s), { error: s.unevaluable });
        else jobs.push({ user, s });
      }
  if (jobs.length > maxLoginsPerHost) {
    ctx.gap(
      `${ep.name}: logins beyond the first ${maxLoginsPerHost}`,
      `${jobs.length} (principal, port, source) combinations; only the first ${maxLoginsPerHost} are evaluated`,
    );
    jobs.length = maxLoginsPerHost;
  }
  ctx.progress(`${ep.name}: effective configuration per login`, 0, jobs.length);
  const specOf = (j: (typeof jobs)[number]): ConnectionSpec => ({
    user: j.user,
    host: j.s.host,
    addr: j.s.addr,
    laddr: j.s.laddr,
    lport: j.s.lport,
    ...(j.s.rdomain !== undefined ? { rdomain: j.s.rdomain } : {}),
  });
  const results = noMatch
    ? []
    : await reader.sshdTFor(
        jobs.map((j) => specArgument(specOf(j))),
        reads,
      );
  let localEvaluations = 0;
  jobs.forEach((job, i) => {
    const key = loginKey(job.user, job.s);
    const r = results[i];
    if (noMatch) {
      effective.set(key, global);
      return;
    }
    if (!r) {
      effective.set(key, { error: "no result from the host" });
      return;
    }
    if (r.kind === "ok") {
      const parsed = parseSshdT(r.text, r.label);
      effective.set(key, parsed.ok ? parsed.value : { error: parsed.error });
    } else if (r.kind === "not-saved") {
      if (!raw) {
        // Without sshd_config its Match blocks are unknown (already a gap): the global configuration is all we have.
        effective.set(key, global);
        return;
      }
      localEvaluations++;
      const p = principals.principals.find((x) => x.name === job.user);
      const applied = applyMatchBlocks(global, raw, {
        ...specOf(job),
        ...(p?.groups ? { groups: p.groups } : {}),
      });
      effective.set(key, applied.ok ? applied.config : { error: applied.error });
    } else effective.set(key, { error: r.reason });
  });
  const loginDuo = [global, ...effective.values()].some(
    (e) => "lines" in e && (all(e, "forcecommand")[0]?.value ?? "").includes("login_duo"),
  );
  if (loginDuo) await readDuo("/etc/duo/login_duo.conf");
  if (localEvaluations > 0)
    ctx.note(
      `${ep.name}: ${localEvaluations} login(s) evaluated against the Match blocks by mfasweep (no saved sshd -T -C output)`,
    );

  const decision: DecisionContext = {
    connection: ctx.connectionId,
    host: ep.host,
    ...(raw ? { raw } : {}),
    ...(pam ? { pam } : {}),
    pamEnv: {
      duo: (path) => duoFiles.get(path) ?? { kind: "error", reason: "not read" },
      modulePresent: (line) => modules.get(line.path),
    },
    otpEnrolled: (user, line) => otp.get(`${user}\0${line.file}:${line.line}`),
  };
  const inventories = perPort.map(({ ep: portEp, sources }) =>
    hostInventory({
      connection: ctx.connectionId,
      entryPoint: portEp,
      ...(version ? { version } : {}),
      global,
      decision,
      principals,
      ...(accounts ? { accounts } : {}),
      ...(accountsUnread ? { accountsUnread } : {}),
      sources,
      effective: (user, s) =>
        effective.get(loginKey(user, s)) ?? { error: "not evaluated (too many logins on this host)" },
      ...(status ? { emptyPasswordAccounts: [...status].filter(([, v]) => v === "NP").map(([k]) => k) } : {}),
      notes:
        ports.length > 1
          ? [...notes, `sshd listens on ports ${ports.join(", ")}: each is an entry point`]
          : notes,
    }),
  );
  // Accounts belong to the host, not to a port.
  return {
    accounts: inventories[0]?.accounts ?? [],
    entryPoints: inventories.flatMap((i) => i.entryPoints),
    accessPaths: inventories.flatMap((i) => i.accessPaths),
    facts: inventories.flatMap((i) => i.facts),
  };
}

/** The `-C` fields the configuration reads: a saved output without one of them still fits any value of it. */
function specFieldsRead(raw: RawConfig | undefined, named: NamedCriteria | undefined): ReadonlySet<string> {
  if (!raw || !named) return new Set(["user", "host", "addr", "laddr", "lport", "rdomain"]);
  const fields = new Set(["user", "addr"]);
  if (named.host.length > 0) fields.add("host");
  if (named.localAddress.length > 0) fields.add("laddr");
  if (named.localPort.length > 0) fields.add("lport");
  if (named.rdomain.length > 0) fields.add("rdomain");
  return fields;
}

// ---------------------------------------------------------------------------------------------------
// Live hosts and snapshots.

function entryPointFor(connection: string, name: string, host: string, port: number): HostEntryPoint {
  return { id: `${source}:${connection}:${name}`, name, host, port };
}

async function credentials(ctx: Ctx): Promise<SshCredentials> {
  const auth = ctx.settings.auth;
  if (!auth) throw new SecretError("no auth configured for SSH hosts");
  if (auth.method === "password") return { password: (await ctx.secret(auth.password)).reveal() };
  return {
    privateKey: (await ctx.secret(auth.privateKey)).reveal(),
    ...(auth.passphrase ? { passphrase: (await ctx.secret(auth.passphrase)).reveal() } : {}),
  };
}

async function knownHostsEntries(path: string, tofu: boolean): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts((await readTextFile(path, { what: "known_hosts file" })).text).entries;
  } catch (err) {
    const code = err instanceof FileReadError ? err.code : undefined;
    if (code === "ENOENT" && tofu) return [];
    throw new MfasweepError(`known_hosts file ${path} cannot be read (${code ?? "error"})`);
  }
}

async function collectLiveHost(ctx: Ctx, h: SshHostSettings, creds: SshCredentials): Promise<HostInventory> {
  const name = h.name ?? (h.port === 22 ? h.host : `${h.host}:${h.port}`);
  const ep = entryPointFor(ctx.connectionId, name, h.host, h.port);
  const knownPath = h.knownHosts ?? ctx.settings.knownHosts;
  const pinned = h.hostKey ? (Array.isArray(h.hostKey) ? h.hostKey : [h.hostKey]) : [];
  const known = knownPath
    ? entriesFor(await knownHostsEntries(knownPath, ctx.settings.trustOnFirstUse), h.host, h.port)
    : [];
  const tofu = ctx.settings.trustOnFirstUse && pinned.length === 0 && known.length === 0;
  const domain = ctx.quota(`ssh:${ctx.tenant.id}:${ctx.connectionId}:${name}`, hostLimits);
  const timeoutMs = ctx.settings.timeoutSeconds * 1000;
  ctx.progress(`${name}: connecting`);
  const host = await ctx.request(
    domain,
    `ssh ${name}`,
    () =>
      SshHost.connect({
        host: h.host,
        port: h.port,
        username: ctx.settings.username!,
        credentials: creds,
        hostKey: { pinned, known, trustOnFirstUse: tofu },
        timeoutMs,
      }),
    classifySshError,
  );
  if (tofu && knownPath) {
    await appendFile(knownPath, `${knownHostsLine(h.host, h.port, host.seen.blob)}\n`, { mode: 0o600 });
    ctx.note(
      `trust on first use: recorded ${name}'s ${host.seen.type} key ${host.seen.fingerprint} in ${knownPath}; check it out of band`,
    );
  }
  const reader = new LiveHostReader(host, {
    sshdPath: h.sshdPath,
    sshdConfig: h.sshdConfig,
    sudo: ctx.settings.sudo,
    run: (label: string, command: () => Promise<CommandResult>) =>
      ctx.request(domain, `${name}: ${label}`, command, classifySshError),
  });
  try {
    return await collectHost(ctx, reader, {
      ep,
      sshdConfig: h.sshdConfig,
      pamService: h.pamService,
      ...(isIP(h.host) ? { laddr: h.host } : {}),
      lport: h.port,
      extraSources: ctx.settings.sources,
      portEntryPoint: (port) => {
        const other = port === 22 ? h.host : `${h.host}:${port}`;
        return entryPointFor(ctx.connectionId, h.name ? `${h.name}:${port}` : other, h.host, port);
      },
    });
  } finally {
    reader.close();
  }
}

async function snapshotHosts(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new MfasweepError(
      `snapshotDir ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const hosts: string[] = [];
  for (const n of names.sort())
    if (!n.startsWith(".") && (await stat(join(dir, n))).isDirectory()) hosts.push(n);
  if (hosts.length === 0) throw new MfasweepError(`snapshotDir ${dir} holds no host directory`);
  return hosts;
}

async function collectSnapshotHost(ctx: Ctx, dir: string, name: string): Promise<HostInventory> {
  const reader = new SnapshotReader(join(dir, name));
  const text = await reader.sshdT();
  const port = text.kind === "ok" ? Number(/^port (\d+)$/m.exec(text.text)?.[1] ?? 22) : 22;
  const ep = entryPointFor(ctx.connectionId, name, name, port);
  return collectHost(ctx, reader, {
    ep,
    lport: port,
    sshdConfig: "/etc/ssh/sshd_config",
    pamService: "/etc/pam.d/sshd",
    extraSources: ctx.settings.sources,
    portEntryPoint: (other) => entryPointFor(ctx.connectionId, `${name}:${other}`, name, other),
  });
}

interface Target {
  name: string;
  ep: HostEntryPoint;
  run: () => Promise<HostInventory>;
}

async function targets(ctx: Ctx): Promise<Target[]> {
  const s = ctx.settings;
  if (s.snapshotDir) {
    const dir = s.snapshotDir;
    return (await snapshotHosts(dir)).map((name) => ({
      name,
      ep: entryPointFor(ctx.connectionId, name, name, 22),
      run: () => collectSnapshotHost(ctx, dir, name),
    }));
  }
  const creds = await credentials(ctx);
  return (s.hosts ?? []).map((h) => {
    const name = h.name ?? (h.port === 22 ? h.host : `${h.host}:${h.port}`);
    return {
      name,
      ep: entryPointFor(ctx.connectionId, name, h.host, h.port),
      run: () => collectLiveHost(ctx, h, creds),
    };
  });
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const list = await targets(ctx);
  const results: HostInventory[] = new Array(list.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) {
      const t = list[i]!;
      try {
        results[i] = await t.run();
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        // One host failing (refused key, unreachable, no sudo) leaves the others readable.
        const reason = describeError(err);
        ctx.gap(`host ${t.name}`, reason);
        results[i] = unreadHostInventory(ctx.connectionId, t.ep, reason);
      }
      ctx.progress("hosts", ++done, list.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.settings.concurrency, list.length) }, worker));
  return {
    accounts: results.flatMap((r) => r.accounts),
    entryPoints: results.flatMap((r) => r.entryPoints),
    accessPaths: results.flatMap((r) => r.accessPaths),
    settings: [],
    facts: results.flatMap((r) => r.facts),
  };
}

/** Connects to each host and runs `sshd -T` once: checks the pin, the credentials and root/sudo. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  if (ctx.settings.snapshotDir) {
    const hosts = await snapshotHosts(ctx.settings.snapshotDir);
    return [
      {
        check: `snapshotDir ${ctx.settings.snapshotDir}`,
        ok: true,
        detail: `${hosts.length} host snapshot(s): ${hosts.join(", ")}`,
      },
    ];
  }
  const creds = await credentials(ctx);
  const checks: DoctorCheck[] = [];
  for (const h of ctx.settings.hosts ?? []) {
    const name = h.name ?? (h.port === 22 ? h.host : `${h.host}:${h.port}`);
    try {
      const knownPath = h.knownHosts ?? ctx.settings.knownHosts;
      const pinned = h.hostKey ? (Array.isArray(h.hostKey) ? h.hostKey : [h.hostKey]) : [];
      const known = knownPath ? entriesFor(await knownHostsEntries(knownPath, false), h.host, h.port) : [];
      const host = await SshHost.connect({
        host: h.host,
        port: h.port,
        username: ctx.settings.username!,
        credentials: creds,
        hostKey: { pinned, known, trustOnFirstUse: false },
        timeoutMs: ctx.settings.timeoutSeconds * 1000,
      });
      try {
        const r = await host.run([h.sshdPath, "-T", "-f", h.sshdConfig], { sudo: ctx.settings.sudo });
        const ok = r.code === 0 && parseSshdT(r.stdout).ok;
        checks.push({
          check: `${name}: sshd -T`,
          ok,
          ...(ok ? {} : { missing: ["root or passwordless sudo for sshd -T"] }),
          detail: ok
            ? `host key ${host.seen.type} ${host.seen.fingerprint} verified; sshd -T readable`
            : r.stderr.trim().slice(0, 200) || "no output",
        });
      } finally {
        host.close();
      }
    } catch (err) {
      const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
      checks.push({
        check: `${name}: connect`,
        ok: false,
        ...(missing ? { missing } : {}),
        detail: describeError(err),
      });
    }
  }
  return checks;
}

export const ssh = defineProvider<SshSettings>({
  type: source,
  title: "SSH (OpenSSH sshd)",
  connectionSchema: SshSettings,
  permissions: [
    "A read-only audit account that logs in with a key (or password) on each host; host keys pinned (hostKey) or in a known_hosts file.",
    "Root, or `sudo: true` with passwordless sudo for the fixed commands: sshd -T -f <sshd_config> [-C user=…,host=…,addr=…,laddr=…,lport=…], sshd -V, cat -- <sshd_config, its Include files, /etc/pam.d/*>, find <Include dir> -mindepth 1 -maxdepth 1 -print0, grep -n -i -E '<failmode|groups|autopush|ikey|send_gecos|gecos_username_pos|gecos_delim>' -- /etc/duo/pam_duo.conf /etc/duo/login_duo.conf, getent passwd, getent group, passwd -S -a, test -e <OTP secret file>, test -x <its directory>.",
    "Nothing is written on the host. Duo's skey is never read (only the failmode/groups/autopush/ikey/GECOS-name lines).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

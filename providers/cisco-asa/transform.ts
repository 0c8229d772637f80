import {
  dependsOnServer,
  npsDelegated,
  samlDelegated,
  unreadGatewayInventory,
  vpnFactKinds,
} from "../../src/collect/vpn.js";
import {
  type AccessPath,
  type Account,
  type AuthChain,
  type EntryPoint,
  type Evidence,
  type Fact,
  type JsonValue,
  type MfaVerdict,
  type ProviderInventory,
  serverTarget,
} from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { defaultTunnelGroups, type FmcConnectionProfile } from "./api.js";
import { type AsaCommand, type AsaLine, after } from "./running-config.js";

/**
 * Pure mapping from an ASA running-config and FTD/FMC connection profiles to entry points (one per
 * remote-access connection profile, plus device management), local accounts, access paths and the
 * local-fallback facts (reference §2.3).
 */

export const source = "cisco-asa";

interface At {
  line: number;
}

export interface TunnelGroup {
  name: string;
  type?: string;
  /** Declared in the config; the built-in defaults exist even when not. */
  line?: number;
  primary?: { group: string; fallback: boolean } & At;
  secondary?: { group: string; fallback: boolean } & At;
  authentication?: { methods: string[] } & At;
  samlIdp?: { entityId: string } & At;
}

/** A server's port settings under its `aaa-server … host` line (absent: the ASA's default). */
export interface HostPort {
  line: number;
  /** `authentication-port` (RADIUS). */
  authenticationPort?: number;
  /** `server-port` (LDAP). */
  serverPort?: number;
  /** `ldap-over-ssl enable`. */
  ldapOverSsl: boolean;
}

export type AaaServer = { protocol?: string; hosts: string[]; ports: Map<string, HostPort> } & At;

export interface AsaConfig {
  tunnelGroups: Map<string, TunnelGroup>;
  aaaServers: Map<string, AaaServer>;
  users: Map<string, { privilege: number; serviceType?: string } & At>;
  webvpn: { enabled: boolean; line?: number; samlIdps: Array<{ entityId: string; baseUrl?: string } & At> };
  management: Array<{ service: string; group: string; fallback: boolean } & At>;
}

function hostPort(cmd: AsaCommand): HostPort {
  const at: HostPort = { line: cmd.line, ldapOverSsl: false };
  for (const c of cmd.children) {
    const [key, value] = c.words;
    const port = Number(value);
    if (key === "authentication-port" && Number.isInteger(port)) at.authenticationPort = port;
    if (key === "server-port" && Number.isInteger(port)) at.serverPort = port;
    if (key === "ldap-over-ssl" && value === "enable") at.ldapOverSsl = true;
  }
  return at;
}

/** The parts of a running-config that decide how VPN users and administrators authenticate. */
export function readAsaConfig(commands: AsaCommand[]): AsaConfig {
  const config: AsaConfig = {
    tunnelGroups: new Map(),
    aaaServers: new Map(),
    users: new Map(),
    webvpn: { enabled: false, samlIdps: [] },
    management: [],
  };
  const group = (name: string) => {
    let tg = config.tunnelGroups.get(name);
    if (!tg) {
      tg = { name };
      config.tunnelGroups.set(name, tg);
    }
    return tg;
  };
  /** `[(iface)] GROUP [LOCAL]` → group and fallback. */
  const serverGroup = (words: string[]) => {
    const rest = words[0]?.startsWith("(") ? words.slice(1) : words;
    return { group: rest[0] ?? "", fallback: rest.slice(1).some((w) => w.toUpperCase() === "LOCAL") };
  };
  for (const cmd of commands) {
    const w = cmd.words;
    const tg = after(w, "tunnel-group");
    if (tg && tg.length >= 2) {
      const t = group(tg[0]!);
      if (tg[1] === "type") {
        t.type = tg[2];
        t.line = cmd.line;
      }
      if (tg[1] === "general-attributes")
        for (const c of cmd.children) {
          const primary = after(c.words, "authentication-server-group");
          if (primary) t.primary = { ...serverGroup(primary), line: c.line };
          const secondary = after(c.words, "secondary-authentication-server-group");
          if (secondary) t.secondary = { ...serverGroup(secondary), line: c.line };
        }
      if (tg[1] === "webvpn-attributes")
        for (const c of cmd.children) {
          const auth = after(c.words, "authentication");
          if (auth) t.authentication = { methods: auth.map((m) => m.toLowerCase()), line: c.line };
          const idp = after(c.words, "saml", "identity-provider");
          if (idp?.[0]) t.samlIdp = { entityId: idp[0], line: c.line };
        }
      continue;
    }
    const aaa = after(w, "aaa-server");
    if (aaa && aaa.length >= 2) {
      const name = aaa[0]!;
      const server: AaaServer = config.aaaServers.get(name) ?? {
        hosts: [],
        ports: new Map(),
        line: cmd.line,
      };
      if (aaa[1] === "protocol") server.protocol = aaa[2]?.toLowerCase();
      const host = aaa.indexOf("host");
      const address = host > 0 ? aaa[host + 1] : undefined;
      if (address) {
        // `aaa-server NAME (if) host ADDR` again enters the same host's settings: one host, not two.
        if (!server.hosts.includes(address)) server.hosts.push(address);
        server.ports.set(address, hostPort(cmd));
      }
      config.aaaServers.set(name, server);
      continue;
    }
    const user = after(w, "username");
    if (user && user.length >= 2) {
      const name = user[0]!;
      const prior = config.users.get(name);
      if (user[1] === "attributes") {
        const service = cmd.children.map((c) => after(c.words, "service-type")?.[0]).find(Boolean);
        if (prior) prior.serviceType = service;
        else config.users.set(name, { privilege: 2, serviceType: service, line: cmd.line });
      } else {
        const p = user.indexOf("privilege");
        const privilege = p >= 0 ? Number(user[p + 1]) : 2;
        config.users.set(name, {
          privilege: Number.isFinite(privilege) ? privilege : 2,
          ...(prior?.serviceType ? { serviceType: prior.serviceType } : {}),
          line: cmd.line,
        });
      }
      continue;
    }
    if (w[0] === "webvpn" && w.length === 1) {
      config.webvpn.line = cmd.line;
      let idp: AsaConfig["webvpn"]["samlIdps"][number] | undefined;
      let idpIndent = 0;
      for (const c of cmd.children) {
        if (idp && c.indent > idpIndent) {
          const base = after(c.words, "base-url");
          if (base?.[0]) idp.baseUrl = base[0];
          continue;
        }
        idp = undefined;
        if (after(c.words, "anyconnect", "enable") || after(c.words, "enable")) config.webvpn.enabled = true;
        const saml = after(c.words, "saml", "idp");
        if (saml?.[0]) {
          idp = { entityId: saml[0], line: c.line };
          idpIndent = c.indent;
          config.webvpn.samlIdps.push(idp);
        }
      }
      continue;
    }
    const mgmt = after(w, "aaa", "authentication");
    if (mgmt && mgmt.length >= 3 && mgmt[1] === "console") {
      const rest = mgmt.slice(2);
      config.management.push({
        service: mgmt[0]!,
        group: rest[0]!,
        fallback: rest.slice(1).some((x) => x.toUpperCase() === "LOCAL"),
        line: cmd.line,
      });
    }
  }
  // The built-in remote-access profiles exist whether or not the config changes them.
  for (const name of Object.values(defaultTunnelGroups)) group(name).type ??= "remote-access";
  return config;
}

export interface MappingContext {
  connection: string;
  name: string;
  file?: string;
  ftdFile?: string;
  npsServers: Set<string>;
}

function ev(
  ctx: MappingContext,
  at: { line?: number } | undefined,
  field: string,
  value: JsonValue,
  note?: string,
): Evidence {
  return {
    source,
    connection: ctx.connection,
    ...(ctx.file ? { file: ctx.file } : {}),
    ...(at?.line ? { line: at.line } : {}),
    field,
    value,
    ...(note ? { note } : {}),
  };
}

function userId(name: string): string {
  return `user/${name}`;
}

/** Local users who may use a VPN: service-type admin and nas-prompt users are limited to management. */
function vpnUsers(config: AsaConfig): string[] {
  return [...config.users]
    .filter(([, u]) => !u.serviceType || u.serviceType === "remote-access")
    .map(([name]) => name);
}

function isNps(ctx: MappingContext, config: AsaConfig, group: string): string | undefined {
  const server = config.aaaServers.get(group);
  if (ctx.npsServers.has(group)) return server?.hosts[0] ?? group;
  return server?.hosts.find((h) => ctx.npsServers.has(h));
}

function serverLabel(config: AsaConfig, group: string): string {
  const server = config.aaaServers.get(group);
  return `AAA server group '${group}'${server?.protocol ? ` (${server.protocol}${server.hosts.length ? ` ${server.hosts.join(", ")}` : ""})` : ""}`;
}

/**
 * AAA protocols whose server checks the user's directory password and nothing else (an LDAP bind,
 * Kerberos, NT domain). RADIUS, TACACS+ and SDI can carry a one-time code, so they stay unknown.
 */
const passwordProtocols = new Set(["ldap", "kerberos", "nt"]);

/** Duo's cloud LDAPS service (api-….duosecurity.com, FTD's DuoLDAPIdentitySource) adds Duo to the bind. */
const duoLdapHost = /^api-[a-z0-9-]+\.duosecurity\.com$/i;

/** The password a server group checks, when that is all it checks; undefined when it may add a factor. */
function passwordCheck(config: AsaConfig, group: string): string | undefined {
  if (group.toUpperCase() === "LOCAL") return "a local password";
  const server = config.aaaServers.get(group);
  if (!server?.protocol || !passwordProtocols.has(server.protocol)) return undefined;
  if (server.hosts.length === 0 || server.hosts.some((h) => duoLdapHost.test(h))) return undefined;
  return `a directory password (${serverLabel(config, group)}: ${server.protocol} bind)`;
}

/**
 * Where a RADIUS or LDAP group sends the password, as a delegation target (`host:port`), so the linker can
 * find a Duo Authentication Proxy answering there (src/link/duo). The ASA's defaults when the host sets no
 * port: RADIUS `authentication-port` 1645 (Cisco ASA ASDM guide, "Server Authentication Port … The default
 * port is 1645"; Duo's proxy listens on 1812 unless told otherwise, so an unset port rarely matches), LDAP
 * `server-port` 389. One per host of the group: the ASA may use any of them (it moves to the next host
 * when one does not answer), so each is judged on its own and the weakest decides. Empty for other
 * protocols, and when a host is LDAP over SSL without a server-port (its port is not known).
 */
function serverDelegations(
  ctx: MappingContext,
  config: AsaConfig,
  group: string,
): Array<{ host: string; delegation: NonNullable<AuthChain["delegation"]>; evidence: Evidence }> {
  const server = config.aaaServers.get(group);
  const protocol = server?.protocol;
  if (!server || (protocol !== "radius" && protocol !== "ldap")) return [];
  const out: Array<{ host: string; delegation: NonNullable<AuthChain["delegation"]>; evidence: Evidence }> =
    [];
  for (const host of server.hosts) {
    const at = server.ports.get(host);
    if (protocol === "ldap" && at?.ldapOverSsl && at.serverPort === undefined) return [];
    const set = protocol === "radius" ? at?.authenticationPort : at?.serverPort;
    const field = protocol === "radius" ? "authentication-port" : "server-port";
    const port = set ?? (protocol === "radius" ? 1645 : 389);
    out.push({
      host,
      delegation: { protocol, target: serverTarget(host, port) },
      evidence: ev(
        ctx,
        at,
        field,
        set ?? null,
        set === undefined ? `not set: the ASA's default ${port}` : `aaa-server ${group} host ${host}`,
      ),
    });
  }
  return out;
}

function protocolEvidence(ctx: MappingContext, config: AsaConfig, group: string): Evidence[] {
  const server = config.aaaServers.get(group);
  return server
    ? [ev(ctx, server, "aaa-server protocol", server.protocol ?? null, `aaa-server ${group}`)]
    : [];
}

function tunnelGroupPaths(
  ctx: MappingContext,
  config: AsaConfig,
  tg: TunnelGroup,
  entryPoint: string,
  facts: Fact[],
): AccessPath[] {
  const paths: AccessPath[] = [];
  const declared = tg.line !== undefined || tg.primary || tg.authentication;
  const methods = tg.authentication?.methods ?? ["aaa"];
  const methodEvidence = ev(
    ctx,
    tg.authentication,
    "authentication",
    methods.join(" "),
    tg.authentication ? undefined : "no authentication command: aaa, the default",
  );
  const path = (id: string, accounts: string[], mfa: MfaVerdict, factors: string[]): AccessPath => ({
    id: `${entryPoint}/${id}`,
    entryPoint,
    accounts,
    chain: { factors },
    mfa,
  });
  if (methods.includes("saml")) {
    const base = config.webvpn.samlIdps.find((i) => i.entityId === tg.samlIdp?.entityId)?.baseUrl;
    const evidence = [
      methodEvidence,
      ev(ctx, tg.samlIdp, "saml identity-provider", tg.samlIdp?.entityId ?? null),
    ];
    if (!tg.samlIdp || !base)
      return [
        path(
          "saml",
          [],
          {
            state: "unknown",
            strength: null,
            reason: `tunnel-group ${tg.name} uses SAML, but ${tg.samlIdp ? "the IdP's base-url is not configured" : "no saml identity-provider is set"}: the SP entity id, which names the app in the IdP, cannot be derived`,
            evidence,
          },
          [],
        ),
      ];
    // ASA's SP entity id per tunnel group: <base-url>/saml/sp/metadata/<tunnel-group>.
    const target = `${base.replace(/\/+$/, "")}/saml/sp/metadata/${tg.name}`;
    return [
      {
        id: `${entryPoint}/saml`,
        entryPoint,
        accounts: [],
        ...samlDelegated({
          target,
          idpEntityId: tg.samlIdp.entityId,
          said: `ASA tunnel-group ${tg.name}`,
          evidence,
        }),
      },
    ];
  }
  const cert = methods.includes("certificate");
  if (!methods.includes("aaa"))
    return [
      path(
        "certificate",
        [],
        {
          state: cert ? "none" : "unknown",
          strength: null,
          reason: cert
            ? `tunnel-group ${tg.name} authenticates with a certificate only: the device's certificate is the one factor, no user password or second factor`
            : `tunnel-group ${tg.name}: authentication '${methods.join(" ")}' is not one mfasweep recognises`,
          evidence: [methodEvidence],
        },
        cert ? ["certificate"] : [],
      ),
    ];
  if (!tg.primary) {
    if (!declared) return [];
    return [
      path(
        "aaa",
        [],
        {
          state: "unknown",
          strength: null,
          reason: `tunnel-group ${tg.name} has no authentication-server-group: which server checks the password is not in the running-config`,
          evidence: [
            methodEvidence,
            ev(ctx, { line: tg.line }, "authentication-server-group", null, "not set"),
          ],
        },
        ["password"],
      ),
    ];
  }
  const primary = tg.primary;
  const secondary = tg.secondary && tg.secondary.group.toLowerCase() !== "none" ? tg.secondary : undefined;
  const primaryEvidence = ev(
    ctx,
    primary,
    "authentication-server-group",
    `${primary.group}${primary.fallback ? " LOCAL" : ""}`,
  );
  const secondaryEvidence = ev(
    ctx,
    tg.secondary,
    "secondary-authentication-server-group",
    tg.secondary ? `${tg.secondary.group}${tg.secondary.fallback ? " LOCAL" : ""}` : null,
    tg.secondary ? undefined : "not set: by default no secondary authentication is required",
  );
  const evidence = [methodEvidence, primaryEvidence, secondaryEvidence];
  const certNote = cert ? "a client certificate is also required" : "";
  /** The verdict once the password from `first` is checked. */
  const verdictAfter = (first: string): MfaVerdict => {
    if (cert)
      return {
        state: "enforced",
        strength: null,
        reason: `tunnel-group ${tg.name} requires a client certificate and the password (${first})`,
        evidence,
      };
    const firstCheck = passwordCheck(config, first);
    if (!secondary) {
      if (firstCheck)
        return {
          state: "none",
          strength: null,
          reason:
            first === "LOCAL"
              ? `tunnel-group ${tg.name} checks a local password only (authentication-server-group LOCAL, no secondary authentication)`
              : `tunnel-group ${tg.name} checks ${firstCheck} only: no secondary authentication and no certificate, so the password alone signs in`,
          evidence: [...evidence, ...protocolEvidence(ctx, config, first)],
        };
      return isNps(ctx, config, first)
        ? {
            state: "unknown",
            strength: null,
            reason: `password checked by ${serverLabel(config, first)}, the NPS extension`,
            evidence,
          }
        : dependsOnServer({
            server: serverLabel(config, first),
            said: `tunnel-group ${tg.name}: no secondary authentication, so whatever it accepts signs in`,
            evidence,
          });
    }
    if (secondary.group.toUpperCase() === "LOCAL")
      return firstCheck
        ? {
            state: "none",
            strength: null,
            reason: `tunnel-group ${tg.name} asks ${firstCheck}, then a local password: two passwords are not two factors`,
            evidence: [...evidence, ...protocolEvidence(ctx, config, first)],
          }
        : dependsOnServer({
            server: serverLabel(config, first),
            said: `tunnel-group ${tg.name}: the secondary check is a local password, which adds no second factor`,
            evidence,
          });
    // A secondary server group may be a one-time-code service (Duo's LDAPS, RADIUS): it decides.
    return dependsOnServer({
      server: serverLabel(config, secondary.group),
      said: `tunnel-group ${tg.name}: double authentication, the second credential is checked by it; a second factor only if it checks a one-time code`,
      evidence,
    });
  };
  if (primary.group.toUpperCase() === "LOCAL") {
    for (const name of vpnUsers(config)) {
      const mfa = verdictAfter("LOCAL");
      paths.push(
        path(
          `user/${name}`,
          [userId(name)],
          {
            ...mfa,
            evidence: [...mfa.evidence, ev(ctx, config.users.get(name), "username", name)],
          },
          mfa.state === "enforced" ? ["password", "certificate"] : ["password"],
        ),
      );
    }
    return paths;
  }
  const nps = !secondary && !cert ? isNps(ctx, config, primary.group) : undefined;
  if (nps)
    paths.push({
      id: `${entryPoint}/aaa/${primary.group}`,
      entryPoint,
      accounts: [],
      ...npsDelegated({
        address: nps,
        said: `ASA tunnel-group ${tg.name}, ${serverLabel(config, primary.group)}`,
        evidence,
      }),
    });
  else {
    const p = path(`aaa/${primary.group}`, [], verdictAfter(primary.group), ["password"]);
    // Without a certificate, the group that decides is the secondary one (double authentication: its
    // check is the second factor) or, without one, the primary (the password alone): a Duo proxy answering
    // at its server makes Duo decide, which the linker resolves per Duo user.
    const decides = cert ? undefined : secondary ? secondary.group : primary.group;
    const servers =
      decides && decides.toUpperCase() !== "LOCAL" ? serverDelegations(ctx, config, decides) : [];
    if (servers.length === 0) paths.push(p);
    for (const server of servers)
      paths.push({
        ...p,
        ...(servers.length > 1 ? { id: `${p.id}/${server.host}` } : {}),
        chain: { ...p.chain, delegation: server.delegation },
        mfa: {
          ...p.mfa,
          ...(servers.length > 1
            ? {
                reason: `${p.mfa.reason}; host ${server.host} is one of ${servers.length} in ${decides}: the ASA may use any of them, so each is judged on its own`,
              }
            : {}),
          evidence: [...p.mfa.evidence, server.evidence],
        },
      });
  }
  facts.push({
    kind: vpnFactKinds.localFallback,
    id: `${entryPoint}/fallback`,
    source,
    connection: ctx.connection,
    data: {
      entryPoint,
      fallback: primary.fallback || Boolean(secondary?.fallback),
      serverGroup: primary.group,
      reason: primary.fallback
        ? `authentication-server-group ${primary.group} LOCAL: when ${primary.group} does not answer, local usernames sign in with their password${certNote ? ` (${certNote})` : ""}`
        : secondary?.fallback
          ? `secondary-authentication-server-group ${secondary.group} LOCAL: when ${secondary.group} does not answer, a local password replaces the second check`
          : `no LOCAL fallback on ${primary.group}${secondary ? ` or ${secondary.group}` : ""}`,
    },
    evidence: [primaryEvidence, ...(tg.secondary ? [secondaryEvidence] : [])],
  });
  if (primary.fallback && !cert)
    for (const name of vpnUsers(config))
      paths.push(
        path(
          `fallback/${name}`,
          [userId(name)],
          {
            state: "bypassable",
            strength: null,
            reason: `[LOCAL] fallback: whenever ${serverLabel(config, primary.group)} is unreachable, local user '${name}' signs in to tunnel-group ${tg.name} with the local password alone`,
            evidence: [primaryEvidence, ev(ctx, config.users.get(name), "username", name)],
          },
          ["password"],
        ),
      );
  return paths;
}

function management(ctx: MappingContext, config: AsaConfig, out: ProviderInventory): void {
  if (config.management.length === 0) return;
  const id = `${source}:${ctx.connection}:admin`;
  out.entryPoints.push({
    id,
    name: `${ctx.name} management (${[...new Set(config.management.map((m) => m.service))].join(", ")})`,
    kind: "admin-console",
    source,
    connection: ctx.connection,
    evidence: config.management.map((m) =>
      ev(ctx, m, `aaa authentication ${m.service} console`, `${m.group}${m.fallback ? " LOCAL" : ""}`),
    ),
  });
  const admins = [...config.users].filter(([, u]) => u.serviceType !== "remote-access").map(([n]) => n);
  const local = config.management.filter((m) => m.group.toUpperCase() === "LOCAL" || m.fallback);
  for (const name of admins) {
    if (local.length === 0) continue;
    const direct = local.some((m) => m.group.toUpperCase() === "LOCAL");
    const evidence = [
      ...local.map((m) =>
        ev(ctx, m, `aaa authentication ${m.service} console`, `${m.group}${m.fallback ? " LOCAL" : ""}`),
      ),
      ev(ctx, config.users.get(name), "username", name),
    ];
    out.accessPaths.push({
      id: `${id}/user/${name}`,
      entryPoint: id,
      accounts: [userId(name)],
      chain: { factors: ["password"] },
      mfa: direct
        ? {
            state: "none",
            strength: null,
            reason: `local user '${name}' manages the ASA with a local password (${local.map((m) => m.service).join(", ")} console LOCAL)`,
            evidence,
          }
        : {
            state: "bypassable",
            strength: null,
            reason: `local user '${name}' manages the ASA with a local password whenever the management server group is unreachable (LOCAL fallback)`,
            evidence,
          },
    });
  }
  for (const m of config.management.filter((x) => x.group.toUpperCase() !== "LOCAL"))
    out.accessPaths.push({
      id: `${id}/${m.service}/${m.group}`,
      entryPoint: id,
      accounts: [],
      chain: { factors: ["password"] },
      mfa: dependsOnServer({
        server: serverLabel(config, m.group),
        said: `${m.service} management logins`,
        evidence: [ev(ctx, m, `aaa authentication ${m.service} console`, m.group)],
      }),
    });
}

function toAccounts(ctx: MappingContext, config: AsaConfig): Account[] {
  return [...config.users].map(([name, u]) => ({
    id: userId(name),
    name,
    source,
    connection: ctx.connection,
    kind: "local" as const,
    status: "active" as const,
    admin: { isAdmin: u.privilege >= 15 || u.serviceType === "admin", roles: [`privilege ${u.privilege}`] },
    enrollment: {
      enrolled: false,
      methods: [],
      evidence: [ev(ctx, u, "username", name, "local users have a password only")],
    },
    evidence: [ev(ctx, u, "privilege", u.privilege)],
  }));
}

/** The running-config's inventory. */
export function asaInventory(ctx: MappingContext, config: AsaConfig): ProviderInventory {
  const out: ProviderInventory = {
    accounts: toAccounts(ctx, config),
    entryPoints: [],
    accessPaths: [],
    settings: [],
    facts: [],
  };
  for (const tg of config.tunnelGroups.values()) {
    if (tg.type !== "remote-access") continue;
    const implicit = tg.line === undefined && !tg.primary && !tg.authentication;
    // A built-in profile nobody configured is reachable only when SSL VPN is enabled at all.
    if (implicit && !config.webvpn.enabled) continue;
    const id = `${source}:${ctx.connection}:tunnel-group/${tg.name}`;
    const entryPoint: EntryPoint = {
      id,
      name: `${ctx.name} tunnel-group ${tg.name}`,
      kind: "vpn",
      source,
      connection: ctx.connection,
      evidence: [
        ev(
          ctx,
          { line: tg.line ?? config.webvpn.line },
          "tunnel-group",
          tg.name,
          implicit ? "built-in connection profile, not changed in the running-config" : undefined,
        ),
      ],
    };
    out.entryPoints.push(entryPoint);
    if (implicit) {
      const reason = `built-in connection profile ${tg.name} is not configured in the running-config: its authentication defaults are not confirmed; check that it cannot be used (Akira targeted default profiles)`;
      out.accessPaths.push({
        id: `${id}/default`,
        entryPoint: id,
        accounts: [],
        chain: { factors: [] },
        mfa: { state: "unknown", strength: null, reason, evidence: entryPoint.evidence },
      });
      continue;
    }
    appendAll(out.accessPaths, tunnelGroupPaths(ctx, config, tg, id, out.facts));
  }
  management(ctx, config, out);
  return out;
}

/** FTD/FMC connection profiles: one vpn entry point each. */
export function ftdInventory(ctx: MappingContext, profiles: FmcConnectionProfile[]): ProviderInventory {
  const out: ProviderInventory = { accounts: [], entryPoints: [], accessPaths: [], settings: [], facts: [] };
  for (const p of profiles) {
    const id = `${source}:${ctx.connection}:ftd/${p.name}`;
    const e = (field: keyof FmcConnectionProfile, note?: string): Evidence => ({
      source,
      connection: ctx.connection,
      ...(ctx.ftdFile ? { file: ctx.ftdFile } : {}),
      objectId: p.id ?? p.name,
      field,
      value: (p[field] ?? null) as JsonValue,
      ...(note ? { note } : {}),
    });
    out.entryPoints.push({
      id,
      name: `${ctx.name} FTD connection profile ${p.name}`,
      kind: "vpn",
      source,
      connection: ctx.connection,
      evidence: [e("name")],
    });
    const method = p.authenticationMethod;
    const evidence = [e("authenticationMethod")];
    const path = (suffix: string, mfa: MfaVerdict, factors: string[]): AccessPath => ({
      id: `${id}/${suffix}`,
      entryPoint: id,
      accounts: [],
      chain: { factors },
      mfa,
    });
    const server = (ref: FmcConnectionProfile["primaryAuthenticationServer"]) =>
      `${ref?.type ?? "server"} '${ref?.name ?? ref?.id ?? "?"}'`;
    if (!method) {
      out.accessPaths.push(
        path(
          "auth",
          {
            state: "unknown",
            strength: null,
            reason: `connection profile ${p.name} has no authenticationMethod in the export`,
            evidence,
          },
          [],
        ),
      );
      continue;
    }
    if (method === "CLIENT_CERTIFICATE_ONLY") {
      out.accessPaths.push(
        path(
          "auth",
          {
            state: "none",
            strength: null,
            reason: `connection profile ${p.name} authenticates with a client certificate only: one factor (the device's certificate)`,
            evidence,
          },
          ["certificate"],
        ),
      );
      continue;
    }
    if (method === "AAA_AND_CLIENT_CERTIFICATE" || method === "SAML_AND_CLIENT_CERTIFICATE") {
      out.accessPaths.push(
        path(
          "auth",
          {
            state: "enforced",
            strength: null,
            reason: `connection profile ${p.name} requires a client certificate and ${method === "SAML_AND_CLIENT_CERTIFICATE" ? "the IdP sign-in" : "the password"} (${method})`,
            evidence,
          },
          ["certificate", "password"],
        ),
      );
    } else if (method === "SAML") {
      out.accessPaths.push(
        path(
          "saml",
          {
            state: "unknown",
            strength: null,
            reason: `connection profile ${p.name} signs in through SAML; the SAML server object (which names the app in the IdP) is not in the export`,
            evidence,
          },
          [],
        ),
      );
    } else {
      const primaryLocal = p.useLocalAsPrimaryAuthServer === true;
      const secondary = p.enableSecondaryAuthentication === true;
      const all = [
        ...evidence,
        e("useLocalAsPrimaryAuthServer"),
        e("primaryAuthenticationServer"),
        e("enableSecondaryAuthentication"),
        e("secondaryAuthenticationServer"),
      ];
      const mfa: MfaVerdict = !secondary
        ? primaryLocal
          ? {
              state: "none",
              strength: null,
              reason: `connection profile ${p.name} checks a password from the FTD's local user database, with no secondary authentication`,
              evidence: all,
            }
          : dependsOnServer({
              server: server(p.primaryAuthenticationServer),
              said: `connection profile ${p.name}, no secondary authentication`,
              evidence: all,
            })
        : p.useLocalAsSecondaryAuthServer
          ? primaryLocal
            ? {
                state: "none",
                strength: null,
                reason: `connection profile ${p.name} asks two local passwords: two passwords are not two factors`,
                evidence: all,
              }
            : dependsOnServer({
                server: server(p.primaryAuthenticationServer),
                said: `connection profile ${p.name}: the secondary check is a local password`,
                evidence: all,
              })
          : dependsOnServer({
              server: server(p.secondaryAuthenticationServer),
              said: `connection profile ${p.name}: double authentication, the second credential is checked by it`,
              evidence: all,
            });
      out.accessPaths.push(path("aaa", mfa, ["password"]));
    }
    const fallback =
      p.enablePrimaryAuthFallbackToLocal === true || p.enableSecondaryAuthFallbackToLocal === true;
    out.facts.push({
      kind: vpnFactKinds.localFallback,
      id: `${id}/fallback`,
      source,
      connection: ctx.connection,
      data: {
        entryPoint: id,
        fallback,
        serverGroup: p.primaryAuthenticationServer?.name ?? null,
        reason: fallback
          ? `${p.enablePrimaryAuthFallbackToLocal ? "enablePrimaryAuthFallbackToLocal" : "enableSecondaryAuthFallbackToLocal"} is true: when the AAA server does not answer, local users sign in with a password`
          : "no fallback to the local user database",
      },
      evidence: [e("enablePrimaryAuthFallbackToLocal"), e("enableSecondaryAuthFallbackToLocal")],
    });
  }
  return out;
}

export type { AsaLine };

/** A connection profile the export holds but that could not be read: its entry point, one unknown path. */
export function unreadFtdProfile(ctx: MappingContext, name: string, reason: string): ProviderInventory {
  const text = `connection profile ${name} could not be read (${reason}): how it signs users in is not known`;
  return unreadGatewayInventory(
    {
      id: `${source}:${ctx.connection}:ftd/${name}`,
      name: `${ctx.name} FTD connection profile ${name}`,
      kind: "vpn",
      source,
      connection: ctx.connection,
      evidence: [
        {
          source,
          connection: ctx.connection,
          ...(ctx.ftdFile ? { file: ctx.ftdFile } : {}),
          objectId: name,
          note: text,
        },
      ],
    },
    { factors: [] },
    text,
  );
}

import { unreadPath as sharedUnreadPath } from "../../src/collect/unread.js";
import { dependsOnServer, npsDelegated, samlDelegated } from "../../src/collect/vpn.js";
import type {
  AccessPath,
  Account,
  AuthChain,
  EntryPoint,
  Evidence,
  FactorStrength,
  JsonValue,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import { serverTarget } from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { defaultsSource, documentedDefaults, type TableId, tables } from "./api.js";
import { allValues, type FortiObject, firstValue } from "./cli.js";

/**
 * Pure mapping from a FortiGate's configuration (read from the REST API or a backup, both as the CLI-
 * shaped model) to entry points, local accounts and access paths with their verdicts (reference §2.1):
 * SSL-VPN (users and groups of `authentication-rule` and of policies from `ssl.<vdom>`), IPsec dial-up
 * tunnels, and the admin GUI/SSH. Every verdict cites the setting that decides it.
 */

export const source = "fortigate";

/** One VDOM's tables; `undefined` = not read (its reason in `unread`). */
export interface FortiVdom {
  name: string;
  tables: Partial<Record<TableId, FortiObject[]>>;
}

export interface FortiDevice {
  vdoms: FortiVdom[];
  /** `system admin` (global). */
  admins: FortiObject[] | undefined;
  /** Why a table was not read, by `vdom/table` (or `global/systemAdmin`). */
  unread: Record<string, string>;
  /** Backup text from plain `show` leaves defaults out: there a missing setting is its documented default. */
  origin: "api" | "backup";
  /**
   * Where a backup prints a documented default (`line 12: set two-factor disable`): then it is not plain
   * `show` output (`show full-configuration`, or edited by hand), and a missing setting is not its default.
   * Set by `deviceInventory`.
   */
  printedDefault?: string;
}

export interface MappingContext {
  connection: string;
  /** Display name of the gateway. */
  name: string;
  /** Evidence for a setting (endpoint or file:line). */
  evidence(
    table: TableId,
    vdom: string,
    object: FortiObject | undefined,
    field?: string,
    note?: string,
  ): Evidence;
  /** RADIUS servers (by object name or address) that run the NPS extension for Entra MFA. */
  npsServers: Set<string>;
}

const tokenStrength: Record<string, FactorStrength> = {
  fortitoken: "app",
  "fortitoken-cloud": "app",
  email: "weak",
  sms: "weak",
};

function entryPointIds(connection: string, vdom: string) {
  const base = `${source}:${connection}`;
  return {
    ssl: `${base}:${vdom}:ssl-vpn`,
    ipsec: (name: string) => `${base}:${vdom}:ipsec/${name}`,
    admin: `${base}:admin`,
  };
}

type Principal =
  | { kind: "local"; name: string; via: string }
  | { kind: "server"; type: "ldap" | "radius" | "saml"; name: string; via: string; remoteGroup?: string }
  | { kind: "unresolved"; name: string; via: string; why: string };

interface VdomIndex {
  vdom: FortiVdom;
  locals: Map<string, FortiObject>;
  groups: Map<string, FortiObject>;
  ldap: Map<string, FortiObject>;
  radius: Map<string, FortiObject>;
  saml: Map<string, FortiObject>;
}

function index(vdom: FortiVdom): VdomIndex {
  const byKey = (id: TableId) => new Map((vdom.tables[id] ?? []).map((o) => [o.key, o]));
  return {
    vdom,
    locals: byKey("userLocal"),
    groups: byKey("userGroup"),
    ldap: byKey("userLdap"),
    radius: byKey("userRadius"),
    saml: byKey("userSaml"),
  };
}

/** Users and groups named by a rule or policy, down to local users and remote servers. */
function principals(
  ix: VdomIndex,
  device: FortiDevice,
  users: string[],
  groups: string[],
  via: string,
): Principal[] {
  const out: Principal[] = [];
  const unread = (id: TableId) => device.unread[`${ix.vdom.name}/${id}`];
  for (const name of users) {
    if (ix.locals.has(name)) out.push({ kind: "local", name, via });
    else
      out.push({
        kind: "unresolved",
        name,
        via,
        why: unread("userLocal")
          ? `local users could not be read (${unread("userLocal")})`
          : `user '${name}' is not a local user`,
      });
  }
  const seen = new Set<string>();
  const expand = (groupName: string, path: string) => {
    if (seen.has(groupName)) return;
    seen.add(groupName);
    const group = ix.groups.get(groupName);
    if (!group) {
      out.push({
        kind: "unresolved",
        name: groupName,
        via: path,
        why: unread("userGroup")
          ? `user groups could not be read (${unread("userGroup")})`
          : `group '${groupName}' is not defined`,
      });
      return;
    }
    const type = firstValue(group, "group-type");
    if (type && type !== "firewall") {
      out.push({
        kind: "unresolved",
        name: groupName,
        via: path,
        why: `group '${groupName}' is of type ${type}, whose members are not resolved`,
      });
      return;
    }
    const here = `${path} → group '${groupName}'`;
    const member = (name: string, remoteGroup?: string) => {
      if (ix.locals.has(name)) out.push({ kind: "local", name, via: here });
      else if (ix.ldap.has(name)) out.push({ kind: "server", type: "ldap", name, via: here, remoteGroup });
      else if (ix.radius.has(name))
        out.push({ kind: "server", type: "radius", name, via: here, remoteGroup });
      else if (ix.saml.has(name)) out.push({ kind: "server", type: "saml", name, via: here, remoteGroup });
      else if (ix.groups.has(name)) expand(name, here);
      else {
        const missing = (["userLocal", "userLdap", "userRadius", "userSaml"] as const).filter((t) =>
          unread(t),
        );
        out.push({
          kind: "unresolved",
          name,
          via: here,
          why: missing.length
            ? `'${name}' may be in a table that could not be read (${missing.map((t) => tables[t].cli).join(", ")})`
            : `member '${name}' is not a local user, LDAP, RADIUS or SAML server (TACACS+, PKI peer or FSSO members are not resolved)`,
        });
      }
    };
    for (const name of allValues(group, "member")) member(name);
    for (const match of group.tables.match ?? []) {
      const server = firstValue(match, "server-name");
      if (server) member(server, firstValue(match, "group-name"));
    }
  };
  for (const g of groups) expand(g, via);
  return out;
}

function accountId(vdom: string, name: string): string {
  return `user/${vdom}/${name}`;
}

function adminId(name: string): string {
  return `admin/${name}`;
}

function toAccount(ctx: MappingContext, device: FortiDevice, vdom: string, user: FortiObject): Account {
  const status = firstValue(user, "status");
  const twoFactor = setting(ctx, device, "userLocal", vdom, user, "two-factor");
  const email = firstValue(user, "email-to");
  const ev = [ctx.evidence("userLocal", vdom, user, "status"), ctx.evidence("userLocal", vdom, user, "type")];
  return {
    id: accountId(vdom, user.key),
    name: user.key,
    ...(email ? { email } : {}),
    source,
    connection: ctx.connection,
    kind: "local",
    // `status` defaults to enable (FortiOS 7.0 CLI reference).
    status:
      status === "disable" ? "disabled" : status === undefined || status === "enable" ? "active" : "unknown",
    admin: { isAdmin: false, roles: [] },
    enrollment: enrollment(twoFactor),
    evidence: ev,
  };
}

function adminAccount(ctx: MappingContext, device: FortiDevice, admin: FortiObject): Account {
  const twoFactor = setting(ctx, device, "systemAdmin", "global", admin, "two-factor");
  const profile = firstValue(admin, "accprofile");
  return {
    id: adminId(admin.key),
    name: admin.key,
    source,
    connection: ctx.connection,
    kind: "local",
    status: "active",
    admin: { isAdmin: true, roles: profile ? [profile] : [] },
    enrollment: enrollment(twoFactor),
    evidence: [ctx.evidence("systemAdmin", "global", admin, "accprofile")],
  };
}

function enrollment({ value, evidence }: Setting): Account["enrollment"] {
  return {
    enrolled: value === undefined ? "unknown" : value !== "disable",
    methods: value && value !== "disable" ? [{ method: value, strength: tokenStrength[value] ?? null }] : [],
    evidence: [evidence],
  };
}

function missingSetting(device: FortiDevice, field: string): string {
  if (device.origin === "api") return `the API did not return '${field}'`;
  return device.printedDefault
    ? `'${field}' is not in the backup, which prints default values elsewhere (${device.printedDefault}), so it is not plain 'show' output and the missing setting is not read as its default`
    : `'${field}' is not in the backup and its default is not documented in mfasweep's sources`;
}

/**
 * The first decisive documented default the backup prints explicitly: the sign that it does not leave
 * defaults out. Only tables whose defaults are never printed by plain `show` are scanned.
 */
function printedDefaultIn(device: FortiDevice): string | undefined {
  const scan = (table: TableId, objects: FortiObject[] | undefined) => {
    for (const object of objects ?? [])
      for (const [field, fallback] of Object.entries(documentedDefaults[table] ?? {})) {
        const set = object.fields[field];
        if (set?.values[0] === fallback) return `line ${set.line ?? "?"}: set ${field} ${fallback}`;
      }
    return undefined;
  };
  return (
    scan("systemAdmin", device.admins) ??
    device.vdoms
      .flatMap((v) => [scan("userLocal", v.tables.userLocal), scan("phase1", v.tables.phase1)])
      .find((w) => w !== undefined)
  );
}

interface Setting {
  /** The configured value, or the documented default a plain `show` backup leaves out; undefined = not known. */
  value: string | undefined;
  evidence: Evidence;
}

/** A setting as configured, or as its documented default where a plain `show` backup omits it. */
function setting(
  ctx: MappingContext,
  device: FortiDevice,
  table: TableId,
  vdom: string,
  object: FortiObject | undefined,
  field: string,
  note?: string,
): Setting {
  const value = firstValue(object, field);
  const evidence = ctx.evidence(table, vdom, object, field, note);
  const fallback = documentedDefaults[table]?.[field];
  if (value !== undefined || !object || fallback === undefined) return { value, evidence };
  if (device.origin !== "backup" || device.printedDefault) return { value: undefined, evidence };
  const why = `not in the backup: plain 'show' leaves out settings at their default, and the documented default of ${field} is ${fallback} (${defaultsSource})`;
  return {
    value: fallback,
    evidence: { ...evidence, value: fallback, note: note ? `${note}; ${why}` : why },
  };
}

/** Two-factor on a local user or admin: the token FortiGate itself asks for. */
function tokenVerdict(
  twoFactor: string | undefined,
  evidence: Evidence[],
  who: string,
  device: FortiDevice,
): MfaVerdict | "disable" {
  if (twoFactor === undefined)
    return {
      state: "unknown",
      strength: null,
      reason: `${who}: ${missingSetting(device, "two-factor")}`,
      evidence,
    };
  if (twoFactor === "disable") return "disable";
  const strength = tokenStrength[twoFactor];
  if (!strength)
    return {
      state: "unknown",
      strength: null,
      reason: `${who}: two-factor '${twoFactor}' is not a value mfasweep recognises`,
      evidence,
    };
  return {
    state: "enforced",
    strength,
    reason: `${who}: two-factor ${twoFactor} is required after the password`,
    evidence,
  };
}

/** The verdict for a local user who can reach a gateway. */
function localUserVerdict(
  ctx: MappingContext,
  ix: VdomIndex,
  device: FortiDevice,
  user: FortiObject,
  via: string,
): MfaVerdict {
  const vdom = ix.vdom.name;
  const twoFactor = setting(
    ctx,
    device,
    "userLocal",
    vdom,
    user,
    "two-factor",
    `reaches the gateway through ${via}`,
  );
  const evidence = [twoFactor.evidence, ctx.evidence("userLocal", vdom, user, "type")];
  const type = firstValue(user, "type") ?? "password"; // default password (FortiOS 7.0 CLI reference)
  const token = tokenVerdict(twoFactor.value, evidence, `local user '${user.key}'`, device);
  if (token !== "disable") return token;
  if (type === "password")
    return {
      state: "none",
      strength: null,
      reason: `local user '${user.key}' has two-factor disable: the password alone signs in`,
      evidence,
    };
  const serverField =
    type === "ldap" ? "ldap-server" : type === "radius" ? "radius-server" : "tacacs+-server";
  const server = firstValue(user, serverField);
  if (type === "ldap" && server && firstValue(ix.ldap.get(server), "two-factor") === "fortitoken-cloud")
    return {
      state: "enforced",
      strength: "app",
      reason: `local user '${user.key}' checks the password with LDAP server '${server}', which adds FortiToken Cloud`,
      evidence: [...evidence, ctx.evidence("userLdap", vdom, ix.ldap.get(server), "two-factor")],
    };
  if (type === "radius" && server) {
    const address = firstValue(ix.radius.get(server), "server");
    if (ctx.npsServers.has(server) || (address && ctx.npsServers.has(address)))
      return {
        state: "unknown",
        strength: null,
        reason: `local user '${user.key}' checks the password with RADIUS server '${server}' (NPS extension); the per-user RADIUS path is not matched to an Entra user`,
        evidence,
      };
  }
  return dependsOnServer({
    server: `${type.toUpperCase()} server '${server ?? "?"}'`,
    said: `local user '${user.key}' has type ${type} and two-factor disable`,
    evidence,
  });
}

/**
 * A local user of type radius or ldap without a FortiGate token: the password (and whatever else) goes to
 * the server the user names ("radius-server: Name of RADIUS server with which the user must authenticate",
 * Fortinet's fortios_user_local schema), so the path is delegated to that server's address and port, where
 * a Duo Authentication Proxy may answer for this user (src/link/duo). Undefined for other users.
 */
function localUserDelegation(ix: VdomIndex, user: FortiObject): AuthChain["delegation"] | undefined {
  const type = firstValue(user, "type");
  if (type !== "radius" && type !== "ldap") return undefined;
  const name = firstValue(user, type === "radius" ? "radius-server" : "ldap-server");
  const server = name ? (type === "radius" ? ix.radius.get(name) : ix.ldap.get(name)) : undefined;
  const address = firstValue(server, "server");
  if (!address) return undefined;
  const port = Number(firstValue(server, type === "radius" ? "radius-port" : "port") ?? 0);
  return { protocol: type, target: serverTarget(address, port > 0 ? port : null) };
}

/** A path for a remote server a group points at: the directory's users, whom the device cannot list. */
function serverPath(
  ctx: MappingContext,
  ix: VdomIndex,
  entryPoint: string,
  p: Extract<Principal, { kind: "server" }>,
): AccessPath {
  const vdom = ix.vdom.name;
  const id = `${entryPoint}/${p.type}/${p.name}`;
  const scope = p.remoteGroup ? ` (members of '${p.remoteGroup}')` : "";
  if (p.type === "saml") {
    const saml = ix.saml.get(p.name)!;
    const spEntityId = firstValue(saml, "entity-id");
    const idp = firstValue(saml, "idp-entity-id");
    const evidence = [
      ctx.evidence("userSaml", vdom, saml, "entity-id", `SAML server '${p.name}' reached through ${p.via}`),
      ctx.evidence("userSaml", vdom, saml, "idp-entity-id"),
    ];
    if (!spEntityId)
      return {
        id,
        entryPoint,
        accounts: [],
        chain: { factors: [] },
        mfa: {
          state: "unknown",
          strength: null,
          reason: `SAML server '${p.name}' has no entity-id: the IdP's app cannot be identified`,
          evidence,
        },
      };
    return {
      id,
      entryPoint,
      accounts: [],
      ...samlDelegated({
        target: spEntityId,
        idpEntityId: idp,
        said: `FortiGate SAML server '${p.name}'${scope}`,
        evidence,
      }),
    };
  }
  if (p.type === "radius") {
    const radius = ix.radius.get(p.name)!;
    const address = firstValue(radius, "server") ?? p.name;
    const evidence = [
      ctx.evidence(
        "userRadius",
        vdom,
        radius,
        "server",
        `RADIUS server '${p.name}' reached through ${p.via}`,
      ),
    ];
    if (ctx.npsServers.has(p.name) || ctx.npsServers.has(address))
      return {
        id,
        entryPoint,
        accounts: [],
        ...npsDelegated({ address, said: `FortiGate RADIUS server '${p.name}'${scope}`, evidence }),
      };
    // The server's address and port name it as a delegation target: a Duo Authentication Proxy that
    // answers there resolves it per Duo user (src/link/duo); otherwise it stays unknown.
    const port = Number(firstValue(radius, "radius-port") ?? 0);
    return {
      id,
      entryPoint,
      accounts: [],
      chain: {
        factors: ["password"],
        delegation: { protocol: "radius", target: serverTarget(address, port > 0 ? port : null) },
      },
      mfa: dependsOnServer({
        server: `RADIUS server '${p.name}' (${address})`,
        said: `every account it accepts${scope} can sign in; RADIUS says nothing of a second factor`,
        evidence,
      }),
    };
  }
  const ldap = ix.ldap.get(p.name)!;
  const evidence = [
    ctx.evidence("userLdap", vdom, ldap, "two-factor", `LDAP server '${p.name}' reached through ${p.via}`),
    ctx.evidence("userLdap", vdom, ldap, "server"),
  ];
  if (firstValue(ldap, "two-factor") === "fortitoken-cloud")
    return {
      id,
      entryPoint,
      accounts: [],
      chain: { factors: ["password", "fortitoken-cloud"] },
      mfa: {
        state: "enforced",
        strength: "app",
        reason: `LDAP server '${p.name}' adds FortiToken Cloud after the directory password${scope}`,
        evidence,
      },
    };
  const ldapServer = firstValue(ldap, "server");
  const ldapPort = Number(firstValue(ldap, "port") ?? 0);
  return {
    id,
    entryPoint,
    accounts: [],
    chain: {
      factors: ["password"],
      ...(ldapServer
        ? {
            delegation: {
              protocol: "ldap" as const,
              target: serverTarget(ldapServer, ldapPort > 0 ? ldapPort : null),
            },
          }
        : {}),
    },
    mfa: dependsOnServer({
      server: `LDAP server '${p.name}' (${ldapServer ?? "?"})`,
      said: `every directory account it accepts${scope} can sign in with its password; an LDAP proxy could add a factor`,
      evidence,
    }),
  };
}

/** Paths for everyone the principals name on one entry point; `extra` adds a factor required of all. */
function pathsFor(
  ctx: MappingContext,
  ix: VdomIndex,
  device: FortiDevice,
  entryPoint: string,
  found: Principal[],
  extra?: { factor: string; evidence: Evidence[] },
): AccessPath[] {
  const paths = new Map<string, AccessPath>();
  for (const p of found) {
    if (p.kind === "local") {
      const user = ix.locals.get(p.name)!;
      if (firstValue(user, "status") === "disable") continue;
      const id = `${entryPoint}/user/${p.name}`;
      if (paths.has(id)) continue;
      let mfa = localUserVerdict(ctx, ix, device, user, p.via);
      if (extra && mfa.state !== "enforced")
        mfa = {
          state: "enforced",
          strength: null,
          reason: `a ${extra.factor} is required in addition (${mfa.reason})`,
          evidence: [...mfa.evidence, ...extra.evidence],
        };
      const delegation = mfa.state === "unknown" ? localUserDelegation(ix, user) : undefined;
      paths.set(id, {
        id,
        entryPoint,
        accounts: [accountId(ix.vdom.name, p.name)],
        chain: {
          factors: mfa.state === "enforced" ? ["password", extra?.factor ?? "token"] : ["password"],
          ...(delegation ? { delegation } : {}),
        },
        mfa,
      });
    } else if (p.kind === "server") {
      const path = serverPath(ctx, ix, entryPoint, p);
      if (!paths.has(path.id)) paths.set(path.id, path);
    } else {
      const id = `${entryPoint}/unresolved/${p.name}`;
      if (paths.has(id)) continue;
      const reason = `${p.why} (reached through ${p.via}): who signs in with it, and how, is not known`;
      paths.set(id, {
        id,
        entryPoint,
        accounts: [],
        chain: { factors: [] },
        mfa: {
          state: "unknown",
          strength: null,
          reason,
          evidence: [{ source, connection: ctx.connection, note: reason }],
        },
      });
    }
  }
  return [...paths.values()];
}

/** `key` tells two unread tables behind one entry point apart (SSL-VPN settings and firewall policies). */
function unreadPath(
  ctx: MappingContext,
  entryPoint: string,
  what: string,
  reason: string,
  key?: string,
): AccessPath {
  const text = `${what} could not be read (${reason}): who can sign in is not known`;
  return sharedUnreadPath({ id: entryPoint, evidence: [] }, text, {
    ...(key ? { key } : {}),
    evidence: [{ source, connection: ctx.connection, note: text }],
  });
}

function sslVpn(ctx: MappingContext, ix: VdomIndex, device: FortiDevice, out: ProviderInventory): void {
  const vdom = ix.vdom.name;
  const settings = ix.vdom.tables.sslSettings?.[0];
  const status = firstValue(settings, "status");
  // An action that is not known (API or a backup that prints defaults left it out) counts as accept.
  const policies = (ix.vdom.tables.firewallPolicy ?? []).filter(
    (p) =>
      firstValue(p, "status") !== "disable" &&
      allValues(p, "srcintf").includes(`ssl.${vdom}`) &&
      (setting(ctx, device, "firewallPolicy", vdom, p, "action").value ?? "accept") === "accept",
  );
  const rules = settings?.tables["authentication-rule"] ?? [];
  if (status === "disable" || (!settings && policies.length === 0 && !device.unread[`${vdom}/sslSettings`]))
    return;
  const ids = entryPointIds(ctx.connection, vdom);
  const entryPoint: EntryPoint = {
    id: ids.ssl,
    name: `${ctx.name} SSL-VPN${device.vdoms.length > 1 ? ` (vdom ${vdom})` : ""}`,
    kind: "vpn",
    source,
    connection: ctx.connection,
    evidence: [
      ctx.evidence("sslSettings", vdom, settings, "status"),
      ...(firstValue(settings, "port") ? [ctx.evidence("sslSettings", vdom, settings, "port")] : []),
    ],
  };
  out.entryPoints.push(entryPoint);
  const found: Principal[] = [];
  for (const rule of rules)
    appendAll(
      found,
      principals(
        ix,
        device,
        allValues(rule, "users"),
        allValues(rule, "groups"),
        `authentication-rule ${rule.key}`,
      ),
    );
  for (const policy of policies)
    appendAll(
      found,
      principals(
        ix,
        device,
        allValues(policy, "users"),
        allValues(policy, "groups"),
        `firewall policy ${policy.key}`,
      ),
    );
  for (const id of ["sslSettings", "firewallPolicy"] as const) {
    const why = device.unread[`${vdom}/${id}`];
    // Both may be unread at once: each its own path (one id each), the settings' keeping the plain one.
    const key = id === "firewallPolicy" ? "firewall-policy" : undefined;
    if (why) out.accessPaths.push(unreadPath(ctx, ids.ssl, tables[id].cli, why, key));
  }
  const cert =
    firstValue(settings, "reqclientcert") === "enable"
      ? {
          factor: "client certificate",
          evidence: [
            ctx.evidence(
              "sslSettings",
              vdom,
              settings,
              "reqclientcert",
              "a client certificate is required of every SSL-VPN user",
            ),
          ],
        }
      : undefined;
  appendAll(out.accessPaths, pathsFor(ctx, ix, device, ids.ssl, found, cert));
}

function ipsecDialUp(ctx: MappingContext, ix: VdomIndex, device: FortiDevice, out: ProviderInventory): void {
  const vdom = ix.vdom.name;
  const ids = entryPointIds(ctx.connection, vdom);
  const why = device.unread[`${vdom}/phase1`];
  if (why) {
    // The tunnels could not be listed: a dial-up tunnel may exist, so say so like an unread SSL-VPN.
    const id = ids.ipsec("*");
    out.entryPoints.push({
      id,
      name: `${ctx.name} IPsec dial-up tunnels${device.vdoms.length > 1 ? ` (vdom ${vdom})` : ""}`,
      kind: "vpn",
      source,
      connection: ctx.connection,
      evidence: [ctx.evidence("phase1", vdom, undefined, undefined, "dial-up tunnels")],
    });
    out.accessPaths.push(unreadPath(ctx, id, tables.phase1.cli, why));
  }
  for (const p1 of ix.vdom.tables.phase1 ?? []) {
    if (firstValue(p1, "type") !== "dynamic") continue;
    const id = ids.ipsec(p1.key);
    const evidence = (field: string, note?: string) =>
      setting(ctx, device, "phase1", vdom, p1, field, note).evidence;
    out.entryPoints.push({
      id,
      name: `${ctx.name} IPsec dial-up '${p1.key}'${device.vdoms.length > 1 ? ` (vdom ${vdom})` : ""}`,
      kind: "vpn",
      source,
      connection: ctx.connection,
      evidence: [evidence("type", "type dynamic: a dial-up (remote access) tunnel")],
    });
    const xauth = setting(ctx, device, "phase1", vdom, p1, "xauthtype").value;
    const eap = setting(ctx, device, "phase1", vdom, p1, "eap").value === "enable";
    const authmethod = firstValue(p1, "authmethod") ?? "psk";
    const deviceFactor = authmethod === "signature" ? "certificate" : "pre-shared key";
    if (!eap && xauth === undefined) {
      out.accessPaths.push({
        id: `${id}/tunnel`,
        entryPoint: id,
        accounts: [],
        chain: { factors: [deviceFactor] },
        mfa: {
          state: "unknown",
          strength: null,
          reason: `dial-up tunnel '${p1.key}': ${missingSetting(device, "xauthtype")}`,
          evidence: [evidence("xauthtype"), evidence("eap")],
        },
      });
      continue;
    }
    if (!eap && (xauth === "disable" || xauth === "client")) {
      out.accessPaths.push({
        id: `${id}/tunnel`,
        entryPoint: id,
        accounts: [],
        chain: { factors: [deviceFactor] },
        mfa: {
          state: "none",
          strength: null,
          reason:
            xauth === "disable"
              ? `dial-up tunnel '${p1.key}' has xauthtype disable and no EAP: no user authentication at all, anyone with the ${deviceFactor} connects`
              : `dial-up tunnel '${p1.key}' has xauthtype client (the FortiGate authenticates to the peer) and no EAP: the remote user is not authenticated`,
          evidence: [evidence("xauthtype"), evidence("eap"), evidence("authmethod")],
        },
      });
      continue;
    }
    const group = firstValue(p1, "authusrgrp");
    const user = firstValue(p1, "authusr");
    const via = `dial-up tunnel '${p1.key}' (${eap ? "EAP" : `XAuth ${xauth}`})`;
    const found = principals(ix, device, user ? [user] : [], group ? [group] : [], via);
    if (found.length === 0) {
      const reason = `${via} names no authusrgrp: which users it accepts is not known`;
      out.accessPaths.push({
        id: `${id}/tunnel`,
        entryPoint: id,
        accounts: [],
        chain: { factors: [deviceFactor] },
        mfa: { state: "unknown", strength: null, reason, evidence: [evidence("authusrgrp", reason)] },
      });
      continue;
    }
    appendAll(out.accessPaths, pathsFor(ctx, ix, device, id, found));
  }
}

function admins(ctx: MappingContext, device: FortiDevice, out: ProviderInventory): void {
  const id = entryPointIds(ctx.connection, "global").admin;
  const why = device.unread["global/systemAdmin"];
  if (!device.admins && !why) return;
  out.entryPoints.push({
    id,
    name: `${ctx.name} administration (GUI/SSH)`,
    kind: "admin-console",
    source,
    connection: ctx.connection,
    evidence: [ctx.evidence("systemAdmin", "global", undefined, undefined, "administrators")],
  });
  if (why) {
    out.accessPaths.push(unreadPath(ctx, id, tables.systemAdmin.cli, why));
    return;
  }
  for (const admin of device.admins ?? []) {
    out.accounts.push(adminAccount(ctx, device, admin));
    const twoFactor = setting(ctx, device, "systemAdmin", "global", admin, "two-factor");
    const remoteAuth = setting(ctx, device, "systemAdmin", "global", admin, "remote-auth");
    const evidence = [twoFactor.evidence];
    const token = tokenVerdict(twoFactor.value, evidence, `administrator '${admin.key}'`, device);
    let mfa: MfaVerdict;
    if (token !== "disable") mfa = token;
    else if (remoteAuth.value === "enable")
      mfa = dependsOnServer({
        server: `remote server group '${firstValue(admin, "remote-group") ?? "?"}'`,
        said: `administrator '${admin.key}' authenticates remotely (remote-auth enable) with two-factor disable`,
        evidence: [...evidence, ctx.evidence("systemAdmin", "global", admin, "remote-group")],
      });
    else
      mfa = {
        state: "none",
        strength: null,
        reason: `administrator '${admin.key}' has two-factor disable: the password alone opens the GUI and SSH`,
        evidence: [...evidence, remoteAuth.evidence],
      };
    out.accessPaths.push({
      id: `${id}/${admin.key}`,
      entryPoint: id,
      accounts: [adminId(admin.key)],
      chain: { factors: mfa.state === "enforced" ? ["password", "token"] : ["password"] },
      mfa,
    });
  }
}

/** The whole device: accounts, entry points and paths. */
export function deviceInventory(ctx: MappingContext, read: FortiDevice): ProviderInventory {
  const out: ProviderInventory = { accounts: [], entryPoints: [], accessPaths: [], settings: [], facts: [] };
  const device: FortiDevice =
    read.origin === "backup" ? { ...read, printedDefault: printedDefaultIn(read) } : read;
  for (const vdom of device.vdoms) {
    const ix = index(vdom);
    for (const user of vdom.tables.userLocal ?? [])
      out.accounts.push(toAccount(ctx, device, vdom.name, user));
    sslVpn(ctx, ix, device, out);
    ipsecDialUp(ctx, ix, device, out);
  }
  admins(ctx, device, out);
  return out;
}

/** Evidence value of a field, as JSON. */
export function fieldValue(object: FortiObject | undefined, field: string): JsonValue {
  const values = object?.fields[field]?.values;
  if (!values) return null;
  return values.length === 1 ? values[0]! : values;
}

import { duoFactKinds, duoSource } from "../../src/model/facts/duo.js";
import type {
  Account,
  AccountStatus,
  Evidence,
  Fact,
  FactorStrength,
  JsonValue,
  ProviderInventory,
} from "../../src/model/index.js";
import type { DuoIntegration, DuoUser } from "./api.js";
import type { AuthProxyConfig } from "./authproxy.js";
import type { DwordSetting, WindowsLogonSettings } from "./windows-logon.js";

/**
 * Pure mapping from Duo Admin API records to accounts and facts. Duo is the second factor other entry
 * points delegate to, so it has no entry point of its own here: a gateway's path linked to a Duo
 * application takes, per account, the verdict the Duo linker gives (`duoUserOutcome`, src/link/duo).
 */

export const source = duoSource;

/** Fact kinds this provider emits (the contract with the Duo linker and policies: src/model/facts/duo.ts). */
export { duoFactKinds };

export interface MappingContext {
  connection: string;
  apiHost: string;
}

interface Method {
  method: string;
  strength: FactorStrength;
}

/** What Duo can ask each enrolled device for: phone capabilities, OTP tokens, WebAuthn/U2F keys. */
export function enrolledMethods(user: DuoUser): Method[] {
  const methods: Method[] = [];
  for (const phone of user.phones ?? []) {
    const caps = phone.capabilities ?? [];
    if (caps.includes("push")) methods.push({ method: "duo-push", strength: "app" });
    if (caps.includes("mobile_otp")) methods.push({ method: "duo-mobile-passcode", strength: "app" });
    if (caps.includes("sms")) methods.push({ method: "sms", strength: "weak" });
    if (caps.includes("phone")) methods.push({ method: "phone-call", strength: "weak" });
  }
  for (const token of user.tokens ?? [])
    methods.push({ method: `hardware-token${token.type ? `:${token.type}` : ""}`, strength: "app" });
  for (const _ of user.webauthncredentials ?? [])
    methods.push({ method: "webauthn", strength: "phishing-resistant" });
  for (const _ of user.u2ftokens ?? []) methods.push({ method: "u2f", strength: "phishing-resistant" });
  return [...new Map(methods.map((m) => [m.method, m])).values()];
}

function accountStatus(status: string): AccountStatus {
  if (status === "active" || status === "bypass") return "active";
  if (status === "disabled") return "disabled";
  if (status === "locked out") return "locked";
  return "unknown";
}

export function userEvidence(ctx: MappingContext, user: DuoUser, field: string, note?: string): Evidence {
  const value = (user as Record<string, unknown>)[field];
  return {
    source,
    connection: ctx.connection,
    endpoint: "GET /admin/v1/users",
    objectId: user.user_id,
    field,
    value: (value === undefined ? null : value) as JsonValue,
    ...(note ? { note } : {}),
  };
}

export function toAccount(ctx: MappingContext, user: DuoUser): Account {
  const methods = enrolledMethods(user);
  return {
    id: user.user_id,
    name: user.username,
    ...(user.realname ? { displayName: user.realname } : {}),
    ...(user.email ? { email: user.email } : {}),
    source,
    connection: ctx.connection,
    kind: "member",
    status: accountStatus(user.status),
    lastSignIn: user.last_login ? new Date(user.last_login * 1000).toISOString() : null,
    admin: { isAdmin: "unknown", roles: [] },
    enrollment: {
      enrolled: typeof user.is_enrolled === "boolean" ? user.is_enrolled : "unknown",
      methods,
      evidence: [userEvidence(ctx, user, "is_enrolled")],
    },
    evidence: [userEvidence(ctx, user, "status")],
  };
}

export function userFact(ctx: MappingContext, user: DuoUser): Fact {
  return {
    kind: duoFactKinds.user,
    id: `${source}:${ctx.connection}:user/${user.user_id}`,
    source,
    connection: ctx.connection,
    data: {
      userId: user.user_id,
      username: user.username,
      aliases: Object.values(user.aliases ?? {}).filter(
        (a): a is string => typeof a === "string" && a !== "",
      ),
      status: user.status,
      enrolled: typeof user.is_enrolled === "boolean" ? user.is_enrolled : "unknown",
      methods: enrolledMethods(user).map((m) => ({ method: m.method, strength: m.strength })),
    },
    evidence: [userEvidence(ctx, user, "status"), userEvidence(ctx, user, "is_enrolled")],
  };
}

export function applicationFact(ctx: MappingContext, app: DuoIntegration): Fact {
  return {
    kind: duoFactKinds.application,
    id: `${source}:${ctx.connection}:application/${app.integration_key}`,
    source,
    connection: ctx.connection,
    data: {
      integrationKey: app.integration_key,
      name: app.name,
      type: app.type ?? null,
      enrollPolicy: app.enroll_policy ?? null,
    },
    evidence: [
      {
        source,
        connection: ctx.connection,
        endpoint: "GET /admin/v1/integrations",
        objectId: app.integration_key,
        field: "enroll_policy",
        value: app.enroll_policy ?? null,
        note: `application '${app.name}' (${app.type ?? "type not given"})`,
      },
    ],
  };
}

export function duoInventory(
  ctx: MappingContext,
  users: DuoUser[],
  applications: DuoIntegration[],
): ProviderInventory {
  return {
    accounts: users.map((u) => toAccount(ctx, u)),
    entryPoints: [],
    accessPaths: [],
    settings: [],
    facts: [...users.map((u) => userFact(ctx, u)), ...applications.map((a) => applicationFact(ctx, a))],
  };
}

/** A fact per server section of one proxy's authproxy.cfg, with the lines that decide. */
export function proxyFacts(ctx: MappingContext, host: string, config: AuthProxyConfig): Fact[] {
  return config.servers.map((server) => {
    const at = (line: number, field: string, value: JsonValue, note?: string): Evidence => ({
      source,
      connection: ctx.connection,
      file: config.file,
      line,
      objectId: `[${server.section}]`,
      field,
      value,
      ...(note ? { note } : {}),
    });
    const evidence = [
      server.failmode
        ? at(server.failmode.line, "failmode", server.failmode.value)
        : at(server.line, "failmode", null, "not set: Duo's default is safe"),
      ...server.exemptOus.map((o) => at(o.line, "exempt_ou", o.dn, "DNs under it skip Duo")),
    ];
    return {
      kind: duoFactKinds.proxyServer,
      id: `${source}:${ctx.connection}:proxy/${host}/${server.section}`,
      source,
      connection: ctx.connection,
      data: {
        host,
        file: config.file,
        section: server.section,
        kind: server.kind,
        ikey: server.ikey,
        apiHost: server.apiHost,
        failmode: server.failmode?.value ?? null,
        port: server.port?.value ?? null,
        client: server.client,
        radiusClients: server.radiusClients.map((c) => c.address),
        exemptOus: server.exemptOus.map((o) => o.dn),
      },
      evidence,
    };
  });
}

/** A proxy configuration that could not be read: its servers are unknown, not absent. */
export function unreadProxyFact(ctx: MappingContext, host: string, file: string, reason: string): Fact {
  return {
    kind: duoFactKinds.proxyServer,
    id: `${source}:${ctx.connection}:proxy/${host}/unread`,
    source,
    connection: ctx.connection,
    data: { host, file, unread: reason },
    evidence: [{ source, connection: ctx.connection, file, note: reason }],
  };
}

/** Duo for Windows Logon settings of one host, each value with the key and line that set it. */
export function windowsLogonFact(ctx: MappingContext, host: string, settings: WindowsLogonSettings): Fact {
  const at = (name: string, s: DwordSetting, note: string): Evidence => ({
    source,
    connection: ctx.connection,
    file: settings.file,
    line: s.line ?? settings.keyLine,
    objectId: s.from === "policy" ? "Policies\\Duo Security\\DuoCredProv" : "Duo Security\\DuoCredProv",
    field: name,
    value: s.raw,
    note: s.raw === null ? `not set: ${note}` : note,
  });
  return {
    kind: duoFactKinds.windowsLogon,
    id: `${source}:${ctx.connection}:windows-logon/${host}`,
    source,
    connection: ctx.connection,
    data: {
      host,
      file: settings.file,
      failOpen: settings.failOpen.value,
      failOpenFrom: settings.failOpen.from,
      offlineAvailable: settings.offlineAvailable.value,
    },
    evidence: [
      at(
        "FailOpen",
        settings.failOpen,
        "1 lets the Windows password alone through when Duo cannot be reached",
      ),
      at(
        "OfflineAvailable",
        settings.offlineAvailable,
        "offline access asks for a Duo Mobile passcode or security key when Duo cannot be reached",
      ),
    ],
  };
}

/** A Windows Logon export that could not be read: its fail mode is unknown, not compliant. */
export function unreadWindowsLogonFact(
  ctx: MappingContext,
  host: string,
  file: string,
  reason: string,
): Fact {
  return {
    kind: duoFactKinds.windowsLogon,
    id: `${source}:${ctx.connection}:windows-logon/${host}`,
    source,
    connection: ctx.connection,
    data: { host, file, unread: reason },
    evidence: [{ source, connection: ctx.connection, file, note: reason }],
  };
}

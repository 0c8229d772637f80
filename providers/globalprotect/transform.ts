import { dependsOnServer, npsDelegated, samlDelegated, vpnFactKinds } from "../../src/collect/vpn.js";
import type {
  AccessPath,
  Account,
  Evidence,
  JsonValue,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import { localName, type XmlElement } from "../../src/util/xml.js";
import { at, childrenOf, entries, members, nameOf, text } from "./api.js";

/**
 * Pure mapping from a PAN-OS configuration tree to GlobalProtect entry points (one per portal or gateway
 * and `client-auth` entry, since each OS can use a different authentication profile), local users and
 * administrators, access paths, and the authentication-override cookie facts (reference §2.2).
 */

export const source = "globalprotect";

export interface MappingContext {
  connection: string;
  name: string;
  /** Where the config came from: the API call, or the export file. */
  where: { endpoint: string } | { file: string };
  /** What names the firewall in a SAML IdP's app (the SP entity id), when known. */
  samlTarget?: string;
  npsServers: Set<string>;
}

/** One vsys with the shared scope behind it (objects in a vsys shadow shared ones of the same name). */
interface Scope {
  vsys: string;
  vsysEl: XmlElement | undefined;
  shared: XmlElement | undefined;
}

function find(scope: Scope, path: string[], name: string): XmlElement | undefined {
  return (
    entries(scope.vsysEl, ...path).find((e) => nameOf(e) === name) ??
    entries(scope.shared, ...path).find((e) => nameOf(e) === name)
  );
}

function ev(
  ctx: MappingContext,
  element: XmlElement | undefined,
  field: string,
  value: JsonValue,
  note?: string,
): Evidence {
  return {
    source,
    connection: ctx.connection,
    ...("file" in ctx.where ? { file: ctx.where.file } : { endpoint: ctx.where.endpoint }),
    ...(element?.line && "file" in ctx.where ? { line: element.line } : {}),
    ...(element ? { objectId: nameOf(element) || localName(element.name) } : {}),
    field,
    value,
    ...(note ? { note } : {}),
  };
}

function userId(vsys: string, name: string): string {
  return `user/${vsys}/${name}`;
}

/** Paths (without ids) one authentication profile opens: local users one by one, a server as a whole. */
type Opening =
  | { kind: "local"; user: string; mfa: MfaVerdict }
  | { kind: "server"; key: string; path: Pick<AccessPath, "chain" | "mfa"> };

function profileOpenings(
  ctx: MappingContext,
  scope: Scope,
  profileName: string,
  via: string,
  seen = new Set<string>(),
): Opening[] {
  if (seen.has(profileName)) return [];
  seen.add(profileName);
  const sequence = find(scope, ["authentication-sequence"], profileName);
  if (sequence)
    // A sequence tries each profile in turn: any one of them signs the user in.
    return members(sequence, "authentication-profiles").flatMap((p) =>
      profileOpenings(ctx, scope, p, `${via} → sequence '${profileName}'`, seen),
    );
  const profile = find(scope, ["authentication-profile"], profileName);
  if (!profile) {
    const reason = `${via}: authentication profile '${profileName}' is not in the configuration`;
    return [
      {
        kind: "server",
        key: `missing/${profileName}`,
        path: {
          chain: { factors: [] },
          mfa: {
            state: "unknown",
            strength: null,
            reason,
            evidence: [{ source, connection: ctx.connection, note: reason }],
          },
        },
      },
    ];
  }
  const methodEl = at(profile, "method")?.children[0];
  const method = methodEl ? localName(methodEl.name) : undefined;
  const mfaEnable = text(profile, "multi-factor-auth", "mfa-enable") === "yes";
  const factors = members(profile, "multi-factor-auth", "factors");
  const evidence = [
    ev(ctx, profile, "method", method ?? null, `authentication profile '${profileName}' (${via})`),
    ev(
      ctx,
      profile,
      "multi-factor-auth/mfa-enable",
      text(profile, "multi-factor-auth", "mfa-enable") ?? null,
    ),
  ];
  const enforced = (what: string): MfaVerdict => ({
    state: "enforced",
    strength: null,
    reason: `authentication profile '${profileName}' enables additional authentication factors${factors.length ? ` (${factors.join(", ")})` : ""} after ${what}`,
    evidence,
  });
  if (method === "local-database") {
    const allow = members(profile, "allow-list");
    const users = [
      ...entries(scope.vsysEl, "local-user-database", "user"),
      ...entries(scope.shared, "local-user-database", "user"),
    ]
      .filter((u) => text(u, "disabled") !== "yes")
      .map(nameOf)
      .filter((n) => allow.length === 0 || allow.includes("all") || allow.includes(n));
    return [...new Set(users)].map((user) => ({
      kind: "local" as const,
      user,
      mfa: mfaEnable
        ? enforced("the local password")
        : {
            state: "none" as const,
            strength: null,
            reason: `local user '${user}' signs in with a password alone (profile '${profileName}', local-database, multi-factor authentication not enabled)`,
            evidence,
          },
    }));
  }
  const serverProfile = methodEl ? text(methodEl, "server-profile") : undefined;
  // One path per profile: a sequence of two profiles on the same server opens two ways in.
  const key = `profile/${profileName}`;
  if (mfaEnable)
    return [
      {
        kind: "server",
        key,
        path: { chain: { factors: ["password", "mfa"] }, mfa: enforced(`the ${method} check`) },
      },
    ];
  if (method === "saml-idp") {
    const idp = serverProfile ? find(scope, ["server-profile", "saml-idp"], serverProfile) : undefined;
    const idpEntityId = text(idp, "entity-id");
    const all = [...evidence, ev(ctx, idp, "entity-id", idpEntityId ?? null)];
    if (!ctx.samlTarget)
      return [
        {
          kind: "server",
          key,
          path: {
            chain: { factors: [] },
            mfa: {
              state: "unknown",
              strength: null,
              reason: `profile '${profileName}' signs in through SAML IdP ${idpEntityId ?? "?"}; set portalAddress (or samlSpEntityId) on the connection so the IdP's app can be identified`,
              evidence: all,
            },
          },
        },
      ];
    return [
      {
        kind: "server",
        key,
        path: samlDelegated({
          target: ctx.samlTarget,
          idpEntityId,
          said: `GlobalProtect authentication profile '${profileName}'`,
          evidence: all,
        }),
      },
    ];
  }
  if (method === "cloud") {
    const force = text(methodEl, "region", "tenant", "profile", "mfa", "force-mfa") === "yes";
    return [
      {
        kind: "server",
        key,
        path: {
          chain: { factors: [] },
          mfa: force
            ? enforced("the Cloud Identity Engine sign-in (force-mfa)")
            : dependsOnServer({
                server: "the Cloud Identity Engine",
                said: `profile '${profileName}' without force-mfa`,
                evidence,
              }),
        },
      },
    ];
  }
  if (method === "none" || method === undefined)
    return [
      {
        kind: "server",
        key,
        path: {
          chain: { factors: [] },
          mfa: {
            state: method === "none" ? "none" : "unknown",
            strength: null,
            reason:
              method === "none"
                ? `authentication profile '${profileName}' has method none`
                : `authentication profile '${profileName}' names no method`,
            evidence,
          },
        },
      },
    ];
  if (method === "radius" && serverProfile) {
    const radius = find(scope, ["server-profile", "radius"], serverProfile);
    const addresses = entries(radius, "server").map((s) => text(s, "ip-address") ?? nameOf(s));
    const nps = ctx.npsServers.has(serverProfile)
      ? (addresses[0] ?? serverProfile)
      : addresses.find((a) => ctx.npsServers.has(a));
    if (nps)
      return [
        {
          kind: "server",
          key,
          path: npsDelegated({
            address: nps,
            said: `GlobalProtect authentication profile '${profileName}'`,
            evidence,
          }),
        },
      ];
  }
  return [
    {
      kind: "server",
      key,
      path: {
        chain: { factors: ["password"] },
        mfa: dependsOnServer({
          server: `${method} server profile '${serverProfile ?? "?"}'`,
          said: `authentication profile '${profileName}' without multi-factor authentication`,
          evidence,
        }),
      },
    },
  ];
}

function lifetimeMinutes(authOverride: XmlElement | undefined): number | null {
  const lifetime = at(authOverride, "accept-cookie", "cookie-lifetime");
  const days = text(lifetime, "lifetime-in-days");
  const hours = text(lifetime, "lifetime-in-hours");
  const minutes = text(lifetime, "lifetime-in-minutes");
  if (days) return Number(days) * 1440;
  if (hours) return Number(hours) * 60;
  if (minutes) return Number(minutes);
  return null;
}

export function firewallInventory(ctx: MappingContext, config: XmlElement): ProviderInventory {
  const out: ProviderInventory = { accounts: [], entryPoints: [], accessPaths: [], settings: [], facts: [] };
  const shared = at(config, "shared");
  const device =
    entries(config, "devices").find((d) => nameOf(d) === "localhost.localdomain") ??
    entries(config, "devices")[0];
  const vsysList = entries(device, "vsys");
  const localAccounts = new Map<string, Account>();
  for (const vsysEl of vsysList) {
    const scope: Scope = { vsys: nameOf(vsysEl), vsysEl, shared };
    const gatewaysAndPortals = [
      ...entries(vsysEl, "global-protect", "global-protect-portal").map((e) => ({
        kind: "portal" as const,
        e,
        clientAuth: entries(e, "portal-config", "client-auth"),
        configs: entries(e, "client-config", "configs"),
      })),
      ...entries(vsysEl, "global-protect", "global-protect-gateway").map((e) => ({
        kind: "gateway" as const,
        e,
        clientAuth: entries(e, "client-auth"),
        configs: entries(e, "remote-user-tunnel-configs"),
      })),
    ];
    for (const gp of gatewaysAndPortals) {
      const gpName = nameOf(gp.e);
      const ids: string[] = [];
      for (const ca of gp.clientAuth) {
        const os = text(ca, "os") ?? "Any";
        const id = `${source}:${ctx.connection}:${scope.vsys}:${gp.kind}/${gpName}/${nameOf(ca)}`;
        ids.push(id);
        out.entryPoints.push({
          id,
          name: `${ctx.name} GlobalProtect ${gp.kind} '${gpName}' (${os})`,
          kind: "vpn",
          source,
          connection: ctx.connection,
          evidence: [
            ev(ctx, ca, "os", os),
            ev(ctx, ca, "authentication-profile", text(ca, "authentication-profile") ?? null),
          ],
        });
        const profileName = text(ca, "authentication-profile");
        const certRequired = text(ca, "user-credential-or-client-cert-required") === "yes";
        if (!profileName) {
          const reason = `client-auth '${nameOf(ca)}' of ${gp.kind} '${gpName}' names no authentication profile`;
          out.accessPaths.push({
            id: `${id}/none`,
            entryPoint: id,
            accounts: [],
            chain: { factors: [] },
            mfa: {
              state: "unknown",
              strength: null,
              reason,
              evidence: [ev(ctx, ca, "authentication-profile", null, reason)],
            },
          });
          continue;
        }
        for (const opening of profileOpenings(
          ctx,
          scope,
          profileName,
          `${gp.kind} '${gpName}' client-auth '${nameOf(ca)}' (${os})`,
        )) {
          if (opening.kind === "local") {
            const accountId = userId(scope.vsys, opening.user);
            if (!localAccounts.has(accountId))
              localAccounts.set(accountId, {
                id: accountId,
                name: opening.user,
                source,
                connection: ctx.connection,
                kind: "local",
                status: "active",
                admin: { isAdmin: false, roles: [] },
                enrollment: { enrolled: "unknown", methods: [], evidence: opening.mfa.evidence },
                evidence: opening.mfa.evidence,
              });
            const mfa: MfaVerdict =
              certRequired && opening.mfa.state !== "enforced"
                ? {
                    ...opening.mfa,
                    state: "enforced",
                    reason: `a client certificate is required as well (${opening.mfa.reason})`,
                    evidence: [
                      ...opening.mfa.evidence,
                      ev(ctx, ca, "user-credential-or-client-cert-required", "yes"),
                    ],
                  }
                : opening.mfa;
            out.accessPaths.push({
              id: `${id}/user/${opening.user}`,
              entryPoint: id,
              accounts: [accountId],
              chain: { factors: mfa.state === "enforced" ? ["password", "second factor"] : ["password"] },
              mfa,
            });
          } else {
            out.accessPaths.push({
              id: `${id}/${opening.key}`,
              entryPoint: id,
              accounts: [],
              ...opening.path,
            });
          }
        }
      }
      // Authentication-override cookies: a reconnect with an accepted cookie skips the sign-in (and MFA).
      for (const cfg of gp.configs) {
        const override = at(cfg, "authentication-override");
        if (!override || ids.length === 0) continue;
        const accept = at(override, "accept-cookie") !== undefined;
        out.facts.push({
          kind: vpnFactKinds.authOverride,
          id: `${ids[0]}#${nameOf(cfg)}`,
          source,
          connection: ctx.connection,
          data: {
            entryPoint: ids[0]!,
            scope: `${gp.kind} '${gpName}' config '${nameOf(cfg)}'`,
            acceptCookie: accept,
            lifetimeMinutes: accept ? lifetimeMinutes(override) : null,
          },
          evidence: [
            ev(
              ctx,
              at(override, "accept-cookie", "cookie-lifetime") ?? override,
              "authentication-override/accept-cookie/cookie-lifetime",
              accept ? lifetimeMinutes(override) : null,
              "minutes",
            ),
          ],
        });
      }
    }
  }
  appendAll(out.accounts, localAccounts.values());
  administrators(ctx, config, vsysList[0], shared, out);
  return out;
}

function administrators(
  ctx: MappingContext,
  config: XmlElement,
  vsysEl: XmlElement | undefined,
  shared: XmlElement | undefined,
  out: ProviderInventory,
): void {
  const users = entries(config, "mgt-config", "users");
  if (users.length === 0) return;
  const id = `${source}:${ctx.connection}:admin`;
  out.entryPoints.push({
    id,
    name: `${ctx.name} administration (web interface/SSH)`,
    kind: "admin-console",
    source,
    connection: ctx.connection,
    evidence: [ev(ctx, at(config, "mgt-config", "users"), "mgt-config/users", users.length)],
  });
  const scope: Scope = { vsys: "admin", vsysEl, shared };
  for (const u of users) {
    const name = nameOf(u);
    const role = at(u, "permissions", "role-based")?.children[0];
    const accountId = `admin/${name}`;
    out.accounts.push({
      id: accountId,
      name,
      source,
      connection: ctx.connection,
      kind: "local",
      status: "active",
      admin: { isAdmin: true, roles: role ? [localName(role.name)] : [] },
      enrollment: {
        enrolled: "unknown",
        methods: [],
        evidence: [ev(ctx, u, "authentication-profile", text(u, "authentication-profile") ?? null)],
      },
      evidence: [ev(ctx, u, "permissions/role-based", role ? localName(role.name) : null)],
    });
    const profile = text(u, "authentication-profile");
    let mfa: MfaVerdict;
    if (profile) {
      const openings = profileOpenings(ctx, scope, profile, `administrator '${name}'`);
      const opening = openings.find((o) => o.kind === "local" && o.user === name) ?? openings[0];
      mfa = opening
        ? opening.kind === "local"
          ? opening.mfa
          : opening.path.mfa
        : {
            state: "unknown",
            strength: null,
            reason: `administrator '${name}': profile '${profile}' opens nothing`,
            evidence: [ev(ctx, u, "authentication-profile", profile)],
          };
    } else {
      const evidence = [ev(ctx, u, "phash", text(u, "phash") ? "(set)" : null, "local password hash")];
      mfa = text(u, "phash")
        ? {
            state: "none",
            strength: null,
            reason: `administrator '${name}' signs in with a local password and no authentication profile: no second factor`,
            evidence,
          }
        : {
            state: "unknown",
            strength: null,
            reason: `administrator '${name}' has neither a local password nor an authentication profile in the config`,
            evidence,
          };
    }
    out.accessPaths.push({
      id: `${id}/${name}`,
      entryPoint: id,
      accounts: [accountId],
      chain: { factors: mfa.state === "enforced" ? ["password", "mfa"] : ["password"] },
      mfa,
    });
  }
}

export { childrenOf };

import { findOktaApps, type OktaOrg } from "../engines/okta-sign-on/index.js";
import { entraFactKinds, entraKinds, entraSource, type ServicePrincipalItem } from "../model/facts/entra.js";
import { factsOf } from "../model/facts/kind.js";
import { oktaAppAssignment, oktaSource, unreadAppAssignments } from "../model/facts/okta.js";
import type {
  AccessPath,
  Account,
  AuthChain,
  EntryPoint,
  Evidence,
  MfaVerdict,
  OktaAppRef,
  TenantInventory,
} from "../model/index.js";
import { type DuoResolution, duoSource, resolveDuoProxy } from "./duo/index.js";
import type { LinkEngines, Linker } from "./linker.js";
import {
  npsDelegationTarget,
  npsExtensionServing,
  npsSettingsFor,
  npsVerdict,
  readNpsSettings,
} from "./nps/index.js";

/**
 * The delegation linker (issue #6): every access path whose chain delegates sign-in to another system
 * (a VPN's SAML app, an Azure VPN audience app id, RADIUS to the NPS extension, an RMM console's SSO) takes
 * the verdict that system gives each account, with the hop recorded in `mfa.via`.
 *
 * - A delegated path without accounts (the gateway cannot list who signs in: the IdP's users do) is
 *   replaced by one path per identity-provider user who can use the app, ids `${path.id}/${userId}`,
 *   `accountsFrom` naming the IdP connection.
 * - A delegated path with accounts (RMM SSO users) keeps them: each is matched to the IdP user by email,
 *   UPN or login; the verdict is the IdP's for that app, or, when the app cannot be identified, for any
 *   app (a lower bound: an all-apps policy covers every app).
 * - A RADIUS or LDAP server that is a Duo Authentication Proxy server section (a duo connection's
 *   `authProxies`) is replaced by one path per Duo user with what Duo and the proxy give them
 *   (`src/link/duo`), plus one for directory accounts Duo does not know.
 * - No connection for the target, app not found, user not found: `unknown` with the reason, never
 *   `enforced`.
 *
 * Runs after the Entra and Okta linkers (it reads their facts and, for Okta, evaluates its policies). Pure.
 */

type Delegation = NonNullable<AuthChain["delegation"]>;
type System = "entra" | "okta";

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const canSignIn = new Set<Account["status"]>(["active", "locked", "unknown"]);

/** SAML identifiers compare without case and without a trailing slash (Entra stores what the admin typed). */
function sameIdentifier(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/+$/, "").toLowerCase();
  return norm(a) === norm(b);
}

/** An Entra app a delegation names, or why it could not be found. */
type EntraTarget =
  | { found: true; connection: string; appId: string; name: string; sp?: ServicePrincipalItem; note?: string }
  | { found: false; connection: string; reason: string };

type OktaTarget =
  | { found: true; connection: string; appId: string; name: string; org: OktaOrg }
  | { found: false; connection: string; reason: string };

type Target = (EntraTarget & { system: "entra" }) | (OktaTarget & { system: "okta" });

class Resolver {
  readonly #entryPoints: Map<string, EntryPoint>;
  readonly #accounts = new Map<string, Account>();
  readonly #entra: string[];
  readonly #okta: string[];

  constructor(
    private readonly inventory: TenantInventory,
    private readonly engines: LinkEngines,
  ) {
    this.#entryPoints = new Map(inventory.entryPoints.map((e) => [e.id, e]));
    for (const a of inventory.accounts)
      this.#accounts.set(`${a.source}\u0000${a.connection}\u0000${a.id}`, a);
    this.#entra = [...engines.entra.connections];
    this.#okta = [...engines.okta.connections];
  }

  resolve(path: AccessPath): AccessPath[] {
    const delegation = path.chain.delegation;
    const entryPoint = this.#entryPoints.get(path.entryPoint);
    if (!delegation || !entryPoint || path.accountsFrom) return [path];
    // LDAP checks a password; only a Duo Authentication Proxy's LDAP section is known to add a factor, so a
    // path its gateway judged a password bind (none) is Duo's when a proxy answers at the server.
    if (delegation.protocol === "ldap" && (path.mfa.state === "unknown" || path.mfa.state === "none"))
      return this.#duo(path, entryPoint, delegation) ?? [path];
    // Otherwise only pending delegations: a path judged otherwise stays.
    if (path.mfa.state !== "unknown") return [path];
    // RADIUS: the server decides; only a known NPS extension hands the decision to Entra.
    if (delegation.protocol === "radius") return this.#radius(path, entryPoint, delegation);
    const systems = this.#systems(delegation);
    if ("reason" in systems) return [this.#unresolved(path, entryPoint, systems.reason)];

    const targets = systems.list.flatMap((system): Target[] =>
      system === "entra"
        ? this.#entra.map((c) => ({ system, ...this.#entraApp(c, delegation) }))
        : this.#okta.map((c) => ({ system, ...this.#oktaApp(c, delegation) })),
    );
    const found = targets.filter((t) => t.found);
    const described = describe(delegation);
    if (found.length > 1)
      return [
        this.#unresolved(
          path,
          entryPoint,
          `${described} matches ${found.length} apps (${found.map((t) => `${t.system}:${t.connection} '${t.found ? t.name : ""}'`).join(", ")}); set the delegation's identity provider to one of them`,
        ),
      ];
    const target = found[0];
    if (path.accounts.length === 0) {
      if (!target)
        return [
          this.#unresolved(
            path,
            entryPoint,
            `${described}: ${targets.map((t) => (t.found ? "" : t.reason)).join("; ")}`,
          ),
        ];
      return target.system === "entra" && target.found
        ? this.#entraUsers(path, entryPoint, delegation, target)
        : target.system === "okta" && target.found
          ? this.#oktaUsers(path, delegation, target)
          : [path];
    }
    // Accounts of the console itself: each is matched to its IdP user.
    if (!target && targets.length !== 1)
      return [
        this.#unresolved(
          path,
          entryPoint,
          `${described}: the app was not identified in any of ${targets.length} identity-provider connections (${targets.map((t) => (t.found ? "" : `${t.system}:${t.connection}: ${t.reason}`)).join("; ")})`,
        ),
      ];
    const chosen = target ?? targets[0]!;
    const perAccount = path.accounts.map((accountId) => {
      const account = this.#accounts.get(
        `${entryPoint.source}\u0000${entryPoint.connection}\u0000${accountId}`,
      );
      const verdict = this.#accountVerdict(path, entryPoint, delegation, chosen, account, accountId);
      return { accountId, verdict };
    });
    if (perAccount.length === 1) return [withVerdict(path, perAccount[0]!.verdict)];
    return perAccount.map(({ accountId, verdict }) =>
      withVerdict({ ...path, id: `${path.id}/${accountId}`, accounts: [accountId] }, verdict),
    );
  }

  /** Which identity providers can hold the target: the one named, else whichever the tenant has. */
  #systems(d: Delegation): { list: System[] } | { reason: string } {
    const present: Record<System, boolean> = { entra: this.#entra.length > 0, okta: this.#okta.length > 0 };
    if (d.targetSource === "entra" || d.targetSource === "okta") {
      if (!present[d.targetSource])
        return {
          reason: `${describe(d)} is delegated to ${label(d.targetSource)}, but this tenant has no ${d.targetSource} connection: add one to resolve it`,
        };
      return { list: [d.targetSource] };
    }
    if (d.targetSource)
      return { reason: `${describe(d)} is delegated to ${d.targetSource}, which no linker resolves` };
    const list = (["entra", "okta"] as const).filter((s) => present[s]);
    if (list.length === 0)
      return {
        reason: `${describe(d)} is delegated to an identity provider, but this tenant has no Entra or Okta connection: add one to resolve it`,
      };
    return { list };
  }

  #servicePrincipals(connection: string): { items: ServicePrincipalItem[] } | { reason: string } {
    const read = factsOf(this.inventory, entraKinds[entraFactKinds.servicePrincipals]).find(
      (r) => r.fact.connection === connection,
    );
    if (!read) return { reason: "enterprise apps were not collected (Application.Read.All)" };
    if (read.error !== undefined) return { reason: `the enterprise-app fact is malformed: ${read.error}` };
    if (read.data.status !== "read")
      return { reason: `enterprise apps could not be read (${read.data.reason ?? read.data.status})` };
    return { items: read.data.items };
  }

  #entraApp(connection: string, d: Delegation): EntraTarget {
    const sps = this.#servicePrincipals(connection);
    const target = d.target.trim();
    if (guidPattern.test(target)) {
      if ("reason" in sps)
        return {
          found: true,
          connection,
          appId: target.toLowerCase(),
          name: target,
          note: `${sps.reason}: who is assigned to the app is not known, so every enabled user is assumed able to sign in`,
        };
      const sp = sps.items.find((s) => s.appId.toLowerCase() === target.toLowerCase());
      if (!sp) return { found: false, connection, reason: `no enterprise app with app id ${target}` };
      return { found: true, connection, appId: sp.appId, name: sp.displayName ?? sp.appId, sp };
    }
    if ("reason" in sps) return { found: false, connection, reason: sps.reason };
    const sp = sps.items.find((s) => s.servicePrincipalNames.some((n) => sameIdentifier(n, target)));
    if (!sp) return { found: false, connection, reason: `no enterprise app has the identifier '${target}'` };
    return { found: true, connection, appId: sp.appId, name: sp.displayName ?? sp.appId, sp };
  }

  #org(connection: string): OktaOrg | undefined {
    return this.engines.okta.evaluator(connection)?.org;
  }

  #oktaApp(connection: string, d: Delegation): OktaTarget {
    const org = this.#org(connection);
    if (!org)
      return { found: false, connection, reason: "the Okta facts of this connection are missing or invalid" };
    const target = d.target.trim();
    const ref: OktaAppRef =
      d.protocol === "oidc"
        ? { oidcClientId: target, id: target }
        : { samlEntityId: target, samlAcsUrl: target, id: target };
    const apps = findOktaApps(org, ref);
    if (apps.length === 0)
      return {
        found: false,
        connection,
        reason: org.org.reads.apps.complete
          ? `no Okta app has the ${d.protocol === "oidc" ? "client id" : "audience or ACS URL"} '${target}'`
          : `Okta apps could not be read (${org.org.reads.apps.reason ?? "incomplete"})`,
      };
    if (apps.length > 1)
      return { found: false, connection, reason: `${apps.length} Okta apps match '${target}'` };
    const app = apps[0]!;
    return { found: true, connection, appId: app.id, name: app.label ?? app.name, org };
  }

  /** Every user the Entra app lets sign in, each with Conditional Access's verdict for that app. */
  #entraUsers(
    path: AccessPath,
    entryPoint: EntryPoint,
    d: Delegation,
    target: Extract<EntraTarget, { found: true }>,
  ): AccessPath[] {
    const users = this.#entraAppUsers(target);
    if ("reason" in users) return [this.#unresolved(path, entryPoint, `${describe(d)}: ${users.reason}`)];
    const prefix = `${d.protocol.toUpperCase()} sign-in through Entra app '${target.name}' (${target.appId})${target.note ? ` (${target.note})` : users.note ? ` (${users.note})` : ""}: `;
    const paths = users.ids.map((userId) => {
      const result = this.engines.entra.signInTo(target.connection, userId, { appId: target.appId });
      const verdict: MfaVerdict = {
        ...result.verdict,
        reason: `${prefix}${result.verdict.reason}`,
        via: [...(result.verdict.via ?? []), `entra:${target.connection}:app/${target.appId}`],
      };
      return perUserPath(path, userId, { source: entraSource, connection: target.connection }, verdict);
    });
    // Users of a group whose members could not be read: one unknown path names the group.
    const unread = users.unreadGroups.map((g) =>
      this.#unresolved(
        { ...path, id: `${path.id}/group/${g.id}` },
        entryPoint,
        `${prefix}members of assigned group ${g.name} could not be read (${g.reason})`,
      ),
    );
    return [...paths, ...unread];
  }

  #entraAppUsers(
    target: Extract<EntraTarget, { found: true }>,
  ):
    | { ids: string[]; unreadGroups: Array<{ id: string; name: string; reason: string }>; note?: string }
    | { reason: string } {
    const enabled = () =>
      this.inventory.accounts
        .filter(
          (a) => a.source === entraSource && a.connection === target.connection && a.status === "active",
        )
        .map((a) => a.id);
    const sp = target.sp;
    if (!sp) return { ids: enabled(), unreadGroups: [] };
    if (sp.accountEnabled === false) return { ids: [], unreadGroups: [], note: "the app is disabled" };
    if (sp.appRoleAssignmentRequired !== true)
      return {
        ids: enabled(),
        unreadGroups: [],
        note: "assignment not required: every enabled user can sign in",
      };
    if (sp.assignments.status !== "read")
      return {
        reason: `who is assigned to Entra app '${target.name}' could not be read (${sp.assignments.reason ?? sp.assignments.status})`,
      };
    const facts = this.engines.entra.facts(target.connection);
    const active = new Set(enabled());
    const ids = new Set<string>();
    const unreadGroups: Array<{ id: string; name: string; reason: string }> = [];
    for (const p of sp.assignments.principals) {
      if (p.type === "user") ids.add(p.id);
      else if (p.type === "group") {
        const group = facts.groups.byId.get(p.id);
        if (group?.status === "read") for (const m of group.members) ids.add(m);
        // A group that was not found (404) is as unknown as one that could not be read, never empty.
        else
          unreadGroups.push({
            id: p.id,
            name: group?.displayName ? `'${group.displayName}'` : p.id,
            reason:
              group?.reason ??
              (group?.status === "not-found"
                ? "not found (HTTP 404)"
                : (facts.groups.reason ?? "members not collected")),
          });
      }
    }
    return { ids: [...ids].filter((id) => active.has(id)), unreadGroups };
  }

  /**
   * Every Okta user assigned to the app (directly or through a group) who can sign in, each with the global
   * session and the app's authentication policy. Assignments that were not read count everyone in.
   */
  #oktaUsers(path: AccessPath, d: Delegation, target: Extract<OktaTarget, { found: true }>): AccessPath[] {
    const app = target.org.apps.find((a) => a.id === target.appId);
    const unread = app ? unreadAppAssignments(app) : undefined;
    const note = unread
      ? `; ${unread}: every Okta user who can sign in is assumed assigned (fail closed)`
      : "";
    const prefix = `${d.protocol.toUpperCase()} sign-in through Okta app '${target.name}' (${target.appId}${note}): `;
    return this.inventory.accounts
      .filter((a) => a.source === oktaSource && a.connection === target.connection && canSignIn.has(a.status))
      .filter((a) => !app || oktaAppAssignment(app, a.id).assigned !== false)
      .map((a) => {
        const verdict = this.engines.okta.accessFor({
          app: { id: target.appId },
          user: { id: a.id },
          connection: target.connection,
        });
        return perUserPath(
          path,
          a.id,
          { source: oktaSource, connection: target.connection },
          { ...verdict, reason: `${prefix}${verdict.reason}` },
        );
      });
  }

  /** A console account (RMM SSO user) matched to its IdP user by email, UPN or login. */
  #accountVerdict(
    path: AccessPath,
    entryPoint: EntryPoint,
    d: Delegation,
    target: Target,
    account: Account | undefined,
    accountId: string,
  ): MfaVerdict {
    const email = account?.email ?? (account?.name.includes("@") ? account.name : undefined);
    if (!email)
      return unknownVerdict(
        entryPoint,
        `${describe(d)}: account ${account?.name ?? accountId} has no email to match it to an identity-provider user`,
        path.mfa.evidence,
      );
    const lower = email.toLowerCase();
    const user = this.inventory.accounts.find(
      (a) =>
        a.source === target.system &&
        a.connection === target.connection &&
        (a.name.toLowerCase() === lower || a.email?.toLowerCase() === lower),
    );
    if (!user)
      return unknownVerdict(
        entryPoint,
        `${describe(d)}: no ${label(target.system)} user ${email} in connection ${target.connection}`,
        path.mfa.evidence,
      );
    const merge = (v: MfaVerdict, prefix: string, hop?: string): MfaVerdict => ({
      ...v,
      reason: `${prefix}${v.reason}`,
      via: [...(v.via ?? []), ...(hop ? [hop] : [])],
      evidence: [...path.mfa.evidence, ...v.evidence],
    });
    const allApps = "app not identified; the IdP's all-apps policy applied (a lower bound)";
    if (target.system === "entra") {
      const app = target.found ? { appId: target.appId } : "All";
      const result = this.engines.entra.signInTo(target.connection, user.id, app);
      return target.found
        ? merge(
            result.verdict,
            `signs in through Entra app '${target.name}' as ${user.name}: `,
            `entra:${target.connection}:app/${target.appId}`,
          )
        : merge(
            result.verdict,
            `signs in through Entra as ${user.name} (${allApps}: ${target.reason}): `,
            `entra:${target.connection}:all-apps`,
          );
    }
    if (target.found) {
      const v = this.engines.okta.accessFor({
        app: { id: target.appId },
        user: { id: user.id },
        connection: target.connection,
      });
      return merge(v, `signs in through Okta app '${target.name}' as ${user.name}: `);
    }
    const evaluator = this.engines.okta.evaluator(target.connection);
    if (!evaluator) return unknownVerdict(entryPoint, `the Okta facts of ${target.connection} are missing`);
    return merge(
      evaluator.verdict(user.id, { kind: "session" }),
      `signs in through Okta as ${user.name} (${allApps.replace("all-apps policy", "global session policy")}: ${target.reason}): `,
      `okta:${target.connection}:global-session`,
    );
  }

  /**
   * RADIUS to the NPS extension for Entra MFA (issue #6). The extension's settings come from the
   * nps-extension connection: its own front end's fact, or, for another gateway's RADIUS server (Azure
   * VPN, FortiGate, ASA), the fact of the NPS server that answers at that address. Without that fact the
   * RADIUS server is opaque: the path stays unknown, never assumed to be the extension. With it, each
   * active user of the tenant's single Entra connection gets the extension's verdict for their MFA
   * registration (`npsVerdict`); a user it refuses gets no path.
   */
  #radius(path: AccessPath, entryPoint: EntryPoint, d: Delegation): AccessPath[] {
    const facts = this.inventory.facts;
    const ownFrontEnd = d.target === npsDelegationTarget;
    const duo = ownFrontEnd ? undefined : this.#duo(path, entryPoint, d);
    if (duo) return duo;
    const fact = ownFrontEnd
      ? npsSettingsFor(facts, path.entryPoint)
      : npsExtensionServing(facts, d.target)[0];
    if (!fact) {
      // The NPS provider already says why its own settings are missing (an unreadable export).
      if (ownFrontEnd) return [path];
      return [
        this.#unresolved(
          path,
          entryPoint,
          `${describe(d)}: MFA depends on the RADIUS server: no nps-extension connection of this tenant names ${d.target} (its NPS server or radiusAddresses) and no duo connection's Authentication Proxy (authProxies) answers there, so whether it asks for a second factor is not known`,
        ),
      ];
    }
    const read = readNpsSettings(fact);
    if ("error" in read) return [this.#unresolved(path, entryPoint, `${describe(d)}: ${read.error}`)];
    // The NAS-IP-Address another gateway sends is not known: only the front end's own addresses are
    // compared with IP_WHITELIST as "this front end"; for other gateways any entry may apply.
    const settings = ownFrontEnd ? read : { ...read, data: { ...read.data, nasAddresses: [] } };
    const server = settings.data.server;
    if (this.#entra.length !== 1)
      return [
        this.#unresolved(
          path,
          entryPoint,
          this.#entra.length === 0
            ? `${describe(d)} goes to the NPS extension on ${server}, which asks Microsoft Entra ID for MFA, but this tenant has no entra connection: add one to resolve it per user`
            : `${describe(d)} goes to the NPS extension on ${server}; it is resolved only when the tenant has exactly one Entra connection (it has ${this.#entra.length})`,
        ),
      ];
    if (path.accounts.length > 0)
      return [
        this.#unresolved(
          path,
          entryPoint,
          `${describe(d)}: RADIUS paths of named accounts are not matched to Entra users`,
        ),
      ];
    const connection = this.#entra[0]!;
    const registrationEndpoint =
      this.engines.entra.facts(connection).evidence[entraFactKinds.registration]?.[0]?.endpoint ??
      "GET /reports/authenticationMethods/userRegistrationDetails";
    const seen = new Set(path.mfa.evidence.map((e) => JSON.stringify(e)));
    const prefix = `RADIUS through the NPS extension on ${server}: `;
    return this.inventory.accounts
      .filter((a) => a.source === entraSource && a.connection === connection && a.status === "active")
      .flatMap((user) => {
        const registration = this.engines.entra.signIn(connection, user.id).registration;
        const evidence: Evidence[] = [
          {
            source: entraSource,
            connection,
            endpoint: registrationEndpoint,
            objectId: user.id,
            field: "methodsRegistered",
            value: registration.methods.map((m) => m.method),
            note: registration.reason,
          },
        ];
        const outcome = npsVerdict(settings, { ...registration, evidence }, user.name);
        if (outcome.kind === "refused") return [];
        const v = outcome.verdict;
        const verdict: MfaVerdict = {
          ...v,
          reason: `${prefix}${v.reason}`,
          via: (v.via ?? []).map((hop) =>
            hop === "entra:mfa-registration" ? `entra:${connection}:mfa-registration` : hop,
          ),
          // The front end's own settings evidence is already the path's.
          evidence: v.evidence.filter((e) => !seen.has(JSON.stringify(e))),
        };
        return [perUserPath(path, user.id, { source: entraSource, connection }, verdict)];
      });
  }

  /**
   * RADIUS or LDAP to a Duo Authentication Proxy server section (`src/link/duo`): one path per Duo user
   * with what Duo and the proxy give them, plus one for directory accounts Duo does not know (new users).
   * Undefined when no duo connection's proxy answers at the target.
   */
  #duo(path: AccessPath, entryPoint: EntryPoint, d: Delegation): AccessPath[] | undefined {
    if (d.protocol !== "radius" && d.protocol !== "ldap") return undefined;
    const r = resolveDuoProxy(this.inventory, d.protocol, d.target);
    if (r.kind === "none") return undefined;
    if (r.kind === "unresolved")
      return [
        withVerdict(
          path,
          unknownVerdict(entryPoint, `${describe(d)}: ${r.reason}`, [...path.mfa.evidence, ...r.evidence]),
        ),
      ];
    if (path.accounts.length > 0)
      return path.accounts.flatMap((accountId) =>
        this.#duoAccount(
          path.accounts.length === 1
            ? path
            : { ...path, id: `${path.id}/${accountId}`, accounts: [accountId] },
          entryPoint,
          d,
          r,
          accountId,
        ),
      );
    const from = { source: duoSource, connection: r.connection };
    const paths = r.users.map((u) => perUserPath(path, u.userId, from, u.verdict));
    if (r.newUsers)
      paths.push(
        withVerdict(
          { ...path, id: `${path.id}/duo-new-users` },
          { ...r.newUsers, evidence: [...path.mfa.evidence, ...r.newUsers.evidence] },
        ),
      );
    return paths;
  }

  /**
   * A named account of the gateway (a FortiGate local user of type radius) whose password goes to a Duo
   * proxy: the proxy sends its name on to Duo, so it is matched to the Duo user with that username or
   * alias, exactly; a Duo user Duo refuses (disabled) leaves no path; a name Duo does not know is a new user.
   */
  #duoAccount(
    path: AccessPath,
    entryPoint: EntryPoint,
    d: Delegation,
    r: Extract<DuoResolution, { kind: "resolved" }>,
    accountId: string,
  ): AccessPath[] {
    const name =
      this.#accounts.get(`${entryPoint.source}\u0000${entryPoint.connection}\u0000${accountId}`)?.name ??
      accountId;
    const users = r.users.filter((u) => u.names.includes(name));
    const refused = r.refused.filter((u) => u.names.includes(name));
    const duoEvidence = (objectId?: string): Evidence => ({
      source: duoSource,
      connection: r.connection,
      ...(objectId ? { objectId } : {}),
      note: objectId
        ? `Duo user matched to '${name}' by username or alias`
        : `no Duo user or alias '${name}'`,
    });
    const prefix = `${describe(d)}, account '${name}': `;
    if (users.length + refused.length > 1)
      return [
        this.#unresolved(
          path,
          entryPoint,
          `${prefix}${users.length + refused.length} Duo users have the username or alias '${name}'`,
        ),
      ];
    if (refused.length === 1) return [];
    const user = users[0];
    const lower = name.toLowerCase();
    const folded = r.users.some((u) => u.names.some((n) => n.toLowerCase() === lower));
    const verdict = user ? user.verdict : folded ? undefined : r.newUsers;
    if (!verdict)
      return [
        this.#unresolved(
          path,
          entryPoint,
          folded
            ? `${prefix}a Duo user's name differs from it only in case, and whether Duo matches names without case is not read`
            : `${prefix}Duo does not know this name and its new-user policy refuses it or is not known`,
        ),
      ];
    return [
      withVerdict(path, {
        ...verdict,
        reason: `${prefix}${verdict.reason}`,
        evidence: [...path.mfa.evidence, ...verdict.evidence, duoEvidence(user?.userId)],
      }),
    ];
  }

  #unresolved(path: AccessPath, entryPoint: EntryPoint, reason: string): AccessPath {
    return withVerdict(path, unknownVerdict(entryPoint, reason, path.mfa.evidence));
  }
}

function label(system: string): string {
  return system === "entra" ? "Microsoft Entra ID" : system === "okta" ? "Okta" : system;
}

function describe(d: Delegation): string {
  return `${d.protocol.toUpperCase()} delegation to '${d.target}'`;
}

function unknownVerdict(entryPoint: EntryPoint, reason: string, evidence: Evidence[] = []): MfaVerdict {
  return {
    state: "unknown",
    strength: null,
    reason,
    evidence: [...evidence, { source: entryPoint.source, connection: entryPoint.connection, note: reason }],
  };
}

function withVerdict(path: AccessPath, verdict: MfaVerdict): AccessPath {
  return {
    ...path,
    chain: {
      ...path.chain,
      factors: verdict.state === "enforced" ? ["password", "second factor"] : path.chain.factors,
    },
    mfa: verdict,
  };
}

function perUserPath(
  path: AccessPath,
  userId: string,
  accountsFrom: { source: string; connection: string },
  verdict: MfaVerdict,
): AccessPath {
  // The user and their verdict come from the identity provider's connection: the evidence names it even
  // when the IdP's verdict cites nothing, so the result depends on that connection (Result.dependsOn).
  const cited = verdict.evidence.some((e) => e.connection === accountsFrom.connection);
  const user: Evidence[] = cited
    ? []
    : [{ ...accountsFrom, objectId: userId, note: "user of the identity provider" }];
  return withVerdict(
    {
      ...path,
      id: `${path.id}/${userId}`,
      accounts: [userId],
      accountsFrom,
    },
    { ...verdict, evidence: [...path.mfa.evidence, ...verdict.evidence, ...user] },
  );
}

export const delegationLinker: Linker = {
  name: "delegation",
  link(inventory, engines) {
    if (!inventory.accessPaths.some((p) => p.chain.delegation)) return inventory;
    const resolver = new Resolver(inventory, engines);
    return { ...inventory, accessPaths: inventory.accessPaths.flatMap((p) => resolver.resolve(p)) };
  },
};

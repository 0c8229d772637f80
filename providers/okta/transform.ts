import { type FactKind, factOf } from "../../src/model/facts/kind.js";
import {
  type OktaAppAssignments,
  type OktaAppFact,
  type OktaGroupFact,
  type OktaOrgFact,
  type OktaPolicyFact,
  type OktaRuleFact,
  type OktaZoneFact,
  oktaApp,
  oktaFactorStrength,
  oktaGroup,
  oktaOrg,
  oktaPolicy,
  oktaSource,
  oktaZone,
  pendingOktaEvaluation,
} from "../../src/model/facts/okta.js";
import type {
  AccessPath,
  Account,
  AccountStatus,
  EntryPoint,
  Evidence,
  Fact,
} from "../../src/model/index.js";
import {
  builtInApps,
  type OktaApp,
  type OktaFactor,
  type OktaGroup,
  type OktaPolicy,
  type OktaPolicyRule,
  type OktaRole,
  type OktaUser,
  type OktaZone,
} from "./api.js";

/**
 * Pure mapping from Okta records to the model: accounts, entry points, access paths awaiting the policy
 * evaluation (src/engines/okta-sign-on), and the facts that evaluation reads. No I/O; no verdicts.
 */

export const source = oktaSource;
export const endpoints = {
  users: "GET /api/v1/users",
  factors: (id: string) => `GET /api/v1/users/${id}/factors`,
  assignees: "GET /api/v1/iam/assignees/users",
  roles: (id: string) => `GET /api/v1/users/${id}/roles`,
  apps: "GET /api/v1/apps",
  appUsers: (id: string) => `GET /api/v1/apps/${id}/users`,
  policies: (type: string) => `GET /api/v1/policies?type=${type}`,
  rules: (id: string) => `GET /api/v1/policies/${id}/rules`,
  zones: "GET /api/v1/zones",
  groups: "GET /api/v1/groups",
  members: (id: string) => `GET /api/v1/groups/${id}/users`,
};

/** Okta user status → the model's; ACTIVE, PASSWORD_EXPIRED and RECOVERY users sign in (after a reset). */
export function accountStatus(status: string): AccountStatus {
  switch (status.toUpperCase()) {
    case "ACTIVE":
    case "PASSWORD_EXPIRED":
    case "RECOVERY":
      return "active";
    case "LOCKED_OUT":
      return "locked";
    case "SUSPENDED":
      return "suspended";
    case "DEPROVISIONED":
      return "deprovisioned";
    // Not yet activated: no credential to sign in with until the activation flow completes.
    case "STAGED":
    case "PROVISIONED":
      return "disabled";
    default:
      return "unknown";
  }
}

/** Whose factors are read and who gets access paths: anyone who can (or may again) sign in. */
export function canSignIn(status: AccountStatus): boolean {
  return status === "active" || status === "locked" || status === "unknown";
}

export interface UserExtras {
  /** Active factors, or undefined when not read (with the reason). */
  factors?: OktaFactor[];
  factorsReason?: string;
  /** Admin status: true/false when the role assignees were read, "unknown" otherwise. */
  isAdmin: boolean | "unknown";
  roles: OktaRole[];
}

export function toAccount(user: OktaUser, connection: string, extras: UserExtras): Account {
  const status = accountStatus(user.status);
  const name =
    user.profile.displayName ?? [user.profile.firstName, user.profile.lastName].filter(Boolean).join(" ");
  const active = extras.factors?.filter((f) => f.status.toUpperCase() === "ACTIVE");
  const factorEvidence: Evidence = {
    source,
    connection,
    endpoint: endpoints.factors(user.id),
    objectId: user.id,
    field: "factorType",
    value: active ? active.map((f) => f.factorType) : null,
    note: active
      ? "active factors; Okta lists only factors the highest-priority enrollment policy allows, evaluated from the caller's context"
      : (extras.factorsReason ?? "factors not read"),
  };
  return {
    id: user.id,
    name: user.profile.login,
    ...(name ? { displayName: name } : {}),
    ...(user.profile.email ? { email: user.profile.email } : {}),
    source,
    connection,
    kind: "member",
    status,
    lastSignIn: user.lastLogin ?? null,
    admin: {
      isAdmin: extras.isAdmin,
      roles: [...new Set(extras.roles.map((r) => r.label ?? r.type ?? r.id))],
    },
    enrollment: {
      enrolled: active ? active.length > 0 : "unknown",
      methods: (active ?? []).map((f) => ({
        method: f.factorType,
        strength: oktaFactorStrength(f.factorType),
      })),
      evidence: [factorEvidence],
    },
    evidence: [
      {
        source,
        connection,
        endpoint: endpoints.users,
        objectId: user.id,
        field: "status",
        value: user.status,
      },
      {
        source,
        connection,
        endpoint: endpoints.assignees,
        objectId: user.id,
        field: "admin",
        value: extras.isAdmin === "unknown" ? null : extras.isAdmin,
        ...(extras.roles.length
          ? { note: `roles: ${extras.roles.map((r) => r.type ?? r.id).join(", ")}` }
          : {}),
      },
    ],
  };
}

/** Entry point ids are stable across sweeps: they go into path ids and, through subjects, fingerprints. */
export function entryPointIds(connection: string) {
  const base = `${source}:${connection}`;
  return {
    signIn: `${base}:sign-in`,
    dashboard: `${base}:dashboard`,
    adminConsole: `${base}:admin-console`,
    app: (appId: string) => `${base}:app:${appId}`,
  };
}

/** The policy id at the end of `_links.accessPolicy.href`. */
export function accessPolicyId(app: OktaApp): string | null {
  const href = app._links?.accessPolicy?.href;
  if (!href) return null;
  try {
    return new URL(href).pathname.replace(/\/$/, "").split("/").pop() || null;
  } catch {
    return href.replace(/\/$/, "").split("/").pop() || null;
  }
}

export function isActiveApp(app: OktaApp): boolean {
  return (app.status ?? "ACTIVE").toUpperCase() === "ACTIVE";
}

/**
 * Apps whose assignments are read: the active ones with their own entry point (the ones the app policy
 * judges per account and a VPN or RMM can delegate to). The Dashboard is every user's and the Admin
 * Console every administrator's, so their lists would cost requests and change nothing.
 */
export function needsAssignments(app: OktaApp): boolean {
  return isActiveApp(app) && app.name !== builtInApps.dashboard && app.name !== builtInApps.adminConsole;
}

export interface Built {
  entryPoints: EntryPoint[];
  accessPaths: AccessPath[];
  facts: Fact[];
}

function pendingPath(entryPoint: string, account: Account): AccessPath {
  return {
    id: `${entryPoint}/${account.id}`,
    entryPoint,
    accounts: [account.id],
    chain: { factors: [] },
    mfa: {
      state: "unknown",
      strength: null,
      reason: pendingOktaEvaluation,
      evidence: [{ source, connection: account.connection, note: pendingOktaEvaluation }],
    },
  };
}

export interface OrgRead {
  connection: string;
  orgUrl: string;
  accounts: Account[];
  apps: OktaApp[] | undefined;
  policies: Array<{ policy: OktaPolicy; rules: OktaPolicyRule[] | null; rulesReason?: string }>;
  zones: OktaZone[];
  groups: OktaGroupFact[];
  reads: OktaOrgFact["reads"];
  /** Assignments by app id, for the apps `needsAssignments` selects; absent when not read at all. */
  appAssignments?: Map<string, OktaAppAssignments>;
}

/**
 * Entry points (the Okta sign-in, the Dashboard, the Admin Console, every other active app), one pending
 * access path per (entry point, account that can sign in) — the Admin Console only for administrators —
 * and the facts the evaluator needs.
 */
export function buildInventory(read: OrgRead): Built {
  const { connection } = read;
  const ids = entryPointIds(connection);
  const ev = (endpoint: string, objectId?: string, note?: string): Evidence => ({
    source,
    connection,
    endpoint,
    ...(objectId ? { objectId } : {}),
    ...(note ? { note } : {}),
  });
  const apps = read.apps ?? [];
  const dashboard = apps.find((a) => a.name === builtInApps.dashboard);
  const adminConsole = apps.find((a) => a.name === builtInApps.adminConsole);
  const host = new URL(read.orgUrl).host;
  const entryPoints: EntryPoint[] = [
    {
      id: ids.signIn,
      name: `Okta sign-in (${host})`,
      kind: "directory-sign-in",
      source,
      connection,
      evidence: [ev(endpoints.policies("OKTA_SIGN_ON"), undefined, "global session policies")],
    },
    {
      id: ids.dashboard,
      name: `Okta Dashboard (${host})`,
      kind: "app",
      source,
      connection,
      evidence: [ev(endpoints.apps, dashboard?.id, `app name ${builtInApps.dashboard}`)],
    },
    {
      id: ids.adminConsole,
      name: `Okta Admin Console (${host})`,
      kind: "admin-console",
      source,
      connection,
      evidence: [ev(endpoints.apps, adminConsole?.id, `app name ${builtInApps.adminConsole}`)],
    },
  ];
  const otherApps = apps.filter(
    (a) => isActiveApp(a) && a.name !== builtInApps.dashboard && a.name !== builtInApps.adminConsole,
  );
  for (const app of otherApps) {
    entryPoints.push({
      id: ids.app(app.id),
      name: app.label ?? app.name,
      kind: "app",
      source,
      connection,
      evidence: [
        { ...ev(endpoints.apps, app.id), field: "signOnMode", value: app.signOnMode ?? null },
        ...(app.settings?.signOn?.audience
          ? [
              {
                ...ev(endpoints.apps, app.id),
                field: "settings.signOn.audience",
                value: app.settings.signOn.audience,
              },
            ]
          : []),
      ],
    });
  }

  const accessPaths: AccessPath[] = [];
  const signers = read.accounts.filter((a) => canSignIn(a.status));
  // An app whose assignments were read is reached only by its users; otherwise by everyone (fail closed).
  const assigned = new Map(
    otherApps.map((app) => {
      const a = read.appAssignments?.get(app.id);
      return [app.id, a?.status === "read" ? new Set(a.users) : undefined] as const;
    }),
  );
  for (const account of signers) {
    accessPaths.push(pendingPath(ids.signIn, account));
    accessPaths.push(pendingPath(ids.dashboard, account));
    if (account.admin.isAdmin === true) accessPaths.push(pendingPath(ids.adminConsole, account));
    for (const app of otherApps) {
      const users = assigned.get(app.id);
      if (!users || users.has(account.id)) accessPaths.push(pendingPath(ids.app(app.id), account));
    }
  }

  const facts: Fact[] = [];
  const fact = <T>(kind: FactKind<T>, id: string, data: T, evidence: Evidence[]) =>
    facts.push(factOf(kind, { id, source, connection, evidence }, data));
  const org: OktaOrgFact = {
    orgUrl: read.orgUrl,
    entryPoints: { signIn: ids.signIn, dashboard: ids.dashboard, adminConsole: ids.adminConsole },
    reads: read.reads,
  };
  fact(oktaOrg, host, org, [ev(endpoints.users, undefined, read.orgUrl)]);
  for (const app of apps) {
    const data: OktaAppFact = {
      id: app.id,
      name: app.name,
      label: app.label ?? null,
      status: app.status ?? null,
      signOnMode: app.signOnMode ?? null,
      accessPolicyId: accessPolicyId(app),
      samlAudience: app.settings?.signOn?.audience ?? null,
      samlAcsUrl: app.settings?.signOn?.ssoAcsUrl ?? null,
      oidcClientId: app.credentials?.oauthClient?.client_id ?? null,
      entryPoint:
        app.name === builtInApps.dashboard
          ? ids.dashboard
          : app.name === builtInApps.adminConsole
            ? ids.adminConsole
            : isActiveApp(app)
              ? ids.app(app.id)
              : null,
    };
    const assignments = read.appAssignments?.get(app.id);
    if (assignments) data.assignments = assignments;
    fact(oktaApp, app.id, data, [
      ev(endpoints.apps, app.id),
      ...(assignments ? [ev(endpoints.appUsers(app.id), app.id, assignments.reason)] : []),
    ]);
  }
  for (const { policy, rules, rulesReason } of read.policies) {
    const data: OktaPolicyFact = {
      id: policy.id,
      name: policy.name ?? null,
      type: policy.type,
      status: policy.status ?? null,
      priority: policy.priority ?? null,
      system: policy.system ?? null,
      conditions: policy.conditions ?? null,
      settings: policy.settings ?? null,
      rules: rules
        ? rules.map(
            (r): OktaRuleFact => ({
              id: r.id,
              name: r.name ?? null,
              type: r.type ?? null,
              status: r.status ?? null,
              priority: r.priority ?? null,
              system: r.system ?? null,
              conditions: r.conditions ?? null,
              actions: r.actions ?? null,
            }),
          )
        : null,
      ...(rulesReason ? { rulesReason } : {}),
    };
    fact(oktaPolicy, policy.id, data, [
      ev(endpoints.policies(policy.type), policy.id),
      ev(endpoints.rules(policy.id), policy.id),
    ]);
  }
  for (const zone of read.zones) {
    const data: OktaZoneFact = {
      id: zone.id,
      name: zone.name ?? null,
      type: zone.type ?? null,
      status: zone.status ?? null,
      usage: zone.usage ?? null,
    };
    fact(oktaZone, zone.id, data, [ev(endpoints.zones, zone.id)]);
  }
  for (const group of read.groups)
    fact(oktaGroup, group.id, group, [ev(endpoints.members(group.id), group.id)]);
  return { entryPoints, accessPaths, facts };
}

/** Okta's built-in group that holds every user: policies name it, its members are not listed. */
export function isEveryone(group: OktaGroup | undefined): boolean {
  return group?.type?.toUpperCase() === "BUILT_IN" && group.profile?.name === "Everyone";
}

/** Group ids named in the people conditions of policies and their rules (the memberships to read). */
export function referencedGroups(
  policies: Array<{ policy: OktaPolicy; rules: OktaPolicyRule[] | null }>,
): string[] {
  const ids = new Set<string>();
  const collect = (conditions: OktaPolicy["conditions"]) => {
    const people = conditions?.people;
    if (!people || typeof people !== "object" || Array.isArray(people)) return;
    const groups = (people as Record<string, unknown>).groups;
    if (!groups || typeof groups !== "object" || Array.isArray(groups)) return;
    for (const key of ["include", "exclude"]) {
      const list = (groups as Record<string, unknown>)[key];
      if (Array.isArray(list)) for (const id of list) if (typeof id === "string") ids.add(id);
    }
  };
  for (const { policy, rules } of policies) {
    collect(policy.conditions);
    for (const r of rules ?? []) collect(r.conditions);
  }
  return [...ids].sort();
}

import type { ZodType } from "zod";
import { customerAccessGroupFacts } from "../../src/collect/customer-access.js";
import { leastPrivilegeCheck } from "../../src/collect/least-privilege.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { unreadPath } from "../../src/collect/unread.js";
import { describeError, ProviderAuthError, ProviderPermissionError } from "../../src/errors.js";
import type { CustomerAccessGroup } from "../../src/model/facts/customer-access.js";
import type {
  OktaAppAssignments,
  OktaGroupFact,
  OktaOrgFact,
  ReadState,
} from "../../src/model/facts/okta.js";
import type { Account, EntryPoint, ProviderInventory } from "../../src/model/index.js";
import {
  allOktaScopes,
  OktaApp,
  OktaAppUser,
  OktaFactor,
  OktaGroup,
  OktaGroupMember,
  OktaPolicy,
  OktaPolicyRule,
  OktaRole,
  OktaUser,
  OktaZone,
  oktaScopes,
  policyTypes,
  RoleAssignedUser,
} from "./api.js";
import { type Needed, needs, OktaClient, parseRecord } from "./client.js";
import { OktaSettings } from "./settings.js";
import {
  accountStatus,
  buildInventory,
  canSignIn,
  endpoints,
  entryPointIds,
  isEveryone,
  needsAssignments,
  type OrgRead,
  referencedGroups,
  source,
  toAccount,
} from "./transform.js";

type Ctx = CollectContext<OktaSettings>;

const complete: ReadState = { complete: true };
const failed = (reason: string): ReadState => ({ complete: false, reason });

/**
 * Reads a paged list, validating each record on its own: a bad record is skipped and counted. A failure
 * on the first page throws; a later one keeps what was read and reports the rest as a gap.
 */
async function readList<T>(
  ctx: Ctx,
  client: OktaClient,
  label: string,
  path: string,
  params: Record<string, string>,
  needed: Needed,
  schema: ZodType<T>,
  what: string,
): Promise<{ items: T[]; state: ReadState }> {
  const items: T[] = [];
  let page = 0;
  try {
    for await (const records of client.pages(label, path, params, needed)) {
      page++;
      for (const [i, raw] of records.entries()) {
        const parsed = parseRecord(schema, raw);
        if (parsed.ok) items.push(parsed.value);
        else ctx.skip(`${what} record ${i + 1} on page ${page}`, `${label}: ${parsed.issue}`);
      }
    }
  } catch (err) {
    if (page === 0) throw err;
    const reason = describeError(err);
    ctx.gap(`${what} after page ${page}`, reason);
    return { items, state: failed(`cut short after page ${page}: ${reason}`) };
  }
  return { items, state: complete };
}

async function listUsers(
  ctx: Ctx,
  client: OktaClient,
): Promise<{ users: OktaUser[]; state: ReadState; signersCutShort?: string }> {
  ctx.progress("users");
  // The plain list omits DEPROVISIONED users; they are read with a filter so the inventory is whole.
  const all = await readList(
    ctx,
    client,
    endpoints.users,
    "/api/v1/users",
    { limit: "200" },
    needs.users,
    OktaUser,
    "user",
  );
  let deprovisioned: OktaUser[] = [];
  let state = all.state;
  try {
    const d = await readList(
      ctx,
      client,
      `${endpoints.users}?filter=status eq "DEPROVISIONED"`,
      "/api/v1/users",
      { limit: "200", filter: 'status eq "DEPROVISIONED"' },
      needs.users,
      OktaUser,
      "deprovisioned user",
    );
    deprovisioned = d.items;
    if (!d.state.complete) state = d.state;
  } catch (err) {
    // Deprovisioned users cannot sign in: missing them costs completeness of the list, not a verdict.
    ctx.gap("deprovisioned users", describeError(err));
  }
  const seen = new Set(all.items.map((u) => u.id));
  const users = [...all.items, ...deprovisioned.filter((u) => !seen.has(u.id))];
  ctx.progress("users", users.length);
  // Only the plain list holds users who can sign in; a deprovisioned list cut short leaves none out.
  return {
    users,
    state,
    ...(all.state.complete ? {} : { signersCutShort: all.state.reason ?? "cut short" }),
  };
}

/**
 * Each sign-in-capable user's factors: one call per user, the cost that dominates a scan, issued all at
 * once so the `other` bucket's limiter runs them at the highest rate the tier allows. After a refusal
 * (401/403) the remaining calls are not made: they would all be refused too.
 */
async function listFactors(
  ctx: Ctx,
  client: OktaClient,
  users: OktaUser[],
): Promise<{ factors: Map<string, OktaFactor[]>; reasons: Map<string, string>; state: ReadState }> {
  const factors = new Map<string, OktaFactor[]>();
  const reasons = new Map<string, string>();
  const targets = users.filter((u) => canSignIn(accountStatus(u.status)));
  let refused: string | undefined;
  let done = 0;
  await Promise.all(
    targets.map(async (user) => {
      if (refused) {
        reasons.set(user.id, refused);
        return;
      }
      const path = `/api/v1/users/${encodeURIComponent(user.id)}/factors`;
      try {
        const list: OktaFactor[] = [];
        for await (const records of client.pages(endpoints.factors(user.id), path, {}, needs.factors)) {
          for (const raw of records) {
            const parsed = parseRecord(OktaFactor, raw);
            if (parsed.ok) list.push(parsed.value);
            else
              ctx.skip(`factor record of user ${user.id}`, `${endpoints.factors(user.id)}: ${parsed.issue}`);
          }
        }
        factors.set(user.id, list);
      } catch (err) {
        const reason = describeError(err);
        reasons.set(user.id, reason);
        if (err instanceof ProviderAuthError || err instanceof ProviderPermissionError) refused ??= reason;
      }
      ctx.progress("factors", ++done, targets.length);
    }),
  );
  if (reasons.size === 0) return { factors, reasons, state: complete };
  const first = [...reasons.values()][0] ?? "unknown";
  ctx.gap(`factors of ${reasons.size} of ${targets.length} user(s)`, first);
  return { factors, reasons, state: failed(`factors of ${reasons.size} user(s) not read: ${first}`) };
}

/**
 * Administrators in bulk (`/api/v1/iam/assignees/users`), then each administrator's roles. Whether the
 * bulk list includes users whose role comes only through a group is not documented: noted.
 */
async function listAdmins(
  ctx: Ctx,
  client: OktaClient,
): Promise<{ admins: Map<string, OktaRole[]> | undefined; state: ReadState }> {
  ctx.progress("administrators");
  const ids: string[] = [];
  try {
    for await (const records of client.assigneePages(
      endpoints.assignees,
      "/api/v1/iam/assignees/users",
      { limit: "100" },
      needs.roles,
    )) {
      for (const raw of records) {
        const parsed = parseRecord(RoleAssignedUser, raw);
        if (parsed.ok) ids.push(parsed.value.id);
        else ctx.skip("role assignee record", `${endpoints.assignees}: ${parsed.issue}`);
      }
    }
  } catch (err) {
    const reason = describeError(err);
    ctx.gap("administrators (role assignees)", reason);
    return { admins: undefined, state: failed(reason) };
  }
  ctx.note(
    "administrators come from GET /api/v1/iam/assignees/users; Okta does not document whether users whose admin role comes only through a group are listed there",
  );
  const admins = new Map<string, OktaRole[]>();
  const failures: string[] = [];
  await Promise.all(
    ids.map(async (id) => {
      const path = `/api/v1/users/${encodeURIComponent(id)}/roles`;
      try {
        const roles: OktaRole[] = [];
        for await (const records of client.pages(endpoints.roles(id), path, {}, needs.roles)) {
          for (const raw of records) {
            const parsed = parseRecord(OktaRole, raw);
            if (parsed.ok) roles.push(parsed.value);
            else ctx.skip(`role record of user ${id}`, `${endpoints.roles(id)}: ${parsed.issue}`);
          }
        }
        admins.set(id, roles);
      } catch (err) {
        admins.set(id, []);
        failures.push(describeError(err));
      }
    }),
  );
  if (failures.length) ctx.gap(`role names of ${failures.length} administrator(s)`, failures[0]!);
  return { admins, state: complete };
}

async function listPolicies(ctx: Ctx, client: OktaClient) {
  ctx.progress("policies");
  const read = async (type: string) => {
    try {
      const { items, state } = await readList(
        ctx,
        client,
        endpoints.policies(type),
        "/api/v1/policies",
        { type },
        needs.policies,
        OktaPolicy,
        `${type} policy`,
      );
      const withRules = await Promise.all(
        items.map(async (policy) => {
          try {
            const rules = await readList(
              ctx,
              client,
              endpoints.rules(policy.id),
              `/api/v1/policies/${encodeURIComponent(policy.id)}/rules`,
              {},
              needs.policies,
              OktaPolicyRule,
              `rule of policy ${policy.id}`,
            );
            if (!rules.state.complete)
              return { policy, rules: null, rulesReason: rules.state.reason ?? "cut short" };
            return { policy, rules: rules.items };
          } catch (err) {
            const reason = describeError(err);
            ctx.gap(`rules of ${type} policy ${policy.name ?? policy.id}`, reason);
            return { policy, rules: null, rulesReason: reason };
          }
        }),
      );
      return { policies: withRules, state };
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(`${type} policies`, reason);
      return { policies: [], state: failed(reason) };
    }
  };
  const [signOn, access, enroll] = await Promise.all([
    read(policyTypes.globalSession),
    read(policyTypes.appSignIn),
    read(policyTypes.enrollment),
  ]);
  return { signOn, access, enroll };
}

async function listApps(
  ctx: Ctx,
  client: OktaClient,
): Promise<{ apps: OktaApp[] | undefined; state: ReadState }> {
  ctx.progress("apps");
  try {
    const { items, state } = await readList(
      ctx,
      client,
      endpoints.apps,
      "/api/v1/apps",
      { limit: "200" },
      needs.apps,
      OktaApp,
      "app",
    );
    return { apps: items, state };
  } catch (err) {
    const reason = describeError(err);
    ctx.gap("apps", reason);
    return { apps: undefined, state: failed(reason) };
  }
}

/**
 * Who is assigned to each app `needsAssignments` selects, from `GET /api/v1/apps/{id}/users` (users
 * assigned directly and through groups alike), so an app is reached only by its users. One request per
 * app per 200 users, in the apps bucket (100/minute on paid tiers), which the per-user factor calls in
 * the "other" bucket outlast in any org with more users than apps; the Dashboard, the Admin Console and
 * inactive apps are skipped. A list that fails or is cut short leaves that app `unavailable` (everyone
 * assumed assigned); after a refusal (401/403) the remaining lists are not asked for.
 */
async function readAppAssignments(
  ctx: Ctx,
  client: OktaClient,
  apps: OktaApp[] | undefined,
): Promise<{ assignments: Map<string, OktaAppAssignments>; state: ReadState }> {
  const assignments = new Map<string, OktaAppAssignments>();
  if (!apps) return { assignments, state: failed("apps could not be read") };
  const targets = apps.filter(needsAssignments);
  let refused: string | undefined;
  let done = 0;
  await Promise.all(
    targets.map(async (app) => {
      const unavailable = (reason: string) =>
        assignments.set(app.id, { status: "unavailable", users: [], reason });
      if (refused) {
        unavailable(refused);
        return;
      }
      try {
        const { items, state } = await readList(
          ctx,
          client,
          endpoints.appUsers(app.id),
          `/api/v1/apps/${encodeURIComponent(app.id)}/users`,
          { limit: "200" },
          needs.apps,
          OktaAppUser,
          `user of app ${app.id}`,
        );
        if (state.complete)
          assignments.set(app.id, { status: "read", users: [...new Set(items.map((u) => u.id))] });
        else unavailable(state.reason ?? "cut short");
      } catch (err) {
        const reason = describeError(err);
        unavailable(reason);
        ctx.gap(`users assigned to app ${app.label ?? app.name}`, reason);
        if (err instanceof ProviderAuthError || err instanceof ProviderPermissionError) refused ??= reason;
      }
      ctx.progress("app assignments", ++done, targets.length);
    }),
  );
  const unread = [...assignments.values()].filter((a) => a.status !== "read");
  return {
    assignments,
    state: unread.length
      ? failed(`assignments of ${unread.length} of ${targets.length} app(s) not read: ${unread[0]!.reason}`)
      : complete,
  };
}

async function listZones(ctx: Ctx, client: OktaClient): Promise<{ zones: OktaZone[]; state: ReadState }> {
  try {
    const { items, state } = await readList(
      ctx,
      client,
      endpoints.zones,
      "/api/v1/zones",
      {},
      needs.zones,
      OktaZone,
      "zone",
    );
    return { zones: items, state };
  } catch (err) {
    // Zone rules are evaluated from their ids; without the zone list only their names are missing.
    const reason = describeError(err);
    ctx.gap("network zones (names only)", reason);
    return { zones: [], state: failed(reason) };
  }
}

/**
 * The groups policy conditions name, with their members. The built-in Everyone group is recognised from
 * the group list and not expanded; a group whose members cannot be read is recorded as unknown.
 */
async function readGroups(
  ctx: Ctx,
  client: OktaClient,
  referenced: string[],
): Promise<{ groups: OktaGroupFact[]; state: ReadState }> {
  if (referenced.length === 0) return { groups: [], state: complete };
  ctx.progress("groups");
  let known = new Map<string, OktaGroup>();
  let state = complete;
  try {
    const list = await readList(
      ctx,
      client,
      endpoints.groups,
      "/api/v1/groups",
      { limit: "1000" },
      needs.groups,
      OktaGroup,
      "group",
    );
    known = new Map(list.items.map((g) => [g.id, g]));
    state = list.state;
  } catch (err) {
    const reason = describeError(err);
    ctx.gap("groups", reason);
    state = failed(reason);
  }
  const groups = await Promise.all(
    referenced.map(async (id): Promise<OktaGroupFact> => {
      const group = known.get(id);
      const base = { id, name: group?.profile?.name ?? null, type: group?.type ?? null };
      if (isEveryone(group)) return { ...base, everyone: true, members: null };
      try {
        const { items, state: memberState } = await readList(
          ctx,
          client,
          endpoints.members(id),
          `/api/v1/groups/${encodeURIComponent(id)}/users`,
          {},
          needs.groups,
          OktaGroupMember,
          `member of group ${id}`,
        );
        if (!memberState.complete)
          return { ...base, everyone: false, members: null, reason: memberState.reason ?? "cut short" };
        return { ...base, everyone: false, members: items.map((m) => m.id) };
      } catch (err) {
        const reason = describeError(err);
        ctx.gap(`members of group ${base.name ?? id}`, reason);
        return { ...base, everyone: false, members: null, reason };
      }
    }),
  );
  const unread = groups.filter((g) => !g.everyone && g.members === null);
  return { groups, state: unread.length ? failed(`${unread.length} group(s) not read`) : state };
}

async function collect(ctx: Ctx): Promise<ProviderInventory> {
  const client = await OktaClient.connect(ctx);
  const connection = ctx.connectionId;
  ctx.note(
    "Okta lists a user's factors as the highest-priority authenticator enrollment policy allows them, evaluated in the context of mfasweep's own API call (its network zone, ...): a factor that policy hides is not seen",
  );

  // Independent reads run at once: they draw on different rate-limit buckets, except the factor calls
  // and the policy reads, which share "most other /api/v1" and its limiter.
  // Only the user list throws (without it nothing is known); the others record their own gaps.
  const [usersResult, admins, policies, apps, zones] = await Promise.all([
    listUsers(ctx, client),
    listAdmins(ctx, client),
    listPolicies(ctx, client),
    listApps(ctx, client),
    listZones(ctx, client),
  ]);
  const allPolicies = [...policies.signOn.policies, ...policies.access.policies, ...policies.enroll.policies];
  // Memberships only for the groups the evaluated policies name (enrollment policies are kept as facts).
  const evaluated = [...policies.signOn.policies, ...policies.access.policies];
  // Assignments draw on the apps bucket, so they run alongside the factor calls.
  const [factorResult, groups, appAssignments] = await Promise.all([
    listFactors(ctx, client, usersResult.users),
    readGroups(ctx, client, [
      ...new Set([...referencedGroups(evaluated), ...ctx.settings.customerAccessGroups]),
    ]),
    readAppAssignments(ctx, client, apps.apps),
  ]);

  const accounts: Account[] = usersResult.users.map((user) => {
    const factors = factorResult.factors.get(user.id);
    const status = accountStatus(user.status);
    return toAccount(user, connection, {
      ...(factors ? { factors } : {}),
      factorsReason:
        factorResult.reasons.get(user.id) ??
        (canSignIn(status) ? "factors not read" : "not read: the account cannot sign in"),
      isAdmin: admins.admins ? admins.admins.has(user.id) : "unknown",
      roles: admins.admins?.get(user.id) ?? [],
    });
  });

  const reads: OktaOrgFact["reads"] = {
    users: usersResult.state,
    factors: factorResult.state,
    admins: admins.state,
    signOnPolicies: policies.signOn.state,
    accessPolicies: policies.access.state,
    enrollPolicies: policies.enroll.state,
    apps: apps.state,
    zones: zones.state,
    groups: groups.state,
    appAssignments: appAssignments.state,
  };
  const read: OrgRead = {
    connection,
    orgUrl: ctx.settings.orgUrl,
    accounts,
    apps: apps.apps,
    policies: allPolicies,
    zones: zones.zones,
    groups: groups.groups,
    reads,
    appAssignments: appAssignments.assignments,
  };
  const built = buildInventory(read);
  // Apps that could not be listed (refused, or cut short) are ways in too: one entry point says so.
  if (!apps.state.complete) {
    const reason = `GET /api/v1/apps: the apps could not be listed whole (${apps.state.reason ?? "not read"}): which apps Okta signs users in to, and with what, is not known`;
    const unlisted: EntryPoint = {
      id: entryPointIds(connection).app("*"),
      name: `Okta apps not listed (${new URL(ctx.settings.orgUrl).host})`,
      kind: "app",
      source,
      connection,
      evidence: [{ source, connection, endpoint: "GET /api/v1/apps", note: reason }],
    };
    built.entryPoints.push(unlisted);
    built.accessPaths.push(unreadPath(unlisted, reason));
  }
  // Users the plain list could not give (cut short after a page) may sign in: one unknown path says so.
  const signIn = built.entryPoints.find((e) => e.kind === "directory-sign-in");
  if (signIn && usersResult.signersCutShort)
    built.accessPaths.push(
      unreadPath(
        signIn,
        `GET /api/v1/users: the users ${usersResult.signersCutShort}; who else signs in, and with what factors, is not known`,
        { key: "users", chain: { factors: ["password"] } },
      ),
    );
  // The MSP's own groups for customer access, in the model's terms (the Everyone group is every account).
  const customerAccess = ctx.settings.customerAccessGroups.map((id): CustomerAccessGroup => {
    const group = groups.groups.find((g) => g.id === id);
    const name = group?.name ? { name: group.name } : {};
    if (group?.everyone) return { group: id, ...name, status: "read", members: accounts.map((a) => a.id) };
    if (group?.members) return { group: id, ...name, status: "read", members: group.members };
    return { group: id, ...name, status: "unavailable", reason: group?.reason ?? "not read", members: [] };
  });
  return {
    accounts,
    entryPoints: built.entryPoints,
    accessPaths: built.accessPaths,
    settings: [],
    facts: [
      ...built.facts,
      ...customerAccessGroupFacts(
        { source, connection, endpoint: endpoints.members("{id}") },
        customerAccess,
      ),
    ],
  };
}

/** Calls each endpoint once and names the missing scope (OAuth) or admin permission (API token). */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await OktaClient.connect(ctx);
  const first = async (label: string, path: string, params: Record<string, string>, needed: Needed) => {
    for await (const _ of client.pages(label, path, params, needed)) return;
  };
  const probes: Array<[string, Needed, () => Promise<unknown>]> = [
    [
      endpoints.users,
      needs.users,
      () => first(endpoints.users, "/api/v1/users", { limit: "1" }, needs.users),
    ],
    [
      endpoints.assignees,
      needs.roles,
      async () => {
        for await (const _ of client.assigneePages(
          endpoints.assignees,
          "/api/v1/iam/assignees/users",
          { limit: "1" },
          needs.roles,
        ))
          return;
      },
    ],
    [
      endpoints.groups,
      needs.groups,
      () => first(endpoints.groups, "/api/v1/groups", { limit: "1" }, needs.groups),
    ],
    [endpoints.apps, needs.apps, () => first(endpoints.apps, "/api/v1/apps", { limit: "1" }, needs.apps)],
    ...[policyTypes.globalSession, policyTypes.appSignIn, policyTypes.enrollment].map(
      (type): [string, Needed, () => Promise<unknown>] => [
        endpoints.policies(type),
        needs.policies,
        () => first(endpoints.policies(type), "/api/v1/policies", { type }, needs.policies),
      ],
    ),
    [endpoints.zones, needs.zones, () => first(endpoints.zones, "/api/v1/zones", {}, needs.zones)],
  ];
  const checks: DoctorCheck[] = [];
  if (client.grant) {
    const { granted, missing } = client.grant;
    checks.push({
      check: "POST /oauth2/v1/token",
      ok: missing.length === 0,
      ...(missing.length ? { missing } : {}),
      detail: missing.length
        ? `token issued without ${missing.join(", ")}: grant them to the service app (Okta API Scopes)`
        : `token issued with ${granted.join(", ")}`,
    });
    // Scopes asked for in the config come back granted: a *.manage scope lets the token change the org.
    checks.push(
      leastPrivilegeCheck({
        check: "scopes in the OAuth token",
        granted,
        needed: allOktaScopes,
        where: "the connection's scopes and the service app's granted Okta API scopes",
      }),
    );
  }
  for (const [label, needed, probe] of probes) {
    try {
      await probe();
      checks.push({ check: label, ok: true, detail: "readable" });
    } catch (err) {
      const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
      checks.push({
        check: label,
        ok: false,
        ...(missing ? { missing } : {}),
        detail: `${describeError(err)}${client.authMethod === "private-key" && !missing ? ` (needs ${needed.scope})` : ""}`,
      });
    }
  }
  return checks;
}

export const okta = defineProvider<OktaSettings>({
  type: source,
  title: "Okta",
  connectionSchema: OktaSettings,
  permissions: [
    "Private-key JWT (recommended): an API service app granted these read-only scopes and the Read-Only Administrator role:",
    ...allOktaScopes,
    "Or an API token (SSWS) created by a Read-Only Administrator (the token acts with its creator's role).",
    `Factor listing uses ${oktaScopes.users}; admin discovery uses ${oktaScopes.roles}.`,
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

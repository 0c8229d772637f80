import { z } from "zod";
import { customerAccessGroupFacts } from "../../src/collect/customer-access.js";
import { checkShape } from "../../src/collect/http.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
import {
  ConditionalAccessPolicy,
  type EntraFactData,
  entraFact,
  entraFactKinds,
  PerUserMfaState,
  type RoleAssignmentItem,
} from "../../src/model/facts/entra.js";
import type { AccessPath, Account, Evidence, Fact } from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import {
  AppRoleAssignment,
  AuthenticationMethod,
  type Endpoint,
  endpoints,
  GraphUser,
  Group,
  GroupMember,
  Page,
  permissions,
  RoleAssignment,
  RoleDefinition,
  SecurityDefaultsPolicy,
  ServicePrincipal,
  StrongAuthenticationRequirements,
  servicePrincipalSelect,
  UserRegistrationDetails,
  userSelect,
} from "./api.js";
import {
  connect,
  type EntraClient,
  GraphNotFoundError,
  NotLicensedError,
  tokenPermissionsCheck,
} from "./client.js";
import { customerAccessGroups, gdapFactOf, gdapGroups, readGdap } from "./gdap.js";
import { gdapPermission } from "./gdap-api.js";
import { listAll } from "./list-all.js";
import { EntraSettings } from "./settings.js";
import {
  directoryUser,
  type MappingContext,
  methodsRegisteredFrom,
  roleHoldings,
  roleItem,
  signInEntryPoint,
  signInPath,
  source,
  toAccount,
} from "./transform.js";

type Ctx = CollectContext<EntraSettings>;

/** Kept raw for the facts (validated there against the shared schemas). */
const rawRecord = z.looseObject({ id: z.string() });

/** Reads a tenant without the licence refused (what, Graph's message), told in one coverage line at the end. */
const licenceRefusals = new WeakMap<object, Array<{ what: string; message: string }>>();

function refusedForLicence(ctx: Ctx, what: string, message: string): void {
  const list = licenceRefusals.get(ctx) ?? [];
  list.push({ what, message });
  licenceRefusals.set(ctx, list);
}

/**
 * One line for a tenant without Entra ID P1: what Graph refused, and whether the per-user fallback ran
 * and what it cost (issue #18 item 4), instead of one raw note per refused endpoint.
 */
function licenceNote(ctx: Ctx, fallbackCost: string | undefined): void {
  const list = licenceRefusals.get(ctx);
  if (!list?.length) return;
  const message = list[0]!.message;
  const fallback = fallbackCost
    ? `registration read per user instead (GET /users/{id}/authentication/methods through $batch): ${fallbackCost}`
    : "no per-user fallback ran";
  ctx.note(
    `no Entra ID P1 in this tenant: Graph refused ${list.map((r) => r.what).join(", ")} (${message}); ${fallback}`,
  );
}

type Read<T> = { status: "read"; data: T } | { status: "not-licensed" | "unavailable"; reason: string };

/**
 * Runs one read. A licence refusal is the tenant's state (a note); any other failure is a gap in
 * coverage. Either way the caller records the status instead of an empty list.
 */
async function attempt<T>(ctx: Ctx, what: string, read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { status: "read", data: await read() };
  } catch (err) {
    const reason = describeError(err);
    if (err instanceof NotLicensedError) {
      refusedForLicence(ctx, what, err.message);
      return { status: "not-licensed", reason };
    }
    ctx.gap(what, reason);
    return { status: "unavailable", reason };
  }
}

function state<T>(r: Read<T>): { status: "read" | "not-licensed" | "unavailable"; reason?: string } {
  return r.status === "read" ? { status: "read" } : { status: r.status, reason: r.reason };
}

function evidenceOf(ctx: Ctx, endpoint: Endpoint, note?: string): Evidence[] {
  return [{ source, connection: ctx.connectionId, endpoint: endpoint.label, ...(note ? { note } : {}) }];
}

/** Users with `signInActivity` where the tenant and permissions allow it, without it otherwise. */
async function listUsers(ctx: Ctx, client: EntraClient): Promise<GraphUser[]> {
  const query = (fields: string[]) => `${endpoints.users.path}?$select=${fields.join(",")}&$top=999`;
  const users: GraphUser[] = [];
  let first = query([...userSelect, "signInActivity"]);
  let page = 0;
  for (;;) {
    try {
      for await (const items of client.pages(endpoints.users, first)) {
        page++;
        for (const [i, raw] of items.entries()) {
          const user = GraphUser.safeParse(raw);
          if (user.success) users.push(user.data);
          else
            ctx.skip(
              `user record ${i + 1} on page ${page}`,
              `${endpoints.users.label}: ${user.error.issues[0]?.message ?? "invalid"} at ${user.error.issues[0]?.path.join(".")}`,
            );
        }
        ctx.progress("users", users.length);
      }
      return users;
    } catch (err) {
      // signInActivity needs AuditLog.Read.All and P1; Graph's 403 does not say which is missing, so
      // any refusal of the first page is retried without it (a missing User.Read.All fails again).
      const signInRefused =
        page === 0 &&
        first.includes("signInActivity") &&
        (err instanceof NotLicensedError || err instanceof ProviderPermissionError);
      if (signInRefused) {
        if (err instanceof NotLicensedError)
          refusedForLicence(ctx, "last sign-in times (signInActivity)", err.message);
        else
          ctx.note(
            `last sign-in times not read (needs ${permissions.signInActivity} and Entra ID P1): ${describeError(err)}`,
          );
        first = query(userSelect);
        continue;
      }
      // Without the first page nothing is known; after it, keep what was read and say the list is cut short.
      if (page === 0) throw err;
      ctx.gap(`users after page ${page}`, describeError(err));
      return users;
    }
  }
}

/** Runs `task` for each item with the quota domain's concurrency; results in input order. */
async function forEach<I, O>(items: I[], task: (item: I) => Promise<O>): Promise<O[]> {
  return Promise.all(items.map(task));
}

/**
 * Reads each group in `ids` with its transitive members. A 404 on a group that `namedAsGroups` says is one
 * (a Conditional Access condition, an app assignment, a group role assignment, customerAccessGroups) is a
 * gap, never "matches nobody": a deleted group, a replication delay or a hostile answer look the same, and
 * who that group includes or excludes decides other users' verdicts (issue #19 item 2). A 404 on a role
 * principal of unknown type only says it is not a group.
 */
async function readGroups(
  ctx: Ctx,
  client: EntraClient,
  ids: string[],
  namedAsGroups: ReadonlySet<string>,
): Promise<EntraFactData<typeof entraFactKinds.groupMembers>["groups"]> {
  return forEach(ids, async (id) => {
    const path = endpoints.groupMembers.path.replace("{id}", encodeURIComponent(id));
    try {
      const group = checkShape(
        Group,
        await client.get(
          endpoints.group,
          `${endpoints.group.path.replace("{id}", encodeURIComponent(id))}?$select=id,displayName`,
        ),
        endpoints.group.label,
      );
      const members = await listAll(
        ctx,
        client,
        endpoints.groupMembers,
        `${path}?$select=id&$top=999`,
        GroupMember,
        `member of group ${id}`,
      );
      return {
        id,
        ...(group.displayName ? { displayName: group.displayName } : {}),
        status: "read" as const,
        memberIds: members.map((m) => m.id),
      };
    } catch (err) {
      if (err instanceof GraphNotFoundError) {
        if (!namedAsGroups.has(id)) return { id, status: "not-found" as const, memberIds: [] };
        const reason = `not found (HTTP 404): ${describeError(err)}`;
        ctx.gap(`group ${id}, named as a group by a policy or an assignment`, reason);
        return { id, status: "not-found" as const, reason, memberIds: [] };
      }
      const reason = describeError(err);
      ctx.gap(`members of group ${id}`, reason);
      return { id, status: "unavailable" as const, reason, memberIds: [] };
    }
  });
}

/**
 * One call per user (per-user MFA, authentication methods). The first call goes alone: a permission or
 * licence refusal then ends the read instead of repeating for every user.
 */
async function perUser<T>(
  ctx: Ctx,
  what: string,
  userIds: string[],
  read: (id: string) => Promise<T>,
): Promise<{
  status: "read" | "not-licensed" | "unavailable";
  reason?: string;
  values: Map<string, T>;
  unread: string[];
}> {
  const values = new Map<string, T>();
  const unread: string[] = [];
  const [first, ...rest] = userIds;
  if (first) {
    const r = await attempt(ctx, what, () => read(first));
    if (r.status !== "read") return { status: r.status, reason: r.reason, values, unread };
    values.set(first, r.data);
  }
  let lastError = "";
  await forEach(rest, async (id) => {
    try {
      values.set(id, await read(id));
    } catch (err) {
      unread.push(id);
      lastError = describeError(err);
    }
  });
  if (unread.length) ctx.gap(`${what} of ${unread.length} user(s)`, lastError);
  return { status: "read", values, unread };
}

/**
 * Each user's authentication methods through JSON batching: one inner request per user, 20 per `$batch`.
 * A user whose inner answer is not 200 is unread (a licence or permission refusal ends nothing else).
 */
async function methodsByBatch(
  ctx: Ctx,
  client: EntraClient,
  userIds: string[],
): Promise<{
  status: "read" | "unavailable";
  reason?: string;
  values: Map<string, z.infer<typeof AuthenticationMethod>[]>;
  unread: string[];
  cost: string;
}> {
  const pathOf = (id: string) => endpoints.methods.path.replace("{id}", encodeURIComponent(id));
  const values = new Map<string, z.infer<typeof AuthenticationMethod>[]>();
  const unread: string[] = [];
  let lastError = "";
  let answers: Awaited<ReturnType<EntraClient["batchGet"]>>;
  try {
    answers = await client.batchGet(endpoints.methods, userIds.map(pathOf), "authentication methods");
  } catch (err) {
    const reason = describeError(err);
    ctx.gap("authentication methods", reason);
    return { status: "unavailable", reason, values, unread: userIds, cost: `failed: ${reason}` };
  }
  for (const id of userIds) {
    const answer = answers.answers.get(pathOf(id));
    const page = answer?.status === 200 ? Page.safeParse(answer.body) : undefined;
    if (!page?.success) {
      unread.push(id);
      lastError = `inner status ${answer?.status ?? "missing"}: ${JSON.stringify(answer?.body ?? null).slice(0, 200)}`;
      continue;
    }
    const methods: z.infer<typeof AuthenticationMethod>[] = [];
    for (const [i, raw] of page.data.value.entries()) {
      const parsed = AuthenticationMethod.safeParse(raw);
      if (parsed.success) methods.push(parsed.data);
      else ctx.skip(`authentication method ${i + 1} of ${id}`, parsed.error.issues[0]?.message ?? "invalid");
    }
    const next = page.data["@odata.nextLink"];
    if (next)
      appendAll(
        methods,
        await listAll(
          ctx,
          client,
          endpoints.methods,
          next,
          AuthenticationMethod,
          `authentication method of ${id}`,
        ),
      );
    values.set(id, methods);
  }
  if (unread.length) ctx.gap(`authentication methods of ${unread.length} user(s)`, lastError);
  const { batches, requests, throttled } = answers.stats;
  const cost = `${userIds.length} user(s) in ${batches} $batch request(s) (${requests} inner, ${throttled} throttled and sent again)`;
  return {
    status: values.size || !userIds.length ? "read" : "unavailable",
    ...(values.size || !userIds.length ? {} : { reason: lastError }),
    values,
    unread,
    cost,
  };
}

/** Apps whose assignments are read at most; beyond it the rest is a gap (each costs a paged call). */
const maxAssignmentReads = 200;

/**
 * The users, groups and service principals assigned to each enabled app that requires assignment. An app
 * that does not require it lets every enabled user sign in, so nothing is read for it.
 */
async function readAssignments(
  ctx: Ctx,
  client: EntraClient,
  sps: ServicePrincipal[],
): Promise<EntraFactData<typeof entraFactKinds.servicePrincipals>["items"]> {
  const needing = sps.filter((sp) => sp.appRoleAssignmentRequired === true && sp.accountEnabled !== false);
  if (needing.length > maxAssignmentReads)
    ctx.gap(
      `assignments of ${needing.length - maxAssignmentReads} app(s) requiring assignment`,
      `more than ${maxAssignmentReads} such apps; the rest are not read`,
    );
  const read = new Set(needing.slice(0, maxAssignmentReads).map((sp) => sp.id));
  return forEach(sps, async (sp) => {
    const base = {
      id: sp.id,
      appId: sp.appId,
      displayName: sp.displayName ?? null,
      servicePrincipalNames: sp.servicePrincipalNames ?? [],
      appRoleAssignmentRequired: sp.appRoleAssignmentRequired ?? null,
      accountEnabled: sp.accountEnabled ?? null,
    };
    if (!read.has(sp.id)) {
      const needed = sp.appRoleAssignmentRequired === true && sp.accountEnabled !== false;
      return {
        ...base,
        assignments: needed
          ? { status: "unavailable" as const, reason: "not read (limit)", principals: [] }
          : { status: "not-needed" as const, principals: [] },
      };
    }
    const path = endpoints.appRoleAssignedTo.path.replace("{id}", encodeURIComponent(sp.id));
    try {
      const items = await listAll(
        ctx,
        client,
        endpoints.appRoleAssignedTo,
        `${path}?$top=999`,
        AppRoleAssignment,
        `assignment of app ${sp.appId}`,
      );
      const typeOf = (t: string | null | undefined) =>
        t === "User"
          ? "user"
          : t === "Group"
            ? "group"
            : t === "ServicePrincipal"
              ? "servicePrincipal"
              : "unknown";
      return {
        ...base,
        assignments: {
          status: "read" as const,
          principals: items.map((a) => ({ id: a.principalId, type: typeOf(a.principalType) })),
        },
      };
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(`assignments of app ${sp.displayName ?? sp.appId}`, reason);
      return { ...base, assignments: { status: "unavailable" as const, reason, principals: [] } };
    }
  });
}

async function collect(ctx: Ctx) {
  const { client } = await connect(ctx);
  try {
    return await collectWith(ctx, client);
  } finally {
    await client.close();
  }
}

async function collectWith(ctx: Ctx, client: EntraClient) {
  const settings = ctx.settings;
  const connection = ctx.connectionId;
  ctx.progress("users");
  const users = await listUsers(ctx, client);
  const known = new Set(users.map((u) => u.id));
  const enabled = users.filter((u) => u.accountEnabled === true);

  ctx.progress("policies, roles and registration");
  // Each of these runs in its own quota domain (or shares the directory one), all at once.
  const [ca, locations, sd, strengths, definitions, active, eligible, registration, sps] = await Promise.all([
    attempt(ctx, "Conditional Access policies", async () => {
      const raw = await listAll(
        ctx,
        client,
        endpoints.conditionalAccess,
        endpoints.conditionalAccess.path,
        rawRecord,
        "policy",
      );
      return raw.filter((p, i) => {
        const parsed = ConditionalAccessPolicy.safeParse(p);
        if (!parsed.success)
          ctx.skip(
            `Conditional Access policy ${i + 1}`,
            `${endpoints.conditionalAccess.label}: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join(".")}`,
          );
        return parsed.success;
      });
    }),
    attempt(ctx, "named locations", () =>
      listAll(
        ctx,
        client,
        endpoints.namedLocations,
        endpoints.namedLocations.path,
        rawRecord,
        "named location",
      ),
    ),
    attempt(ctx, "security defaults", async () =>
      checkShape(
        SecurityDefaultsPolicy,
        await client.get(endpoints.securityDefaults, endpoints.securityDefaults.path),
        endpoints.securityDefaults.label,
      ),
    ),
    attempt(ctx, "authentication strengths", () =>
      listAll(
        ctx,
        client,
        endpoints.authenticationStrengths,
        endpoints.authenticationStrengths.path,
        rawRecord,
        "authentication strength",
      ),
    ),
    attempt(ctx, "directory role definitions", () =>
      listAll(
        ctx,
        client,
        endpoints.roleDefinitions,
        `${endpoints.roleDefinitions.path}?$select=id,displayName,templateId,isBuiltIn`,
        RoleDefinition,
        "role definition",
      ),
    ),
    attempt(ctx, "active directory role assignments", () =>
      listAll(
        ctx,
        client,
        endpoints.roleAssignments,
        `${endpoints.roleAssignments.path}?$expand=principal`,
        RoleAssignment,
        "role assignment",
      ),
    ),
    attempt(ctx, "PIM-eligible directory role assignments", () =>
      listAll(
        ctx,
        client,
        endpoints.roleEligibilities,
        endpoints.roleEligibilities.path,
        RoleAssignment,
        "role eligibility",
      ),
    ),
    attempt(ctx, "MFA registration details", () =>
      listAll(
        ctx,
        client,
        endpoints.registration,
        endpoints.registration.path,
        UserRegistrationDetails,
        "registration record",
      ),
    ),
    attempt(ctx, "enterprise apps (service principals)", () =>
      listAll(
        ctx,
        client,
        endpoints.servicePrincipals,
        `${endpoints.servicePrincipals.path}?$select=${servicePrincipalSelect.join(",")}&$top=999`,
        ServicePrincipal,
        "service principal",
      ),
    ),
  ]);
  // Who may sign in to each app that requires assignment (a VPN's SAML app usually does).
  const servicePrincipals = sps.status === "read" ? await readAssignments(ctx, client, sps.data) : [];

  const activeItems: RoleAssignmentItem[] =
    active.status === "read" ? active.data.map((a) => roleItem(a, known)) : [];
  const eligibleItems: RoleAssignmentItem[] =
    eligible.status === "read" ? eligible.data.map((a) => roleItem(a, known)) : [];

  // Groups that decide who a policy or a role covers: their transitive user members.
  const policies = ca.status === "read" ? ca.data.map((p) => ConditionalAccessPolicy.parse(p)) : [];
  const namedAsGroups = new Set<string>();
  for (const p of policies)
    for (const g of [
      ...(p.conditions.users?.includeGroups ?? []),
      ...(p.conditions.users?.excludeGroups ?? []),
    ])
      namedAsGroups.add(g);
  const targeted = new Set(namedAsGroups);
  for (const a of [...activeItems, ...eligibleItems]) {
    if (a.principalType === "group") namedAsGroups.add(a.principalId);
    if (a.principalType === "group" || a.principalType === "unknown") targeted.add(a.principalId);
  }
  for (const sp of servicePrincipals)
    for (const p of sp.assignments.principals) if (p.type === "group") namedAsGroups.add(p.id);
  for (const id of settings.customerAccessGroups) namedAsGroups.add(id);
  // The MSP's own tenant: its GDAP relationships, and the groups holding their roles reach customers.
  const gdap = ctx.tenant.role === "msp" ? await readGdap(ctx, client) : undefined;
  const gdapGroupReach = gdap
    ? gdapGroups(gdap)
    : new Map<string, Array<{ customer: string; roles: string[] }>>();
  for (const id of namedAsGroups) targeted.add(id);
  // A GDAP group that answers 404 is recorded as a gap where GDAP is read (customerAccessGroups).
  for (const id of gdapGroupReach.keys()) targeted.add(id);
  ctx.progress("group members", 0, targeted.size);
  const groups = await readGroups(ctx, client, [...targeted], namedAsGroups);
  const memberSets = new Map(
    groups.filter((g) => g.status === "read").map((g) => [g.id, new Set(g.memberIds)]),
  );
  // A principal we could expand as a group is a group; one that does not exist as a group is not.
  for (const items of [activeItems, eligibleItems])
    for (const a of items)
      if (a.principalType === "unknown")
        a.principalType = memberSets.has(a.principalId)
          ? "group"
          : groups.some((g) => g.id === a.principalId && g.status === "not-found")
            ? "servicePrincipal"
            : "unknown";

  // Per-user MFA: opt-in, one beta call per enabled user.
  let perUserFact: EntraFactData<typeof entraFactKinds.perUserMfa> = {
    status: "not-configured",
    reason: "readPerUserMfa is off for this connection",
    states: {},
    unreadUsers: [],
  };
  if (settings.readPerUserMfa) {
    ctx.progress("per-user MFA", 0, enabled.length);
    const r = await perUser(
      ctx,
      "per-user MFA state",
      enabled.map((u) => u.id),
      async (id) => {
        const path = endpoints.perUserMfa.path.replace("{id}", encodeURIComponent(id));
        const value = checkShape(
          StrongAuthenticationRequirements,
          await client.get(endpoints.perUserMfa, path),
          endpoints.perUserMfa.label,
        );
        const parsed = PerUserMfaState.safeParse(value.perUserMfaState);
        return parsed.success ? parsed.data : "unknownFutureValue";
      },
    );
    perUserFact = {
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      states: Object.fromEntries(r.values),
      unreadUsers: r.unread,
    };
  }

  // Registration: the bulk report, or per-user methods when the tenant has no P1 (unless turned off).
  let fallbackCost: string | undefined;
  let registrationFact: EntraFactData<typeof entraFactKinds.registration>;
  let registrationEndpoint: Endpoint = endpoints.registration;
  if (registration.status === "read") {
    registrationFact = {
      status: "read",
      via: "userRegistrationDetails",
      users: registration.data.map((r) => ({
        id: r.id,
        isMfaRegistered: r.isMfaRegistered ?? null,
        isMfaCapable: r.isMfaCapable ?? null,
        isPasswordlessCapable: r.isPasswordlessCapable ?? null,
        isAdmin: r.isAdmin ?? null,
        methodsRegistered: r.methodsRegistered ?? [],
      })),
    };
  } else if (registration.status === "not-licensed" && settings.registrationFallback !== "none") {
    // No Entra ID P1: each user's methods instead, 20 users per $batch, inside the reports limit.
    registrationEndpoint = endpoints.methods;
    ctx.progress("authentication methods", 0, enabled.length);
    const r = await methodsByBatch(
      ctx,
      client,
      enabled.map((u) => u.id),
    );
    fallbackCost = r.cost;
    registrationFact = {
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      via: "authenticationMethods",
      users: [...r.values].map(([id, methods]) => {
        const names = methodsRegisteredFrom(methods);
        return {
          id,
          isMfaRegistered: names.some(
            (n) => !["email", "temporaryAccessPass", "securityQuestion"].includes(n),
          ),
          isMfaCapable: null,
          isPasswordlessCapable: null,
          isAdmin: null,
          methodsRegistered: names,
        };
      }),
    };
  } else {
    registrationFact = {
      status: registration.status,
      reason:
        registration.status === "not-licensed"
          ? `the registration report needs Entra ID P1 (${registration.reason}) and registrationFallback is none, so each user's methods were not read`
          : registration.reason,
      via: null,
      users: [],
    };
  }

  const definitionMap = new Map(
    (definitions.status === "read" ? definitions.data : []).map((d) => [
      d.id,
      { displayName: d.displayName, templateId: d.templateId ?? null },
    ]),
  );
  const mapping: MappingContext = {
    connection,
    roles: roleHoldings(activeItems, eligibleItems, memberSets, definitionMap),
    rolesKnown: active.status === "read" && eligible.status !== "unavailable",
    registration: new Map(
      registrationFact.users.map((u) => [u.id, { ...u, methodsRegistered: u.methodsRegistered }]),
    ),
    registrationKnown: registrationFact.status === "read",
    registrationEvidence: {
      source,
      connection,
      endpoint: registrationEndpoint.label,
      ...(registrationFact.status === "read"
        ? {}
        : { note: registrationFact.reason ?? registrationFact.status }),
    },
  };

  licenceNote(ctx, fallbackCost);
  const entryPoint = signInEntryPoint(connection, settings.tenantId);
  const accounts: Account[] = users.map((u) => toAccount(u, mapping));
  const accessPaths: AccessPath[] = enabled.map((u) => signInPath(entryPoint, u));

  const facts: Fact[] = [
    entraFact(
      entraFactKinds.tenant,
      connection,
      { tenantId: settings.tenantId, cloud: settings.cloud, breakGlassAccounts: settings.breakGlassAccounts },
      evidenceOf(ctx, endpoints.users, `tenant ${settings.tenantId}`),
    ),
    entraFact(
      entraFactKinds.users,
      connection,
      { status: "read", users: users.map(directoryUser) },
      evidenceOf(ctx, endpoints.users),
    ),
    entraFact(
      entraFactKinds.securityDefaults,
      connection,
      { ...state(sd), policy: sd.status === "read" ? sd.data : null },
      evidenceOf(ctx, endpoints.securityDefaults),
    ),
    entraFact(
      entraFactKinds.conditionalAccess,
      connection,
      { ...state(ca), policies: ca.status === "read" ? ca.data : [] },
      evidenceOf(ctx, endpoints.conditionalAccess),
    ),
    entraFact(
      entraFactKinds.namedLocations,
      connection,
      { ...state(locations), locations: locations.status === "read" ? locations.data : [] },
      evidenceOf(ctx, endpoints.namedLocations),
    ),
    entraFact(
      entraFactKinds.authenticationStrengths,
      connection,
      { ...state(strengths), policies: strengths.status === "read" ? strengths.data : [] },
      evidenceOf(ctx, endpoints.authenticationStrengths),
    ),
    entraFact(
      entraFactKinds.groupMembers,
      connection,
      { status: "read", groups },
      evidenceOf(ctx, endpoints.groupMembers),
    ),
    entraFact(
      entraFactKinds.roles,
      connection,
      {
        definitions: {
          ...state(definitions),
          items: (definitions.status === "read" ? definitions.data : []).map((d) => ({
            id: d.id,
            templateId: d.templateId ?? null,
            displayName: d.displayName,
            isBuiltIn: d.isBuiltIn ?? true,
          })),
        },
        active: { ...state(active), items: activeItems },
        eligible: { ...state(eligible), items: eligibleItems },
      },
      [...evidenceOf(ctx, endpoints.roleAssignments), ...evidenceOf(ctx, endpoints.roleEligibilities)],
    ),
    entraFact(entraFactKinds.perUserMfa, connection, perUserFact, evidenceOf(ctx, endpoints.perUserMfa)),
    entraFact(
      entraFactKinds.registration,
      connection,
      registrationFact,
      evidenceOf(ctx, registrationEndpoint),
    ),
    entraFact(
      entraFactKinds.servicePrincipals,
      connection,
      { ...state(sps), items: servicePrincipals },
      evidenceOf(ctx, endpoints.servicePrincipals),
    ),
  ];
  // The MSP's GDAP groups, in the model's own terms so that policies need not know Entra.
  appendAll(facts, [
    ...customerAccessGroupFacts(
      { source, connection, endpoint: endpoints.groupMembers.label },
      customerAccessGroups(ctx, settings.customerAccessGroups, gdapGroupReach, groups),
    ),
    ...(gdap ? [gdapFactOf(connection, gdap)] : []),
  ]);
  return { accounts, entryPoints: [entryPoint], accessPaths, settings: [], facts };
}

/**
 * The application permissions this connection reads with: the directory reads, the per-user methods
 * fallback unless turned off, and GDAP's for the MSP's own tenant.
 */
export function neededPermissions(settings: EntraSettings, role: "customer" | "msp" | undefined): string[] {
  const { methods, ...always } = permissions;
  return [
    ...new Set([
      ...Object.values(always),
      ...(settings.registrationFallback !== "none" ? [methods] : []),
      ...(role === "msp" ? [gdapPermission] : []),
    ]),
  ].sort();
}

/** Calls each endpoint once; a 403 names the application permission to grant. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const { client, principal, credential } = await connect(ctx);
  const checks: DoctorCheck[] = [];
  const probe = async (endpoint: Endpoint, path: string, label = endpoint.label): Promise<unknown> => {
    try {
      const data = await client.get(endpoint, path, label);
      checks.push({ check: label, ok: true, detail: `readable (${endpoint.permission}) as ${principal}` });
      return data;
    } catch (err) {
      if (err instanceof NotLicensedError) {
        checks.push({
          check: label,
          ok: true,
          detail: `permission granted, but the tenant lacks the licence: ${err.message}`,
        });
        return undefined;
      }
      const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
      checks.push({
        check: label,
        ok: false,
        ...(missing?.length ? { missing } : {}),
        detail: describeError(err),
      });
      return undefined;
    }
  };
  try {
    const users = (await probe(endpoints.users, `${endpoints.users.path}?$select=id&$top=1`)) as
      | { value?: Array<{ id?: string }> }
      | undefined;
    await probe(
      endpoints.users,
      `${endpoints.users.path}?$select=id,signInActivity&$top=1`,
      "GET /users ($select=signInActivity)",
    );
    await probe(endpoints.registration, endpoints.registration.path);
    await probe(endpoints.conditionalAccess, `${endpoints.conditionalAccess.path}?$top=1`);
    await probe(endpoints.namedLocations, `${endpoints.namedLocations.path}?$top=1`);
    await probe(endpoints.securityDefaults, endpoints.securityDefaults.path);
    await probe(endpoints.authenticationStrengths, endpoints.authenticationStrengths.path);
    await probe(endpoints.roleDefinitions, `${endpoints.roleDefinitions.path}?$select=id`);
    await probe(endpoints.roleAssignments, endpoints.roleAssignments.path);
    await probe(endpoints.roleEligibilities, endpoints.roleEligibilities.path);
    await probe(endpoints.servicePrincipals, `${endpoints.servicePrincipals.path}?$select=id&$top=1`);
    const groups = (await probe(endpoints.groups, `${endpoints.groups.path}?$select=id&$top=1`)) as
      | { value?: Array<{ id?: string }> }
      | undefined;
    const groupId = groups?.value?.[0]?.id;
    if (groupId)
      await probe(
        endpoints.groupMembers,
        `${endpoints.groupMembers.path.replace("{id}", encodeURIComponent(groupId))}?$select=id&$top=1`,
      );
    const userId = users?.value?.[0]?.id;
    if (userId && ctx.settings.readPerUserMfa)
      await probe(
        endpoints.perUserMfa,
        endpoints.perUserMfa.path.replace("{id}", encodeURIComponent(userId)),
      );
    if (userId && ctx.settings.registrationFallback !== "none")
      await probe(endpoints.methods, endpoints.methods.path.replace("{id}", encodeURIComponent(userId)));
    const leastPrivilege = await tokenPermissionsCheck(
      credential,
      ctx.settings,
      neededPermissions(ctx.settings, ctx.tenant.role),
    );
    if (leastPrivilege) checks.push(leastPrivilege);
  } finally {
    await client.close();
  }
  return checks;
}

export const entra = defineProvider<EntraSettings>({
  type: source,
  title: "Microsoft Entra ID",
  connectionSchema: EntraSettings,
  permissions: [
    "Microsoft Graph application permissions (admin consent in each customer tenant), read-only:",
    `${permissions.users} (users), ${permissions.registration} (registration report, last sign-in), ${permissions.policies} (Conditional Access, named locations, security defaults, authentication strengths, per-user MFA), ${permissions.roles} (active and PIM-eligible role assignments), ${permissions.groups} (members of targeted groups)`,
    `${permissions.applications} (enterprise apps and their assignments, to resolve VPN and RMM sign-ins that delegate to an Entra app)`,
    `${permissions.methods} for tenants without Entra ID P1 (the per-user fallback; not with registrationFallback: none)`,
    "Across customers: one multi-tenant app registration in the MSP tenant, consented into each customer (admin consent URL, or Partner Center applicationconsents with a GDAP relationship); then set tenantId per connection.",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

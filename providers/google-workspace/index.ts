import type { PagedRead } from "../../src/collect/console-accounts.js";
import { customerAccessGroupFacts } from "../../src/collect/customer-access.js";
import { type CollectContext, type DoctorCheck, defineProvider } from "../../src/collect/provider.js";
import { unreadPath } from "../../src/collect/unread.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
import type { CustomerAccessGroup } from "../../src/model/facts/customer-access.js";
import type { AccessPath, Account, EntryPoint, MfaSetting } from "../../src/model/index.js";
import {
  CloudIdentityPolicy,
  directoryScopes,
  GoogleUser,
  GroupMember,
  groupMembersScope,
  MembersPage,
  OrgUnit,
  OrgUnitsResponse,
  PoliciesPage,
  Role,
  RoleAssignment,
  RoleAssignmentsPage,
  RolesPage,
  UsersPage,
} from "./api.js";
import { checkPage, createGoogleAuth, GoogleWorkspaceClient, loadGoogleApis } from "./client.js";
import { GoogleWorkspaceSettings } from "./settings.js";
import {
  type EnrollmentPeriod,
  type MappingContext,
  orgUnitEnrollmentPeriods,
  orgUnitSettings,
  orgUnitTree,
  roleDisplayName,
  signInPath,
  signInVerdict,
  source,
  toAccount,
  unknownOrgUnitSettings,
} from "./transform.js";

type Ctx = CollectContext<GoogleWorkspaceSettings>;

async function connect(ctx: Ctx): Promise<GoogleWorkspaceClient> {
  const { auth, principal } = await createGoogleAuth(ctx.settings, ctx.secret);
  return new GoogleWorkspaceClient(ctx, auth, principal, await loadGoogleApis());
}

/** Users, page by page; each record validated on its own so one bad record is counted, not fatal. */
async function listUsers(ctx: Ctx, client: GoogleWorkspaceClient): Promise<PagedRead<GoogleUser>> {
  const users: GoogleUser[] = [];
  const label = "GET admin/directory/v1/users";
  let page = 0;
  try {
    for await (const data of client.pages(
      label,
      (pageToken) =>
        client.call(client.directoryQuota, label, directoryScopes.users, () =>
          client.directory.users.list({
            customer: ctx.settings.customer,
            maxResults: 500,
            pageToken,
            projection: "basic",
          }),
        ),
      UsersPage,
    )) {
      page++;
      for (const [i, raw] of (data.users ?? []).entries()) {
        const user = GoogleUser.safeParse(raw);
        if (user.success) users.push(user.data);
        else
          ctx.skip(
            `user record ${i + 1} on page ${page}`,
            `${label}: ${user.error.issues[0]?.message ?? "invalid"} at ${user.error.issues[0]?.path.join(".")}`,
          );
      }
      ctx.progress("users", users.length);
    }
  } catch (err) {
    // Without the first page nothing is known; after it, keep what was read and say the list is cut short.
    if (page === 0) throw err;
    const reason = describeError(err);
    ctx.gap(`users after page ${page}`, reason);
    return {
      items: users,
      cutShort: `${label}: the users after page ${page} could not be read (${reason}); who else signs in, and with what 2SV, is not known`,
    };
  }
  return { items: users };
}

/** Role names by user id. Group assignments are noted: their members are not expanded. */
async function listAdminRoles(
  ctx: Ctx,
  client: GoogleWorkspaceClient,
): Promise<Map<string, string[]> | undefined> {
  const rolesLabel = "GET admin/directory/v1/customer/{customer}/roles";
  const assignLabel = "GET admin/directory/v1/customer/{customer}/roleassignments";
  try {
    const names = new Map<string, string>();
    for await (const data of client.pages(
      rolesLabel,
      (pageToken) =>
        client.call(client.directoryQuota, rolesLabel, directoryScopes.roles, () =>
          client.directory.roles.list({ customer: ctx.settings.customer, maxResults: 100, pageToken }),
        ),
      RolesPage,
    )) {
      for (const raw of data.items ?? []) {
        const role = Role.safeParse(raw);
        if (role.success) names.set(role.data.roleId, roleDisplayName(role.data));
        else ctx.skip("role record", `${rolesLabel}: ${role.error.issues[0]?.message}`);
      }
    }
    const byUser = new Map<string, string[]>();
    let groupAssignments = 0;
    for await (const data of client.pages(
      assignLabel,
      (pageToken) =>
        client.call(client.directoryQuota, assignLabel, directoryScopes.roles, () =>
          client.directory.roleAssignments.list({
            customer: ctx.settings.customer,
            maxResults: 200,
            pageToken,
          }),
        ),
      RoleAssignmentsPage,
    )) {
      for (const raw of data.items ?? []) {
        const parsed = RoleAssignment.safeParse(raw);
        if (!parsed.success) {
          ctx.skip("role assignment record", `${assignLabel}: ${parsed.error.issues[0]?.message}`);
          continue;
        }
        const a: RoleAssignment = parsed.data;
        if (a.assigneeType === "group") groupAssignments++;
        const name = names.get(a.roleId) ?? `role ${a.roleId}`;
        byUser.set(a.assignedTo, [...(byUser.get(a.assignedTo) ?? []), name]);
      }
    }
    if (groupAssignments > 0) {
      ctx.note(
        `${groupAssignments} admin role(s) are assigned to groups; their members count as admins only where Google marks them isDelegatedAdmin`,
      );
    }
    return byUser;
  } catch (err) {
    ctx.gap("admin role assignments", describeError(err));
    return undefined;
  }
}

async function listOrgUnits(ctx: Ctx, client: GoogleWorkspaceClient): Promise<OrgUnit[] | undefined> {
  const label = "GET admin/directory/v1/customer/{customerId}/orgunits";
  try {
    const data = checkPage(
      OrgUnitsResponse,
      await client.call(client.directoryQuota, label, directoryScopes.orgUnits, () =>
        client.directory.orgunits.list({ customerId: ctx.settings.customer, type: "all" }),
      ),
      label,
    );
    return (data.organizationUnits ?? []).flatMap((raw) => {
      const ou = OrgUnit.safeParse(raw);
      if (ou.success) return [ou.data];
      ctx.skip("org unit record", `${label}: ${ou.error.issues[0]?.message}`);
      return [];
    });
  } catch (err) {
    ctx.gap("organizational units", describeError(err));
    return undefined;
  }
}

async function listTwoStepPolicies(ctx: Ctx, client: GoogleWorkspaceClient): Promise<CloudIdentityPolicy[]> {
  const label = "GET cloudidentity/v1/policies";
  const customer =
    ctx.settings.customer === "my_customer" ? "customers/my_customer" : `customers/${ctx.settings.customer}`;
  const filter = `customer == "${customer}" && setting.type.matches("^settings/security\\\\.two_step_verification.*$")`;
  const policies: CloudIdentityPolicy[] = [];
  for await (const data of client.pages(
    label,
    (pageToken) =>
      client.call(client.policyQuota, label, directoryScopes.policies, () =>
        client.cloudIdentity.policies.list({ filter, pageSize: 100, pageToken }),
      ),
    PoliciesPage,
  )) {
    for (const raw of data.policies ?? []) {
      const policy = CloudIdentityPolicy.safeParse(raw);
      if (policy.success) policies.push(policy.data);
      else ctx.skip("policy record", `${label}: ${policy.error.issues[0]?.message}`);
    }
  }
  const groupPolicies = policies.filter((p) => p.policyQuery?.group);
  if (groupPolicies.length > 0) {
    ctx.note(
      `${groupPolicies.length} 2SV policy(ies) target groups; per-user verdicts use Google's isEnforcedIn2Sv, which applies them`,
    );
  }
  return policies;
}

const membersLabel = "GET admin/directory/v1/groups/{groupKey}/members";

/**
 * The members (nested ones included) of the MSP's customer-access groups. A group that cannot be read is
 * recorded as unavailable with the reason, so the policy reports it as unknown, never as empty.
 */
async function readCustomerAccessGroups(
  ctx: Ctx,
  client: GoogleWorkspaceClient,
): Promise<CustomerAccessGroup[]> {
  const label = membersLabel;
  const groups: CustomerAccessGroup[] = [];
  for (const groupKey of ctx.settings.customerAccessGroups) {
    const members: string[] = [];
    try {
      for await (const data of client.pages(
        label,
        (pageToken) =>
          client.call(client.directoryQuota, label, groupMembersScope, () =>
            client.directory.members.list({
              groupKey,
              includeDerivedMembership: true,
              maxResults: 200,
              pageToken,
            }),
          ),
        MembersPage,
      )) {
        for (const raw of data.members ?? []) {
          const member = GroupMember.safeParse(raw);
          if (member.success) members.push(member.data.id);
          else ctx.skip(`member of group ${groupKey}`, `${label}: ${member.error.issues[0]?.message}`);
        }
      }
      groups.push({ group: groupKey, name: groupKey, status: "read", members });
    } catch (err) {
      const reason = describeError(err);
      ctx.gap(`members of group ${groupKey}`, reason);
      groups.push({ group: groupKey, name: groupKey, status: "unavailable", reason, members: [] });
    }
  }
  return groups;
}

async function collect(ctx: Ctx) {
  const client = await connect(ctx);
  const mapping: MappingContext = { connection: ctx.connectionId, now: ctx.now };

  ctx.progress("users");
  const { items: users, cutShort } = await listUsers(ctx, client);
  ctx.progress("admin roles");
  mapping.rolesByUser = await listAdminRoles(ctx, client);
  ctx.progress("org units");
  const orgUnits = await listOrgUnits(ctx, client);

  let settings: MfaSetting[];
  let periods = new Map<string, EnrollmentPeriod>();
  let periodsUnread = "";
  if (!ctx.settings.readPolicies) {
    const reason = "readPolicies is off for this connection";
    periodsUnread = reason;
    ctx.gap("per-OU 2SV policies", reason);
    settings = unknownOrgUnitSettings(orgUnitTree(orgUnits ?? []), mapping, reason);
  } else {
    ctx.progress("2SV policies");
    try {
      const policies = await listTwoStepPolicies(ctx, client);
      const tree = orgUnitTree(orgUnits ?? [], policies);
      settings = orgUnitSettings(tree, policies, mapping);
      periods = orgUnitEnrollmentPeriods(tree, policies, mapping);
    } catch (err) {
      const reason = `${describeError(err)}${err instanceof ProviderPermissionError ? "; only super administrators can read the Policy API" : ""}`;
      ctx.gap("per-OU 2SV policies", reason);
      periodsUnread = reason;
      settings = unknownOrgUnitSettings(orgUnitTree(orgUnits ?? []), mapping, reason);
    }
  }
  const periodFor = (path: string | null | undefined): EnrollmentPeriod =>
    periods.get(path ?? "/") ??
    periods.get("/") ?? {
      seconds: null,
      reason: `2SV policies not read: ${periodsUnread || "no OU tree"}`,
      evidence: [],
    };
  const settingByPath = new Map(settings.map((s) => [s.scope.name, s]));
  const effectiveFor = (path: string | null | undefined) => {
    // A user's OU setting is its own OU's, whose inheritance orgUnitSettings already applied.
    return settingByPath.get(path ?? "/") ?? settingByPath.get("/");
  };

  const entryPoint: EntryPoint = {
    id: `${source}:${ctx.connectionId}:sign-in`,
    name: "Google sign-in",
    kind: "directory-sign-in",
    source,
    connection: ctx.connectionId,
    evidence: [
      {
        source,
        connection: ctx.connectionId,
        endpoint: "GET admin/directory/v1/users",
        note: `customer ${ctx.settings.customer}`,
      },
    ],
  };
  const accounts: Account[] = [];
  const accessPaths: AccessPath[] = [];
  for (const user of users) {
    accounts.push(toAccount(user, mapping));
    accessPaths.push(
      signInPath(
        entryPoint.id,
        user,
        signInVerdict(user, mapping, effectiveFor(user.orgUnitPath), periodFor(user.orgUnitPath)),
      ),
    );
  }
  if (cutShort)
    accessPaths.push(unreadPath(entryPoint, cutShort, { key: "users", chain: { factors: ["password"] } }));
  const customerAccess = ctx.settings.customerAccessGroups.length
    ? customerAccessGroupFacts(
        { source, connection: ctx.connectionId, endpoint: membersLabel },
        await readCustomerAccessGroups(ctx, client),
      )
    : [];
  return { accounts, entryPoints: [entryPoint], accessPaths, settings, facts: customerAccess };
}

/** Calls each endpoint once; a 403 names the scope to delegate. */
async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
  const client = await connect(ctx);
  const customer = ctx.settings.customer;
  const probes: Array<[string, string, () => Promise<unknown>]> = [
    [
      "GET admin/directory/v1/users",
      directoryScopes.users,
      () => client.directory.users.list({ customer, maxResults: 1 }),
    ],
    [
      "GET admin/directory/v1/customer/{customer}/roles",
      directoryScopes.roles,
      () => client.directory.roles.list({ customer, maxResults: 1 }),
    ],
    [
      "GET admin/directory/v1/customer/{customerId}/orgunits",
      directoryScopes.orgUnits,
      () => client.directory.orgunits.list({ customerId: customer }),
    ],
    ...ctx.settings.customerAccessGroups
      .slice(0, 1)
      .map((groupKey): [string, string, () => Promise<unknown>] => [
        membersLabel,
        groupMembersScope,
        () => client.directory.members.list({ groupKey, maxResults: 1 }),
      ]),
    ...(ctx.settings.readPolicies
      ? [
          [
            "GET cloudidentity/v1/policies",
            directoryScopes.policies,
            () => client.cloudIdentity.policies.list({ pageSize: 1 }),
          ] as [string, string, () => Promise<unknown>],
        ]
      : []),
  ];
  const checks: DoctorCheck[] = [];
  for (const [label, scope, probe] of probes) {
    try {
      await client.call(client.directoryQuota, label, scope, probe as () => Promise<{ data: unknown }>);
      checks.push({ check: label, ok: true, detail: "readable" });
    } catch (err) {
      const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
      checks.push({ check: label, ok: false, ...(missing ? { missing } : {}), detail: describeError(err) });
    }
  }
  return checks;
}

export const googleWorkspace = defineProvider<GoogleWorkspaceSettings>({
  type: source,
  title: "Google Workspace",
  connectionSchema: GoogleWorkspaceSettings,
  permissions: [
    "Service account with domain-wide delegation of these read-only scopes (Admin console > Security > API controls):",
    ...Object.values(directoryScopes),
    `Only for customerAccessGroups (the MSP's own tenant): ${groupMembersScope}`,
    "The subject must be a super administrator for the Cloud Identity Policy API (per-OU 2SV settings).",
  ],
  collect,
  doctor,
  demo: async (portfolio) => (await import("./emulator.js")).startDemo(portfolio),
});

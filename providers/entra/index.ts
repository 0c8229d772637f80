import { customerAccessGroupFacts } from "../../src/collect/customer-access.js";
import { defineProvider } from "../../src/collect/provider.js";
import { unreadPath } from "../../src/collect/unread.js";
import { ConditionalAccessPolicy, type RoleAssignmentItem } from "../../src/model/facts/entra.js";
import type { AccessPath, Account } from "../../src/model/index.js";
import { endpoints, permissions } from "./api.js";
import { readAssignments, readServicePrincipals } from "./apps.js";
import { connect, type EntraClient } from "./client.js";
import {
  readAuthenticationStrengths,
  readConditionalAccess,
  readNamedLocations,
  readSecurityDefaults,
} from "./conditional-access.js";
import { doctor } from "./doctor.js";
import { entraFacts } from "./facts.js";
import { customerAccessGroups, gdapFactOf, gdapGroups, readGdap } from "./gdap.js";
import { groupsToRead, readGroups } from "./groups.js";
import { readPerUserMfa } from "./per-user-mfa.js";
import { type Ctx, licenceNote } from "./read.js";
import { readRegistration, readRegistrationReport } from "./registration.js";
import {
  classifyPrincipals,
  readActiveRoles,
  readEligibleRoles,
  readRoleDefinitions,
  roleItems,
} from "./roles.js";
import { EntraSettings } from "./settings.js";
import {
  type MappingContext,
  roleHoldings,
  signInEntryPoint,
  signInPath,
  source,
  toAccount,
} from "./transform.js";
import { listUsers } from "./users.js";

export { neededPermissions } from "./doctor.js";

/*
 * The Entra provider. One file per concern: read.ts (what every read shares), users.ts, conditional-access.ts
 * (policies, named locations, authentication strengths, security defaults), roles.ts, apps.ts (service
 * principals and their assignments), groups.ts, per-user-mfa.ts, registration.ts, gdap.ts, facts.ts (the
 * facts they become), transform.ts (accounts and access paths), doctor.ts.
 */

async function collect(ctx: Ctx) {
  const { client } = await connect(ctx);
  try {
    return await collectWith(ctx, client);
  } finally {
    await client.close();
  }
}

/** The lists read all at once, each in its own quota domain (or sharing the directory one). */
async function readTenantLists(ctx: Ctx, client: EntraClient) {
  // The directory's first pages go out together in one JSON batch (issue #20: ~5 fewer requests a tenant).
  const [ca, locations, sd, strengths, definitions, active, eligible, registration, sps] =
    await client.together(() =>
      Promise.all([
        readConditionalAccess(ctx, client),
        readNamedLocations(ctx, client),
        readSecurityDefaults(ctx, client),
        readAuthenticationStrengths(ctx, client),
        readRoleDefinitions(ctx, client),
        readActiveRoles(ctx, client),
        readEligibleRoles(ctx, client),
        readRegistrationReport(ctx, client),
        readServicePrincipals(ctx, client),
      ]),
    );
  return { ca, locations, sd, strengths, definitions, active, eligible, registration, sps };
}

/** What turning users into accounts needs: role holdings and registration, each with whether it was read. */
function mappingOf(
  connection: string,
  r: {
    lists: Awaited<ReturnType<typeof readTenantLists>>;
    activeItems: RoleAssignmentItem[];
    eligibleItems: RoleAssignmentItem[];
    memberSets: Map<string, Set<string>>;
    registration: Awaited<ReturnType<typeof readRegistration>>;
  },
): MappingContext {
  const { lists, registration } = r;
  const definitionMap = new Map(
    (lists.definitions.status === "read" ? lists.definitions.data : []).map((d) => [
      d.id,
      { displayName: d.displayName, templateId: d.templateId ?? null },
    ]),
  );
  const registrationFact = registration.fact;
  return {
    connection,
    roles: roleHoldings(r.activeItems, r.eligibleItems, r.memberSets, definitionMap),
    rolesKnown: lists.active.status === "read" && lists.eligible.status !== "unavailable",
    registration: new Map(
      registrationFact.users.map((u) => [u.id, { ...u, methodsRegistered: u.methodsRegistered }]),
    ),
    registrationKnown: registrationFact.status === "read",
    registrationEvidence: {
      source,
      connection,
      endpoint: registration.endpoint.label,
      ...(registrationFact.status === "read"
        ? {}
        : { note: registrationFact.reason ?? registrationFact.status }),
    },
  };
}

async function collectWith(ctx: Ctx, client: EntraClient) {
  const settings = ctx.settings;
  const connection = ctx.connectionId;
  ctx.progress("users");
  const { items: users, cutShort } = await listUsers(ctx, client);
  const known = new Set(users.map((u) => u.id));
  const enabled = users.filter((u) => u.accountEnabled === true);

  ctx.progress("policies, roles and registration");
  const lists = await readTenantLists(ctx, client);
  // Who may sign in to each app that requires assignment (a VPN's SAML app usually does).
  const servicePrincipals =
    lists.sps.status === "read" ? await readAssignments(ctx, client, lists.sps.data) : [];
  const activeItems = roleItems(lists.active, known);
  const eligibleItems = roleItems(lists.eligible, known);

  // The MSP's own tenant: its GDAP relationships, and the groups holding their roles reach customers.
  const gdap = ctx.tenant.role === "msp" ? await readGdap(ctx, client) : undefined;
  const gdapGroupReach = gdap
    ? gdapGroups(gdap)
    : new Map<string, Array<{ customer: string; roles: string[] }>>();
  // Groups that decide who a policy or a role covers: their transitive user members.
  const { namedAsGroups, targeted } = groupsToRead({
    policies: lists.ca.status === "read" ? lists.ca.data.map((p) => ConditionalAccessPolicy.parse(p)) : [],
    roles: [...activeItems, ...eligibleItems],
    servicePrincipals,
    customerAccessGroups: settings.customerAccessGroups,
    gdapGroups: gdapGroupReach.keys(),
  });
  ctx.progress("group members", 0, targeted.size);
  const groups = await readGroups(ctx, client, [...targeted], namedAsGroups);
  const memberSets = new Map(
    groups.filter((g) => g.status === "read").map((g) => [g.id, new Set(g.memberIds)]),
  );
  classifyPrincipals([activeItems, eligibleItems], groups, memberSets);

  const perUserMfa = await readPerUserMfa(ctx, client, enabled);
  const registration = await readRegistration(ctx, client, lists.registration, enabled);

  const mapping = mappingOf(connection, {
    lists,
    activeItems,
    eligibleItems,
    memberSets,
    registration,
  });

  licenceNote(ctx, registration.fallbackCost);
  const entryPoint = signInEntryPoint(connection, settings.tenantId);
  const accounts: Account[] = users.map((u) => toAccount(u, mapping));
  const accessPaths: AccessPath[] = enabled.map((u) => signInPath(entryPoint, u));
  // Users the list could not give (cut short after a page) may sign in: one unknown path says so.
  if (cutShort)
    accessPaths.push(unreadPath(entryPoint, cutShort, { key: "users", chain: { factors: ["password"] } }));

  const facts = [
    ...entraFacts(ctx, {
      users,
      securityDefaults: lists.sd,
      conditionalAccess: lists.ca,
      namedLocations: lists.locations,
      strengths: lists.strengths,
      groups,
      definitions: lists.definitions,
      active: lists.active,
      eligible: lists.eligible,
      activeItems,
      eligibleItems,
      perUserMfa,
      registration,
      servicePrincipals: lists.sps,
      servicePrincipalItems: servicePrincipals,
    }),
    // The MSP's GDAP groups, in the model's own terms so that policies need not know Entra.
    ...customerAccessGroupFacts(
      { source, connection, endpoint: endpoints.groupMembers.label },
      customerAccessGroups(ctx, settings.customerAccessGroups, gdapGroupReach, groups),
    ),
    ...(gdap ? [gdapFactOf(connection, gdap)] : []),
  ];
  return { accounts, entryPoints: [entryPoint], accessPaths, settings: [], facts };
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

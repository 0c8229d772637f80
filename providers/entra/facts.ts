import type { z } from "zod";
import {
  type EntraFactData,
  entraFact,
  entraFactKinds,
  type RoleAssignmentItem,
} from "../../src/model/facts/entra.js";
import type { Fact } from "../../src/model/index.js";
import type { Endpoint, GraphUser, RoleDefinition, SecurityDefaultsPolicy } from "./api.js";
import { endpoints } from "./api.js";
import { type Ctx, evidenceOf, type Read, state } from "./read.js";
import { directoryUser } from "./transform.js";

// The Entra facts of one connection, one per kind, each with the status of the read behind it.

type Data<K extends keyof typeof entraFactKinds> = EntraFactData<(typeof entraFactKinds)[K]>;

/** What the reads of one connection produced, as the facts carry it. */
export interface EntraReads {
  users: GraphUser[];
  securityDefaults: Read<z.infer<typeof SecurityDefaultsPolicy>>;
  conditionalAccess: Read<Array<{ id: string }>>;
  namedLocations: Read<Array<{ id: string }>>;
  strengths: Read<Array<{ id: string }>>;
  groups: Data<"groupMembers">["groups"];
  definitions: Read<z.infer<typeof RoleDefinition>[]>;
  active: Read<unknown>;
  eligible: Read<unknown>;
  activeItems: RoleAssignmentItem[];
  eligibleItems: RoleAssignmentItem[];
  perUserMfa: Data<"perUserMfa">;
  registration: { fact: Data<"registration">; endpoint: Endpoint };
  servicePrincipals: Read<unknown>;
  servicePrincipalItems: Data<"servicePrincipals">["items"];
}

export function entraFacts(ctx: Ctx, r: EntraReads): Fact[] {
  const connection = ctx.connectionId;
  const { tenantId, cloud, breakGlassAccounts } = ctx.settings;
  const read = <T>(x: Read<T>): T | undefined => (x.status === "read" ? x.data : undefined);
  return [
    entraFact(
      entraFactKinds.tenant,
      connection,
      { tenantId, cloud, breakGlassAccounts },
      evidenceOf(ctx, endpoints.users, `tenant ${tenantId}`),
    ),
    entraFact(
      entraFactKinds.users,
      connection,
      { status: "read", users: r.users.map(directoryUser) },
      evidenceOf(ctx, endpoints.users),
    ),
    entraFact(
      entraFactKinds.securityDefaults,
      connection,
      { ...state(r.securityDefaults), policy: read(r.securityDefaults) ?? null },
      evidenceOf(ctx, endpoints.securityDefaults),
    ),
    entraFact(
      entraFactKinds.conditionalAccess,
      connection,
      { ...state(r.conditionalAccess), policies: read(r.conditionalAccess) ?? [] },
      evidenceOf(ctx, endpoints.conditionalAccess),
    ),
    entraFact(
      entraFactKinds.namedLocations,
      connection,
      { ...state(r.namedLocations), locations: read(r.namedLocations) ?? [] },
      evidenceOf(ctx, endpoints.namedLocations),
    ),
    entraFact(
      entraFactKinds.authenticationStrengths,
      connection,
      { ...state(r.strengths), policies: read(r.strengths) ?? [] },
      evidenceOf(ctx, endpoints.authenticationStrengths),
    ),
    entraFact(
      entraFactKinds.groupMembers,
      connection,
      { status: "read", groups: r.groups },
      evidenceOf(ctx, endpoints.groupMembers),
    ),
    entraFact(
      entraFactKinds.roles,
      connection,
      {
        definitions: {
          ...state(r.definitions),
          items: (read(r.definitions) ?? []).map((d) => ({
            id: d.id,
            templateId: d.templateId ?? null,
            displayName: d.displayName,
            isBuiltIn: d.isBuiltIn ?? true,
          })),
        },
        active: { ...state(r.active), items: r.activeItems },
        eligible: { ...state(r.eligible), items: r.eligibleItems },
      },
      [...evidenceOf(ctx, endpoints.roleAssignments), ...evidenceOf(ctx, endpoints.roleEligibilities)],
    ),
    entraFact(entraFactKinds.perUserMfa, connection, r.perUserMfa, evidenceOf(ctx, endpoints.perUserMfa)),
    entraFact(
      entraFactKinds.registration,
      connection,
      r.registration.fact,
      evidenceOf(ctx, r.registration.endpoint),
    ),
    entraFact(
      entraFactKinds.servicePrincipals,
      connection,
      { ...state(r.servicePrincipals), items: r.servicePrincipalItems },
      evidenceOf(ctx, endpoints.servicePrincipals),
    ),
  ];
}

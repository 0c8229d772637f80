import type { DoctorCheck } from "../../src/collect/provider.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
import { type Endpoint, endpoints, permissions } from "./api.js";
import { connect, NotLicensedError, tokenPermissionsCheck } from "./client.js";
import { gdapPermission } from "./gdap-api.js";
import type { Ctx } from "./read.js";
import type { EntraSettings } from "./settings.js";

// `mfasweep doctor` for an Entra connection: each endpoint once, and the token's permissions.

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
export async function doctor(ctx: Ctx): Promise<DoctorCheck[]> {
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

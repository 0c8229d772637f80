import {
  type GoogleTenantSeed,
  type SeedUser,
  seedTenant,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";

/** Shared by the sweep and queue tests that run whole tenants against the Google emulator. */

/** A Google tenant whose root OU enforces 2-Step Verification (since 2025, enrolment allowed). */
export function twoStepTenant(domain: string, token: string, users: SeedUser[]): GoogleTenantSeed {
  return seedTenant(domain, token, ({ root }) => ({
    policies: twoStepPolicies(root, {
      allowEnrollment: true,
      enforcedFrom: "2025-01-01T00:00:00Z",
      factorSet: "ALL",
    }),
    users,
  }));
}

/**
 * The `tenants:` section of a config: per tenant id, one Google Workspace connection `google` at that
 * endpoint with its token from `env:<ID>_TOKEN`; a tenant's name is its id capitalised.
 */
export function googleTenantsYaml(endpoints: Record<string, string>): string {
  const tenants = Object.entries(endpoints).map(
    ([id, endpoint]) => `  - id: ${id}
    name: ${id[0]?.toUpperCase()}${id.slice(1)}
    connections:
      - type: google-workspace
        id: google
        endpoint: ${endpoint}
        auth: { method: access-token, token: env:${id.toUpperCase()}_TOKEN }
`,
  );
  return `tenants:\n${tenants.join("")}`;
}

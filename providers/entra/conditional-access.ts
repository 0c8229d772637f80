import { checkShape } from "../../src/collect/http.js";
import { ConditionalAccessPolicy } from "../../src/model/facts/entra.js";
import { endpoints, SecurityDefaultsPolicy } from "./api.js";
import type { EntraClient } from "./client.js";
import { listAll } from "./list-all.js";
import { attempt, type Ctx, rawRecord } from "./read.js";

// What the tenant demands at sign-in: Conditional Access policies and what they name (named locations,
// authentication strengths), and security defaults. Each read is one attempt: its status goes into the fact.

/** Conditional Access policies, raw; one that does not match the shared schema is skipped and said. */
export function readConditionalAccess(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "Conditional Access policies", async () => {
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
  });
}

export function readNamedLocations(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "named locations", () =>
    listAll(
      ctx,
      client,
      endpoints.namedLocations,
      endpoints.namedLocations.path,
      rawRecord,
      "named location",
    ),
  );
}

export function readSecurityDefaults(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "security defaults", async () =>
    checkShape(
      SecurityDefaultsPolicy,
      await client.get(endpoints.securityDefaults, endpoints.securityDefaults.path),
      endpoints.securityDefaults.label,
    ),
  );
}

export function readAuthenticationStrengths(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "authentication strengths", () =>
    listAll(
      ctx,
      client,
      endpoints.authenticationStrengths,
      endpoints.authenticationStrengths.path,
      rawRecord,
      "authentication strength",
    ),
  );
}

import { checkShape } from "../../src/collect/http.js";
import { describeError } from "../../src/errors.js";
import { type EntraFactData, type entraFactKinds, PerUserMfaState } from "../../src/model/facts/entra.js";
import { endpoints, type GraphUser, StrongAuthenticationRequirements } from "./api.js";
import type { EntraClient } from "./client.js";
import { attempt, type Ctx, forEach } from "./read.js";

// Per-user MFA (the legacy per-user state): opt-in, one beta call per enabled user.

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

/** Each enabled user's per-user MFA state, or `not-configured` when the connection does not ask for it. */
export async function readPerUserMfa(
  ctx: Ctx,
  client: EntraClient,
  enabled: GraphUser[],
): Promise<EntraFactData<typeof entraFactKinds.perUserMfa>> {
  if (!ctx.settings.readPerUserMfa)
    return {
      status: "not-configured",
      reason: "readPerUserMfa is off for this connection",
      states: {},
      unreadUsers: [],
    };
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
  return {
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    states: Object.fromEntries(r.values),
    unreadUsers: r.unread,
  };
}

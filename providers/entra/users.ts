import type { PagedRead } from "../../src/collect/console-accounts.js";
import { describeError, ProviderPermissionError } from "../../src/errors.js";
import { endpoints, GraphUser, permissions, userSelect } from "./api.js";
import { type EntraClient, NotLicensedError } from "./client.js";
import { type Ctx, refusedForLicence } from "./read.js";

/** Users with `signInActivity` where the tenant and permissions allow it, without it otherwise. */
export async function listUsers(ctx: Ctx, client: EntraClient): Promise<PagedRead<GraphUser>> {
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
      return { items: users };
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
      const reason = describeError(err);
      ctx.gap(`users after page ${page}`, reason);
      return {
        items: users,
        cutShort: `${endpoints.users.label}: the users after page ${page} could not be read (${reason}); who else signs in, and under which policies, is not known`,
      };
    }
  }
}

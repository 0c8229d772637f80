import { z } from "zod";

/**
 * TEMPLATE: the boundary. Name the vendor's documentation (or its own SDK's source) for every endpoint and
 * field below; a field the sources do not confirm is read as `unknown`, never guessed. "Example Console"
 * is fictional: replace its paths, permission and fields with the vendor's documented ones.
 */

export const defaultEndpoint = "https://api.example-console.invalid/v1";

export const paths = { users: "users" } as const;

/** The permission the user list needs, as the vendor's admin console names it (for 403s and the README). */
export const readUsersPermission = "Users: read";

/**
 * One user as the API returns it. Only the fields we use; `.nullish()` where the vendor may omit them. A
 * record that does not match is skipped and counted (coverage says so), not fatal for the list.
 */
export const ExampleUser = z.object({
  id: z.string().min(1),
  email: z.string().nullish(),
  active: z.boolean().nullish(),
  isAdmin: z.boolean().nullish(),
  mfaRequired: z.boolean().nullish(),
  mfaEnrolled: z.boolean().nullish(),
});
export type ExampleUser = z.infer<typeof ExampleUser>;

/** A page, checked loosely first so that one bad record does not lose the page. */
export const UsersPage = z.object({ items: z.array(z.unknown()), next: z.string().nullish() });

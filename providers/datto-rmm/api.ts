import { z } from "zod";

/**
 * The boundary: Datto RMM API v2 as its OpenAPI document describes it ("Datto RMM API" 2.0.0, build 154,
 * kept in TheShadowTek/DattoRMM.Core Reference/): `GET /api/v2/account/users` → `UsersPage { pageDetails:
 * PaginationData { count, totalCount, prevPageUrl, nextPageUrl }, users: AuthUser[] }`. `AuthUser` has
 * no id and no MFA field. The token is the password grant DattoRMM.Core's Request-ApiToken uses: `POST
 * {api}/auth/oauth/token`, Basic `public-client:public`, form `grant_type=password`, `username=<API key>`,
 * `password=<API secret>`.
 */

/** Regional platforms: `https://{platform}-api.centrastage.net`. */
export const platforms = ["pinotage", "merlot", "concord", "vidal", "zinfandel", "syrah"] as const;
export type Platform = (typeof platforms)[number];
export const platformUrl = (p: Platform): string => `https://${p}-api.centrastage.net`;

export const paths = {
  token: "auth/oauth/token",
  users: "api/v2/account/users",
} as const;

/** The fixed public client of Datto RMM's password grant (not a secret). */
export const publicClient = { user: "public-client", password: "public" } as const;

const optionalString = z.string().nullish();

export const AuthUser = z.object({
  username: z.string().min(1),
  firstName: optionalString,
  lastName: optionalString,
  email: optionalString,
  telephone: optionalString,
  status: optionalString,
  created: optionalString,
  lastAccess: optionalString,
  disabled: z.boolean().nullish(),
});
export type AuthUser = z.infer<typeof AuthUser>;

export const PaginationData = z.object({
  count: z.number().int().nullish(),
  totalCount: z.number().int().nullish(),
  prevPageUrl: optionalString,
  nextPageUrl: optionalString,
});

/** The page is checked loosely first, so one bad record is skipped and counted. */
export const UsersPage = z.object({
  pageDetails: PaginationData.nullish(),
  users: z.array(z.unknown()).nullish(),
});
export type UsersPage = z.infer<typeof UsersPage>;

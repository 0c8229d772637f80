import { z } from "zod";

/**
 * The boundary: the BeyondTrust Remote Support / Privileged Remote Access Configuration API as
 * BeyondTrust documents it (docs.beyondtrust.com/pra/v1/reference/pra-configuration-api, "test scenario"
 * and API reference pages): OAuth 2 client credentials at `POST https://{site}/oauth2/token` with HTTP
 * Basic `client_id:client_secret`; `GET` requests must send `Accept: application/json`;
 * `GET /api/config/v1/user?per_page=&current_page=` → users `{ id, username, enabled, perm_admin,
 * security_provider_id, last_authentication, … }`; `GET /api/config/v1/security-provider` → providers
 * with `type` local | ldap | radius | kerberos | saml | scim. No per-user 2FA field is documented
 * (UNCONFIRMED). The pagination response headers are not in our sources, so paging stops at the first
 * short page (UNCONFIRMED: `current_page` counted from 1).
 */

export const paths = {
  token: "oauth2/token",
  users: "api/config/v1/user",
  securityProviders: "api/config/v1/security-provider",
} as const;

export const ProviderType = z.enum(["local", "ldap", "radius", "kerberos", "saml", "scim"]);
export type ProviderType = z.infer<typeof ProviderType>;

export const BeyondTrustUser = z.object({
  id: z.number().int(),
  username: z.string().min(1),
  enabled: z.boolean().nullish(),
  perm_admin: z.boolean().nullish(),
  security_provider_id: z.number().int().nullish(),
  last_authentication: z.string().nullish(),
});
export type BeyondTrustUser = z.infer<typeof BeyondTrustUser>;

export const SecurityProvider = z.object({
  id: z.number().int(),
  type: z.string().min(1),
});
export type SecurityProvider = z.infer<typeof SecurityProvider>;

/** A page is a JSON array, checked loosely first so one bad record is skipped and counted. */
export const Page = z.array(z.unknown());

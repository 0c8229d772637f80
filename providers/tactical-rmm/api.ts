import { z } from "zod";

/**
 * The boundary: the Tactical RMM tables and columns we read, as defined by its Django models
 * (amidaware/tacticalrmm: api/tacticalrmm/accounts/models.py `User`, `Role`, `APIKey`;
 * accounts/migrations/0043_webauthn_credentials.py `WebAuthnCredential`; core/migrations/0048 and 0051
 * `CoreSettings.block_local_user_logon`) and django-allauth's `SocialAccount`/`SocialApp`
 * (allauth/socialaccount/migrations 0001 and 0004_app_provider_id_settings). Nothing else is read; secret
 * columns (`totp_key`, `password`, `accounts_apikey.key`, `socialaccount_socialapp.secret`) are never
 * selected: the query asks the server only whether `totp_key` is empty.
 */

export const tables = {
  user: "accounts_user",
  role: "accounts_role",
  apiKey: "accounts_apikey",
  passkey: "accounts_webauthncredential",
  socialAccount: "socialaccount_socialaccount",
  socialApp: "socialaccount_socialapp",
  coreSettings: "core_coresettings",
} as const;

/**
 * Columns each query needs. `required` columns missing (not in this version, or not granted to the role)
 * make that read fail with their names; `optional` ones came with later versions and default when absent.
 */
export const columns = {
  user: {
    required: ["id", "username", "email", "is_active", "is_superuser", "last_login", "totp_key"],
    optional: [
      "first_name",
      "last_name",
      "block_dashboard_login",
      "is_installer_user",
      "agent_id",
      "role_id",
    ],
  },
  role: { required: ["id", "name", "is_superuser"], optional: [] },
  apiKey: { required: ["id", "name", "expiration", "user_id"], optional: ["created_time"] },
  passkey: { required: ["user_id"], optional: [] },
  socialAccount: { required: ["id", "user_id", "provider", "uid"], optional: ["last_login"] },
  socialApp: { required: ["id", "provider", "name", "client_id"], optional: ["provider_id", "settings"] },
  coreSettings: { required: ["id"], optional: ["block_local_user_logon"] },
} as const satisfies Record<
  keyof typeof tables,
  { required: readonly string[]; optional: readonly string[] }
>;

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const timestamp = z.date().nullable();

/** Just the primary key, for the keyset cursor. */
export const IdRow = z.object({ id });

/** One `accounts_user` row as our query returns it (`totp_enrolled` is computed by the server). */
export const UserRow = z.object({
  id,
  username: z.string().min(1),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  is_active: z.boolean(),
  is_superuser: z.boolean(),
  last_login: timestamp,
  block_dashboard_login: z.boolean().nullable(),
  totp_enrolled: z.boolean(),
  is_installer_user: z.boolean().nullable(),
  is_agent: z.boolean().nullable(),
  role_name: z.string().nullable(),
  role_is_superuser: z.boolean().nullable(),
});
export type UserRow = z.infer<typeof UserRow>;

/** One `accounts_apikey` row, without the key itself. */
export const ApiKeyRow = z.object({
  id,
  name: z.string(),
  expiration: timestamp,
  user_id: id,
  created_time: timestamp,
});
export type ApiKeyRow = z.infer<typeof ApiKeyRow>;

/** allauth `SocialAccount`: the link of a Tactical RMM user to an SSO provider (`is_sso_user`). */
export const SocialAccountRow = z.object({
  id,
  user_id: id,
  provider: z.string().min(1),
  uid: z.string(),
  last_login: timestamp,
});
export type SocialAccountRow = z.infer<typeof SocialAccountRow>;

/**
 * allauth `SocialApp`: an SSO provider. Tactical RMM creates them as `openid_connect` with a `provider_id`
 * derived from the name and `settings.server_url` (ee/sso/views.py); only `server_url` is read from settings.
 */
export const SocialAppRow = z.object({
  id,
  provider: z.string(),
  provider_id: z.string().nullable(),
  name: z.string(),
  client_id: z.string(),
  server_url: z.string().nullable(),
});
export type SocialAppRow = z.infer<typeof SocialAppRow>;

export const CoreSettingsRow = z.object({ block_local_user_logon: z.boolean().nullable() });

export const PasskeyCountRow = z.object({ user_id: id, passkeys: z.number().int().nonnegative() });

/** pg_catalog rows: a column of one of our tables, and whether this role may SELECT it. */
export const ColumnRow = z.object({ table_name: z.string(), column_name: z.string(), readable: z.boolean() });

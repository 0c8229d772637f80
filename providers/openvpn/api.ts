import { z } from "zod";

/**
 * The boundary for OpenVPN Access Server: the JSON that `sacli ConfigQuery` prints (one flat object of
 * configuration keys to string values, e.g. `"auth.module.type": "ldap"`, `"vpn.server.google_auth.enable":
 * "false"`) and that `sacli UserPropGet` prints (an object of user, group and `__DEFAULT__` names to flat
 * objects of properties: `type` user_connect|user_compile|group|user_default, `conn_group`,
 * `prop_google_auth`, `prop_autologin`, `prop_deny`, `prop_superuser`, `user_auth_type`,
 * `pvt_google_auth_secret_locked`). Sources: reference/remote-access-and-ticketing.md §2.4; openvpn.net
 * Access Server docs (TOTP MFA CLI tutorial, user and group properties CLI tutorial, authentication system).
 *
 * Both dumps hold secrets (`auth.ldap.0.bind_pw`, `cs.priv_key`, `pvt_password_digest`,
 * `pvt_google_auth_secret`): only the keys listed here are kept, the rest is dropped at the boundary.
 */

const scalar = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? null : String(v)));

export const ConfigQuery = z.record(z.string(), z.unknown());

/** ConfigQuery keys mfasweep reads. */
export const configKeys = {
  totp: "vpn.server.google_auth.enable",
  totpAutologin: "vpn.server.google_auth.enable_autologin",
  authType: "auth.module.type",
  pamService: "auth.pam.0.service",
  hostName: "host.name",
} as const;

/** RADIUS server host keys, by analogy with the documented `auth.ldap.0.server.0.host` (unconfirmed: optional). */
export const radiusHostKey = /^auth\.radius\.\d+\.server\.\d+\.host$/;

/** User properties mfasweep reads; everything else (password digests, TOTP secrets) is dropped. */
export const userPropKeys = [
  "type",
  "conn_group",
  "group_declare",
  "prop_google_auth",
  "prop_autologin",
  "prop_deny",
  "prop_superuser",
  "user_auth_type",
  "pvt_google_auth_secret_locked",
] as const;
export type UserPropKey = (typeof userPropKeys)[number];

export const UserProps = z.record(z.string(), z.record(z.string(), z.unknown()));

export type PropBag = Partial<Record<UserPropKey, string>>;

/**
 * Keeps only the known keys of one user/group entry, as strings; `unreadable` names known keys whose value
 * is not a scalar (dropping them silently could let a default or a group's value stand in for the user's).
 */
export function pickProps(raw: Record<string, unknown>): { props: PropBag; unreadable: UserPropKey[] } {
  const props: PropBag = {};
  const unreadable: UserPropKey[] = [];
  for (const key of userPropKeys) {
    if (!(key in raw)) continue;
    const parsed = scalar.safeParse(raw[key]);
    if (!parsed.success) unreadable.push(key);
    else if (parsed.data !== null) props[key] = parsed.data.slice(0, 200);
  }
  return { props, unreadable };
}

/** Keeps only the ConfigQuery keys mfasweep reads. */
export function pickConfig(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(Object.values(configKeys) as string[]).includes(key) && !radiusHostKey.test(key)) continue;
    const parsed = scalar.safeParse(value);
    if (parsed.success && parsed.data !== null) out[key] = parsed.data.slice(0, 200);
  }
  return out;
}

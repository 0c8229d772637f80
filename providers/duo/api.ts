import { z } from "zod";

/**
 * The boundary: Duo's Admin API (https://duo.com/docs/adminapi), requests signed with the official SDK's
 * HMAC-SHA512 "version 2" canonical request (date, method, host, path, sorted parameters), every answer
 * the envelope `{ stat: "OK", response, metadata? }` or `{ stat: "FAIL", code, message, message_detail? }`.
 *
 * Sources: Duo's "Retrieve Users" text as mirrored by docs.blinkops.com (paged, `limit` default 100 and
 * maximum 300, `offset`, "call repeatedly with the offset parameter as long as the result metadata has a
 * next_offset value", "Requires Grant read resource API permission", the user object fields below);
 * duosecurity/duo_client_python@f62e014 duo_client/admin.py (user status `active`, `bypass`, `disabled`,
 * `locked out`; token types `h6`, `h8`, `yk`; the integration object with `enroll_policy` enroll|allow|deny
 * and `type`); duosecurity/duo_api_csharp Models/v1/DuoUserModel.cs (`aliases`, a map of up to eight
 * username aliases); Duo's integration endpoints "Require Grant applications API permission" (Duo's docs as
 * quoted in the Duo PowerShell module's help). Anything else is not read.
 */

export const paths = {
  users: "admin/v1/users",
  integrations: "admin/v1/integrations",
} as const;

/** Records per page: Duo's documented maximum for these lists (default 100, maximum 300). */
export const pageLimit = 300;

/** The Admin API application permission each list needs (Admin Panel > Applications > Admin API). */
export const permissionFor: Record<keyof typeof paths, string> = {
  users: "Grant read resource",
  integrations: "Grant applications",
};

export const Metadata = z.object({
  next_offset: z.union([z.number().int(), z.string()]).nullish(),
  prev_offset: z.union([z.number().int(), z.string()]).nullish(),
  total_objects: z.number().int().nullish(),
});

/** The page envelope, checked loosely so one bad record is skipped and counted, not the whole page. */
export const ListEnvelope = z.object({
  stat: z.literal("OK"),
  response: z.array(z.unknown()),
  metadata: Metadata.nullish(),
});
export type ListEnvelope = z.infer<typeof ListEnvelope>;

export const FailEnvelope = z.looseObject({
  stat: z.literal("FAIL"),
  code: z.number().int().nullish(),
  message: z.string().nullish(),
  message_detail: z.string().nullish(),
});

/** User status values documented by Duo; any other string is kept and read as unknown. */
export const userStatuses = ["active", "bypass", "disabled", "locked out"] as const;

const text = z.string().nullish();

export const DuoPhone = z.looseObject({
  phone_id: text,
  type: text,
  platform: text,
  activated: z.boolean().nullish(),
  capabilities: z.array(z.string()).nullish(),
});

export const DuoToken = z.looseObject({ token_id: text, type: text, serial: text });

export const DuoWebAuthn = z.looseObject({ credential_name: text, label: text, webauthnkey: text });

export const DuoUserGroup = z.looseObject({ group_id: text, name: text, status: text });

export const DuoUser = z.looseObject({
  user_id: z.string().min(1),
  username: z.string().min(1),
  /** "Map of the user's username alias(es). Up to eight aliases may exist." (duosecurity/duo_api_csharp DuoUserModel.cs) */
  aliases: z.record(z.string(), z.string().nullish()).nullish(),
  realname: text,
  email: text,
  status: z.string(),
  is_enrolled: z.boolean().nullish(),
  last_login: z.number().nullish(),
  phones: z.array(DuoPhone).nullish(),
  tokens: z.array(DuoToken).nullish(),
  webauthncredentials: z.array(DuoWebAuthn).nullish(),
  u2ftokens: z.array(z.unknown()).nullish(),
  groups: z.array(DuoUserGroup).nullish(),
});
export type DuoUser = z.infer<typeof DuoUser>;

export const DuoIntegration = z.looseObject({
  integration_key: z.string().min(1),
  name: z.string(),
  type: text,
  enroll_policy: text,
});
export type DuoIntegration = z.infer<typeof DuoIntegration>;

import type { DoctorCheck } from "./provider.js";

/**
 * `doctor`'s least-privilege warning (issue #12): a credential that can change the customer's systems is
 * a bigger prize than one that can only read them, and mfasweep never writes. Where a credential shows
 * what it may do (the claims of a JWT access token, the scopes a token endpoint granted), doctor names
 * the write permissions it does not need. Nothing here verifies a token: it is read for display only.
 */

/** The claims of a JWT (header.payload.signature), or undefined for an opaque token. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return claims && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Words that mark a permission as one that changes things, as the vendors name them. */
const writeWords = new Set([
  "readwrite",
  "write",
  "manage",
  "fullcontrol",
  "send",
  "create",
  "delete",
  "invite",
  "update",
]);

/**
 * Whether a permission name grants changes: `Directory.ReadWrite.All`, `Mail.Send` (Graph),
 * `okta.users.manage` (Okta), `...admin.directory.user` without `.readonly` is not decided here (Google
 * names read-only scopes, not write ones). Split on `.`, `:`, `/` and `_`; a word must match whole, so
 * `DeviceManagementManagedDevices.Read.All` is not a write permission.
 */
export function isWritePermission(name: string): boolean {
  return name.split(/[.:/_\s]+/).some((word) => writeWords.has(word.toLowerCase()));
}

/**
 * The check doctor reports: `excess` lists the write permissions granted but not needed. It is a
 * warning, not a failure (`ok` stays true): the connection works, it just holds more than it should.
 */
export function leastPrivilegeCheck(options: {
  check: string;
  granted: string[];
  needed: string[];
  /** Where the permissions are removed, e.g. "the app registration's API permissions". */
  where: string;
}): DoctorCheck {
  const needed = new Set(options.needed);
  const excess = [...new Set(options.granted)].filter((p) => !needed.has(p) && isWritePermission(p)).sort();
  if (excess.length === 0)
    return {
      check: options.check,
      ok: true,
      detail: `no write permission granted (${options.granted.length} permission(s) seen)`,
    };
  return {
    check: options.check,
    ok: true,
    excess,
    detail: `the credential can change the customer's systems, which mfasweep never does: remove ${excess.join(", ")} from ${options.where}`,
  };
}

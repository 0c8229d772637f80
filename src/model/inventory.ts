import { z } from "zod";
import { Evidence } from "./evidence.js";
import { FactorStrength, JsonValue, MfaState } from "./vocabulary.js";

/**
 * The MFA verdict of one login path. A delegated path records the hop(s) in `via`
 * (e.g. `entra:app/1234`) and takes the state of the system it delegates to.
 */
export const MfaVerdict = z.object({
  state: MfaState,
  /** Weakest factor that still completes a login; null when no second factor or not known. */
  strength: FactorStrength.nullable(),
  via: z.array(z.string()).optional(),
  /** Plain-language reason for the state, e.g. which rule lets a login skip the second factor. */
  reason: z.string(),
  evidence: z.array(Evidence),
});
export type MfaVerdict = z.infer<typeof MfaVerdict>;

export const AccountStatus = z.enum([
  "active",
  "suspended",
  "disabled",
  "archived",
  "deprovisioned",
  "locked",
  "unknown",
]);
export type AccountStatus = z.infer<typeof AccountStatus>;

export const Tristate = z.union([z.boolean(), z.literal("unknown")]);
export type Tristate = z.infer<typeof Tristate>;

/** A principal that can authenticate: directory user, VPN local user, RMM technician, SSH login. */
export const Account = z.object({
  /** Stable id in the source system (directory object id, login name for SSH/VPN local users). */
  id: z.string(),
  /** What people call it: UPN, primary email, login. */
  name: z.string(),
  displayName: z.string().optional(),
  /** Email used to link one person's accounts across systems (RMM technician ↔ IdP user). */
  email: z.string().optional(),
  source: z.string(),
  connection: z.string(),
  kind: z.enum(["member", "guest", "service", "technician", "local", "unknown"]),
  status: AccountStatus,
  /** Container in the source (Google org unit path, Okta group, ...), when it decides policy. */
  orgUnit: z.string().optional(),
  lastSignIn: z.string().nullable().optional(),
  admin: z.object({ isAdmin: Tristate, roles: z.array(z.string()) }),
  /** Whether a second factor is registered/enrolled, and which. */
  enrollment: z.object({
    enrolled: Tristate,
    methods: z.array(z.object({ method: z.string(), strength: FactorStrength.nullable() })),
    evidence: z.array(Evidence),
  }),
  evidence: z.array(Evidence),
});
export type Account = z.infer<typeof Account>;

export const EntryPointKind = z.enum([
  "directory-sign-in",
  "admin-console",
  "app",
  "vpn",
  "rmm-console",
  "remote-support",
  "ssh",
  "rd-gateway",
]);
export type EntryPointKind = z.infer<typeof EntryPointKind>;

/** A place where accounts authenticate. */
export const EntryPoint = z.object({
  id: z.string(),
  name: z.string(),
  kind: EntryPointKind,
  source: z.string(),
  connection: z.string(),
  evidence: z.array(Evidence),
});
export type EntryPoint = z.infer<typeof EntryPoint>;

/** What a login must present on a path: factors, or a delegation to another system. */
export const AuthChain = z.object({
  factors: z.array(z.string()),
  delegation: z
    .object({
      protocol: z.enum(["saml", "oidc", "radius", "ldap"]),
      /**
       * What identifies the target in the other system: SAML entity id, app id, or a RADIUS/LDAP server as
       * `serverTarget` writes it.
       */
      target: z.string(),
      /** Connection type expected to hold the target, when known (`entra`, `okta`). */
      targetSource: z.string().optional(),
    })
    .optional(),
});
export type AuthChain = z.infer<typeof AuthChain>;

/** `host`, `host:port` or `[v6]:port` → lower-case host and the port when one is given. */
export function splitTarget(target: string): { host: string; port: number | null } {
  const t = target.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : null };
  const hostPort = /^([^:]+):(\d+)$/.exec(t);
  if (hostPort) return { host: hostPort[1]!, port: Number(hostPort[2]) };
  return { host: t, port: null };
}

/** A gateway's RADIUS/LDAP server as a delegation target: `host` or `host:port` (IPv6 in brackets). */
export function serverTarget(host: string, port?: number | null): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return port ? `${h}:${port}` : h;
}

/** (entry point, accounts, auth chain): the unit that gets an MFA verdict. */
export const AccessPath = z.object({
  id: z.string(),
  entryPoint: z.string(),
  accounts: z.array(z.string()),
  /**
   * Where the ids in `accounts` live when it is not the entry point's own connection: a VPN's SAML path
   * resolved per user holds the identity provider's user ids (`{ source: "entra", connection }`).
   * Absent: the entry point's source and connection. Policies that join accounts must honour it.
   */
  accountsFrom: z.object({ source: z.string(), connection: z.string() }).optional(),
  chain: AuthChain,
  mfa: MfaVerdict,
});
export type AccessPath = z.infer<typeof AccessPath>;

/**
 * A setting in the source that governs MFA for a scope (a Google org unit's 2SV policy, Entra security
 * defaults, an Okta enrollment policy). `enforcement` is what the setting demands, after the inheritance
 * the provider applied (recorded in `inheritedFrom`).
 */
export const MfaSetting = z.object({
  id: z.string(),
  source: z.string(),
  connection: z.string(),
  scope: z.object({
    kind: z.enum(["tenant", "org-unit", "group", "host", "policy"]),
    id: z.string(),
    name: z.string(),
  }),
  enrollment: z.enum(["allowed", "not-allowed", "unknown"]),
  enforcement: z.enum(["enforced", "not-enforced", "unknown"]),
  /** Weakest factor the setting accepts, when it says. */
  weakestAllowed: FactorStrength.nullable(),
  inheritedFrom: z.string().optional(),
  reason: z.string(),
  evidence: z.array(Evidence),
});
export type MfaSetting = z.infer<typeof MfaSetting>;

/**
 * A raw vendor object that a linker needs (a Conditional Access policy, a PAM stack): kept as JSON so the
 * inventory stays serialisable; whoever reads it validates it with its own zod schema.
 */
export const Fact = z.object({
  kind: z.string(),
  id: z.string(),
  source: z.string(),
  connection: z.string(),
  data: JsonValue,
  evidence: z.array(Evidence),
});
export type Fact = z.infer<typeof Fact>;

/** What one provider collected for one (tenant, connection). */
export const ProviderInventory = z.object({
  accounts: z.array(Account),
  entryPoints: z.array(EntryPoint),
  accessPaths: z.array(AccessPath),
  settings: z.array(MfaSetting),
  facts: z.array(Fact),
});
export type ProviderInventory = z.infer<typeof ProviderInventory>;

export function emptyInventory(): ProviderInventory {
  return { accounts: [], entryPoints: [], accessPaths: [], settings: [], facts: [] };
}

import { z } from "zod";
import type { Evidence } from "../evidence.js";
import { type Fact, splitTarget } from "../inventory.js";
import { defineFactKind, isFactOf } from "./kind.js";

/**
 * The contract between the Duo provider (Admin API users and applications, Authentication Proxy
 * configurations, Windows Logon registry exports) and the delegation linker and policies: fact kinds and
 * their zod schemas. The data stays JSON so an inventory can come from a remote collector.
 */

export const duoSource = "duo";

export const FactorStrengthSchema = z.enum(["weak", "app", "phishing-resistant"]);

export const DuoUserFact = z.object({
  userId: z.string(),
  username: z.string(),
  /** Other names Duo knows the user by (username aliases); absent in facts of older collections. */
  aliases: z.array(z.string()).optional(),
  status: z.string(),
  enrolled: z.union([z.boolean(), z.literal("unknown")]),
  methods: z.array(z.object({ method: z.string(), strength: FactorStrengthSchema })),
});
export type DuoUserFact = z.infer<typeof DuoUserFact>;

export const DuoApplicationFact = z.object({
  integrationKey: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  enrollPolicy: z.string().nullable(),
});
export type DuoApplicationFact = z.infer<typeof DuoApplicationFact>;

export const DuoProxyServerFact = z.union([
  z.object({ host: z.string(), file: z.string(), unread: z.string() }),
  z.object({
    host: z.string(),
    file: z.string(),
    section: z.string(),
    kind: z.string(),
    ikey: z.string().nullable(),
    failmode: z.string().nullable(),
    port: z.number().int().nullable(),
    client: z.string().nullable(),
    radiusClients: z.array(z.string()),
    exemptOus: z.array(z.string()),
  }),
]);
export type DuoProxyServerFact = z.infer<typeof DuoProxyServerFact>;
export type DuoProxySection = Extract<DuoProxyServerFact, { section: string }>;

/** Duo for Windows Logon settings of one host, from a registry export, or `{ unread }` for an export not read. */
export const DuoWindowsLogonFact = z.union([
  z.object({ host: z.string(), file: z.string(), unread: z.string() }),
  z.object({
    host: z.string(),
    file: z.string(),
    /** FailOpen: 1/0 as read; null when absent; "unknown" when neither 0 nor 1. */
    failOpen: z.union([z.boolean(), z.null(), z.literal("unknown")]),
    /** Which key set it: a Group Policy value wins over the installer's. */
    failOpenFrom: z.enum(["policy", "local"]).nullable(),
    offlineAvailable: z.union([z.boolean(), z.null(), z.literal("unknown")]),
  }),
]);
export type DuoWindowsLogonFact = z.infer<typeof DuoWindowsLogonFact>;

/** One per Duo user; an account without users reports none. */
export const duoUser = defineFactKind({
  name: "duo.user",
  sources: [duoSource],
  schema: DuoUserFact,
  presence: { every: "none", noneMeans: "the Duo account has no users" },
});

/** One per application (integration); an account without applications protects nothing. */
export const duoApplication = defineFactKind({
  name: "duo.application",
  sources: [duoSource],
  schema: DuoApplicationFact,
  presence: {
    every: "none",
    noneMeans: "the Duo account has no applications, or the key may not read them (the linker says which)",
  },
});

/** One per server section of each Authentication Proxy the connection lists (or one `unread` per proxy). */
export const duoProxyServer = defineFactKind({
  name: "duo.proxy-server",
  sources: [duoSource],
  schema: DuoProxyServerFact,
  presence: {
    every: "none",
    noneMeans: "the connection lists no Authentication Proxy configuration to read",
  },
});

/** One per Windows Logon registry export the connection lists. */
export const duoWindowsLogon = defineFactKind({
  name: "duo.windows-logon",
  sources: [duoSource],
  schema: DuoWindowsLogonFact,
  presence: { every: "none", noneMeans: "the connection lists no Windows Logon registry export to read" },
});

/** The kinds' names, for the provider's and linker's lookups. */
export const duoFactKinds = {
  user: duoUser.name,
  application: duoApplication.name,
  proxyServer: duoProxyServer.name,
  windowsLogon: duoWindowsLogon.name,
} as const;

/**
 * The port a server section listens on when `port` is not set: 1812 for RADIUS sections and 389 for LDAP
 * sections (Duo Authentication Proxy reference, `port` of the radius_server_* and ldap_server_auto sections).
 */
export const defaultProxyPorts: Record<"radius" | "ldap", number> = { radius: 1812, ldap: 389 };

/** `radius` for `radius_server_*` sections, `ldap` for `ldap_server_*`; null for any other kind. */
export function sectionProtocol(kind: string): "radius" | "ldap" | null {
  if (kind.startsWith("radius_server_")) return "radius";
  if (kind.startsWith("ldap_server_")) return "ldap";
  return null;
}

export interface ProxyMatch {
  fact: Fact;
  section: DuoProxySection;
}

export type ProxyLookup =
  | { kind: "none" }
  | { kind: "match"; match: ProxyMatch; note?: string }
  | { kind: "unresolved"; reason: string; evidence: Evidence[] };

/**
 * Which Authentication Proxy server section answers a gateway's RADIUS or LDAP server `target`. A section
 * matches when its proxy's host is the target's host, its kind serves the protocol, and its port (set or
 * default) is the target's port; when the gateway names no port, a host with one such section matches it.
 * A proxy on that host whose configuration was not read, several candidate sections, or a malformed
 * fact: unresolved, never a guess.
 */
export function proxySectionFor(facts: Fact[], protocol: "radius" | "ldap", target: string): ProxyLookup {
  const { host, port } = splitTarget(target);
  const onHost = facts.filter(
    (f) =>
      isFactOf(f, duoProxyServer) &&
      String((f.data as { host?: unknown } | null)?.host ?? "").toLowerCase() === host,
  );
  if (onHost.length === 0) return { kind: "none" };
  const sections: ProxyMatch[] = [];
  for (const fact of onHost) {
    const parsed = DuoProxyServerFact.safeParse(fact.data);
    if (!parsed.success)
      return {
        kind: "unresolved",
        reason: `the Duo proxy fact ${fact.id} does not match its schema`,
        evidence: fact.evidence,
      };
    if ("unread" in parsed.data)
      return {
        kind: "unresolved",
        reason: `the Duo Authentication Proxy on ${host} answers here, but its configuration ${parsed.data.file} was not read (${parsed.data.unread}), so which application and failmode apply is not known`,
        evidence: fact.evidence,
      };
    if (sectionProtocol(parsed.data.kind) === protocol) sections.push({ fact, section: parsed.data });
  }
  const effective = (s: DuoProxySection) => s.port ?? defaultProxyPorts[protocol];
  const candidates = port === null ? sections : sections.filter((m) => effective(m.section) === port);
  if (candidates.length === 1)
    return {
      kind: "match",
      match: candidates[0]!,
      ...(port === null
        ? {
            note: `the gateway names no port; [${candidates[0]!.section.section}] is the proxy's only ${protocol.toUpperCase()} server section`,
          }
        : {}),
    };
  const evidence = onHost.flatMap((f) => f.evidence);
  if (candidates.length === 0)
    return {
      kind: "unresolved",
      reason: `${host} is a Duo Authentication Proxy, but none of its ${protocol.toUpperCase()} server sections (${sections.map((m) => `[${m.section.section}] port ${effective(m.section)}`).join(", ") || "none"}) listens on ${port ?? "the gateway's port"}`,
      evidence,
    };
  return {
    kind: "unresolved",
    reason: `${host} is a Duo Authentication Proxy with ${candidates.length} ${protocol.toUpperCase()} server sections (${candidates.map((m) => `[${m.section.section}]`).join(", ")}) and the gateway names no port: which one answers is not known`,
    evidence,
  };
}

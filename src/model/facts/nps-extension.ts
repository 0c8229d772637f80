import { z } from "zod";
import type { Evidence } from "../evidence.js";
import type { Fact } from "../inventory.js";
import { defineFactKind, isFactOf } from "./kind.js";

/**
 * The contract between the NPS extension provider (which reads the extension's registry settings) and
 * the delegation linker and policies (which decide): the settings fact's kind and zod schema, and how to
 * find the fact behind an entry point or behind another gateway's RADIUS server. The data stays JSON so
 * an inventory can come from a remote collector (DESIGN.md §9).
 */

/** The delegation target of the NPS extension provider's own front ends (RRAS VPN, RD Gateway). */
export const npsDelegationTarget = "nps-extension";

export const FrontEnd = z.enum(["rras", "rd-gateway"]);
export type FrontEnd = z.infer<typeof FrontEnd>;

const settingLine = z.number().int().nullable();

export const NpsSettingsFact = z.object({
  /** Entry point (the RRAS VPN or RD Gateway) whose RADIUS requests this NPS server answers. */
  entryPoint: z.string(),
  frontEnd: FrontEnd,
  /** The NPS server's name as configured. */
  server: z.string(),
  file: z.string(),
  requireUserMatch: z.object({
    value: z.union([z.boolean(), z.literal("unknown")]),
    raw: z.string().nullable(),
    line: settingLine,
  }),
  ipWhitelist: z.object({ entries: z.array(z.string()), raw: z.string().nullable(), line: settingLine }),
  alternateLoginId: z.string().nullable(),
  /** NAS-IP-Address(es) the front end puts in its RADIUS requests, when configured. */
  nasAddresses: z.array(z.string()),
  /** Addresses and names RADIUS clients use to reach this NPS server (to match other gateways' RADIUS targets). */
  radiusAddresses: z.array(z.string()),
});
export type NpsSettingsFact = z.infer<typeof NpsSettingsFact>;

/** One per front end the extension serves; a connection names at least one front end. */
export const npsSettings = defineFactKind({
  name: "nps-extension.settings",
  sources: ["nps-extension"],
  schema: NpsSettingsFact,
  presence: { every: "connection" },
});
export const npsSettingsFactKind = npsSettings.name;

/** REQUIRE_USER_MATCH as a reason reads it. */
export function describeRequireUserMatch(s: NpsSettingsFact): string {
  if (s.requireUserMatch.raw === null) return "not set (equivalent to TRUE)";
  if (s.requireUserMatch.value === "unknown") return `'${s.requireUserMatch.raw}' (neither TRUE nor FALSE)`;
  return s.requireUserMatch.value ? "TRUE" : "FALSE";
}

/** The front end's own NAS-IP-Address(es) that IP_WHITELIST lists; undefined when none (or not configured). */
export function whitelistedFrontEnd(s: NpsSettingsFact): string[] | undefined {
  const listed = new Set(s.ipWhitelist.entries.map((e) => e.toLowerCase()));
  const hits = s.nasAddresses.filter((a) => listed.has(a.toLowerCase()));
  return hits.length ? hits : undefined;
}

/** The NPS settings fact, validated; `{ error }` when it does not match the schema. */
export function readNpsSettings(
  fact: Fact,
): { data: NpsSettingsFact; evidence: Evidence[] } | { error: string } {
  if (!isFactOf(fact, npsSettings))
    return { error: `fact ${fact.id} is a ${fact.kind}, not ${npsSettingsFactKind}` };
  const parsed = NpsSettingsFact.safeParse(fact.data);
  if (!parsed.success)
    return { error: `${npsSettingsFactKind} fact is malformed: ${parsed.error.issues[0]?.message}` };
  return { data: parsed.data, evidence: fact.evidence };
}

/** The settings fact of the NPS extension behind `entryPoint`, if one was collected. */
export function npsSettingsFor(facts: Fact[], entryPoint: string): Fact | undefined {
  return facts.find(
    (f) => isFactOf(f, npsSettings) && (f.data as { entryPoint?: unknown } | null)?.entryPoint === entryPoint,
  );
}

/** Host part of a RADIUS server given as `host`, `host:port` or `[v6]:port`, lower-cased. */
function radiusHost(target: string): string {
  const t = target.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(t);
  if (v6) return v6[1]!;
  const hostPort = /^([^:]+):\d+$/.exec(t);
  return hostPort ? hostPort[1]! : t;
}

/**
 * NPS-extension settings facts whose NPS server answers RADIUS at `target` (a gateway's RADIUS server
 * address or name: Azure VPN `radiusServers`, FortiGate/ASA RADIUS hosts). A match means that RADIUS
 * delegation is the NPS extension, resolved with `npsVerdict`.
 */
export function npsExtensionServing(facts: Fact[], target: string): Fact[] {
  const host = radiusHost(target);
  return facts.filter((f) => {
    if (!isFactOf(f, npsSettings)) return false;
    const read = readNpsSettings(f);
    if ("error" in read) return false;
    return [read.data.server, ...read.data.radiusAddresses].some((a) => radiusHost(a) === host);
  });
}

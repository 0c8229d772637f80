import {
  DuoApplicationFact,
  type DuoProxySection,
  DuoUserFact,
  duoFactKinds,
  duoSource,
  proxySectionFor,
} from "../../model/facts/duo.js";
import type { Evidence, Fact, MfaVerdict, TenantInventory } from "../../model/index.js";
import { type DuoApplicationView, type DuoOutcome, duoUserOutcome, newUserOutcome } from "./verdict.js";

export * from "../../model/facts/duo.js";
export * from "./verdict.js";

/**
 * A gateway's RADIUS or LDAP server that is a Duo Authentication Proxy server section (issue #26): the
 * path is delegated to the proxy, then to the section's Duo application (`ikey`, matched to the Admin
 * API's integrations), and each Duo user gets what Duo gives them there (`duoUserOutcome`), then what the
 * proxy adds: `failmode` safe (or not set: Duo's default) lets the primary credential alone through when
 * Duo cannot be reached, and `exempt_ou_N` lets the users under those DNs skip Duo, so an enforced
 * verdict becomes bypassable. Directory accounts Duo does not know are new users: one more path, judged
 * by the application's new-user policy. Pure.
 */

export type DuoResolution =
  | { kind: "none" }
  | { kind: "unresolved"; reason: string; evidence: Evidence[] }
  | {
      kind: "resolved";
      connection: string;
      /** One per Duo user Duo lets try (disabled users and refused new users have none). */
      users: Array<{ userId: string; verdict: MfaVerdict; names: string[] }>;
      /** Duo users Duo refuses (disabled), by username and aliases, with why. */
      refused: Array<{ names: string[]; reason: string }>;
      /** Directory accounts unknown to Duo (new users), when Duo does not refuse them. */
      newUsers?: MfaVerdict;
    };

interface Proxy {
  fact: Fact;
  section: DuoProxySection;
  label: string;
}

function parsedFacts<T>(
  facts: Fact[],
  kind: string,
  connection: string,
  schema: { safeParse(d: unknown): { success: true; data: T } | { success: false } },
): Array<{ fact: Fact; data: T }> {
  return facts.flatMap((fact) => {
    if (fact.kind !== kind || fact.source !== duoSource || fact.connection !== connection) return [];
    const parsed = schema.safeParse(fact.data);
    return parsed.success ? [{ fact, data: parsed.data }] : [];
  });
}

/**
 * What the proxy section adds to Duo's verdict: failmode and exempted OUs are ways around Duo whatever Duo's
 * own policies say, so they turn an enforced or undecided verdict into bypassable.
 */
export function withProxy(verdict: MfaVerdict, proxy: Proxy): MfaVerdict {
  const { section, fact } = proxy;
  const evidence = [...verdict.evidence, ...fact.evidence];
  if (verdict.state !== "enforced" && verdict.state !== "unknown") return { ...verdict, evidence };
  if (section.failmode !== null && section.failmode !== "safe" && section.failmode !== "secure")
    return {
      state: "unknown",
      strength: null,
      reason: `${verdict.reason}; but ${proxy.label} has failmode '${section.failmode}', neither safe nor secure`,
      evidence,
    };
  const bypasses: string[] = [];
  if (section.failmode !== "secure")
    bypasses.push(
      `${proxy.label} has ${section.failmode === null ? "no failmode (Duo's default, safe)" : "failmode=safe"}: whenever the proxy cannot reach Duo, the primary credential alone signs in`,
    );
  if (section.exemptOus.length > 0)
    bypasses.push(
      `${proxy.label} exempts ${section.exemptOus.join("; ")} from Duo (exempt_ou), and whether this account is under one is not known`,
    );
  if (bypasses.length === 0) return { ...verdict, evidence };
  return {
    state: "bypassable",
    strength: null,
    reason: `${verdict.reason}; but ${bypasses.join("; and ")}`,
    evidence,
  };
}

function application(
  facts: Fact[],
  connection: string,
  ikey: string,
): { view?: DuoApplicationView; note?: string } {
  const apps = parsedFacts(facts, duoFactKinds.application, connection, DuoApplicationFact);
  const found = apps.find((a) => a.data.integrationKey === ikey);
  if (found)
    return {
      view: { name: found.data.name, enrollPolicy: found.data.enrollPolicy, evidence: found.fact.evidence },
    };
  return {
    note:
      apps.length === 0
        ? "the Duo applications were not read (Grant applications), so the new-user policy is not known"
        : `no Duo application has the integration key ${ikey}`,
  };
}

export function resolveDuoProxy(
  inventory: TenantInventory,
  protocol: "radius" | "ldap",
  target: string,
): DuoResolution {
  const lookup = proxySectionFor(inventory.facts, protocol, target);
  if (lookup.kind !== "match") return lookup;
  const { fact, section } = lookup.match;
  const connection = fact.connection;
  const proxy: Proxy = { fact, section, label: `Duo proxy ${section.host} [${section.section}]` };
  if (!section.ikey)
    return {
      kind: "unresolved",
      reason: `${proxy.label} answers ${protocol.toUpperCase()} at ${target} but has no ikey: which Duo application it uses is not known`,
      evidence: fact.evidence,
    };
  const coverage = inventory.coverage.find((c) => c.connection === connection);
  if (coverage?.status === "failed")
    return {
      kind: "unresolved",
      reason: `${proxy.label} uses Duo application ${section.ikey}, but the duo connection ${connection} was not read (${coverage.reason ?? "failed"})`,
      evidence: fact.evidence,
    };
  const app = application(inventory.facts, connection, section.ikey);
  const appName = app.view
    ? `application '${app.view.name}' (${section.ikey})`
    : `application ${section.ikey}`;
  const prefix = `${protocol.toUpperCase()} to ${proxy.label}${lookup.note ? ` (${lookup.note})` : ""}, Duo ${appName}${app.note ? ` (${app.note})` : ""}: `;
  const label = (outcome: DuoOutcome): MfaVerdict | undefined => {
    if (outcome.kind === "refused") return undefined;
    const v = withProxy(outcome.verdict, proxy);
    return {
      ...v,
      reason: `${prefix}${v.reason}`,
      via: [`duo-proxy:${section.host}[${section.section}]`, `duo:${connection}:application/${section.ikey}`],
    };
  };
  const refused: Array<{ names: string[]; reason: string }> = [];
  const users = parsedFacts(inventory.facts, duoFactKinds.user, connection, DuoUserFact).flatMap(
    ({ fact: userFact, data }) => {
      const names = [data.username, ...(data.aliases ?? [])];
      const evidence = (field: string) =>
        userFact.evidence.find((e) => e.field === field) ?? {
          source: duoSource,
          connection,
          objectId: data.userId,
          field,
          value: field === "status" ? data.status : data.enrolled,
        };
      const outcome = duoUserOutcome(
        {
          username: data.username,
          status: data.status,
          enrolled: data.enrolled,
          methods: data.methods,
          evidence: { status: evidence("status"), enrolled: evidence("is_enrolled") },
        },
        app.view,
      );
      if (outcome.kind === "refused") refused.push({ names, reason: outcome.reason });
      const verdict = label(outcome);
      return verdict ? [{ userId: data.userId, verdict, names }] : [];
    },
  );
  const newUsers = label(
    newUserOutcome(
      "a directory account that Duo does not know (a new user)",
      app.view,
      app.view ? [] : fact.evidence,
    ),
  );
  return { kind: "resolved", connection, users, refused, ...(newUsers ? { newUsers } : {}) };
}

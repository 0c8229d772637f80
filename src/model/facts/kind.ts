import type { z } from "zod";
import type { Coverage } from "../coverage.js";
import type { Evidence } from "../evidence.js";
import type { Fact } from "../inventory.js";
import type { JsonValue } from "../vocabulary.js";

/**
 * One fact kind, declared once (issue #25 item 4): its name, the connection types that emit it, and the zod
 * schema of its data. Providers build facts with `factOf`, linkers and policies read them with `factsOf`,
 * so a renamed kind or a changed shape changes both sides at once instead of leaving a policy silent.
 */
export interface FactKind<T> {
  readonly name: string;
  /** Connection types that emit this kind; a fact of this name from any other source is not this kind. */
  readonly sources: readonly string[];
  readonly schema: z.ZodType<T>;
  /**
   * `every-connection`: each connection of `sources` read completely reports at least one such fact, so
   * none means something went wrong and a policy says `unknown`. Otherwise `noneMeans` says why none is a
   * real answer (the system has no API keys, no proxy was configured to be read). `tenantRoles` narrows
   * "each connection" to the connections of tenants of those roles (GDAP is read in the MSP's own tenant).
   */
  readonly presence:
    | { every: "connection"; tenantRoles?: ReadonlyArray<"customer" | "msp"> }
    | { every: "none"; noneMeans: string };
}

export function defineFactKind<T>(kind: FactKind<T>): FactKind<T> {
  return kind;
}

/** Where a fact sits: what every fact carries besides its kind and data. */
export interface FactPlace {
  id: string;
  source: string;
  connection: string;
  evidence: Evidence[];
}

/** A fact of `kind` whose data the compiler checks against the kind's schema. */
export function factOf<T>(kind: FactKind<T>, place: FactPlace, data: T): Fact {
  // Fact kinds' schemas describe JSON (strings, numbers, booleans, null, arrays, plain objects).
  const json = data as unknown as JsonValue;
  return { kind: kind.name, ...place, data: json };
}

/** One fact of a kind as a reader gets it: its data, or why the data does not match the kind's schema. */
export type FactRead<T> =
  | { fact: Fact; data: T; error?: undefined }
  | { fact: Fact; data?: undefined; error: string };

/** Whether `fact` is of `kind`: its name, from one of the kind's sources. */
export function isFactOf(fact: Pick<Fact, "kind" | "source">, kind: FactKind<unknown>): boolean {
  return fact.kind === kind.name && kind.sources.includes(fact.source);
}

/** Validates one fact of `kind`; `error` names the first mismatch. */
export function readFact<T>(fact: Fact, kind: FactKind<T>): FactRead<T> {
  const parsed = kind.schema.safeParse(fact.data);
  if (parsed.success) return { fact, data: parsed.data };
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  return {
    fact,
    error: `the ${kind.name} fact does not match its schema${at}: ${issue?.message ?? "invalid"}`,
  };
}

/** Every fact of `kind` in the inventory, each validated against the kind's schema. */
export function factsOf<T>(inventory: { facts: readonly Fact[] }, kind: FactKind<T>): FactRead<T>[] {
  return inventory.facts.filter((f) => isFactOf(f, kind)).map((f) => readFact(f, kind));
}

/**
 * The fact of `kind` from `entryPoint`'s connection that names it in `data.entryPoint` (providers that
 * describe one entry point per fact), unvalidated: the caller reads it with `readFact`.
 */
export function factAbout(
  inventory: { facts: readonly Fact[] },
  kind: FactKind<unknown>,
  entryPoint: { id: string; connection: string },
): Fact | undefined {
  return inventory.facts.find(
    (f) =>
      isFactOf(f, kind) &&
      f.connection === entryPoint.connection &&
      (f.data as { entryPoint?: unknown } | null)?.entryPoint === entryPoint.id,
  );
}

/** The reason a policy gives for a connection that was read but reported none of `kind`. */
export function noFactsReason(kind: FactKind<unknown>): string {
  return `the connection was read but reported no ${kind.name} facts`;
}

/**
 * Connections of the kind's sources that were read completely yet reported no fact of `kind`, when the kind
 * is one every such connection reports. A partial or failed read says why by itself; a kind that may be
 * absent (`presence.every: "none"`) never appears here.
 */
export function unreportedConnections(
  inventory: {
    facts: readonly Fact[];
    coverage: readonly Coverage[];
    tenant?: { role: "customer" | "msp" };
  },
  kind: FactKind<unknown>,
): Coverage[] {
  if (kind.presence.every !== "connection") return [];
  const roles = kind.presence.tenantRoles;
  if (roles && !(inventory.tenant && roles.includes(inventory.tenant.role))) return [];
  const reported = new Set(inventory.facts.filter((f) => isFactOf(f, kind)).map((f) => f.connection));
  return inventory.coverage.filter(
    (c) => c.status === "complete" && kind.sources.includes(c.source) && !reported.has(c.connection),
  );
}

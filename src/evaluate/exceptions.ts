import type { ExceptionEntry } from "../config/schema.js";
import type { Subject } from "../model/index.js";

/**
 * Which subjects a config exception covers (issue #19 item 10). An exception names its subject by id (an
 * object id is one account in one source) or by name; a name such as `admin` or an email is the same in
 * every source of a tenant, so a name counts only within the connection the exception names
 * (`match.connection`, optionally `match.source`). `*` is every subject of that tenant and policy.
 */
export type ExceptionMatch =
  | { exception: ExceptionEntry; unscopedName?: undefined }
  | {
      exception?: undefined;
      /** An exception that names this subject by name without naming its connection: not applied. */
      unscopedName: ExceptionEntry;
    };

type Match = ExceptionEntry["match"];

const is = (pattern: string, value: string) => pattern === "*" || pattern === value;

/** How `match` covers this subject: by its id or `*`, by its name within its connection, or not at all. */
export function matchesSubject(
  match: Match,
  tenant: string,
  policy: string,
  subject: Pick<Subject, "id" | "name" | "source" | "connection">,
): "yes" | "unscoped-name" | "no" {
  if (!is(match.tenant, tenant) || !is(match.policy, policy)) return "no";
  if (match.source !== undefined && match.source !== subject.source) return "no";
  if (match.connection !== undefined && match.connection !== subject.connection) return "no";
  if (match.subject === "*" || match.subject === subject.id) return "yes";
  if (match.subject !== subject.name) return "no";
  return match.connection !== undefined ? "yes" : "unscoped-name";
}

/** The first exception that covers the subject, else the first that would by an unscoped name. */
export function findException(
  exceptions: ReadonlyArray<ExceptionEntry>,
  tenant: string,
  policy: string,
  subject: Subject,
): ExceptionMatch | undefined {
  let unscoped: ExceptionEntry | undefined;
  for (const e of exceptions) {
    const how = matchesSubject(e.match, tenant, policy, subject);
    if (how === "yes") return { exception: e };
    if (how === "unscoped-name") unscoped ??= e;
  }
  return unscoped ? { unscopedName: unscoped } : undefined;
}

/** A subject some result (or stored queue item) named, under its policy. */
export interface SeenSubject {
  policy: string;
  subject: Pick<Subject, "id" | "name" | "source" | "connection">;
}

/** An exception that matched no subject in any tenant it names, although each was read completely. */
export interface UnmatchedException {
  /** Its position in the config's `exceptions` list. */
  index: number;
  exception: ExceptionEntry;
  /** The tenants it was checked in. */
  tenants: string[];
}

/**
 * Which config exceptions matched nothing (issue #23 item 5: an exception whose subject is misspelt, or
 * whose account is gone, silently never applies). Fed one tenant at a time, so a sweep that drops each
 * tenant's results once reconciled can still tell. Fails towards silence: an exception is reported only
 * when every configured tenant it names was recorded as read completely, so a partial read or a
 * `--tenant` subset never makes a present subject look absent. A match by name without a connection
 * counts as a match: the engine already says that one is not applied, and why.
 */
export class ExceptionUse {
  readonly #exceptions: ReadonlyArray<{ index: number; exception: ExceptionEntry }>;
  readonly #matched = new Set<number>();
  readonly #recorded = new Map<string, boolean>();

  constructor(exceptions: ReadonlyArray<{ index: number; exception: ExceptionEntry }>) {
    this.#exceptions = exceptions;
  }

  /** One tenant's subjects; `complete` is whether every connection of the tenant was read completely. */
  record(tenant: string, complete: boolean, seen: Iterable<SeenSubject>): void {
    this.#recorded.set(tenant, complete && (this.#recorded.get(tenant) ?? true));
    const open = this.#exceptions.filter(
      (e) => !this.#matched.has(e.index) && is(e.exception.match.tenant, tenant),
    );
    if (open.length === 0) return;
    for (const { policy, subject } of seen)
      for (const e of open)
        if (
          !this.#matched.has(e.index) &&
          matchesSubject(e.exception.match, tenant, policy, subject) !== "no"
        )
          this.#matched.add(e.index);
  }

  /** The exceptions that matched nothing, given every tenant id the config lists. */
  unmatched(configuredTenants: ReadonlyArray<string>): UnmatchedException[] {
    const out: UnmatchedException[] = [];
    for (const { index, exception } of this.#exceptions) {
      if (this.#matched.has(index)) continue;
      const tenants = configuredTenants.filter((t) => is(exception.match.tenant, t));
      if (tenants.length > 0 && tenants.every((t) => this.#recorded.get(t) === true))
        out.push({ index, exception, tenants });
    }
    return out;
  }
}

/** `exceptions[3] (tenant acme, policy x, subject bob, connection okta)`: how a warning names an exception. */
export function exceptionLabel({ index, exception }: { index: number; exception: ExceptionEntry }): string {
  const m = exception.match;
  const scope = [
    `tenant ${m.tenant}`,
    `policy ${m.policy}`,
    `subject '${m.subject}'`,
    ...(m.connection !== undefined ? [`connection ${m.connection}`] : []),
    ...(m.source !== undefined ? [`source ${m.source}`] : []),
  ];
  return `exceptions[${index}] (${scope.join(", ")})`;
}

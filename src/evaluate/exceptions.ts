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

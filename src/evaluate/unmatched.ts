import type { Config } from "../config/load.js";
import type { Coverage, Result } from "../model/index.js";
import { ExceptionUse, exceptionLabel } from "./exceptions.js";
import { isExpired } from "./index.js";

/**
 * The run side of "an exception whose subject matches nothing" (issue #23 item 5): scan and sweep record
 * each tenant's results as it finishes and warn once per exception at the end. Expired exceptions are
 * left out: the config already warns about those.
 */
export function exceptionUse(config: Config, now: Date): ExceptionUse {
  return new ExceptionUse(
    config.exceptions
      .map((exception, index) => ({ index, exception }))
      .filter(({ exception }) => !isExpired(exception.expires, now)),
  );
}

/** One tenant's results; it counts as read completely when every one of its connections was. */
export function recordTenant(
  use: ExceptionUse,
  tenant: string,
  coverage: ReadonlyArray<Coverage>,
  results: ReadonlyArray<Result>,
): void {
  const own = coverage.filter((c) => c.tenant === tenant);
  use.record(
    tenant,
    own.length > 0 && own.every((c) => c.status === "complete"),
    results.filter((r) => r.tenant === tenant),
  );
}

/** One warning per exception that matched no result, naming it and the tenants it was checked in. */
export function unmatchedWarnings(use: ExceptionUse, config: Config, run: "scan" | "sweep"): string[] {
  return use
    .unmatched(config.tenants.map((t) => t.id))
    .map(
      (u) =>
        `${exceptionLabel(u)} matched no result of this ${run} in ${u.tenants.map((t) => `'${t}'`).join(", ")}, although every connection there was read completely: it applies to nothing. Check the subject's id or name (a name needs its connection), or remove the exception`,
    );
}

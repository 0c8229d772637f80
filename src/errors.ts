import { redactUrls } from "./util/redact.js";

/**
 * Small named errors (DESIGN.md §8). Messages name the tenant, connection and location, never a secret
 * value. The CLI prints `message` only; a stack trace is shown for `InternalError` under `--debug`.
 */
export class MfasweepError extends Error {
  override name = "MfasweepError";
  constructor(message?: string, options?: ErrorOptions) {
    // Every message passes here: URLs in it lose their userinfo and credential-bearing query values.
    super(redactUrls(message ?? ""), options);
  }
}

/** A config file or option is wrong. `location` is `file:line path` when known. */
export class ConfigError extends MfasweepError {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly location?: string,
  ) {
    super(location ? `${location}: ${message}` : message);
  }
}

/** An `env:`/`file:` secret reference cannot be resolved. Names the reference, never a value. */
export class SecretError extends MfasweepError {
  override name = "SecretError";
}

/** The credentials were refused (401, bad key, token exchange failed). */
export class ProviderAuthError extends MfasweepError {
  override name = "ProviderAuthError";
}

/**
 * A host presented a key that is not the pinned or known one (or no key is recorded for it): the
 * connection is refused before any credential is sent. Names the host and both fingerprints.
 */
export class HostKeyMismatchError extends ProviderAuthError {
  override name = "HostKeyMismatchError";
  constructor(
    readonly host: string,
    readonly expected: string[],
    readonly seen: string[],
    hint = "",
  ) {
    super(
      expected.length
        ? `host key of ${host} does not match: expected ${expected.join(" or ")}, the server showed ${seen.join(", ") || "no key"}${hint}`
        : `host key of ${host} is not known: the server showed ${seen.join(", ") || "no key"}, and no key is pinned or recorded for it${hint}`,
    );
  }
}

/** The credentials work but lack permissions; `missing` names them (scopes, roles, API permissions). */
export class ProviderPermissionError extends MfasweepError {
  override name = "ProviderPermissionError";
  constructor(
    message: string,
    readonly missing: string[],
  ) {
    super(missing.length ? `${message} (missing: ${missing.join(", ")})` : message);
  }
}

/** The quota domain kept throttling after every retry. */
export class ProviderThrottledError extends MfasweepError {
  override name = "ProviderThrottledError";
}

/** The API answered with something that does not match its documented shape (bad page, paging loop). */
export class ProviderResponseError extends MfasweepError {
  override name = "ProviderResponseError";
}

/** The system could not be reached or kept failing (network error, timeout, repeated 5xx). */
export class ProviderUnavailableError extends MfasweepError {
  override name = "ProviderUnavailableError";
}

/** A bug in mfasweep itself. */
export class InternalError extends MfasweepError {
  override name = "InternalError";
}

/**
 * The one line a user reads for an error (coverage reasons, ticket failures, doctor details): its own
 * message, which names tenant, connection and location, never a class name. Where the kind changes what
 * to do it is said in words; anything not ours is an internal error, without its stack.
 */
export function describeError(err: unknown): string {
  if (err instanceof ProviderPermissionError) return `permission missing: ${err.message}`;
  if (err instanceof ProviderThrottledError) return `throttled: ${err.message}`;
  if (err instanceof MfasweepError && !(err instanceof InternalError)) return err.message;
  return `internal error: ${redactUrls(err instanceof Error ? err.message : String(err))}`;
}

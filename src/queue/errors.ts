import { MfasweepError } from "../errors.js";

/**
 * The queue's store cannot be used: not a database, a database of something else, damaged, or written by
 * a newer mfasweep. Names the file and what to do, never its contents.
 */
export class StoreError extends MfasweepError {
  override name = "StoreError";
}

/** Another sweep holds the store's sweep lock (and it is not stale). */
export class StoreLockedError extends StoreError {
  override name = "StoreLockedError";
}

/**
 * A queue action breaks one of the queue's own rules (an acceptance without a reason or beyond
 * `maxExceptionDays`, forgetting a tenant the config still lists). Enforced where the store changes, so a
 * caller of the library cannot skip them.
 */
export class QueueRuleError extends MfasweepError {
  override name = "QueueRuleError";
}

/** A queue action names an item that does not exist, is ambiguous, or is in a state the action cannot leave. */
export class QueueItemError extends MfasweepError {
  override name = "QueueItemError";
}

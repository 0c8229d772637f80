/**
 * `promise`, or a rejection with `stopped()` as soon as `signal` aborts, whichever comes first.
 *
 * The listener goes on a signal of this wait's own, derived from `signal` (as each connection's signal in
 * src/collect is), not on `signal` itself: a sweep's signal is shared by every connection collected at
 * once (8 tenants × 8 connections by default), and listeners on it directly passed Node's limit of 10
 * (MaxListenersExceededWarning in a distributed sweep). A derived signal is only weakly held by its source,
 * and the listener is removed when the wait ends.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  stopped: () => Error,
): Promise<T> {
  if (!signal) return promise;
  const own = AbortSignal.any([signal]);
  let release = () => {};
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(stopped());
    if (own.aborted) return fail();
    own.addEventListener("abort", fail, { once: true });
    release = () => own.removeEventListener("abort", fail);
  });
  return Promise.race([promise, aborted]).finally(release);
}

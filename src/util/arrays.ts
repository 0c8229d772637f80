/**
 * Array helpers for data that grows with a tenant. A spread argument (`push(...items)`,
 * `Math.max(...values)`) passes every element as one argument, and V8 throws "Maximum call stack size
 * exceeded" above ~125k of them: loops instead (issue #19 item 3; test/src/no-argument-spread.test.ts).
 */

/** Appends every item to `into` and returns it. */
export function appendAll<T>(into: T[], items: Iterable<T>): T[] {
  for (const item of items) into.push(item);
  return into;
}

/** The largest value, or `floor` when there is none larger (`-Infinity` by default, as `Math.max()`). */
export function maxOf(values: Iterable<number>, floor = Number.NEGATIVE_INFINITY): number {
  let max = floor;
  for (const v of values) if (v > max || Number.isNaN(v)) max = v;
  return max;
}

/** The smallest value, or `ceiling` when there is none smaller (`Infinity` by default, as `Math.min()`). */
export function minOf(values: Iterable<number>, ceiling = Number.POSITIVE_INFINITY): number {
  let min = ceiling;
  for (const v of values) if (v < min || Number.isNaN(v)) min = v;
  return min;
}

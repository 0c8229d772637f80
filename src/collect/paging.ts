import { ProviderResponseError } from "../errors.js";
import { sha256Hex } from "../util/hash.js";

/**
 * Guards for every page loop (issue #19 item 5): a cap on the records one connection reads, and a page
 * loop noticed when a cursor (next link, page token) comes back or a page repeats the records of the page
 * before it. Either ends the loop with a named error, so the connection is failed or partial with the
 * reason instead of paging until memory runs out.
 */

/** Records one connection reads at most unless its `maxRecords` says otherwise. */
export const defaultMaxRecords = 2_000_000;

/** The connection read more records than its `maxRecords`. */
export class RecordLimitError extends ProviderResponseError {
  override name = "RecordLimitError";
}

/** The source served the same page again (a cursor seen before, or the same records twice in a row). */
export class PagingLoopError extends ProviderResponseError {
  override name = "PagingLoopError";
}

/** Counts a connection's records against its cap; `add` throws `RecordLimitError` past it. */
export class RecordBudget {
  #read = 0;
  constructor(readonly max: number = defaultMaxRecords) {}
  get read(): number {
    return this.#read;
  }
  add(label: string, count: number): void {
    this.#read += count;
    if (this.#read > this.max)
      throw new RecordLimitError(
        `${label}: more than ${this.max} records read from this source (maxRecords); stopped paging`,
      );
  }
}

function digest(items: readonly unknown[]): string {
  return sha256Hex(JSON.stringify(items));
}

/**
 * One page loop's watch. For each page, in order: `page(items)` before using it (counts the records; a page
 * with the same records as the one before is a `PagingLoopError`), then `follow(next)` before following
 * its cursor (one already followed, the first URL included when given, is a `PagingLoopError`).
 */
export class PageGuard {
  #pages = 0;
  #previous: string | undefined;
  readonly #cursors = new Set<string>();

  constructor(
    private readonly label: string,
    private readonly records: (label: string, count: number) => void,
    private readonly cursorName = "next link",
    first?: string,
  ) {
    if (first) this.#cursors.add(first);
  }

  page(items: readonly unknown[]): void {
    const n = ++this.#pages;
    this.records(`${this.label} page ${n}`, items.length);
    if (items.length === 0) return;
    const key = digest(items);
    if (key === this.#previous)
      throw new PagingLoopError(
        `${this.label}: paging loop: page ${n} repeated the records of page ${n - 1}`,
      );
    this.#previous = key;
  }

  follow(next: string): void {
    if (this.#cursors.has(next))
      throw new PagingLoopError(
        `${this.label}: paging loop: page ${this.#pages} repeated an earlier ${this.cursorName}`,
      );
    this.#cursors.add(next);
  }
}

import type { z } from "zod";
import { describeError, ProviderPermissionError } from "../errors.js";
import type {
  AccessPath,
  Account,
  AuthChain,
  EntryPoint,
  Evidence,
  JsonValue,
  MfaVerdict,
  ProviderInventory,
} from "../model/index.js";
import { appendAll } from "../util/arrays.js";
import type { CollectContext, DoctorCheck } from "./provider.js";
import { unreadPath } from "./unread.js";

/**
 * What the RMM and remote-support console providers share (NinjaOne, TeamViewer, ConnectWise Automate,
 * BeyondTrust, Datto RMM): reading a user list record by record, the inventory of one console with a
 * sign-in path per user, evidence of one field of a user record, and a failed doctor probe. The vendor's
 * schemas, labels and mapping stay in each provider and are passed in.
 */

type Ctx = Pick<CollectContext<unknown>, "skip" | "gap" | "progress">;

/** The records that match `schema`; every other one is counted with `ctx.skip`, naming where it stood. */
export function validRecords<T>(
  ctx: Ctx,
  raws: unknown[],
  schema: z.ZodType<T>,
  what: string,
  label: string,
  page?: number,
): T[] {
  return raws.flatMap((raw, i): T[] => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return [parsed.data];
    const issue = parsed.error.issues[0];
    ctx.skip(
      `${what} record ${i + 1}${page ? ` on page ${page}` : ""}`,
      `${label}: ${issue?.message ?? "invalid"} at ${issue?.path.join(".")}`,
    );
    return [];
  });
}

/** A paged list as read: its valid records, and why it stops short when a later page failed. */
export interface PagedRead<T> {
  items: T[];
  /** Set when a page after the first failed: the records after it are not known. */
  cutShort?: string;
  /** Records that did not match their schema (skipped and counted): who they are is not known. */
  skipped?: number;
}

/**
 * The unread paths a list calls for (`consoleInventory`'s `unread`): one when it was cut short, one when
 * records were skipped, so users the list could not give never vanish behind the coverage counts.
 */
export function unreadOf(
  read: PagedRead<unknown>,
  what: string,
  label: string,
): Array<{ key: string; reason: string }> {
  const out: Array<{ key: string; reason: string }> = [];
  if (read.cutShort) out.push({ key: `${what}s`, reason: read.cutShort });
  if (read.skipped)
    out.push({
      key: `${what}-records`,
      reason: `${label}: ${read.skipped} ${what} record(s) did not match the documented shape and were skipped; who they are, and how they sign in, is not known`,
    });
  return out;
}

/**
 * The valid records of a paged list. Without the first page nothing is known, so its failure is thrown;
 * after it, what was read is kept, the list is reported cut short (a gap), and `cutShort` says so for
 * an unread path: the users on the pages not read may sign in too.
 */
export async function readPages<T>(
  ctx: Ctx,
  pages: AsyncIterable<unknown[]>,
  schema: z.ZodType<T>,
  what: string,
  label: string,
): Promise<PagedRead<T>> {
  const items: T[] = [];
  let page = 0;
  let skipped = 0;
  try {
    for await (const raws of pages) {
      page++;
      const valid = validRecords(ctx, raws, schema, what, label, page);
      skipped += raws.length - valid.length;
      appendAll(items, valid);
      ctx.progress(`${what}s`, items.length);
    }
  } catch (err) {
    if (page === 0) throw err;
    const reason = describeError(err);
    ctx.gap(`${what}s after page ${page}`, reason);
    return {
      items,
      cutShort: `${label}: the ${what}s after page ${page} could not be read (${reason}); who else can sign in is not known`,
      ...(skipped ? { skipped } : {}),
    };
  }
  return { items, ...(skipped ? { skipped } : {}) };
}

/**
 * One console's inventory: its entry point, and an account and a sign-in path per user, as the provider's
 * pure mapping functions make them from `mapping` (the connection's part of the picture). Each of
 * `unread` (users that could not be read, with why) is one `unknown` path on the entry point.
 */
export function consoleInventory<User, Mapping>(
  mapping: Mapping,
  users: User[],
  transform: {
    entryPoint: (mapping: Mapping) => EntryPoint;
    toAccount: (user: User, mapping: Mapping) => Account;
    signInPath: (entryPoint: EntryPoint, user: User, mapping: Mapping) => AccessPath;
  },
  unread: ReadonlyArray<{ key: string; reason: string }> = [],
): ProviderInventory {
  const entryPoint = transform.entryPoint(mapping);
  const accessPaths = users.map((user) => transform.signInPath(entryPoint, user, mapping));
  for (const u of unread) accessPaths.push(unreadPath(entryPoint, u.reason, { key: u.key }));
  return {
    accounts: users.map((user) => transform.toAccount(user, mapping)),
    entryPoints: [entryPoint],
    accessPaths,
    settings: [],
    facts: [],
  };
}

/** One account's sign-in path on a console, with the chain and verdict the provider decided. */
export function consolePath(
  entryPoint: EntryPoint,
  account: string,
  decided: { chain: AuthChain; mfa: MfaVerdict },
): AccessPath {
  return { id: `${entryPoint.id}/${account}`, entryPoint: entryPoint.id, accounts: [account], ...decided };
}

/** A record's field as evidence value: JSON scalars as they are, anything else as its JSON text. */
function asJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

/** Evidence of one field of a record read at `at` (source, connection, endpoint, object id). */
export function fieldEvidence(
  at: Pick<Evidence, "source" | "connection" | "endpoint" | "objectId">,
  record: object,
  field: string,
  note?: string,
): Evidence {
  return {
    ...at,
    field,
    value: asJson((record as Record<string, unknown>)[field]),
    ...(note ? { note } : {}),
  };
}

/** A doctor probe that failed: the error in words, and the permissions it names as missing. */
export function failedCheck(check: string, err: unknown): DoctorCheck {
  const missing = err instanceof ProviderPermissionError ? err.missing : undefined;
  return { check, ok: false, ...(missing ? { missing } : {}), detail: describeError(err) };
}

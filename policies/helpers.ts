import type { Verdict } from "../src/evaluate/policy.js";
import { gdapRelationships } from "../src/model/facts/gdap.js";
import {
  type FactKind,
  factAbout,
  factsOf,
  noFactsReason,
  readFact,
  unreportedConnections,
} from "../src/model/facts/kind.js";
import { type NpsSettingsFact, npsSettings } from "../src/model/facts/nps-extension.js";
import type {
  AccessPath,
  Account,
  EntryPoint,
  Fact,
  MfaState,
  MfaVerdict,
  ResultMfa,
  Subject,
  TenantInventory,
} from "../src/model/index.js";

/**
 * Where the ids in `path.accounts` live: `path.accountsFrom` when set (a delegated path resolved per
 * identity-provider user), else the entry point's own source and connection.
 */
export function accountsSourceOf(
  path: Pick<AccessPath, "accountsFrom">,
  entryPoint: Pick<EntryPoint, "source" | "connection">,
): { source: string; connection: string } {
  return path.accountsFrom ?? { source: entryPoint.source, connection: entryPoint.connection };
}

/** The accounts of a path, looked up where its ids live (see `accountsSourceOf`); unknown ids are left out. */
export function pathMembers(
  inventory: TenantInventory,
): (path: AccessPath, entryPoint: EntryPoint) => Account[] {
  const accounts = new Map(
    inventory.accounts.map((a) => [`${a.source}\u0000${a.connection}\u0000${a.id}`, a]),
  );
  return (path, entryPoint) => {
    const from = accountsSourceOf(path, entryPoint);
    return path.accounts.flatMap(
      (id) => accounts.get(`${from.source}\u0000${from.connection}\u0000${id}`) ?? [],
    );
  };
}

/** The subject of a result about an entry point as a whole. */
export function entryPointSubject(
  entryPoint: Pick<EntryPoint, "id" | "name" | "source" | "connection">,
): Subject {
  const { id, name, source, connection } = entryPoint;
  return { kind: "entry-point", id, name, source, connection };
}

/** The subject of a result about one path, named after who signs in where. */
export function pathSubject(path: AccessPath, entryPoint: EntryPoint, who: string): Subject {
  const { source, connection } = entryPoint;
  return { kind: "access-path", id: path.id, name: `${who} @ ${entryPoint.name}`, source, connection };
}

/** The entry point a fact is about, as the fact names it; the fact's own id when it could not be read. */
export function factSubject(fact: Fact, named: { entryPoint: string; name: string } | undefined): Subject {
  const { id, source, connection } = fact;
  return { kind: "entry-point", id: named?.entryPoint ?? id, name: named?.name ?? id, source, connection };
}

/** A fact that did not match its schema, or names an entry point this inventory lacks: unknown, never dropped. */
export function unreadFactVerdict(fact: Fact, why: string): Verdict {
  return {
    subject: factSubject(fact, undefined),
    status: "unknown",
    mfa: null,
    evidence: fact.evidence,
    message: `${fact.id}: ${why}`,
  };
}

/** A path's verdict as a result carries it, with the delegation hops (`via`) when there are any. */
export function resultMfa(mfa: MfaVerdict): ResultMfa {
  return { state: mfa.state, strength: mfa.strength, ...(mfa.via ? { via: mfa.via } : {}) };
}

/**
 * The status a path's verdict gives a result about it: `enforced` passes, `unknown` stays unknown, and
 * every way around the factor (`none`, `optional`, `bypassable`) fails.
 */
export function pathStatus(state: MfaState): "pass" | "unknown" | "fail" {
  return state === "enforced" ? "pass" : state === "unknown" ? "unknown" : "fail";
}

/**
 * Why no fact of `kind` is there for `entryPoint`: its connection was read completely and reported none of
 * that kind at all (issue #25 item 4), or the fact is simply missing.
 */
function missingReason(inventory: TenantInventory, kind: FactKind<unknown>, entryPoint: EntryPoint): string {
  const unreported = unreportedConnections(inventory, kind).some(
    (c) => c.connection === entryPoint.connection,
  );
  return unreported ? noFactsReason(kind) : "not collected";
}

type FactRead<T> = { fact: Fact; data: T } | { unknown: Verdict };

/**
 * An SSH host's `kind` fact, read with `schema`; or, when it was not collected or does not match, the
 * `unknown` verdict for `setting`, with the reason the host's unreadable path gives.
 */
export function sshHostFact<T>(
  inventory: TenantInventory,
  entryPoint: EntryPoint,
  kind: FactKind<T>,
  setting: string,
): FactRead<T> {
  const fact = factAbout(inventory, kind, entryPoint);
  const read = fact ? readFact(fact, kind) : undefined;
  if (fact && read?.error === undefined && read) return { fact, data: read.data };
  const unread = inventory.accessPaths.find(
    (p) => p.entryPoint === entryPoint.id && p.mfa.state === "unknown",
  );
  return {
    unknown: {
      subject: entryPointSubject(entryPoint),
      status: "unknown",
      message: `${setting} of ${entryPoint.name} not known: ${unread?.mfa.reason ?? (fact ? "malformed fact" : missingReason(inventory, kind, entryPoint))}`,
      mfa: null,
      evidence: unread?.mfa.evidence ?? [
        ...entryPoint.evidence,
        {
          source: entryPoint.source,
          connection: entryPoint.connection,
          note: `no ${kind.name} fact was collected for this host`,
        },
      ],
    },
  };
}

/**
 * The NPS extension's registry settings behind the front end `entryPoint`, read with `schema`; or, when
 * they were not read or do not match, the `unknown` verdict for `setting`.
 */
export function npsExtensionSettings(
  inventory: TenantInventory,
  entryPoint: EntryPoint,
  setting: string,
): FactRead<NpsSettingsFact> {
  const fact = factAbout(inventory, npsSettings, entryPoint);
  const read = fact ? readFact(fact, npsSettings) : undefined;
  if (fact && read && read.error === undefined) return { fact, data: read.data };
  const unread = inventory.accessPaths.find((p) => p.entryPoint === entryPoint.id);
  return {
    unknown: {
      subject: entryPointSubject(entryPoint),
      status: "unknown",
      message: `${setting} of the NPS extension behind ${entryPoint.name} is not known: ${unread?.mfa.reason ?? (fact ? "malformed settings fact" : unreportedConnections(inventory, npsSettings).some((c) => c.connection === entryPoint.connection) ? noFactsReason(npsSettings) : "its registry export was not read")}`,
      mfa: null,
      evidence: [
        ...(fact?.evidence ?? []),
        ...entryPoint.evidence,
        ...(unread?.mfa.evidence ?? []),
        {
          source: entryPoint.source,
          connection: entryPoint.connection,
          note: fact
            ? `the ${npsSettings.name} fact does not match its schema`
            : `no ${npsSettings.name} fact for this front end`,
        },
      ].slice(0, 6),
    },
  };
}

/** What a setting policy says of one fact it could read. */
export interface SettingJudgement {
  status: Verdict["status"];
  message: string;
}

/** A fact saying the file it would have come from was not read (`{ file, unread }`). */
type Unread = { file: string; unread: string };

function isUnread(data: unknown): data is Unread {
  return (
    typeof data === "object" && data !== null && typeof (data as { unread?: unknown }).unread === "string"
  );
}

/**
 * One `setting` verdict per fact of `kind` from `source`, read with the policy's own `schema`: `judge`
 * decides a fact that matches (undefined: no verdict for it); a fact that does not match its schema, or
 * that says its file was not read, is `unknown`, never a pass.
 */
export function settingVerdicts<T>(
  inventory: TenantInventory,
  spec: {
    kind: FactKind<T>;
    /** The subject's name; the fact id when the fact does not match. */
    name(data: T): string;
    /** The subject's id; the fact id by default. */
    id?(data: T): string;
    judge(data: Exclude<T, Unread>, name: string): SettingJudgement | undefined;
  },
): Verdict[] {
  const verdicts = factsOf(inventory, spec.kind).flatMap(({ fact, data, error }): Verdict[] => {
    const name = error === undefined ? spec.name(data) : fact.id;
    const id = error === undefined && spec.id ? spec.id(data) : fact.id;
    const verdict = (j: SettingJudgement): Verdict[] => [
      {
        subject: { kind: "setting", id, name, source: fact.source, connection: fact.connection },
        mfa: null,
        evidence: fact.evidence,
        ...j,
      },
    ];
    if (error !== undefined)
      return verdict({
        status: "unknown",
        message: `${name}: the ${spec.kind.name} fact does not match its schema`,
      });
    if (isUnread(data))
      return verdict({ status: "unknown", message: `${name}: ${data.file} was not read (${data.unread})` });
    const judged = spec.judge(data as Exclude<T, Unread>, name);
    return judged ? verdict(judged) : [];
  });
  return [...verdicts, ...unreportedVerdicts(inventory, spec.kind)];
}

/**
 * The accounts of several paths grouped by their own reason, for a finding that lists many accounts: each
 * account is shown with the reason of its own path, never another's (#18 item 9). `text` names up to
 * `groups` reasons with up to three accounts each; `byAccount` maps every account to its reason.
 */
export function reasonsOf(
  paths: AccessPath[],
  nameOf: (id: string) => string,
  groups = 3,
): { text: string; byAccount: Record<string, string> } {
  const byReason = new Map<string, string[]>();
  const byAccount: Record<string, string> = {};
  for (const path of paths) {
    const names = path.accounts.map(nameOf);
    byReason.set(path.mfa.reason, [...(byReason.get(path.mfa.reason) ?? []), ...names]);
    for (const name of names) byAccount[name] = path.mfa.reason;
  }
  const listed = [...byReason].slice(0, groups).map(([reason, names]) => {
    const who = `${names.slice(0, 3).join(", ")}${names.length > 3 ? `, and ${names.length - 3} more` : ""}`;
    return `${who}: ${reason}`;
  });
  const more = byReason.size > groups ? `; ${byReason.size - groups} other reason(s) in details` : "";
  return { text: `${listed.join("; ")}${more}`, byAccount };
}

/**
 * The one verdict a GDAP policy gives when the MSP's relationships were not read: `unknown` for the whole
 * list, with the question it could not answer (`what`) and the read's reason.
 */
export function gdapRelationshipsUnread(
  at: { source: string; connection: string; evidence: Verdict["evidence"]; data: { reason?: string } },
  what: string,
): Verdict {
  return {
    subject: {
      kind: "setting",
      id: gdapRelationships.name,
      name: "GDAP relationships",
      source: at.source,
      connection: at.connection,
    },
    status: "unknown",
    message: `${what} is not known: ${at.data.reason ?? "the relationships could not be read"}`,
    mfa: null,
    evidence: at.evidence,
  };
}

/**
 * `unknown` for every connection `kind` comes from that was read completely but reported none of it
 * (issue #25 item 4): the policy cannot tell "nothing to judge" from "the facts never arrived", so it never
 * lets such a connection pass by saying nothing. `judged` connections already have a verdict about them.
 */
export function unreportedVerdicts(
  inventory: TenantInventory,
  kind: FactKind<unknown>,
  judged: ReadonlySet<string> = new Set(),
): Verdict[] {
  return unreportedConnections(inventory, kind)
    .filter((c) => !judged.has(c.connection))
    .map((c) => ({
      subject: {
        kind: "connection",
        id: c.connection,
        name: c.connection,
        source: c.source,
        connection: c.connection,
      },
      status: "unknown",
      message: noFactsReason(kind),
      mfa: null,
      evidence: [{ source: c.source, connection: c.connection, note: noFactsReason(kind) }],
    }));
}

/**
 * `unknown` for each path on one of `entryPoints` that stands for accounts not listed (no account, no
 * delegation, state unknown: a list refused or cut short, `src/collect/unread.ts`): an account-based
 * policy would otherwise see nothing where the unread accounts are.
 */
export function unlistedPathVerdicts(
  inventory: Pick<TenantInventory, "accessPaths">,
  entryPoints: ReadonlyMap<string, EntryPoint>,
  who: string,
  extra: Pick<Verdict, "severity"> = {},
): Verdict[] {
  return inventory.accessPaths.flatMap((path): Verdict[] => {
    const entryPoint = entryPoints.get(path.entryPoint);
    if (!entryPoint || path.accounts.length > 0 || path.chain.delegation || path.mfa.state !== "unknown")
      return [];
    return [
      {
        subject: pathSubject(path, entryPoint, who),
        status: "unknown",
        ...extra,
        message: `${entryPoint.name}: ${path.mfa.reason}`,
        mfa: resultMfa(path.mfa),
        evidence: path.mfa.evidence,
        details: { entryPoint: entryPoint.id },
      },
    ];
  });
}

import { DuoApplicationFact, DuoUserFact, duoFactKinds, duoSource } from "../../model/facts/duo.js";
import {
  type DuoUnixConfigRef,
  type DuoUnixLogin,
  duoUnixLogin,
  factsOf,
  readFact,
} from "../../model/facts/index.js";
import type { AccessPath, Evidence, Fact, MfaState, MfaVerdict, TenantInventory } from "../../model/index.js";
import type { Linker } from "../linker.js";
import { duoUserOutcome, newUserOutcome } from "./verdict.js";

/**
 * Duo Unix (`pam_duo`, `login_duo`) linked to its Duo application (issue #26 item 4). The host's provider
 * has already applied duo_unix's own switches (failmode, groups) and counted Duo's approval as a factor;
 * Duo itself may not ask for it. duo_unix sends Duo the login name (or a GECOS-derived name) in
 * `/auth/v2/preauth`, and Duo's answer `allow` lets the login through with no second factor (lib/duo.c):
 * what Duo answers per user is what the Duo linker gives that user at that application (status,
 * enrolment, new-user policy, `duoUserOutcome`). So each path that relies on Duo becomes
 * `max(withoutDuo, min(path, duo))` in the order none < optional < bypassable < unknown < enforced:
 * Duo can lower a login only down to what it is without Duo's factor, and never raises it. Pure.
 */

const rank: Record<MfaState, number> = { none: 0, optional: 1, bypassable: 2, unknown: 3, enforced: 4 };

/** What Duo does with this login at one configuration's application. `refused`: Duo denies the user. */
type Answer =
  | { kind: "verdict"; verdict: MfaVerdict }
  | { kind: "refused"; reason: string; evidence: Evidence[] };

interface DuoSide {
  answer: Answer;
  via: string[];
  /** `pam_duo.conf → Duo application 'SSH' (DI…) of connection duo` */
  label: string;
}

const unknown = (reason: string, evidence: Evidence[]): Answer => ({
  kind: "verdict",
  verdict: { state: "unknown", strength: null, reason, evidence },
});

function parsed<T>(
  facts: Fact[],
  kind: string,
  schema: { safeParse(d: unknown): { success: true; data: T } | { success: false } },
): Array<{ fact: Fact; data: T }> {
  return facts.flatMap((fact) => {
    if (fact.kind !== kind || fact.source !== duoSource) return [];
    const r = schema.safeParse(fact.data);
    return r.success ? [{ fact, data: r.data }] : [];
  });
}

/** The Duo user duo_unix's name reaches: the username or an alias, exactly (Duo's matching rules beyond that are not read). */
function duoUser(
  users: Array<{ fact: Fact; data: DuoUserFact }>,
  name: string,
): { user?: { fact: Fact; data: DuoUserFact }; unknown?: string } {
  const names = (u: DuoUserFact) => [u.username, ...(u.aliases ?? [])];
  const exact = users.filter((u) => names(u.data).includes(name));
  if (exact.length === 1) return { user: exact[0]! };
  if (exact.length > 1)
    return {
      unknown: `${exact.length} Duo users have the username or alias '${name}': which one Duo takes is not known`,
    };
  const folded = users.filter((u) => names(u.data).some((n) => n.toLowerCase() === name.toLowerCase()));
  if (folded.length > 0)
    return {
      unknown: `no Duo user is named exactly '${name}', but '${folded[0]!.data.username}' differs only in case, and whether Duo matches names without case is not read`,
    };
  return {};
}

function sideFor(
  inventory: TenantInventory,
  login: DuoUnixLogin,
  config: DuoUnixConfigRef,
  factEvidence: Evidence[],
): DuoSide {
  const file = config.file;
  const duoCoverage = inventory.coverage.filter((c) => c.source === duoSource);
  if (config.ikey === null)
    return {
      answer: unknown(
        `which Duo application ${file} names is not known (${config.unread ?? "no ikey"})`,
        factEvidence,
      ),
      via: [`duo-unix:${file}`],
      label: file,
    };
  const ikey = config.ikey;
  const base = { via: [`duo-unix:${file}`], label: `${file} (Duo application ${ikey})` };
  if (duoCoverage.length === 0)
    return {
      ...base,
      answer: unknown(
        `this tenant has no duo connection, so what Duo answers for '${login.duoUsername}' (user status bypass, the new-user policy) is not read: add one`,
        factEvidence,
      ),
    };
  const apps = parsed(inventory.facts, duoFactKinds.application, DuoApplicationFact);
  const app = apps.find((a) => a.data.integrationKey === ikey);
  // The application is found in a connection; or, with one duo connection whose applications were not read
  // (Grant applications), that connection is taken, and its new-user policy stays unknown.
  const connection =
    app?.fact.connection ??
    (duoCoverage.length === 1 && !apps.some((a) => a.fact.connection === duoCoverage[0]!.connection)
      ? duoCoverage[0]!.connection
      : undefined);
  if (!connection)
    return {
      ...base,
      answer: unknown(
        `no Duo application of ${duoCoverage.map((c) => `connection ${c.connection}`).join(", ")} has the integration key ${ikey}`,
        factEvidence,
      ),
    };
  const coverage = duoCoverage.find((c) => c.connection === connection);
  const label = `${file} → Duo application ${app ? `'${app.data.name}' (${ikey})` : `${ikey} (applications not read)`} of connection ${connection}`;
  const side = { via: [`duo-unix:${file}`, `duo:${connection}:application/${ikey}`], label };
  if (coverage?.status === "failed")
    return {
      ...side,
      answer: unknown(
        `the duo connection ${connection} was not read (${coverage.reason ?? "failed"})`,
        factEvidence,
      ),
    };
  const view = app
    ? { name: app.data.name, enrollPolicy: app.data.enrollPolicy, evidence: app.fact.evidence }
    : undefined;
  const users = parsed(inventory.facts, duoFactKinds.user, DuoUserFact).filter(
    (u) => u.fact.connection === connection,
  );
  const match = duoUser(users, login.duoUsername);
  if (match.unknown) return { ...side, answer: unknown(match.unknown, factEvidence) };
  const outcome = match.user
    ? duoUserOutcome(
        {
          username: match.user.data.username,
          status: match.user.data.status,
          enrolled: match.user.data.enrolled,
          methods: match.user.data.methods,
          evidence: {
            status:
              match.user.fact.evidence.find((e) => e.field === "status") ?? match.user.fact.evidence[0]!,
            enrolled:
              match.user.fact.evidence.find((e) => e.field === "is_enrolled") ?? match.user.fact.evidence[0]!,
          },
        },
        view,
      )
    : newUserOutcome(`Duo user '${login.duoUsername}' (not in Duo: a new user)`, view, [
        {
          source: duoSource,
          connection,
          endpoint: "GET /admin/v1/users",
          note: `no user or alias '${login.duoUsername}'`,
        },
      ]);
  return {
    ...side,
    answer: outcome.kind === "path" ? { kind: "verdict", verdict: outcome.verdict } : outcome,
  };
}

/** The GECOS field is the user's to edit (chfn), so the Duo identity presented is theirs to choose. */
function gecosCap(answer: Answer, login: DuoUnixLogin): Answer {
  if (!login.fromGecos) return answer;
  const why = `the name Duo is asked about comes from ${login.login}'s GECOS field (send_gecos/gecos_username_pos), which duo_unix warns users can often edit themselves (chfn), so they may present another Duo user's name; whether chfn is restricted is not read`;
  if (answer.kind === "refused") return unknown(`${answer.reason}; but ${why}`, answer.evidence);
  const v = answer.verdict;
  return v.state === "enforced"
    ? unknown(`${v.reason}; but ${why}`, v.evidence)
    : { kind: "verdict", verdict: { ...v, reason: `${v.reason}; and ${why}` } };
}

/** Duo's part, and the path's new verdict from it, or the path unchanged when Duo does not decide it. */
export function duoUnixVerdict(inventory: TenantInventory, path: AccessPath, fact: Fact): MfaVerdict {
  const r = readFact(fact, duoUnixLogin);
  if (r.error !== undefined)
    return {
      state: "unknown",
      strength: null,
      reason: `${path.mfa.reason}; but ${r.error}, so what Duo asks is not known`,
      evidence: [...path.mfa.evidence, ...fact.evidence],
    };
  const login = r.data;
  const before = path.mfa;
  const without = login.withoutDuo;
  // Duo does not decide this login: it is as strong without Duo's approval.
  if (rank[without.state] >= rank[before.state]) return before;
  const sides = login.configs.map((c) => {
    const side = sideFor(inventory, login, c, fact.evidence);
    return { ...side, answer: gecosCap(side.answer, login) };
  });
  const verdicts = sides.flatMap((s) =>
    s.answer.kind === "verdict" ? [{ side: s, verdict: s.answer.verdict }] : [],
  );
  const via = [...new Set([...(before.via ?? []), ...sides.flatMap((s) => s.via)])];
  const duoEvidence = sides.flatMap((s) =>
    s.answer.kind === "verdict" ? s.answer.verdict.evidence : s.answer.evidence,
  );
  const said = sides
    .map((s) => `${s.label}: ${s.answer.kind === "verdict" ? s.answer.verdict.reason : s.answer.reason}`)
    .join("; ");
  // Every Duo check refuses this user (disabled): the ways through Duo do not complete, and the others are
  // no weaker than the verdict that counted Duo's approval.
  const worst = verdicts.sort((a, b) => rank[a.verdict.state] - rank[b.verdict.state])[0];
  const duoRank = worst ? rank[worst.verdict.state] : rank.enforced;
  const result = Math.max(rank[without.state], Math.min(rank[before.state], duoRank));
  const evidence = [...before.evidence, ...duoEvidence, ...fact.evidence];
  if (result === rank[before.state])
    return { ...before, reason: `${before.reason}; Duo: ${said}`, via, evidence };
  if (result === rank[without.state])
    return {
      ...without,
      reason: `${without.reason} (Duo's approval does not count here: ${said})`,
      via,
      evidence: [...without.evidence, ...duoEvidence, ...fact.evidence],
    };
  return {
    state: worst!.verdict.state,
    strength: null,
    reason: `${before.reason}; but ${said}`,
    via,
    evidence,
  };
}

export const duoUnixLinker: Linker = {
  name: "duo-unix",
  link(inventory) {
    const facts = factsOf(inventory, duoUnixLogin);
    if (facts.length === 0) return inventory;
    const byPath = new Map<string, Fact>();
    // A fact whose data does not match its schema still names its path when it can: that path is unknown.
    for (const f of facts) {
      const id = f.data?.accessPath ?? (f.fact.data as { accessPath?: unknown } | null)?.accessPath;
      if (typeof id === "string") byPath.set(id, f.fact);
    }
    return {
      ...inventory,
      accessPaths: inventory.accessPaths.map((p) => {
        const fact = byPath.get(p.id);
        return fact ? { ...p, mfa: duoUnixVerdict(inventory, p, fact) } : p;
      }),
    };
  },
};

import { endpoints } from "../../providers/entra/api.js";
import type { EntraSettings } from "../../providers/entra/settings.js";
import { askWhatIf, type WhatIfOutcome, type WhatIfQuestion } from "../../providers/entra/what-if.js";
import type { CollectContext, ProgressUpdate } from "../collect/provider.js";
import type { QuotaRegistry } from "../collect/quota.js";
import type { RetryPolicy, Sleep } from "../collect/retry.js";
import type { Config } from "../config/load.js";
import { guestTypeOf, loadEntraFacts } from "../engines/conditional-access/index.js";
import { entraSource } from "../model/facts/entra.js";
import type { Evidence, LinkedInventory, Result } from "../model/index.js";
import { compareVerdicts } from "./compare.js";
import { verifyContext } from "./context.js";
import { unlistedLocation } from "./location.js";
import { microsoftView } from "./microsoft.js";
import type { VerifyEntry } from "./model.js";
import { ourPolicyIds, oursOf, sampleUsers } from "./sample.js";

export { compareVerdicts } from "./compare.js";
export { cidrContains, unlistedLocation } from "./location.js";
export { describeRequirement, grantOf, microsoftView } from "./microsoft.js";
export * from "./model.js";
export { oursOf, sampleUsers } from "./sample.js";

/** Users asked about beyond every admin and every excluded account, per Entra connection, by default. */
export const defaultVerifySample = 10;

/**
 * The app asked about: Office 365 SharePoint Online, the app id the evaluate documentation uses, a member
 * of the Office 365 suite. What If matches app ids only, never groups such as "Office365"; a policy on the
 * Office 365 suite applies to this id (Entra what-if-tool.md, example 4).
 */
export const office365AppId = "00000003-0000-0ff1-ce00-000000000000";

/** The per-user verdict compared: the one `entra-user-mfa-enforced` judges. */
const comparedPolicy = "entra-user-mfa-enforced";

export interface VerifyRunOptions {
  sample: number;
  quotas: QuotaRegistry;
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  sleep?: Sleep;
  signal?: AbortSignal;
  now: Date;
  onWarning?: (message: string) => void;
  onProgress?: (update: ProgressUpdate) => void;
}

/**
 * Asks Microsoft's What If about a sample of each Entra connection's users and compares its answer with
 * mfasweep's verdict. Returns one entry per sampled user, and `results` with each sampled user's
 * `entra-user-mfa-enforced` result carrying the second opinion as evidence (status, severity and
 * fingerprint unchanged: the verdict stays mfasweep's; a disagreement is for a person to look at).
 */
export async function verifyInventories(
  config: Config,
  inventories: LinkedInventory[],
  results: Result[],
  options: VerifyRunOptions,
): Promise<{ entries: VerifyEntry[]; results: Result[] }> {
  const entries: VerifyEntry[] = [];
  for (const inventory of inventories) {
    const tenant = config.tenants.find((t) => t.id === inventory.tenant.id);
    if (!tenant) continue;
    for (const connectionId of inventory.access.entra.connections) {
      const connection = tenant.connections.find((c) => c.id === connectionId && c.type === entraSource);
      if (!connection) continue;
      const controller = new AbortController();
      const signal = options.signal
        ? AbortSignal.any([options.signal, controller.signal])
        : controller.signal;
      try {
        const ctx = verifyContext(tenant, connection, {
          ...options,
          signal,
          onProgress: (step, done, total) =>
            options.onProgress?.({ tenant: tenant.id, connection: connection.id, step, done, total }),
        }) as CollectContext<EntraSettings>;
        for (const entry of await verifyConnection(inventory, connectionId, ctx, options.sample))
          entries.push(entry);
      } finally {
        controller.abort();
      }
    }
  }
  return { entries, results: withEvidence(results, entries) };
}

async function verifyConnection(
  inventory: LinkedInventory,
  connection: string,
  ctx: CollectContext<EntraSettings>,
  sample: number,
): Promise<VerifyEntry[]> {
  // The users' guest types and the named locations: parsed once per verified connection.
  const facts = loadEntraFacts(inventory.facts, connection);
  const users = sampleUsers(inventory, connection, sample);
  if (users.length === 0) return [];
  const location = unlistedLocation(facts);
  const scenario = `interactive browser sign-in on Windows to Office 365 (app ${office365AppId}) from ${location.ipAddress} (${location.country}), a location no named location lists`;
  const questions: WhatIfQuestion[] = users.map(({ account }) => {
    const user = facts.users.byId.get(account.id);
    return {
      userId: account.id,
      externalUserType: user ? guestTypeOf(user) : null,
      applications: [office365AppId],
      clientAppType: "browser",
      devicePlatform: "windows",
      ipAddress: location.ipAddress,
      country: location.country,
    };
  });
  // What If evaluates Conditional Access; where Graph refused Conditional Access for want of Entra ID P1
  // there is nothing for it to evaluate (and whether it answers at all there is not documented).
  const ca = facts.conditionalAccess;
  const answers: WhatIfOutcome[] =
    ca.status === "not-licensed"
      ? questions.map((q) => ({
          userId: q.userId,
          answered: false,
          reason: `the tenant has no Conditional Access to evaluate, so it was not asked (no Entra ID P1: ${ca.reason ?? "licence refused"})`,
          stopped: true,
        }))
      : await askWhatIf(ctx, questions);
  return users.map(({ account, sampledAs, signIn }, i) => {
    const answer = answers[i];
    const ours = oursOf(signIn);
    const microsoft = answer?.answered ? microsoftView(answer.policies, ourPolicyIds(signIn)) : null;
    const { outcome, reason } = compareVerdicts({
      ours,
      microsoft,
      ...(answer && !answer.answered ? { failure: answer.reason } : {}),
      ...(location.doubt ? { locationDoubt: location.doubt } : {}),
    });
    return {
      tenant: inventory.tenant.id,
      connection,
      userId: account.id,
      user: account.name,
      sampledAs,
      scenario,
      ours,
      microsoft,
      outcome,
      reason,
    };
  });
}

/** The second opinion as evidence on each sampled user's `entra-user-mfa-enforced` result. */
function withEvidence(results: Result[], entries: VerifyEntry[]): Result[] {
  const byKey = new Map(entries.map((e) => [`${e.tenant}\u0000${e.connection}\u0000${e.userId}`, e]));
  return results.map((r) => {
    if (r.policy !== comparedPolicy || r.subject.source !== entraSource) return r;
    const entry = byKey.get(`${r.tenant}\u0000${r.subject.connection}\u0000${r.subject.id}`);
    return entry ? { ...r, evidence: [...r.evidence, verifyEvidence(entry)] } : r;
  });
}

export function verifyEvidence(entry: VerifyEntry): Evidence {
  const lead = {
    agree: "Microsoft's What If agrees",
    disagree: "Microsoft's What If disagrees",
    unknown: "Microsoft's What If gave no comparable answer",
  }[entry.outcome];
  return {
    source: entraSource,
    connection: entry.connection,
    endpoint: endpoints.whatIf.label,
    objectId: entry.userId,
    field: "whatIf",
    value: {
      outcome: entry.outcome,
      scenario: entry.scenario,
      ours: entry.ours.state,
      microsoft: entry.microsoft?.requirement ?? null,
      enforcing: (entry.microsoft?.enforcing ?? []).map((p) => p.displayName),
      notEnforced: (entry.microsoft?.notEnforced ?? []).map((p) => `${p.displayName} (${p.state})`),
    },
    note: `${lead}: ${entry.reason}`,
  };
}

/** One line per disagreement (and per user Microsoft could not be compared with), for a terminal. */
export function verifyLines(entries: VerifyEntry[], which: "disagree" | "all" = "disagree"): string[] {
  return entries
    .filter((e) => which === "all" || e.outcome === "disagree")
    .map(
      (e) =>
        `${e.outcome}: ${e.tenant} ${e.user}: mfasweep ${e.ours.state}${e.ours.policies.length ? ` (${e.ours.policies.join(", ")})` : ""} vs Microsoft ${e.microsoft?.requirement ?? "no answer"}${
          e.microsoft?.enforcing.length
            ? ` (${e.microsoft.enforcing.map((p) => p.displayName).join(", ")})`
            : ""
        }: ${e.reason}`,
    );
}

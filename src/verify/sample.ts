import { createHash } from "node:crypto";
import { entraSource } from "../model/facts/entra.js";
import type { Account, EntraSignInResult, LinkedInventory } from "../model/index.js";
import type { SampledAs, VerifyEntry } from "./model.js";

export interface SampledUser {
  account: Account;
  sampledAs: SampledAs[];
  signIn: EntraSignInResult;
}

/** Stable order of the "others": a hash of tenant, connection and user id, the same on every run. */
function sampleKey(tenant: string, connection: string, userId: string): string {
  return createHash("sha256").update(`${tenant}\u0000${connection}\u0000${userId}`).digest("hex");
}

/**
 * The users to ask Microsoft about on one Entra connection: every enabled admin (active or PIM-eligible,
 * as the inventory records them), every enabled account an applicable policy excludes, and `others` more
 * chosen deterministically (the same ones on every run while the directory stays the same).
 */
export function sampleUsers(inventory: LinkedInventory, connection: string, others: number): SampledUser[] {
  const accounts = inventory.accounts.filter(
    (a) => a.source === entraSource && a.connection === connection && a.status !== "disabled",
  );
  const picked: SampledUser[] = [];
  const rest: Array<{ key: string; user: SampledUser }> = [];
  for (const account of accounts) {
    const signIn = inventory.access.entra.signIn(connection, account.id);
    const sampledAs: SampledAs[] = [];
    if (account.admin.isAdmin === true) sampledAs.push("admin");
    if (signIn.excludedBy.length > 0) sampledAs.push("excluded");
    const user = { account, sampledAs, signIn };
    if (sampledAs.length) picked.push(user);
    else rest.push({ key: sampleKey(inventory.tenant.id, connection, account.id), user });
  }
  rest.sort((a, b) => a.key.localeCompare(b.key));
  for (const { user } of rest.slice(0, Math.max(0, others))) picked.push({ ...user, sampledAs: ["sample"] });
  return picked.sort(
    (a, b) =>
      Number(a.sampledAs[0] === "sample") - Number(b.sampledAs[0] === "sample") ||
      a.account.name.localeCompare(b.account.name),
  );
}

/** mfasweep's own verdict for the user's interactive sign-in, as the comparison needs it. */
export function oursOf(signIn: EntraSignInResult): VerifyEntry["ours"] {
  const ca = signIn.enforcedBy.flatMap((e) =>
    e.kind === "conditional-access" && e.policy ? [e.policy] : [],
  );
  const partial = signIn.partial.map((p) => p.policy);
  const basis: VerifyEntry["ours"]["basis"] = signIn.securityDefaults
    ? "security-defaults"
    : ca.length || partial.length
      ? "conditional-access"
      : signIn.enforcedBy.some((e) => e.kind === "per-user-mfa")
        ? "per-user-mfa"
        : "none";
  return {
    state: signIn.verdict.state,
    basis,
    blocked: signIn.access === "blocked",
    policies: [...ca, ...partial].map((p) => p.displayName),
    reason: signIn.verdict.reason,
  };
}

/** Ids of the policies mfasweep named for the verdict, to ask which of them Microsoft left out. */
export function ourPolicyIds(signIn: EntraSignInResult): string[] {
  return [
    ...signIn.enforcedBy.flatMap((e) => (e.policy ? [e.policy.id] : [])),
    ...signIn.partial.map((p) => p.policy.id),
  ];
}

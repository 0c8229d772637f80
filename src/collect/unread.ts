import type { AccessPath, AuthChain, EntryPoint, Evidence } from "../model/index.js";

/**
 * A way in whose accounts or settings could not be read (a table refused, a list cut short, a file not
 * read): one `unknown` path on its entry point that names what and why, so what was not seen stays a
 * finding rather than vanishing behind a coverage gap. Policies judge `unknown`, never compliant.
 * `key` tells several such paths on one entry point apart.
 */
export function unreadPath(
  entryPoint: Pick<EntryPoint, "id" | "evidence">,
  reason: string,
  options: { key?: string; chain?: AuthChain; evidence?: Evidence[] } = {},
): AccessPath {
  return {
    id: `${entryPoint.id}/unread${options.key ? `/${options.key}` : ""}`,
    entryPoint: entryPoint.id,
    accounts: [],
    chain: options.chain ?? { factors: [] },
    mfa: { state: "unknown", strength: null, reason, evidence: options.evidence ?? entryPoint.evidence },
  };
}

import type { Subject } from "../model/index.js";
import { sha256Hex } from "../util/hash.js";

/**
 * Stable id of (tenant, policy, subject): the dedupe key for the queue and tickets. Built from ids only,
 * never from names or messages, so renaming a user or rewording a message does not reopen anything.
 */
export function fingerprint(
  tenant: string,
  policy: string,
  subject: Pick<Subject, "kind" | "source" | "connection" | "id">,
): string {
  const key = [tenant, policy, subject.kind, subject.source, subject.connection, subject.id].join("\u0000");
  return sha256Hex(key).slice(0, 32);
}

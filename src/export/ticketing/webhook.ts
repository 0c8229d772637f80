import { createHash, createHmac } from "node:crypto";
import { SecretError } from "../../errors.js";
import { forTicketLine, renderText, type TicketDoc } from "./render.js";
import { type WebhookMapping, WebhookTarget } from "./targets/webhook.js";
import { defineConnector, type TicketDraft } from "./types.js";

/**
 * A generic webhook signed per the Standard Webhooks specification (v1, symmetric):
 * - headers `webhook-id` (the same on every retry of one event), `webhook-timestamp` (Unix seconds of the
 *   attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`;
 * - the secret is `whsec_` + base64 of at least 24 random bytes; the HMAC key is the decoded bytes.
 * Events (`type`, `timestamp`, `data`): mfasweep.ticket.opened, .updated, .noted, .closed. The id is derived
 * from the target, the key, the event and its content, so an event sent again after a failure (this run or
 * the next) carries the same id and a receiver can drop the repeat. There is no remote lookup: the ledger
 * remembers what was sent.
 */

export { WebhookMapping, WebhookTarget } from "./targets/webhook.js";

/** The HMAC key of a `whsec_` secret. */
export function webhookKey(secret: string, ref = "the webhook secret"): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  const key = Buffer.from(encoded, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length < 24)
    throw new SecretError(`${ref} is not a Standard Webhooks secret (whsec_ + base64 of at least 24 bytes)`);
  return key;
}

/** `v1,<base64>` for one message. */
export function webhookSignature(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

type EventType = "opened" | "updated" | "noted" | "closed";

export const webhook = defineConnector<WebhookTarget, WebhookMapping>({
  type: "webhook",
  schema: WebhookTarget,
  lookup: "none (ledger only)",
  createRetry: "idempotent",
  mapping: (target, tenant) => target.tenants[tenant],
  async open(target, { http, secret, now }) {
    const signingSecret = await secret(target.auth.secret);
    const key = webhookKey(signingSecret.reveal(), target.auth.secret);
    const send = async (
      event: EventType,
      draft: TicketDraft,
      extra: { note?: TicketDoc; ticket?: string },
    ) => {
      const data = {
        target: target.id,
        key: draft.key,
        ticket: extra.ticket ?? draft.key,
        tenant: draft.tenant,
        severity: draft.severity,
        // Names come from the customer's directory: the same neutralising as a PSA ticket's title.
        title: forTicketLine(draft.title),
        text: renderText(draft.doc),
        ...(extra.note ? { note: renderText(extra.note) } : {}),
        findings: draft.members.map((m) => ({
          ...m,
          subject: { ...m.subject, name: forTicketLine(m.subject.name) },
        })),
      };
      // The id is a function of what is sent (not of when), so a repeat is recognisable as one.
      const digest = createHash("sha256")
        .update(JSON.stringify([target.id, event, data]))
        .digest("base64url")
        .slice(0, 27);
      const id = `msg_${digest}`;
      await http.send(`send ${event}`, {
        method: "POST",
        url: new URL(target.endpoint),
        json: { type: `mfasweep.ticket.${event}`, timestamp: now().toISOString(), data },
        kind: "write",
        sign: (body) => {
          const timestamp = Math.floor(Date.now() / 1000);
          return {
            "webhook-id": id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": webhookSignature(key, id, timestamp, body),
          };
        },
      });
    };
    return {
      async create(draft) {
        await send("opened", draft, {});
        return { id: draft.key };
      },
      async update(ticket, draft) {
        await send("updated", draft, { ticket: ticket.id });
      },
      async note(ticket, note, _scope, draft) {
        await send("noted", draft, { note, ticket: ticket.id });
      },
      async close(ticket, _scope, draft) {
        await send("closed", draft, { ticket: ticket.id });
      },
    };
  },
});

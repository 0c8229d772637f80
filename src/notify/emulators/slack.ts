import { z } from "zod";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/server.js";

/**
 * A Slack incoming webhook on loopback. Vendor facts, stated here and not taken from the sender:
 * - the URL is the credential: `/services/T…/B…/secret`; an unknown one answers 404 `no_service`;
 * - success is HTTP 200 with the plain-text body `ok`; a body that is not valid JSON or not a valid
 *   message answers 400 `invalid_payload`, invalid blocks 400 `invalid_blocks` (Slack changelog
 *   2016-05-17 "Improving error conditions for Incoming Webhooks"; Slack's webhook error list);
 * - Block Kit limits: at most 50 blocks in a message; a header's text is plain_text of at most 150
 *   characters; a section's text at most 3,000 characters, its fields at most 10 of 2,000;
 * - `text` is the notification fallback when blocks are given; mrkdwn treats `<…>` as a link or mention,
 *   so literal `&`, `<`, `>` must be sent as `&amp;`, `&lt;`, `&gt;`.
 * The receiver also records any `<…>` link or mention markup it finds in mrkdwn text, for tests.
 */

const PlainText = z.strictObject({
  type: z.literal("plain_text"),
  text: z.string().min(1),
  emoji: z.boolean().optional(),
});
const Mrkdwn = z.strictObject({
  type: z.literal("mrkdwn"),
  text: z.string().min(1),
  verbatim: z.boolean().optional(),
});
const TextObject = z.discriminatedUnion("type", [PlainText, Mrkdwn]);
export const SlackBlock = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("header"),
    text: PlainText.extend({ text: z.string().min(1).max(150) }),
    block_id: z.string().optional(),
  }),
  z
    .strictObject({
      type: z.literal("section"),
      text: z
        .union([PlainText, Mrkdwn])
        .refine((t) => t.text.length <= 3000, "section text over 3000 characters")
        .optional(),
      fields: z
        .array(TextObject.refine((t) => t.text.length <= 2000, "field over 2000 characters"))
        .max(10)
        .optional(),
      block_id: z.string().optional(),
    })
    .refine((s) => s.text !== undefined || s.fields !== undefined, "a section needs text or fields"),
  z.strictObject({ type: z.literal("divider"), block_id: z.string().optional() }),
  z.strictObject({
    type: z.literal("context"),
    elements: z.array(TextObject).min(1).max(10),
    block_id: z.string().optional(),
  }),
]);
export const SlackWebhookMessage = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.unknown()).max(50).optional(),
});

export interface SlackReceiver extends RunningEmulator {
  webhookUrl: string;
  accepted: Array<{ text?: string; blocks: z.infer<typeof SlackBlock>[] }>;
  /** `<…>` markup found in mrkdwn texts (links, mentions): a sender that escapes sends none. */
  markup: string[];
}

function mrkdwnTexts(blocks: z.infer<typeof SlackBlock>[]): string[] {
  return blocks.flatMap((b) => {
    if (b.type === "section")
      return [b.text, ...(b.fields ?? [])].filter((t) => t?.type === "mrkdwn").map((t) => t!.text);
    if (b.type === "context") return b.elements.filter((t) => t.type === "mrkdwn").map((t) => t.text);
    return [];
  });
}

export async function startSlackReceiver(options: EmulatorOptions = {}): Promise<SlackReceiver> {
  const path = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";
  const accepted: SlackReceiver["accepted"] = [];
  const markup: string[] = [];
  const plain = (status: number, body: string) => ({
    status,
    headers: { "content-type": "text/html" },
    body,
  });
  const emulator = await startEmulator((req) => {
    if (req.method !== "POST" || req.path !== path) return plain(404, "no_service");
    let json: unknown;
    try {
      json = JSON.parse(req.body);
    } catch {
      return plain(400, "invalid_payload");
    }
    const message = SlackWebhookMessage.safeParse(json);
    if (!message.success || (!message.data.text && !message.data.blocks?.length))
      return plain(400, "invalid_payload");
    const blocks = z.array(SlackBlock).safeParse(message.data.blocks ?? []);
    if (!blocks.success) return plain(400, "invalid_blocks");
    for (const text of mrkdwnTexts(blocks.data)) for (const m of text.match(/<[^>]*>/g) ?? []) markup.push(m);
    accepted.push({ ...(message.data.text ? { text: message.data.text } : {}), blocks: blocks.data });
    return plain(200, "ok");
  }, options);
  return Object.assign(emulator, { webhookUrl: `${emulator.url}${path}`, accepted, markup });
}

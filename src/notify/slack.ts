import type { Digest } from "./digest.js";

/**
 * The Slack message: an incoming-webhook POST of `{ text, blocks }` (Block Kit). `text` is what
 * notifications and screen readers show; the blocks are the message. Limits from Slack's Block Kit
 * reference: a message holds at most 50 blocks; a header's plain_text at most 150 characters; a
 * section's text at most 3,000. In mrkdwn, `&`, `<` and `>` must be escaped (`<…>` is link syntax).
 */

export const slackLimits = { blocks: 50, header: 150, sectionText: 3000 } as const;

/** Slack's escaping of the three control characters of its text format. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Tenant lines packed into sections of at most 3,000 characters. */
function tenantSections(d: Digest, room: number): Array<Record<string, unknown>> {
  const sections: string[] = [];
  let current = "";
  let listed = 0;
  for (const t of d.tenants) {
    const line = slackEscape(
      `${t.rank}. *${t.name.replace(/[*_~`]/g, "")}*: ${t.changes}${t.complete ? "" : ` _(${t.coverage})_`}`,
    );
    if (current && current.length + 1 + line.length > slackLimits.sectionText) {
      if (sections.length + 2 > room) break;
      sections.push(current);
      current = "";
    }
    current = current
      ? `${current}\n${clip(line, slackLimits.sectionText)}`
      : clip(line, slackLimits.sectionText);
    listed++;
  }
  if (current) sections.push(current);
  const blocks = sections.map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
  if (listed < d.tenants.length)
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `… and ${d.tenants.length - listed} more tenants in the full report.` },
    });
  return blocks;
}

export function slackMessage(d: Digest): { text: string; blocks: Array<Record<string, unknown>> } {
  const blocks: Array<Record<string, unknown>> = [
    { type: "header", text: { type: "plain_text", text: clip(d.title, slackLimits.header) } },
    {
      type: "section",
      text: { type: "mrkdwn", text: slackEscape(clip(`*${d.lead}*\n${d.details}`, slackLimits.sectionText)) },
    },
  ];
  if (d.notFullyRead.length)
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: slackEscape(
          clip(
            `:warning: Not fully read: ${d.notFullyRead.join(", ")}. Their figures are a lower bound, not a clean result.`,
            slackLimits.sectionText,
          ),
        ),
      },
    });
  if (d.expiredExceptions)
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*${d.expiredExceptions} expired exception${d.expiredExceptions === 1 ? "" : "s"}* need a decision.`,
      },
    });
  if (d.tenants.length) blocks.push({ type: "divider" });
  // Room left for tenant sections, keeping one for the "… more" line.
  for (const b of tenantSections(d, slackLimits.blocks - blocks.length - 1)) blocks.push(b);
  return { text: `${d.title}: ${d.lead}`, blocks };
}

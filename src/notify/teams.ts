import type { Digest } from "./digest.js";

/**
 * The Microsoft Teams message: what a Workflows webhook ("When a Teams webhook request is received", the
 * replacement of the retired Office 365 connectors) posts to a channel. Workflows take Adaptive Cards
 * only (no MessageCard), as one attachment of a message:
 *   { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive",
 *     contentUrl: null, content: { type: "AdaptiveCard", $schema, version, body: [...] } }] }
 * (Microsoft Learn: "Create and send messages" / connectors-using; Teams limits a message to 28 KB.)
 */

export const adaptiveCardType = "application/vnd.microsoft.card.adaptive";
/** Teams renders Adaptive Cards up to 1.5; 1.4 covers every element used here on every Teams client. */
const cardVersion = "1.4";
/** Tenants listed on the card; the rest are counted (the card must stay under 28 KB). */
export const cardTenants = 15;

/**
 * Card text is a Markdown subset: a tenant name like `[click](https://…)` would become a link. Brackets
 * become parentheses so names from a customer's directory stay text.
 */
function cardText(text: string): string {
  return text.replace(/\[/g, "(").replace(/\]/g, ")");
}

export function teamsMessage(d: Digest): Record<string, unknown> {
  const listed = d.tenants.slice(0, cardTenants);
  const body: Array<Record<string, unknown>> = [
    { type: "TextBlock", size: "Large", weight: "Bolder", text: cardText(d.title), wrap: true },
    { type: "TextBlock", weight: "Bolder", text: cardText(d.lead), wrap: true },
    { type: "TextBlock", text: cardText(d.details), wrap: true, spacing: "None" },
  ];
  if (d.notFullyRead.length)
    body.push({
      type: "TextBlock",
      color: "Warning",
      text: cardText(
        `Not fully read: ${d.notFullyRead.join(", ")}. Their figures are a lower bound, not a clean result.`,
      ),
      wrap: true,
    });
  if (d.expiredExceptions)
    body.push({
      type: "TextBlock",
      color: "Attention",
      text: `${d.expiredExceptions} expired exception${d.expiredExceptions === 1 ? "" : "s"} need a decision.`,
      wrap: true,
    });
  if (listed.length)
    body.push({
      type: "FactSet",
      separator: true,
      facts: listed.map((t) => ({
        title: cardText(`${t.rank}. ${t.name}`),
        value: cardText(t.complete ? t.changes : `${t.changes} (${t.coverage})`),
      })),
    });
  if (d.tenants.length > listed.length)
    body.push({
      type: "TextBlock",
      isSubtle: true,
      text: `… and ${d.tenants.length - listed.length} more tenants in the full report (mfasweep report).`,
      wrap: true,
    });
  return {
    type: "message",
    attachments: [
      {
        contentType: adaptiveCardType,
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: cardVersion,
          body,
        },
      },
    ],
  };
}

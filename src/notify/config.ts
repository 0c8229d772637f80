import { z } from "zod";
import { Identifier } from "../config/connection.js";
import { FilePath } from "../config/paths.js";
import { SecretRef } from "../config/secrets.js";

/**
 * `notify:` in the config (issue #24 item 6): where `mfasweep report --send` delivers the weekly summary.
 * Every credential is a reference, and so is every webhook URL: a Teams Workflows or Slack incoming-webhook
 * URL is itself the credential (whoever holds it can post to the channel).
 */

const channelBase = z.strictObject({
  id: Identifier.describe("Names the channel in `report --send --channel ID` and in messages."),
  caBundle: FilePath.optional().describe(
    "PEM file of extra CA certificates (a proxy or relay with its own CA).",
  ),
  timeoutSeconds: z.number().positive().max(600).default(30).describe("Per delivery, connection to answer."),
});

/** An e-mail address, or `Name <address>`; checked loosely here, the SMTP server has the last word. */
const Address = z
  .string()
  .min(3)
  .max(320)
  .regex(/^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, {
    message: "expected an e-mail address (name@example.com or Name <name@example.com>)",
  });

export const SmtpChannel = channelBase.extend({
  type: z.literal("smtp"),
  host: z.string().min(1).describe("The SMTP relay, e.g. smtp.office365.com."),
  port: z.number().int().min(1).max(65535).default(587),
  tls: z
    .enum(["starttls", "implicit"])
    .default("starttls")
    .describe(
      "starttls: plain connection upgraded with STARTTLS, refused when the server does not offer it (port 587); implicit: TLS from the first byte (port 465). There is no unencrypted mode.",
    ),
  auth: z
    .strictObject({
      user: z.string().min(1).describe("The login name, or an env:/file: reference to it."),
      password: SecretRef,
    })
    .optional()
    .describe("Omit only for a relay that admits this host by its address."),
  from: Address.describe("The sender, e.g. 'Northwind IT <mfasweep@northwind.example>'."),
  to: z.array(Address).min(1).max(50),
  subjectPrefix: z.string().max(80).optional().describe("Put before the subject, e.g. [mfasweep]."),
  attach: z
    .enum(["html", "json", "none"])
    .default("html")
    .describe("The full weekly report attached to the mail: html (default), json, or none."),
});
export type SmtpChannel = z.infer<typeof SmtpChannel>;

export const TeamsChannel = channelBase.extend({
  type: z.literal("teams"),
  url: SecretRef.describe(
    "env:/file: reference to the Workflows webhook URL ('When a Teams webhook request is received').",
  ),
});
export type TeamsChannel = z.infer<typeof TeamsChannel>;

export const SlackChannel = channelBase.extend({
  type: z.literal("slack"),
  url: SecretRef.describe("env:/file: reference to the Slack incoming-webhook URL."),
});
export type SlackChannel = z.infer<typeof SlackChannel>;

export const NotifyChannel = z.discriminatedUnion("type", [SmtpChannel, TeamsChannel, SlackChannel]);
export type NotifyChannel = z.infer<typeof NotifyChannel>;

export const NotifyConfig = z
  .array(NotifyChannel)
  .default([])
  .superRefine((channels, ctx) => {
    const seen = new Set<string>();
    channels.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: "custom",
          path: [i, "id"],
          message: `notify channel '${c.id}' is listed twice`,
        });
      seen.add(c.id);
    });
  })
  .describe("Where `mfasweep report --send` delivers the weekly summary: smtp, teams and slack channels.");
export type NotifyConfig = z.infer<typeof NotifyConfig>;

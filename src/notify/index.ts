import { defaultRetryPolicy, type RetryPolicy, realSleep, type Sleep } from "../collect/retry.js";
import { resolveSecret, SecretRef } from "../config/secrets.js";
import { ConfigError, describeError, MfasweepError } from "../errors.js";
import { toWeeklyHtml } from "../export/weekly/html.js";
import type { WeeklySummary } from "../export/weekly/model.js";
import type { NotifyChannel, SmtpChannel } from "./config.js";
import { type Digest, digestOf, digestText } from "./digest.js";
import { digestHtml } from "./mail-html.js";
import { postJson } from "./post.js";
import { slackMessage } from "./slack.js";
import { type MailMessage, sendMail } from "./smtp.js";
import { teamsMessage } from "./teams.js";

/**
 * `mfasweep report --send`: the weekly summary delivered to every `notify:` channel (issue #24 item 6).
 * Each channel is tried on its own: one that fails is reported and the others are still sent. Under
 * `dryRun` nothing is resolved or sent; each channel's exact message is returned with its secrets shown
 * only as their references.
 */

export { NotifyChannel, NotifyConfig } from "./config.js";
export { type Digest, digestOf, digestText } from "./digest.js";
export { NotifyDeliveryError } from "./post.js";
export { slackMessage } from "./slack.js";
export { teamsMessage } from "./teams.js";

export interface DeliverOptions {
  channels: NotifyChannel[];
  /** Only these channel ids (all when absent). */
  only?: string[];
  dryRun?: boolean;
  /** The MSP's name for the title (config `report.msp.name`). */
  msp?: string;
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  sleep?: Sleep;
}

export interface Delivery {
  channel: string;
  type: NotifyChannel["type"];
  outcome: "sent" | "failed" | "dry-run";
  /** What happened (sent: the server's answer; failed: why) or, for a dry run, what would be sent. */
  detail: string;
}

/** The mail for one channel: the digest as HTML with its text version, and the full report attached. */
export function mailFor(summary: WeeklySummary, digest: Digest, channel: SmtpChannel): MailMessage {
  const attachment =
    channel.attach === "none"
      ? undefined
      : channel.attach === "json"
        ? {
            filename: `mfasweep-weekly-${digest.date}.json`,
            contentType: "application/json",
            content: `${JSON.stringify(summary, null, 2)}\n`,
          }
        : {
            filename: `mfasweep-weekly-${digest.date}.html`,
            contentType: "text/html; charset=utf-8",
            content: toWeeklyHtml(summary),
          };
  const named = attachment ? { attachment: attachment.filename } : {};
  return {
    subject: digest.title,
    text: digestText(digest, named),
    html: digestHtml(digest, named),
    ...(attachment ? { attachment } : {}),
  };
}

function dryRunMail(channel: SmtpChannel, mail: MailMessage): string {
  const auth = channel.auth
    ? `login ${SecretRef.safeParse(channel.auth.user).success ? `[secret ${channel.auth.user}]` : channel.auth.user}, password [secret ${channel.auth.password}]`
    : "no login";
  return [
    `SMTP ${channel.host}:${channel.port} (${channel.tls === "starttls" ? "STARTTLS required" : "implicit TLS"}), ${auth}`,
    `From: ${channel.from}`,
    `To: ${channel.to.join(", ")}`,
    `Subject: ${channel.subjectPrefix ? `${channel.subjectPrefix} ` : ""}${mail.subject}`,
    mail.attachment
      ? `Attachment: ${mail.attachment.filename} (${mail.attachment.contentType}, ${Buffer.byteLength(mail.attachment.content).toLocaleString("en-US")} bytes)`
      : "Attachment: none",
    `HTML part: ${Buffer.byteLength(mail.html).toLocaleString("en-US")} bytes; text part:`,
    "",
    mail.text.trimEnd(),
  ].join("\n");
}

async function deliverOne(
  summary: WeeklySummary,
  digest: Digest,
  channel: NotifyChannel,
  options: DeliverOptions,
): Promise<Delivery> {
  const base = { channel: channel.id, type: channel.type };
  const env = options.env ?? process.env;
  const retry = options.retry ?? { ...defaultRetryPolicy, maxRetries: 3 };
  const sleep = options.sleep ?? realSleep;
  const secret = async (ref: string) => {
    try {
      return await resolveSecret(ref, { env });
    } catch (err) {
      throw new ConfigError(
        `notify channel '${channel.id}': ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  if (channel.type === "smtp") {
    const mail = mailFor(summary, digest, channel);
    if (options.dryRun) return { ...base, outcome: "dry-run", detail: dryRunMail(channel, mail) };
    const credentials = channel.auth
      ? {
          user: SecretRef.safeParse(channel.auth.user).success
            ? (await secret(channel.auth.user)).reveal()
            : channel.auth.user,
          password: await secret(channel.auth.password),
        }
      : undefined;
    const sent = await sendMail(channel, mail, credentials);
    return {
      ...base,
      outcome: "sent",
      detail: `${sent.accepted} recipient${sent.accepted === 1 ? "" : "s"} accepted (${sent.response})`,
    };
  }
  const payload = channel.type === "teams" ? teamsMessage(digest) : slackMessage(digest);
  if (options.dryRun)
    return {
      ...base,
      outcome: "dry-run",
      detail: `POST [secret ${channel.url}] (application/json):\n${JSON.stringify(payload, null, 2)}`,
    };
  const url = await secret(channel.url);
  const posted = await postJson({
    what: `${channel.type} channel '${channel.id}'`,
    url,
    payload,
    timeoutSeconds: channel.timeoutSeconds,
    ...(channel.caBundle ? { caBundle: channel.caBundle } : {}),
    retry,
    sleep,
    // Workflows answer 202 Accepted; Slack answers 200 with the body "ok".
    accepted:
      channel.type === "teams"
        ? (status) => status === 200 || status === 202
        : (status, body) => status === 200 && body.trim() === "ok",
  });
  return { ...base, outcome: "sent", detail: `HTTP ${posted.status}` };
}

export async function deliverWeeklySummary(
  summary: WeeklySummary,
  options: DeliverOptions,
): Promise<Delivery[]> {
  const known = new Set(options.channels.map((c) => c.id));
  const unknown = (options.only ?? []).filter((id) => !known.has(id));
  if (unknown.length)
    throw new ConfigError(
      `no notify channel ${unknown.map((id) => `'${id}'`).join(", ")} (configured: ${[...known].join(", ") || "none"})`,
    );
  const chosen = options.channels.filter((c) => !options.only?.length || options.only.includes(c.id));
  if (chosen.length === 0)
    throw new ConfigError("report --send: the config has no notify: channels (smtp, teams or slack)");
  const digest = digestOf(summary, options.msp ? { msp: options.msp } : {});
  const out: Delivery[] = [];
  for (const channel of chosen) {
    try {
      out.push(await deliverOne(summary, digest, channel, options));
    } catch (err) {
      // The message names the channel already (and the host, for mail); no class name for the reader.
      const message = err instanceof MfasweepError ? err.message : describeError(err);
      out.push({ channel: channel.id, type: channel.type, outcome: "failed", detail: message });
    }
  }
  return out;
}

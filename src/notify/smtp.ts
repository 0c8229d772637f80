import { rootCertificates } from "node:tls";
import { readCaBundle } from "../collect/transport.js";
import type { Secret } from "../config/secrets.js";
import { ProviderAuthError, ProviderUnavailableError } from "../errors.js";
import type { SmtpChannel } from "./config.js";
import { NotifyDeliveryError } from "./post.js";

/**
 * Mail through the MSP's relay with nodemailer. Never in clear text: `starttls` requires the upgrade
 * (nodemailer's requireTLS fails the send when the server does not offer STARTTLS) and `implicit` speaks
 * TLS from the first byte; certificates are verified against the system roots plus `caBundle`.
 */

export interface MailMessage {
  subject: string;
  text: string;
  html: string;
  attachment?: { filename: string; contentType: string; content: string };
}

export interface SmtpCredentials {
  user: string;
  password: Secret;
}

/** nodemailer's error codes, in words; the server's own reply is kept (it never carries the password). */
const codeWords: Record<string, string> = {
  EAUTH: "the server refused the login",
  ETLS: "the TLS handshake or STARTTLS upgrade failed",
  ECONNECTION: "could not connect",
  ETIMEDOUT: "no answer in time",
  ESOCKET: "the connection failed",
  EENVELOPE: "the server refused the sender or a recipient",
  EMESSAGE: "the server refused the message",
  EDNS: "the host name could not be resolved",
};

export async function sendMail(
  channel: SmtpChannel,
  message: MailMessage,
  credentials: SmtpCredentials | undefined,
): Promise<{ accepted: number; response: string }> {
  const what = `smtp channel '${channel.id}' (${channel.host}:${channel.port}, ${channel.tls === "starttls" ? "STARTTLS" : "TLS"})`;
  const ca = channel.caBundle ? [...rootCertificates, readCaBundle(channel.caBundle)] : undefined;
  const ms = channel.timeoutSeconds * 1000;
  // Loaded when mail is sent, not at every CLI start.
  const { createTransport } = await import("nodemailer");
  const transport = createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.tls === "implicit",
    requireTLS: channel.tls === "starttls",
    tls: { minVersion: "TLSv1.2", rejectUnauthorized: true, ...(ca ? { ca } : {}) },
    connectionTimeout: ms,
    greetingTimeout: ms,
    socketTimeout: ms,
    dnsTimeout: ms,
    logger: false,
    debug: false,
    ...(credentials ? { auth: { user: credentials.user, pass: credentials.password.reveal() } } : {}),
  });
  const redact = (text: string) =>
    credentials ? text.split(credentials.password.reveal()).join("[redacted]") : text;
  try {
    const info = await transport.sendMail({
      from: channel.from,
      to: channel.to,
      subject: `${channel.subjectPrefix ? `${channel.subjectPrefix} ` : ""}${message.subject}`,
      text: message.text,
      html: message.html,
      // RFC 3834: an automatic message; out-of-office replies are not sent back to it.
      headers: { "Auto-Submitted": "auto-generated" },
      ...(message.attachment ? { attachments: [message.attachment] } : {}),
    });
    const accepted = Array.isArray(info.accepted) ? info.accepted.length : 0;
    if (accepted === 0) throw new NotifyDeliveryError(`${what}: the server accepted no recipient`);
    return { accepted, response: redact(String(info.response ?? "")) };
  } catch (err) {
    if (err instanceof NotifyDeliveryError) throw err;
    const e = err as { code?: unknown; response?: unknown; message?: unknown };
    const code = typeof e.code === "string" ? e.code : undefined;
    const reply =
      typeof e.response === "string" ? e.response : typeof e.message === "string" ? e.message : "";
    const detail = `${code ? `${codeWords[code] ?? code}` : "failed"}${reply ? `: ${redact(reply.replace(/\s+/g, " ").trim()).slice(0, 200)}` : ""}`;
    if (code === "EAUTH") throw new ProviderAuthError(`${what}: ${detail}`);
    if (
      code === "ECONNECTION" ||
      code === "ETIMEDOUT" ||
      code === "ESOCKET" ||
      code === "EDNS" ||
      code === "ETLS"
    )
      throw new ProviderUnavailableError(`${what}: ${detail}`);
    throw new NotifyDeliveryError(`${what}: ${detail}`);
  } finally {
    transport.close();
  }
}

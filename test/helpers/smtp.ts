import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { generate } from "selfsigned";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server on loopback (the `smtp-server` package): STARTTLS with a throwaway certificate (or
 * implicit TLS, or none offered), AUTH PLAIN/LOGIN only after TLS (the package's default), one login.
 * What it receives is parsed with `mailparser`, so a test checks the message a mail client would see.
 */

export interface ReceivedMail {
  /** The connection was TLS when the message was sent. */
  secure: boolean;
  user: string | undefined;
  from: string | undefined;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  /** PEM of the server's certificate, to trust as caBundle. */
  ca: string;
  received: ReceivedMail[];
  /** Logins refused. */
  refusedLogins: number;
  close(): Promise<void>;
}

export async function startSmtpServer(
  options: { user?: string; password?: string; mode?: "starttls" | "implicit" | "no-starttls" } = {},
): Promise<TestSmtpServer> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    algorithm: "sha256",
    keySize: 2048,
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  const user = options.user ?? "mailer@msp.example";
  const password = options.password ?? "correct horse battery staple";
  const mode = options.mode ?? "starttls";
  const received: ReceivedMail[] = [];
  const state = { refusedLogins: 0 };
  const server = new SMTPServer({
    secure: mode === "implicit",
    hideSTARTTLS: mode === "no-starttls",
    ...(mode === "no-starttls" ? { disabledCommands: ["STARTTLS"] } : {}),
    key: pems.private,
    cert: pems.cert,
    logger: false,
    disableReverseLookup: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      state.refusedLogins++;
      return callback(new Error("535 5.7.8 Authentication credentials invalid"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              secure: session.secure,
              user: typeof session.user === "string" ? session.user : undefined,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    ca: pems.cert,
    received,
    get refusedLogins() {
      return state.refusedLogins;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

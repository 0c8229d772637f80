import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { NodeSSH } from "node-ssh";
import { sshdSandboxUnavailable } from "./sshd-sandbox.js";

/** Helpers for tests that drive a real OpenSSH: TOTP codes, a login client, sshd processes. */

/** RFC 4648 base32 (no padding needed). */
export function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.replace(/=+$/, "").toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), as google-authenticator computes it. */
export function totp(secretBase32: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, "0");
}

export type LoginStep =
  | { type: "publickey"; key: string }
  | { type: "password"; password: string }
  | { type: "keyboard-interactive"; answer: (prompts: string[]) => string[] };

export interface LoginResult {
  ok: boolean;
  /** Every keyboard-interactive prompt the server sent. */
  prompts: string[];
  /** Methods the server still offered when a step failed or ran out. */
  methodsLeft?: string[];
  error?: string;
}

/**
 * Logs in with exactly these steps, in order, through ssh2 (via node-ssh). The login succeeds only if
 * the server accepts the steps given: a step that fails, or a server that wants more, ends it.
 */
export async function tryLogin(options: {
  port: number;
  user: string;
  steps: LoginStep[];
  localAddress?: string;
}): Promise<LoginResult> {
  const prompts: string[] = [];
  let step = 0;
  let methodsLeft: string[] | undefined;
  const ssh = new NodeSSH();
  const authHandler = (left: string[] | null, partial: boolean | null, callback: (next: unknown) => void) => {
    if (left) methodsLeft = left;
    if (step > 0 && partial !== true) return callback(false);
    const s = options.steps[step++];
    if (!s) return callback(false);
    if (s.type === "publickey") return callback({ type: "publickey", username: options.user, key: s.key });
    if (s.type === "password")
      return callback({ type: "password", username: options.user, password: s.password });
    return callback({
      type: "keyboard-interactive",
      username: options.user,
      prompt: (
        _name: string,
        _instructions: string,
        _lang: string,
        asked: Array<{ prompt: string }>,
        finish: (answers: string[]) => void,
      ) => {
        const texts = asked.map((p) => p.prompt);
        prompts.push(...texts);
        finish(s.answer(texts));
      },
    });
  };
  try {
    await ssh.connect({
      host: "127.0.0.1",
      port: options.port,
      username: options.user,
      authHandler,
      readyTimeout: 20_000,
      hostVerifier: () => true,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    // Logged in: the last step the server asked for is done.
    const ok = step === options.steps.length;
    return { ok, prompts, ...(methodsLeft ? { methodsLeft } : {}) };
  } catch (err) {
    return { ok: false, prompts, ...(methodsLeft ? { methodsLeft } : {}), error: (err as Error).message };
  } finally {
    ssh.dispose();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningSshd {
  port: number;
  process: ChildProcess;
  /** What sshd logged (it runs with -e), for failure messages. */
  log: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `sshd -D -e -f config` and resolves once it logs that it is listening. `wrap` turns the argv
 * into the one to spawn (the real-sshd tests run sshd inside their private mount namespace); it must
 * exec sshd so that the spawned process is sshd itself.
 */
export function startSshd(
  config: string,
  port: number,
  wrap: (argv: string[]) => string[] = (argv) => argv,
): Promise<RunningSshd> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = wrap(["/usr/sbin/sshd", "-D", "-e", "-f", config]);
    const child = spawn(command!, args, {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    let settled = false;
    const running: RunningSshd = {
      port,
      process: child,
      log: () => log,
      stop: () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
    };
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (!settled && /Server listening on/.test(log)) {
        settled = true;
        resolve(running);
      }
    });
    child.once("exit", (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`sshd exited with ${code} before listening:\n${log}`));
      }
    });
  });
}

/** Why real-sshd tests cannot run here, or undefined when they can. */
export function realSshdUnavailable(): string | undefined {
  if (!existsSync("/usr/sbin/sshd"))
    return "/usr/sbin/sshd is not installed (apt-get install openssh-server)";
  if (process.getuid?.() !== 0) return "these tests start sshd in a private mount namespace: they need root";
  if (
    !existsSync("/lib/x86_64-linux-gnu/security/pam_google_authenticator.so") &&
    !existsSync("/usr/lib/x86_64-linux-gnu/security/pam_google_authenticator.so")
  )
    return "libpam-google-authenticator is not installed";
  return sshdSandboxUnavailable();
}

export function sh(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, { encoding: "utf8", ...(input !== undefined ? { input } : {}) });
}

/** `SHA256:…` of a public key file, as OpenSSH prints it. */
export function opensshFingerprint(pubFile: string): string {
  return sh("ssh-keygen", ["-l", "-f", pubFile]).split(/\s+/)[1]!;
}

import { readFile, stat } from "node:fs/promises";
import { inspect } from "node:util";
import { z } from "zod";
import { SecretError } from "../errors.js";
import { configPath } from "./paths.js";

/** A secret in the config is only ever a reference: `env:NAME` or `file:PATH`. */
export const SecretRef = z
  .string()
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/, { message: "expected env:NAME or file:PATH" })
  // A relative file: is next to the config file, not in whatever directory mfasweep was started from.
  .transform((ref) => (ref.startsWith("file:") ? `file:${configPath(ref.slice(5))}` : ref))
  .describe("A secret reference: env:NAME or file:PATH. Never the secret itself.");
export type SecretRef = z.infer<typeof SecretRef>;

/**
 * A resolved secret. It prints as `[secret env:NAME]` everywhere (String(), JSON, util.inspect), so a
 * secret cannot reach logs or output by accident; `reveal()` is the one way to read it.
 */
export class Secret {
  readonly #value: string;
  constructor(
    value: string,
    readonly ref: string,
  ) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return `[secret ${this.ref}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

export interface SecretResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Called when a secret file is readable by group or others. */
  warn?: (message: string) => void;
  /** Defaults to this machine's; tests set it. */
  platform?: NodeJS.Platform;
}

/**
 * Whether a file's mode bits say who may read it. On Windows, Node reports modes made up from the
 * read-only flag (0o666 for every writable file) while access is decided by ACLs: a warning there would
 * fire on every secret file and mean nothing (issue #23 item 10).
 */
export function modesMeanSomething(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== "win32";
}

export async function resolveSecret(ref: string, options: SecretResolveOptions = {}): Promise<Secret> {
  const env = options.env ?? process.env;
  if (ref.startsWith("env:")) {
    const name = ref.slice(4);
    const value = env[name];
    if (value === undefined || value === "")
      throw new SecretError(`environment variable ${name} is not set (${ref})`);
    return new Secret(value, ref);
  }
  if (ref.startsWith("file:")) {
    const path = ref.slice(5);
    let text: string;
    try {
      const info = await stat(path);
      // A FIFO would block the read until someone writes to it (a hang), a device would stream forever.
      if (!info.isFile())
        throw new SecretError(
          `secret file ${path} is not a regular file (a FIFO, device or directory); refused, not read`,
        );
      if (modesMeanSomething(options.platform) && (info.mode & 0o077) !== 0) {
        options.warn?.(`secret file ${path} is readable by group or others; chmod 600 it`);
      }
      text = await readFile(path, "utf8");
    } catch (err) {
      if (err instanceof SecretError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      throw new SecretError(`cannot read secret file ${path} (${code})`);
    }
    const value = text.replace(/\r?\n$/, "");
    if (value === "") throw new SecretError(`secret file ${path} is empty`);
    return new Secret(value, ref);
  }
  throw new SecretError(`not a secret reference: expected env:NAME or file:PATH`);
}

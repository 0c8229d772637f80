import { z } from "zod";
import { defineFactKind } from "./kind.js";

/** Per SSH host: whether root can log in, per source of logins (sshd's PermitRootLogin). */
export const SshRootLogin = z.object({
  entryPoint: z.string(),
  host: z.string(),
  /** Whether the root account (uid 0) could log in at all: it has a login shell. */
  rootAccount: z.enum(["login-shell", "no-login-shell", "not-found", "unknown"]),
  sources: z.array(
    z.object({
      source: z.string(),
      /** Effective PermitRootLogin for root from this source; null when it could not be read. */
      permitRootLogin: z.enum(["yes", "prohibit-password", "forced-commands-only", "no"]).nullable(),
      /** Root's access path from this source, when root can log in from it. */
      accessPath: z.string().nullable(),
    }),
  ),
});
export type SshRootLogin = z.infer<typeof SshRootLogin>;

/** Per SSH host: where PermitEmptyPasswords is yes, and which accounts have an empty password. */
export const SshEmptyPasswords = z.object({
  entryPoint: z.string(),
  host: z.string(),
  /** Where PermitEmptyPasswords is yes: per principal (null: the global configuration) and source. */
  permitted: z.array(z.object({ principal: z.string().nullable(), source: z.string() })),
  /** Configurations that could not be read. */
  notKnown: z.array(z.string()),
  /** Accounts whose password is empty (`passwd -S` NP); null when not read. */
  emptyPasswordAccounts: z.array(z.string()).nullable(),
});
export type SshEmptyPasswords = z.infer<typeof SshEmptyPasswords>;

/** One per host read; a connection holds at least one host. */
export const sshRootLogin = defineFactKind({
  name: "ssh-root-login",
  sources: ["ssh"],
  schema: SshRootLogin,
  presence: { every: "connection" },
});

/** One per host read; a connection holds at least one host. */
export const sshEmptyPasswords = defineFactKind({
  name: "ssh-empty-passwords",
  sources: ["ssh"],
  schema: SshEmptyPasswords,
  presence: { every: "connection" },
});

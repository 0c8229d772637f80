import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";
import { SecretRef } from "../../src/config/secrets.js";
import { Fingerprint, posixUserName } from "./api.js";
import { parseCidr } from "./sshd-config.js";

/** An SSH connection in `mfasweep.yaml`: hosts reached with a read-only audit account, or a snapshot directory. */

const AbsolutePath = z.string().regex(/^\/[^\0\n]*$/, { message: "expected an absolute path" });

export const SshHostSettings = z.strictObject({
  host: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]+$/, { message: "expected a host name or IP address" })
    .describe("Host name or IP address to connect to."),
  port: z.number().int().min(1).max(65535).default(22),
  name: z
    .string()
    .min(1)
    .optional()
    .describe("Display name of the entry point (default: host, or host:port)."),
  hostKey: z
    .union([Fingerprint, z.array(Fingerprint).min(1)])
    .optional()
    .describe("Pinned host key fingerprint(s), as `ssh-keygen -lf` prints them (SHA256:…)."),
  knownHosts: FilePath.optional().describe(
    "known_hosts file holding this host's key (overrides the connection's).",
  ),
  sshdConfig: AbsolutePath.default("/etc/ssh/sshd_config").describe(
    "sshd_config path on the host (passed to sshd -T -f).",
  ),
  sshdPath: AbsolutePath.default("/usr/sbin/sshd").describe("Path of the sshd binary on the host."),
  pamService: AbsolutePath.default("/etc/pam.d/sshd").describe("PAM service file sshd uses."),
});
export type SshHostSettings = z.infer<typeof SshHostSettings>;

export const SshSettings = connectionBase
  .extend({
    type: z.literal("ssh"),
    hosts: z.array(SshHostSettings).min(1).optional().describe("Hosts to read over SSH."),
    snapshotDir: FilePath.optional().describe(
      "Config-only mode: a directory with one saved snapshot per host (see the provider README).",
    ),
    username: z
      .string()
      .regex(posixUserName, { message: "expected a POSIX user name" })
      .optional()
      .describe("The read-only audit account on every host."),
    auth: z
      .discriminatedUnion("method", [
        z.strictObject({
          method: z.literal("private-key"),
          privateKey: SecretRef.describe("The audit account's private key (OpenSSH or PEM)."),
          passphrase: SecretRef.optional().describe("Passphrase of the private key, if it has one."),
        }),
        z.strictObject({
          method: z.literal("password"),
          password: SecretRef.describe("The audit account's password."),
        }),
      ])
      .optional(),
    sudo: z
      .boolean()
      .default(false)
      .describe("Run the read-only commands through `sudo -n` (sshd -T needs root)."),
    knownHosts: FilePath.optional().describe(
      "known_hosts file with the hosts' keys; trust-on-first-use records new keys here.",
    ),
    trustOnFirstUse: z
      .boolean()
      .default(false)
      .describe(
        "Accept and record the key of a host that has none pinned or recorded. A changed key is still refused.",
      ),
    sources: z
      .array(
        z
          .string()
          .refine((s) => parseCidr(s) !== undefined, { message: "expected an address or CIDR block" }),
      )
      .default([])
      .describe("Extra source ranges to evaluate besides those named in Match blocks (e.g. your VPN pool)."),
    concurrency: z.number().int().min(1).max(32).default(4).describe("Hosts read at once."),
  })
  .superRefine((s, ctx) => {
    if (!s.hosts === !s.snapshotDir) {
      ctx.addIssue({
        code: "custom",
        message: "set either hosts (read over SSH) or snapshotDir (config-only), not both",
        path: ["hosts"],
      });
      return;
    }
    if (s.snapshotDir) return;
    if (!s.username)
      ctx.addIssue({
        code: "custom",
        message: "hosts need the audit account's username",
        path: ["username"],
      });
    if (!s.auth)
      ctx.addIssue({ code: "custom", message: "hosts need auth (private-key or password)", path: ["auth"] });
    s.hosts?.forEach((h, i) => {
      if (!h.hostKey && !h.knownHosts && !s.knownHosts) {
        ctx.addIssue({
          code: "custom",
          message: "pin the host key (hostKey) or name a knownHosts file; keys are never accepted blindly",
          path: ["hosts", i, "hostKey"],
        });
      }
    });
    if (s.trustOnFirstUse && !s.knownHosts && s.hosts?.some((h) => !h.knownHosts)) {
      ctx.addIssue({
        code: "custom",
        message: "trustOnFirstUse records keys in a file: set knownHosts",
        path: ["knownHosts"],
      });
    }
  });
export type SshSettings = z.infer<typeof SshSettings>;

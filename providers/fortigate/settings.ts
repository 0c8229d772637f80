import { z } from "zod";
import { RadiusMfaSettings } from "../../src/collect/vpn.js";
import { httpConnectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A FortiGate connection: the REST API with a token, or a configuration backup file. */
export const FortiGateSettings = httpConnectionBase
  .extend({
    type: z.literal("fortigate"),
    name: z.string().min(1).optional().describe("Display name of the gateway (default: the host or file)."),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.:[\]-]+$/, { message: "expected a host name or address (and :port)" })
      .optional()
      .describe("API mode: the FortiGate's management address (https, default port 443)."),
    vdoms: z.array(z.string().min(1)).min(1).default(["root"]).describe("API mode: VDOMs to read."),
    backupFile: FilePath.optional().describe(
      "Backup mode: a configuration backup (`show full-configuration` preferred; in plain `show`, a missing setting is its default, which is judged only where the default is confirmed).",
    ),
    radiusMfa: RadiusMfaSettings,
    auth: z
      .strictObject({
        method: z.literal("api-token"),
        token: SecretRef.describe("REST API admin token with a read-only admin profile."),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.host === !s.backupFile && !s.endpoint)
      ctx.addIssue({
        code: "custom",
        message: "set either host (REST API) or backupFile (configuration backup)",
        path: ["host"],
      });
    if ((s.host || s.endpoint) && !s.backupFile && !s.auth)
      ctx.addIssue({ code: "custom", message: "the REST API needs auth (api-token)", path: ["auth"] });
  });
export type FortiGateSettings = z.infer<typeof FortiGateSettings>;

import { z } from "zod";
import { RadiusMfaSettings } from "../../src/collect/vpn.js";
import { httpConnectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A Palo Alto GlobalProtect connection: the PAN-OS XML API with an API key, or a configuration export. */
export const GlobalProtectSettings = httpConnectionBase
  .extend({
    type: z.literal("globalprotect"),
    name: z.string().min(1).optional().describe("Display name of the firewall (default: the host or file)."),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.:[\]-]+$/, { message: "expected a host name or address (and :port)" })
      .optional()
      .describe("API mode: the firewall's management address (https)."),
    configFile: FilePath.optional().describe(
      "Export mode: a configuration export (Device > Setup > Operations > Export named configuration).",
    ),
    portalAddress: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The GlobalProtect portal's FQDN as users reach it: SAML apps name the firewall by https://<portal>:443/SAML20/SP, which is not in the config.",
      ),
    samlSpEntityId: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The SP entity id (Audience URI) the IdP's app uses, when it is not https://<portalAddress>:443/SAML20/SP.",
      ),
    radiusMfa: RadiusMfaSettings,
    auth: z
      .strictObject({
        method: z.literal("api-key"),
        key: SecretRef.describe(
          "API key of an administrator with a read-only role (XML API: Configuration).",
        ),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.configFile && !s.host && !s.endpoint)
      ctx.addIssue({ code: "custom", message: "set host (XML API) or configFile (export)", path: ["host"] });
    if (!s.configFile && !s.auth)
      ctx.addIssue({ code: "custom", message: "the XML API needs auth (api-key)", path: ["auth"] });
  });
export type GlobalProtectSettings = z.infer<typeof GlobalProtectSettings>;

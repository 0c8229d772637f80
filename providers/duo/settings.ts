import { z } from "zod";
import { httpConnectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A Duo account's Admin API in `mfasweep.yaml`. */
export const DuoSettings = httpConnectionBase.extend({
  type: z.literal("duo"),
  apiHost: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, "a host name such as api-xxxxxxxx.duosecurity.com")
    .transform((h) => h.toLowerCase())
    .describe(
      "The account's API hostname (api-xxxxxxxx.duosecurity.com), from the Admin API application; it is also part of every signature.",
    ),
  auth: z.strictObject({
    method: z.literal("hmac"),
    integrationKey: SecretRef.describe(
      "env:NAME or file:PATH of the Admin API application's integration key.",
    ),
    secretKey: SecretRef.describe("env:NAME or file:PATH of the Admin API application's secret key."),
  }),
  authProxies: z
    .array(
      z.strictObject({
        file: FilePath.describe("A copy of the proxy's conf/authproxy.cfg."),
        host: z
          .string()
          .min(1)
          .describe("The address gateways use to reach this proxy (their RADIUS/LDAP server address)."),
      }),
    )
    .default([])
    .describe("Duo Authentication Proxy configurations to judge (failmode, exempted OUs, RADIUS clients)."),
  windowsLogon: z
    .array(
      z.strictObject({
        file: FilePath.describe(
          "A registry export (reg export) of HKLM\\SOFTWARE\\Duo Security\\DuoCredProv and, if a GPO manages Duo, HKLM\\SOFTWARE\\Policies\\Duo Security\\DuoCredProv.",
        ),
        host: z.string().min(1).describe("The Windows host (or GPO) the export is from."),
      }),
    )
    .default([])
    .describe("Duo for Windows Logon settings to judge (FailOpen, OfflineAvailable)."),
});
export type DuoSettings = z.infer<typeof DuoSettings>;

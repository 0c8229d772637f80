import { z } from "zod";
import { SsoSettings } from "../../src/collect/sso.js";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A BeyondTrust Remote Support (or Privileged Remote Access) site in `mfasweep.yaml`. */
export const BeyondTrustSettings = httpConnectionBase.extend({
  type: z.literal("beyondtrust"),
  site: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*(:\d+)?$/i, { message: "expected a host name such as support.example.com" })
    .describe(
      "Hostname of the B Series appliance or cloud site, e.g. support.example.com (`endpoint` overrides the URL).",
    ),
  product: z
    .enum(["remote-support", "privileged-remote-access"])
    .default("remote-support")
    .describe("Which BeyondTrust product the site runs (names the entry point)."),
  perPage: z.number().int().min(1).max(100).default(100).describe("Users per page."),
  sso: SsoSettings.optional(),
  auth: z.strictObject({
    method: z.literal("client-credentials"),
    clientId: z.string().min(1).describe("OAuth client id of a BeyondTrust API account."),
    clientSecret: SecretRef.describe("env:NAME or file:PATH of the API account's OAuth client secret."),
  }),
});
export type BeyondTrustSettings = z.infer<typeof BeyondTrustSettings>;

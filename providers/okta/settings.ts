import { z } from "zod";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";
import { allOktaScopes, orgConcurrencyLimit, rateLimitTiers } from "./api.js";

/** An Okta connection in `mfasweep.yaml`. */
export const OktaSettings = httpConnectionBase.extend({
  type: z.literal("okta"),
  orgUrl: z
    .url({ protocol: /^https$/ })
    .describe(
      "The org's URL, e.g. https://contoso.okta.com (names the quota domain; `endpoint` overrides where requests go).",
    ),
  rateLimitTier: z
    .enum(rateLimitTiers)
    .default("paid")
    .describe(
      "The org's rate-limit tier: developer, paid, one-app, enterprise or workforce. Sets the per-minute pace per endpoint group; the default is the conservative paid column.",
    ),
  maxConcurrency: z
    .number()
    .int()
    .min(1)
    .max(orgConcurrencyLimit - 1)
    .default(16)
    .describe(
      "Requests in flight at once against this org. Okta allows 75 per org, shared with every other integration of the customer.",
    ),
  customerAccessGroups: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "In the MSP's own tenant (role: msp): ids of the Okta groups whose members reach customers (delegated admin, RMM access). They are held to phishing-resistant MFA.",
    ),
  auth: z.discriminatedUnion("method", [
    z.strictObject({
      method: z.literal("api-token"),
      token: SecretRef.describe("An API token (SSWS) created by a Read-Only Administrator."),
    }),
    z.strictObject({
      method: z.literal("private-key"),
      clientId: z.string().min(1).describe("Client id of the API service app."),
      keyId: z.string().optional().describe("`kid` of the app's public key, when it has several."),
      privateKey: SecretRef.describe("The service app's private key: PEM or JWK JSON."),
      scopes: z
        .array(z.string())
        .min(1)
        .default(allOktaScopes)
        .describe("OAuth scopes to request; the read-only scopes mfasweep needs by default."),
    }),
  ]),
});
export type OktaSettings = z.infer<typeof OktaSettings>;

import { z } from "zod";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";

/**
 * Microsoft clouds: Graph root and the Entra sign-in (token) host of each (learn.microsoft.com/graph/
 * deployments; the Graph hosts are the ones graph-client 3.0.7 treats as Graph in `GRAPH_URLS`).
 */
export const clouds = {
  global: { graph: "https://graph.microsoft.com", login: "https://login.microsoftonline.com" },
  usgov: { graph: "https://graph.microsoft.us", login: "https://login.microsoftonline.us" },
  "usgov-dod": { graph: "https://dod-graph.microsoft.us", login: "https://login.microsoftonline.us" },
  china: { graph: "https://microsoftgraph.chinacloudapi.cn", login: "https://login.chinacloudapi.cn" },
} as const;
export type Cloud = keyof typeof clouds;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const tenantId = z
  .string()
  .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]*\.[a-z]{2,})$/i, {
    message: "expected the directory (tenant) id GUID or a verified domain",
  });

const clientId = z
  .string()
  .regex(guid, { message: "expected the application (client) id GUID" })
  .describe("Application (client) id of the app registration, consented in this customer tenant.");

/** A Microsoft Entra ID connection in `mfasweep.yaml`. */
export const EntraSettings = httpConnectionBase.extend({
  type: z.literal("entra"),
  tenantId: tenantId.describe("The customer's directory (tenant) id, or one of its verified domains."),
  cloud: z
    .enum(["global", "usgov", "usgov-dod", "china"])
    .default("global")
    .describe("Microsoft cloud: sets the Graph and sign-in hosts. `endpoint`/`authorityHost` override them."),
  authorityHost: z
    .url({ protocol: /^https$/ })
    .optional()
    .describe("Override of the Entra sign-in host for token requests (MSAL accepts https only)."),
  registrationFallback: z
    .enum(["auto", "none", "authentication-methods"])
    .default("auto")
    .describe(
      "Without Entra ID P1 the registration report is refused; 'auto' (default; 'authentication-methods' is the same) then reads each user's methods through JSON batching (5 users per $batch, paced at the reports limits of 5 per 10 s per tenant and 122 per 10 s across tenants; needs UserAuthenticationMethod.Read.All); 'none' leaves registration unknown.",
    ),
  readPerUserMfa: z
    .boolean()
    .default(false)
    .describe("Read legacy per-user MFA state (beta API, one call per user)."),
  breakGlassAccounts: z
    .array(z.string().min(1))
    .default([])
    .describe("UPNs or object ids of emergency-access accounts; they must have a phishing-resistant method."),
  customerAccessGroups: z
    .array(z.string().regex(guid, { message: "expected a group object id GUID" }))
    .default([])
    .describe(
      "In the MSP's own tenant (role: msp): object ids of the security groups used for GDAP / delegated admin. Their members reach customers and are held to phishing-resistant MFA.",
    ),
  auth: z.discriminatedUnion("method", [
    z.strictObject({
      method: z.literal("client-secret"),
      clientId,
      secret: SecretRef.describe("The app registration's client secret."),
    }),
    z.strictObject({
      method: z.literal("client-certificate"),
      clientId,
      certificate: SecretRef.describe("PEM with the certificate and its private key."),
      sendCertificateChain: z
        .boolean()
        .default(false)
        .describe("Send x5c (subject name/issuer authentication)."),
    }),
    z.strictObject({
      method: z.literal("access-token"),
      token: SecretRef.describe("A Graph access token minted elsewhere (for the chosen cloud's Graph)."),
    }),
  ]),
});
export type EntraSettings = z.infer<typeof EntraSettings>;

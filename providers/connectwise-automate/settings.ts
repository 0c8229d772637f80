import { z } from "zod";
import { SsoSettings } from "../../src/collect/sso.js";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";
import { maxPageSize } from "./api.js";

/** A ConnectWise Automate connection in `mfasweep.yaml`. */
export const ConnectWiseAutomateSettings = httpConnectionBase.extend({
  type: z.literal("connectwise-automate"),
  server: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*(:\d+)?$/i, { message: "expected a host name such as rancor.hostedrmm.com" })
    .describe("Automate server host, e.g. rancor.hostedrmm.com (`endpoint` overrides the URL)."),
  clientId: z
    .string()
    .min(1)
    .describe(
      "Your ConnectWise partner client id (developer.connectwise.com/ClientID); sent as the clientId header.",
    ),
  pageSize: z.number().int().min(1).max(maxPageSize).default(500).describe("Users per page (at most 1000)."),
  sso: SsoSettings.optional(),
  auth: z.discriminatedUnion("method", [
    z.strictObject({
      method: z.literal("credentials"),
      username: z
        .string()
        .min(1)
        .describe("An Automate user for the API (an integrator user needs no 2FA passcode)."),
      password: SecretRef.describe("env:NAME or file:PATH of that user's password."),
    }),
    z.strictObject({
      method: z.literal("token"),
      token: SecretRef.describe("env:NAME or file:PATH of an Automate API bearer token minted elsewhere."),
    }),
  ]),
});
export type ConnectWiseAutomateSettings = z.infer<typeof ConnectWiseAutomateSettings>;

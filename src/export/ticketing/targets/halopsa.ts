import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { SecretRef } from "../../../config/secrets.js";
import { JsonObject, mappingBase, requireCloseFields, targetBase } from "./base.js";

export const HaloMapping = mappingBase.extend({
  clientId: z.number().int().positive().describe("The customer's client id in HaloPSA."),
  siteId: z.number().int().positive().optional(),
});
export type HaloMapping = z.infer<typeof HaloMapping>;

export const HaloTarget = targetBase
  .extend({
    type: z.literal("halopsa"),
    endpoint: z
      .url({ protocol: /^https?$/ })
      .describe("Your HaloPSA URL, e.g. https://msp.halopsa.com (API at /api)."),
    authEndpoint: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("Authorisation server, when not the same host (token at {authEndpoint}/auth/token)."),
    auth: z.strictObject({
      clientId: z.string().min(1).describe("The API application's client id."),
      clientSecret: SecretRef,
      scope: z.string().default("all"),
      tenant: z.string().optional().describe("Hosted tenant name, when your instance needs one."),
    }),
    tenants: z.record(Identifier, HaloMapping).default({}),
    noteFields: JsonObject.optional().describe('Fields of each action, e.g. { outcome: "Note" }.'),
    closeFields: JsonObject.optional().describe("Fields that close a ticket, e.g. { status_id: 9 }."),
    maxTitleLength: z.number().int().positive().max(255).default(255),
  })
  .superRefine((t, ctx) => requireCloseFields(t, ctx, "{ status_id: 9 }"));
export type HaloTarget = z.infer<typeof HaloTarget>;

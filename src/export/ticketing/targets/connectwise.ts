import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { SecretRef } from "../../../config/secrets.js";
import { JsonObject, mappingBase, requireCloseFields, targetBase } from "./base.js";

export const ConnectWiseMapping = mappingBase.extend({
  companyId: z.number().int().positive().describe("The customer's company record id in ConnectWise."),
  boardId: z.number().int().positive().optional().describe("Service board for the tickets."),
});
export type ConnectWiseMapping = z.infer<typeof ConnectWiseMapping>;

export const ConnectWiseTarget = targetBase
  .extend({
    type: z.literal("connectwise"),
    endpoint: z
      .url({ protocol: /^https?$/ })
      .describe("API base, e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0"),
    apiVersion: z
      .string()
      .regex(/^\d{4}\.\d+$/)
      .optional()
      .describe("Sent as the Accept header's version (e.g. 2022.1)."),
    auth: z.strictObject({
      companyId: z.string().min(1).describe("The company id you sign in to ConnectWise with."),
      publicKey: SecretRef,
      privateKey: SecretRef,
      clientId: SecretRef.describe("Your integration's clientId from developer.connectwise.com."),
    }),
    tenants: z.record(Identifier, ConnectWiseMapping).default({}),
    closeFields: JsonObject.optional().describe(
      "Fields that close a ticket on your board, e.g. { status: { id: 42 } }.",
    ),
    maxTitleLength: z.number().int().positive().max(255).default(100),
  })
  .superRefine((t, ctx) => requireCloseFields(t, ctx, "{ status: { id: 42 } }"));
export type ConnectWiseTarget = z.infer<typeof ConnectWiseTarget>;

import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { SecretRef } from "../../../config/secrets.js";
import { JsonObject, mappingBase, requireCloseFields, targetBase } from "./base.js";

const sysId = z.string().regex(/^[0-9a-f]{32}$/, { message: "expected a sys_id (32 hex digits)" });

export const ServiceNowMapping = mappingBase.extend({
  company: sysId.describe("sys_id of the customer's core_company record."),
});
export type ServiceNowMapping = z.infer<typeof ServiceNowMapping>;

export const ServiceNowTarget = targetBase
  .extend({
    type: z.literal("servicenow"),
    endpoint: z.url({ protocol: /^https?$/ }).describe("Your instance, e.g. https://msp.service-now.com"),
    table: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .default("incident"),
    auth: z.strictObject({ username: z.string().min(1), password: SecretRef }),
    correlationDisplay: z
      .string()
      .regex(/^[A-Za-z0-9 ._-]{1,100}$/, { message: "letters, digits, space, . _ - only" })
      .default("mfasweep"),
    tenants: z.record(Identifier, ServiceNowMapping).default({}),
    closeFields: JsonObject.optional().describe(
      'Fields that resolve an incident, e.g. { state: "6", close_code: "Solved (Permanently)", close_notes: "Resolved by mfasweep" }.',
    ),
    maxTitleLength: z.number().int().positive().max(255).default(160),
    maxDescriptionLength: z
      .number()
      .int()
      .positive()
      .default(4000)
      .describe(
        "Longer descriptions and work notes are cut (a conservative limit; raise it if your instance takes more).",
      ),
  })
  .superRefine((t, ctx) => requireCloseFields(t, ctx, '{ state: "6", close_code: "…", close_notes: "…" }'));
export type ServiceNowTarget = z.infer<typeof ServiceNowTarget>;

import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { SecretRef } from "../../../config/secrets.js";
import { JsonObject, mappingBase, targetBase } from "./base.js";

export const AutotaskMapping = mappingBase.extend({
  companyId: z.number().int().positive().describe("The customer's company id in Autotask."),
  queueId: z.number().int().positive().optional(),
});
export type AutotaskMapping = z.infer<typeof AutotaskMapping>;

export const AutotaskTarget = targetBase.extend({
  type: z.literal("autotask"),
  endpoint: z
    .url({ protocol: /^https?$/ })
    .default("https://webservices.autotask.net/ATServicesRest")
    .describe("Where zoneInformation is asked (the zone lookup)."),
  zoneUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("The zone's API URL (…/ATServicesRest/), to skip the zone lookup."),
  auth: z.strictObject({
    username: z.string().min(3).describe("The API user's user name (an email address)."),
    secret: SecretRef,
    integrationCode: SecretRef.describe("The API tracking identifier (ApiIntegrationCode)."),
  }),
  tenants: z.record(Identifier, AutotaskMapping).default({}),
  noteFields: JsonObject.optional().describe("Fields of each note, e.g. { noteType: 1, publish: 1 }."),
  closeFields: JsonObject.default({ status: 5 }).describe(
    "Fields that close a ticket (default status 5, Complete).",
  ),
  maxTitleLength: z.number().int().positive().max(255).default(255),
  maxDescriptionLength: z
    .number()
    .int()
    .positive()
    .default(8000)
    .describe(
      "Longer descriptions and notes are cut (a conservative limit; raise it if your instance takes more).",
    ),
});
export type AutotaskTarget = z.infer<typeof AutotaskTarget>;

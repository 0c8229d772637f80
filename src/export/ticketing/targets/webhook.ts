import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { SecretRef } from "../../../config/secrets.js";
import { mappingBase, targetBase } from "./base.js";

export const WebhookMapping = mappingBase;
export type WebhookMapping = z.infer<typeof WebhookMapping>;

export const WebhookTarget = targetBase.extend({
  type: z.literal("webhook"),
  endpoint: z.url({ protocol: /^https?$/ }).describe("The receiver's URL (https in production)."),
  auth: z.strictObject({ secret: SecretRef.describe("whsec_… signing secret.") }),
  tenants: z.record(Identifier, WebhookMapping).default({}),
});
export type WebhookTarget = z.infer<typeof WebhookTarget>;

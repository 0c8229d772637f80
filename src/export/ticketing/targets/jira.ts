import { z } from "zod";
import { Identifier } from "../../../config/connection.js";
import { SecretRef } from "../../../config/secrets.js";
import { mappingBase, targetBase } from "./base.js";

export const JiraMapping = mappingBase.extend({
  projectKey: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,9}$/, { message: "expected a Jira project key (e.g. CONTOSO)" })
    .describe("The tenant's Jira project."),
});
export type JiraMapping = z.infer<typeof JiraMapping>;

export const JiraTarget = targetBase.extend({
  type: z.literal("jira"),
  endpoint: z.url({ protocol: /^https?$/ }).describe("Your site, e.g. https://msp.atlassian.net"),
  auth: z.strictObject({
    email: z.string().min(3).describe("The account the API token belongs to."),
    apiToken: SecretRef,
  }),
  issueType: z.string().min(1).default("Task"),
  labels: z
    .array(z.string().regex(/^\S+$/, { message: "a Jira label has no spaces" }))
    .default(["mfasweep"])
    .describe("Labels on every issue, besides the key label."),
  closeTransition: z.string().optional().describe("Transition id or name that closes an issue."),
  tenants: z.record(Identifier, JiraMapping).default({}),
  maxTitleLength: z.number().int().positive().max(255).default(255),
});
export type JiraTarget = z.infer<typeof JiraTarget>;

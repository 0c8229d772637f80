import { z } from "zod";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A Google Workspace connection in `mfasweep.yaml`. */
export const GoogleWorkspaceSettings = httpConnectionBase.extend({
  type: z.literal("google-workspace"),
  customer: z
    .string()
    .min(1)
    .default("my_customer")
    .describe("Customer id, or my_customer for the subject's own account."),
  readPolicies: z
    .boolean()
    .default(true)
    .describe(
      "Read per-OU 2SV policies from the Cloud Identity Policy API (the subject must be a super admin).",
    ),
  customerAccessGroups: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "In the MSP's own tenant (role: msp): email addresses or ids of the groups whose members reach customers. Their members, nested ones included, are held to phishing-resistant MFA; needs the admin.directory.group.member.readonly scope too.",
    ),
  auth: z.discriminatedUnion("method", [
    z.strictObject({
      method: z.literal("service-account"),
      serviceAccountKey: SecretRef.describe("env:NAME or file:PATH of the service account's JSON key."),
      subject: z.email().describe("Admin the service account impersonates (domain-wide delegation)."),
    }),
    z.strictObject({
      method: z.literal("access-token"),
      token: SecretRef.describe(
        "env:NAME or file:PATH of an OAuth access token with the read-only scopes, minted elsewhere.",
      ),
    }),
  ]),
});
export type GoogleWorkspaceSettings = z.infer<typeof GoogleWorkspaceSettings>;

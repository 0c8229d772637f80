import { z } from "zod";
import { ProfileName } from "../evaluate/profiles.js";
import { TicketingConfig } from "../export/ticketing/config.js";
import { Severity } from "../model/vocabulary.js";
import { NotifyConfig } from "../notify/config.js";
import { Identifier } from "./connection.js";
import type { ConfigRegistries } from "./registries.js";
import { ReportConfig } from "./report.js";
import { SecretRef } from "./secrets.js";

/** Any connection: one of the registered providers' schemas, chosen by `type`. */
function connectionSchema(providers: ConfigRegistries["providers"]) {
  const [first, ...rest] = providers.map((p) => p.connectionSchema);
  if (!first) throw new Error("no providers registered");
  return z.union([first, ...rest]);
}

export const ExceptionEntry = z.strictObject({
  match: z.strictObject({
    tenant: z.string().describe("Tenant id, or * for every tenant."),
    policy: z.string().describe("Policy id, or * for every policy."),
    subject: z
      .string()
      .describe(
        "Subject id (an object id), or its name (account UPN, host, OU path) together with `connection`, or * for every subject.",
      ),
    connection: Identifier.optional().describe(
      "Connection id the subject belongs to; required for a match by name (names repeat across sources).",
    ),
    source: z.string().min(1).optional().describe("Connection type the subject belongs to (optional)."),
  }),
  reason: z.string().min(3),
  approvedBy: z.string().min(1),
  expires: z.iso.date().describe("YYYY-MM-DD. Required: an exception without expiry is refused."),
});
export type ExceptionEntry = z.infer<typeof ExceptionEntry>;

/** Days to fix a queue item, by severity, counted from when it opened (or reopened). */
export const SlaConfig = z
  .strictObject({
    critical: z.number().int().positive().default(2),
    high: z.number().int().positive().default(7),
    medium: z.number().int().positive().default(30),
    low: z.number().int().positive().default(90),
    info: z.number().int().positive().optional().describe("No due date for info findings unless set."),
  })
  .prefault({})
  .describe("Days to fix a finding, by severity, from when it opened; sets the queue's due dates.");

export const TenantConfig = z.strictObject({
  id: Identifier,
  name: z.string().min(1),
  role: z.enum(["customer", "msp"]).default("customer").describe("`msp` marks the MSP's own tenant."),
  profile: ProfileName.optional().describe(
    "Baseline: standard, strict or msp-self (default: msp-self for role msp, else standard).",
  ),
  policies: z
    .strictObject({
      disable: z
        .array(z.string())
        .optional()
        .describe("Policy ids not to run for this tenant (shown in every report)."),
      severity: z.record(z.string(), Severity).optional().describe("Policy id → severity."),
      options: z
        .record(z.string(), z.record(z.string(), z.unknown()))
        .optional()
        .describe("Policy id → options the policy declares."),
    })
    .optional()
    .describe("Per-tenant overrides of the profile; every override is shown in reports."),
  connections: z.array(z.unknown()).min(1),
});

export const ConfigFile = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  tenants: z.array(TenantConfig).min(1),
  exceptions: z.array(ExceptionEntry).default([]),
  store: z
    .union([
      z.strictObject({ path: z.string().describe("SQLite file, relative to this config file.") }),
      z.strictObject({
        url: SecretRef.describe("PostgreSQL store: a reference to a postgres:// URL (DESIGN.md §9)."),
      }),
    ])
    .optional(),
  failOn: Severity.default("low").describe("Lowest severity that makes scan/sweep exit 1."),
  maxExceptionDays: z.number().int().positive().default(180),
  connectionTimeoutMinutes: z
    .number()
    .positive()
    .max(1440)
    .default(120)
    .describe("Give up on a connection that has not finished after this long; its coverage says so."),
  sla: SlaConfig,
  report: ReportConfig,
  ticketing: TicketingConfig.describe(
    "Ticketing targets (PSA, Jira, ServiceNow, webhook) that `mfasweep tickets sync` keeps in step with the queue.",
  ),
  notify: NotifyConfig,
});

/**
 * The full schema with the connection union, for `config schema` (editor autocompletion); the providers
 * come from the composition root.
 */
export function configJsonSchemaWith(providers: ConfigRegistries["providers"]): unknown {
  const full = ConfigFile.extend({
    tenants: z
      .array(TenantConfig.extend({ connections: z.array(connectionSchema(providers)).min(1) }))
      .min(1),
  });
  return z.toJSONSchema(full, { io: "input", unrepresentable: "any" });
}

export { connectionSchema };

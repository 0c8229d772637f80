import { z } from "zod";
import { SsoSettings } from "../../src/collect/sso.js";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";
import { instances, readScope } from "./api.js";

/** A NinjaOne connection in `mfasweep.yaml`. */
export const NinjaOneSettings = httpConnectionBase.extend({
  type: z.literal("ninjaone"),
  instance: z
    .enum(Object.keys(instances) as [keyof typeof instances, ...Array<keyof typeof instances>])
    .default("app")
    .describe("Regional instance: app (US), eu, oc, ca, us2 or fed. `endpoint` overrides it."),
  includeEndUsers: z
    .boolean()
    .default(true)
    .describe("Also read end users (portal users of the customer organizations)."),
  organizationId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "A customer's organization: read only its end users (no technicians: they are the MSP's, judged under the connection without organizationId). Written by tenants discover --from ninjaone.",
    ),
  sso: SsoSettings.optional(),
  auth: z.strictObject({
    method: z.literal("client-credentials"),
    clientId: z.string().min(1).describe("Client id of an API Services (machine-to-machine) client app."),
    clientSecret: SecretRef.describe("env:NAME or file:PATH of the client app's secret."),
    scope: z.string().min(1).default(readScope).describe("Scopes to request; monitoring is read-only."),
  }),
});
export type NinjaOneSettings = z.infer<typeof NinjaOneSettings>;

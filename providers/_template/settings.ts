import { z } from "zod";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";

/**
 * TEMPLATE: the connection's settings in `mfasweep.yaml`, validated at the boundary. `httpConnectionBase`
 * brings `id`, `endpoint`, `caBundle` and `timeoutSeconds`; secrets are only ever `env:`/`file:` references.
 */
export const ExampleSettings = httpConnectionBase.extend({
  type: z.literal("example-console"),
  auth: z.strictObject({
    method: z.literal("api-token"),
    token: SecretRef.describe("env:NAME or file:PATH of a read-only API token."),
  }),
});
export type ExampleSettings = z.infer<typeof ExampleSettings>;

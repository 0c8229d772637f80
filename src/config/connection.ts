import { z } from "zod";
import { FilePath } from "./paths.js";

/** Connection and tenant ids appear in fingerprints, file names and tickets: keep them plain. */
export const Identifier = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
  message: "expected lowercase letters, digits, '.', '_' or '-' (max 63)",
});

/**
 * Settings every connection shares. Each provider extends this with `type: z.literal(...)`, its own
 * settings and `auth`. HTTP connections accept an endpoint override (national clouds, proxies, tests)
 * and a CA bundle (DESIGN.md §5).
 */
export const connectionBase = z.strictObject({
  /** Unique within the tenant; defaults to the type. Part of every fingerprint: do not rename lightly. */
  id: Identifier.optional().describe("Unique within the tenant; defaults to the connection type."),
  // Not `site`: BeyondTrust's connections already use that word for the appliance's hostname.
  collectorSite: Identifier.optional().describe(
    "In a distributed sweep (`sweep --queue`), only workers started with `--site` of this name collect this connection: a collector inside the customer's network.",
  ),
  timeoutSeconds: z
    .number()
    .positive()
    .max(600)
    .default(60)
    .describe("Per-request timeout, covering the whole response body."),
  maxRecords: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Most records read from the source in one collection (default 2,000,000); past it the connection fails instead of paging on.",
    ),
});

export const httpConnectionBase = connectionBase.extend({
  endpoint: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Override of the API base URL (national clouds, proxies, emulators)."),
  caBundle: FilePath.optional().describe("Path to a PEM file of extra CA certificates for this connection."),
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Largest response body read (default per source, 32 MiB for most APIs); a larger one fails the connection.",
    ),
});

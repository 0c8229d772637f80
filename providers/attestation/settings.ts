import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";

/**
 * An attestation connection: a file, kept per tenant, in which the MSP states how MFA is enforced on tools
 * mfasweep cannot read (Kaseya VSA, N-able, Atera, AnyDesk, Splashtop, Syncro, ...), who checked and until
 * when the statement holds. Attested is reported as attested, never as verified.
 */
export const AttestationSettings = connectionBase.extend({
  type: z.literal("attestation"),
  file: FilePath.describe("YAML (attestations: [...]) or CSV file with one row per tool (README)."),
  format: z
    .enum(["yaml", "csv"])
    .optional()
    .describe("Default: from the file name (.csv is CSV, anything else YAML)."),
});
export type AttestationSettings = z.infer<typeof AttestationSettings>;

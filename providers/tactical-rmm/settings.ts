import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A PostgreSQL identifier we put into `search_path`: plain lowercase names only. */
const SchemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: "expected a plain lowercase schema name" });

/**
 * Where Tactical RMM's PostgreSQL database is. The API does not expose TOTP state, so this provider reads
 * the database through a read-only role (README: the exact GRANTs).
 */
const Database = z.strictObject({
  host: z
    .string()
    .min(1)
    .describe("Database host (often 127.0.0.1 through an SSH tunnel to the RMM server)."),
  port: z.number().int().min(1).max(65535).default(5432),
  name: z.string().min(1).default("tacticalrmm").describe("Database name."),
  user: z.string().min(1).describe("A read-only role (README: GRANTs)."),
  password: SecretRef.optional().describe("env:NAME or file:PATH; omit for trust/peer authentication."),
  ssl: z
    .enum(["verify-full", "require", "disable"])
    .default("verify-full")
    .describe(
      "verify-full checks the server certificate (with caBundle if set); require encrypts without checking; disable only for a local tunnel.",
    ),
  caBundle: FilePath.optional().describe("PEM file of the CA that signed the server certificate."),
});

/** A Tactical RMM connection in `mfasweep.yaml`. */
export const TacticalRmmSettings = connectionBase
  .extend({
    type: z.literal("tactical-rmm"),
    database: Database.optional(),
    url: SecretRef.optional().describe(
      "Instead of `database`: env:NAME or file:PATH holding a postgres:// URL (it contains the password).",
    ),
    schema: SchemaName.default("public").describe("Schema holding Tactical RMM's tables."),
    console: z
      .string()
      .min(1)
      .optional()
      .describe("The dashboard's address, shown as the entry point name (e.g. https://rmm.example.com)."),
  })
  .superRefine((value, ctx) => {
    if (Boolean(value.database) === Boolean(value.url)) {
      ctx.addIssue({
        code: "custom",
        message: "give exactly one of `database` ({ host, user, ... }) or `url` (env:NAME)",
        path: value.database ? ["url"] : [],
      });
    }
  });
export type TacticalRmmSettings = z.infer<typeof TacticalRmmSettings>;

import { z } from "zod";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";
import { platforms } from "./api.js";

/** A Datto RMM connection in `mfasweep.yaml`. */
export const DattoRmmSettings = httpConnectionBase.extend({
  type: z.literal("datto-rmm"),
  platform: z
    .enum(platforms)
    .default("pinotage")
    .describe("Datto RMM platform of the account (pinotage, merlot, concord, vidal, zinfandel, syrah)."),
  auth: z.strictObject({
    method: z.literal("api-key"),
    apiKey: SecretRef.describe("env:NAME or file:PATH of the API user's API key."),
    apiSecret: SecretRef.describe("env:NAME or file:PATH of the API user's secret key."),
  }),
});
export type DattoRmmSettings = z.infer<typeof DattoRmmSettings>;

import { z } from "zod";
import { SsoSettings } from "../../src/collect/sso.js";
import { httpConnectionBase } from "../../src/config/connection.js";
import { SecretRef } from "../../src/config/secrets.js";

/** A TeamViewer (company) connection in `mfasweep.yaml`. */
export const TeamViewerSettings = httpConnectionBase.extend({
  type: z.literal("teamviewer"),
  sso: SsoSettings.optional(),
  auth: z.strictObject({
    method: z.literal("script-token"),
    token: SecretRef.describe(
      "env:NAME or file:PATH of a company script token with the permission 'User management: View users'.",
    ),
  }),
});
export type TeamViewerSettings = z.infer<typeof TeamViewerSettings>;

import { z } from "zod";
import { RadiusMfaSettings } from "../../src/collect/vpn.js";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";

/**
 * A Cisco ASA / FTD connection: configuration files only (no device access): an ASA `show running-config`
 * and/or an FMC connection-profile export.
 */
export const CiscoAsaSettings = connectionBase
  .extend({
    type: z.literal("cisco-asa"),
    name: z.string().min(1).optional().describe("Display name of the gateway (default: the file name)."),
    runningConfig: FilePath.optional().describe("Path of an ASA `show running-config` text file."),
    ftdConnectionProfiles: FilePath.optional().describe(
      "Path of an FMC connection-profile export (the JSON body of GET …/policy/ravpns/{id}/connectionprofiles?expanded=true).",
    ),
    radiusMfa: RadiusMfaSettings.describe(
      "AAA server groups (by name or host address) that run the NPS extension for Entra MFA.",
    ),
  })
  .superRefine((s, ctx) => {
    if (!s.runningConfig && !s.ftdConnectionProfiles)
      ctx.addIssue({
        code: "custom",
        message: "set runningConfig and/or ftdConnectionProfiles",
        path: ["runningConfig"],
      });
  });
export type CiscoAsaSettings = z.infer<typeof CiscoAsaSettings>;

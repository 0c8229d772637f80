import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";
import { FrontEnd } from "../../src/model/facts/nps-extension.js";

/**
 * An NPS extension connection: for each Network Policy Server running the NPS extension for Microsoft
 * Entra multifactor authentication, a registry export of its settings and the front end whose RADIUS
 * requests it answers (an RRAS VPN server or an RD Gateway). Config-only: nothing is contacted.
 */
export const NpsFrontEndSettings = z.strictObject({
  name: z.string().min(1).describe("The front end, for display: the VPN or RD Gateway host name."),
  frontEnd: FrontEnd.describe(
    "rras: a Routing and Remote Access VPN server; rd-gateway: a Remote Desktop Gateway.",
  ),
  npsServer: z.string().min(1).describe("The NPS server running the extension (host name)."),
  registryExport: FilePath.describe(
    "Path of `reg export HKLM\\SOFTWARE\\Microsoft\\AzureMfa file.reg` (or a regedit export) from the NPS server; UTF-16LE or UTF-8.",
  ),
  nasAddresses: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "NAS-IP-Address(es) the front end sends in its RADIUS requests, to check them against IP_WHITELIST.",
    ),
  radiusAddresses: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Addresses or names RADIUS clients use for this NPS server, so other gateways' RADIUS servers (Azure VPN, FortiGate, ASA) can be matched to it.",
    ),
});
export type NpsFrontEndSettings = z.infer<typeof NpsFrontEndSettings>;

export const NpsExtensionSettings = connectionBase.extend({
  type: z.literal("nps-extension"),
  frontEnds: z.array(NpsFrontEndSettings).min(1).describe("One entry per front end the extension serves."),
});
export type NpsExtensionSettings = z.infer<typeof NpsExtensionSettings>;

import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";

/**
 * A WireGuard connection: the configuration of one or more interfaces, as `wg showconf <interface>` prints
 * it or as `/etc/wireguard/<interface>.conf` holds it, copied from the gateway. Config-only: nothing is
 * contacted.
 */
export const WireGuardInterfaceSettings = z.strictObject({
  file: FilePath.describe("Path of the saved `wg showconf` output or wg-quick .conf file."),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.=+-]{1,15}$/, { message: "expected an interface name such as wg0" })
    .optional()
    .describe("Interface name (default: the file name without .conf)."),
  host: z.string().min(1).optional().describe("The gateway the interface runs on, for display."),
});
export type WireGuardInterfaceSettings = z.infer<typeof WireGuardInterfaceSettings>;

export const WireGuardSettings = connectionBase.extend({
  type: z.literal("wireguard"),
  interfaces: z.array(WireGuardInterfaceSettings).min(1).describe("One entry per WireGuard interface."),
});
export type WireGuardSettings = z.infer<typeof WireGuardSettings>;

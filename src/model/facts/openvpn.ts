import { z } from "zod";
import { defineFactKind } from "./kind.js";

/** Per community server: how long an auth-gen-token lets reconnects skip the user/password check. */
export const OpenVpnAuthToken = z.object({
  entryPoint: z.string(),
  server: z.string(),
  file: z.string(),
  /** Whether any username/password verification is configured (without it there is nothing to skip). */
  userPassAuth: z.boolean(),
  authGenToken: z
    .object({
      /** Seconds; 0 = never expires. */
      lifetime: z.number().int().nonnegative(),
      renewal: z.number().int().nonnegative().nullable(),
      externalAuth: z.boolean(),
      line: z.number().int(),
    })
    .nullable(),
  renegSec: z.number().int().nonnegative(),
});
export type OpenVpnAuthToken = z.infer<typeof OpenVpnAuthToken>;

export const openvpnAuthToken = defineFactKind({
  name: "openvpn.auth-token",
  sources: ["openvpn"],
  schema: OpenVpnAuthToken,
  presence: {
    every: "none",
    noneMeans: "the connection reads only OpenVPN Access Servers, which have no auth-gen-token directive",
  },
});

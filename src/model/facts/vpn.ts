import { z } from "zod";
import { defineFactKind } from "./kind.js";

/** A gateway whose local accounts sign in when its AAA server does not answer (Cisco ASA, FTD). */
export const VpnLocalFallback = z.object({
  entryPoint: z.string(),
  fallback: z.union([z.boolean(), z.literal("unknown")]),
  serverGroup: z.string().nullable(),
  reason: z.string(),
});
export type VpnLocalFallback = z.infer<typeof VpnLocalFallback>;

/** A GlobalProtect portal or gateway configuration's authentication-override cookie settings. */
export const VpnAuthOverrideCookie = z.object({
  entryPoint: z.string(),
  scope: z.string(),
  acceptCookie: z.union([z.boolean(), z.literal("unknown")]),
  lifetimeMinutes: z.number().nullable(),
});
export type VpnAuthOverrideCookie = z.infer<typeof VpnAuthOverrideCookie>;

/** One per configured remote-access connection profile; built-in profiles nobody configured have none. */
export const vpnLocalFallback = defineFactKind({
  name: "vpn.local-fallback",
  sources: ["cisco-asa"],
  schema: VpnLocalFallback,
  presence: { every: "none", noneMeans: "the device has no configured remote-access connection profile" },
});

/** One per GlobalProtect configuration that has an authentication-override section. */
export const vpnAuthOverrideCookie = defineFactKind({
  name: "vpn.auth-override-cookie",
  sources: ["globalprotect"],
  schema: VpnAuthOverrideCookie,
  presence: {
    every: "none",
    noneMeans: "no GlobalProtect configuration has an authentication-override section",
  },
});

import { z } from "zod";
import { SsoSettings } from "../../src/collect/sso.js";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";

/**
 * An OpenVPN connection: configuration copied from each server. Config-only: nothing is contacted.
 * Community servers: `server.conf` (and the files it includes with `config`) plus, when the auth-pam plugin
 * is used, a copy of `/etc/pam.d`. Access Server: the JSON of `sacli ConfigQuery` and `sacli UserPropGet`.
 */
export const CommunityServerSettings = z.strictObject({
  edition: z.literal("community"),
  name: z.string().min(1).describe("The server, for display (host name)."),
  config: FilePath.describe("Path of the server's configuration file (server.conf)."),
  pamDir: FilePath.optional().describe(
    "Directory holding a copy of the server's /etc/pam.d (for the auth-pam plugin's PAM service).",
  ),
});
export type CommunityServerSettings = z.infer<typeof CommunityServerSettings>;

export const AccessServerSettings = z.strictObject({
  edition: z.literal("access-server"),
  name: z.string().min(1).describe("The Access Server, for display (host name)."),
  configQuery: FilePath.describe("Path of the saved output of `sacli ConfigQuery`."),
  userProps: FilePath.describe("Path of the saved output of `sacli UserPropGet`."),
  sso: SsoSettings.optional(),
});
export type AccessServerSettings = z.infer<typeof AccessServerSettings>;

export const OpenVpnServerSettings = z.discriminatedUnion("edition", [
  CommunityServerSettings,
  AccessServerSettings,
]);
export type OpenVpnServerSettings = z.infer<typeof OpenVpnServerSettings>;

export const OpenVpnSettings = connectionBase.extend({
  type: z.literal("openvpn"),
  servers: z.array(OpenVpnServerSettings).min(1).describe("One entry per OpenVPN server."),
});
export type OpenVpnSettings = z.infer<typeof OpenVpnSettings>;

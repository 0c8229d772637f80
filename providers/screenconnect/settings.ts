import { z } from "zod";
import { connectionBase } from "../../src/config/connection.js";
import { FilePath } from "../../src/config/paths.js";

export const Version = z
  .string()
  .regex(/^\d{1,5}(\.\d{1,5}){1,3}$/, { message: "expected a version such as 23.9.8 or 23.9.8.8811" });

/** An external user source configured in ScreenConnect (Admin > User Sources): the source decides MFA. */
const UserSource = z.strictObject({
  type: z.enum(["saml", "oauth2", "ldap", "connectwise-sso"]),
  name: z.string().min(1).describe("As shown on the User Sources page."),
  target: z
    .string()
    .min(1)
    .optional()
    .describe(
      "What identifies ScreenConnect at the identity provider: the app id (Entra/Okta) or SAML entity id.",
    ),
  targetSource: z
    .enum(["entra", "okta", "google-workspace"])
    .optional()
    .describe("Connection type that holds the identity provider's app, for linking."),
});

/**
 * A ScreenConnect (on-premises) connection: a directory copied from the server, since ScreenConnect has
 * no API for users or MFA. Read-only: nothing is ever written there.
 */
export const ScreenConnectSettings = connectionBase.extend({
  type: z.literal("screenconnect"),
  directory: FilePath.describe(
    "Copy of the server's installation folder (at least App_Data\\User.xml), e.g. taken by a backup.",
  ),
  name: z.string().min(1).optional().describe("The instance's address, shown as the entry point name."),
  version: Version.optional().describe(
    "Installed version as the admin page or the service executable's file properties show it.",
  ),
  versionFile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A ScreenConnect binary copied from the server (relative to directory, or absolute); its version resource is read and wins over `version`.",
    ),
  userFile: z.string().min(1).default("App_Data/User.xml").describe("Relative to directory."),
  userFields: z
    .strictObject({
      name: z.string().min(1).default("Name"),
      email: z.string().min(1).default("Email"),
    })
    .prefault({})
    .describe(
      "Child element (or attribute) of each user record holding the login name and the email (README).",
    ),
  userSources: z.array(UserSource).default([]),
});
export type ScreenConnectSettings = z.infer<typeof ScreenConnectSettings>;

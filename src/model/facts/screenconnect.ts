import { z } from "zod";
import { defineFactKind } from "./kind.js";

/** What the ScreenConnect provider records about an on-premises server's installed version. */
export const ScreenConnectVersion = z.object({
  entryPoint: z.string(),
  name: z.string(),
  version: z.string().nullable(),
  /** Where the version came from: a binary's version resource, or the connection settings. */
  from: z.enum(["file", "settings"]).nullable(),
  file: z.string().optional(),
  reason: z.string().optional(),
});
export type ScreenConnectVersion = z.infer<typeof ScreenConnectVersion>;

/** One per connection: the provider states a version, or why it is not known. */
export const screenconnectVersion = defineFactKind({
  name: "screenconnect-version",
  sources: ["screenconnect"],
  schema: ScreenConnectVersion,
  presence: { every: "connection" },
});

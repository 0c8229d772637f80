import { z } from "zod";

/**
 * The boundary: what we take from a ScreenConnect server's files. ConnectWise publishes no schema for
 * `App_Data\User.xml` (the internal user source); forensic write-ups confirm only that it holds the
 * internal users with their names, email addresses and password-change details. So a user record is
 * each element directly under the root, its login name and email come from the child element (or
 * attribute) named in `userFields`, and the OTP field is not read: its format is not confirmed.
 */

export const cve20241709 = {
  id: "CVE-2024-1709",
  /** ScreenConnect 23.9.7 and older: authentication bypass through the setup wizard; fixed in 23.9.8. */
  fixedIn: "23.9.8",
} as const;

/** One user record as read from User.xml. */
export const ScreenConnectUser = z.object({
  name: z.string().min(1),
  email: z.string().optional(),
  /** Line of the record in User.xml, for evidence. */
  line: z.number().int().positive(),
});
export type ScreenConnectUser = z.infer<typeof ScreenConnectUser>;

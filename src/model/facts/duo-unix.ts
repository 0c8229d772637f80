import { z } from "zod";
import { MfaVerdict } from "../inventory.js";
import { defineFactKind } from "./kind.js";

/**
 * The contract between a provider whose logins pass through Duo Unix (`pam_duo`, `login_duo`: the SSH
 * provider) and the Duo linker (src/link/duo/unix.ts). The provider counts Duo's approval as a factor
 * (duo_unix's own switches, failmode and groups, already decided); whether Duo asks this user at all
 * (user status, new-user policy) is Duo's to say, so it records, per access path that relies on Duo,
 * what the login would be without Duo's factor. In the model so neither side imports the other.
 */

export const DuoUnixConfigRef = z.object({
  /** `pam_duo.conf` (or a `conf=` file) or `login_duo.conf`. */
  file: z.string(),
  /** The integration key read from the file, or null when the file or the key was not read. */
  ikey: z.string().nullable(),
  line: z.number().int().optional(),
  /** Why the key is not known, when it is not. */
  unread: z.string().optional(),
});
export type DuoUnixConfigRef = z.infer<typeof DuoUnixConfigRef>;

export const DuoUnixLogin = z.object({
  /** The access path whose verdict counts Duo's approval as a factor. */
  accessPath: z.string(),
  /** The login name on the host. */
  login: z.string(),
  /** The name duo_unix presents to Duo: the login name, or from the GECOS field (send_gecos). */
  duoUsername: z.string(),
  /** The name comes from the GECOS field, which users can often edit themselves (chfn). */
  fromGecos: z.boolean(),
  configs: z.array(DuoUnixConfigRef).min(1),
  /** The path's verdict when Duo's approval is not a factor (Duo lets this user through unasked). */
  withoutDuo: MfaVerdict,
});
export type DuoUnixLogin = z.infer<typeof DuoUnixLogin>;

export const duoUnixLogin = defineFactKind<DuoUnixLogin>({
  name: "duo-unix.login",
  sources: ["ssh"],
  schema: DuoUnixLogin,
  presence: { every: "none", noneMeans: "no login of the host passes through Duo Unix" },
});

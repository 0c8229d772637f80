import { z } from "zod";

/**
 * The boundary: the TeamViewer Web API v1 user list as TeamViewer's own PowerShell module reads it
 * (teamviewer/TeamViewerPS: Get-TeamViewerUser `GET {api}/users` with `full_list=true`, response
 * `{ users: [...] }`; ConvertTo-TeamViewerUser for the fields; errors `{ error, error_description,
 * error_code }`). The list is not paged there. Auth is `Authorization: Bearer <script token>`.
 */

export const defaultEndpoint = "https://webapi.teamviewer.com/api/v1";

export const paths = { users: "users" } as const;

/** Script-token permission the user list needs (TeamViewer's api-example-scripts name it so). */
export const viewUsersPermission = "User management: View users";

const optionalString = z.string().nullish();

/**
 * One user with `full_list=true`. `tfa_enabled`, `tfa_enforcement` and `sso_status` are kept as the API
 * sent them: TeamViewer documents `tfa_enforcement` as a boolean (PUT /users/{id}) but the value sets of
 * these fields on GET are not published (UNCONFIRMED), so the mapping decides, and anything it does not
 * recognise becomes `unknown`, never a pass.
 */
export const TeamViewerUser = z.object({
  id: z.string().min(1),
  name: optionalString,
  email: optionalString,
  userRoleId: optionalString,
  active: z.boolean().nullish(),
  last_access_date: optionalString,
  tfa_enabled: z.unknown().optional(),
  tfa_enforcement: z.unknown().optional(),
  sso_status: z.unknown().optional(),
  log_sessions: z.boolean().nullish(),
});
export type TeamViewerUser = z.infer<typeof TeamViewerUser>;

/** The page is checked loosely first, so one bad record is skipped and counted. */
export const UsersResponse = z.object({ users: z.array(z.unknown()) });

/** TeamViewer's JSON error body. */
export const TeamViewerError = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_code: z.number().optional(),
});

import { z } from "zod";

/**
 * The boundary: the ConnectWise Automate REST API (`https://{server}/cwa/api/v1`) as its OpenAPI document
 * describes it (covenanttechnologysolutions/connectwise-rest generator/automate-json/System.json:
 * `POST /apitoken` with `TokenCredentials { UserName, Password, TwoFactorPasscode }` → `TokenResult
 * { AccessToken, ExpirationDate, IsTwoFactorRequired, … }`; `User { UserId, Name, EmailAddress, IsLocked,
 * IsIntegrator, SsoStatus, SsoEmail, LastSuccessfulLogin, UserClasses, … }`, with no MFA field). Every
 * request carries the partner `clientId` header (required since Automate 2020.11; src/Automate.ts).
 * Lists page with `page` (from 1) and `pageSize` (at most 1000), as gavsto/AutomateAPI's
 * Get-AutomateAPIGeneric does; a page shorter than `pageSize` is the last.
 */

export const paths = {
  token: "cwa/api/v1/apitoken",
  users: "cwa/api/v1/Users",
} as const;

export const maxPageSize = 1000;

export const TokenResult = z.object({
  AccessToken: z.string().nullish(),
  TokenType: z.string().nullish(),
  ExpirationDate: z.string().nullish(),
  IsTwoFactorRequired: z.boolean().nullish(),
  IsInternalTwoFactorRequired: z.boolean().nullish(),
});

const optionalString = z.string().nullish();

export const AutomateUser = z.object({
  UserId: z.number().int(),
  Name: z.string().min(1),
  EmailAddress: optionalString,
  IsLocked: z.boolean().nullish(),
  IsIntegrator: z.boolean().nullish(),
  /** Its type and values are not published in the sources we read (UNCONFIRMED): kept as sent. */
  SsoStatus: z.unknown().optional(),
  SsoEmail: optionalString,
  LastSuccessfulLogin: optionalString,
  AllowLegacyApiAccess: z.boolean().nullish(),
  UserClasses: z
    .array(z.object({ UserClassId: z.number().int().nullish(), Name: optionalString }).loose())
    .nullish(),
});
export type AutomateUser = z.infer<typeof AutomateUser>;

/** A page is a JSON array, checked loosely first so one bad record is skipped and counted. */
export const UsersPage = z.array(z.unknown());

import { z } from "zod";

/**
 * The boundary: NinjaOne Public API 2.0 shapes we read, as published in the OpenAPI document
 * "NinjaOne Public API 2.0" (2.0.9-draft; homotechsual/NinjaOne ninjaOne-API-core-resources.yaml, schemas
 * `Technician`, `EndUser`) and the token flow of the vendor-maintained PowerShell module
 * (Connect-NinjaOne: `POST {instance}/ws/oauth/token`, form `grant_type=client_credentials`, `client_id`,
 * `client_secret`, `scope`). Only fields we use are listed; unknown fields pass through.
 */

/** Regional instances (Initialisation.ps1 of the PowerShell module; `fed` from NinjaOne's docs). */
export const instances = {
  app: "https://app.ninjarmm.com",
  eu: "https://eu.ninjarmm.com",
  oc: "https://oc.ninjarmm.com",
  ca: "https://ca.ninjarmm.com",
  us2: "https://us2.ninjarmm.com",
  fed: "https://fed.ninjarmm.com",
} as const;
export type Instance = keyof typeof instances;

export const paths = {
  token: "ws/oauth/token",
  /** `GET /v2/user/technicians` → `Technician[]`; not paged in the published API. */
  technicians: "v2/user/technicians",
  /** `GET /v2/user/end-users` → `EndUser[]`; not paged in the published API. */
  endUsers: "v2/user/end-users",
  /** `GET /v2/organizations?pageSize=&after=<last id>` → `Organization[]` (brief mode). */
  organizations: "v2/organizations",
} as const;

/**
 * Scopes of a NinjaOne client app: `monitoring` (read), `management` (write), `control` (remote access).
 * Which scope each user endpoint needs is not stated per operation in the OpenAPI document (it lists all
 * three globally); `monitoring` is the read-only one and `doctor` shows a 403 if it is not enough.
 */
export const readScope = "monitoring";

const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();

/** Fields `Technician` and `EndUser` share. `mfaConfigured`: "At least one MFA method is configured". */
const UserBase = z.object({
  id: z.number().int(),
  uid: optionalString,
  enabled: optionalBoolean,
  firstName: optionalString,
  lastName: optionalString,
  email: optionalString,
  mustChangePw: optionalBoolean,
  mfaConfigured: optionalBoolean,
  scimUser: optionalBoolean,
  /** "Authentication type, NATIVE or SSO". */
  authType: optionalString,
  invitationStatus: z.enum(["REGISTERED", "PENDING", "EXPIRED"]).nullish(),
  /** Only with `includeRoles=true`. */
  roles: z.array(z.string()).nullish(),
});

export const Technician = UserBase.extend({
  userType: optionalString,
  /** "Technician is a System Administrator". */
  administrator: optionalBoolean,
});
export type Technician = z.infer<typeof Technician>;

export const EndUser = UserBase.extend({
  organizationId: z.number().int().nullish(),
  fullPortalAccess: optionalBoolean,
});
export type EndUser = z.infer<typeof EndUser>;

/** `Organization` (brief): "Organization identifier", "Organization full name". */
export const Organization = z.object({ id: z.number().int(), name: z.string(), description: optionalString });
export type Organization = z.infer<typeof Organization>;

/** A list is checked loosely first, so one bad record is skipped and counted, not fatal for the list. */
export const UserList = z.array(z.unknown());

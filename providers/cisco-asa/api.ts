import { z } from "zod";

/**
 * The boundary: ASA running-config commands mfasweep reads, and the FTD/FMC remote-access connection
 * profile as the FMC REST API returns it (`/api/fmc_config/v1/domain/{domainUUID}/policy/ravpns/{id}/
 * connectionprofiles`, reference §2.3). Only fields we use are declared; others pass through.
 */

/** ASA's default connection profiles (Cisco ASA VPN CLI configuration guide, "Connection Profiles"). */
export const defaultTunnelGroups = {
  remoteAccess: "DefaultRAGroup",
  webvpn: "DefaultWEBVPNGroup",
} as const;

const ServerRef = z.looseObject({
  id: z.string().nullish(),
  type: z.string().nullish(),
  name: z.string().nullish(),
});

/** One FMC connection profile (terraform-provider-fmc model, reference §2.3). */
export const FmcConnectionProfile = z.looseObject({
  id: z.string().nullish(),
  name: z.string().min(1),
  type: z.string().nullish(),
  authenticationMethod: z
    .enum([
      "AAA_ONLY",
      "SAML",
      "CLIENT_CERTIFICATE_ONLY",
      "AAA_AND_CLIENT_CERTIFICATE",
      "SAML_AND_CLIENT_CERTIFICATE",
    ])
    .nullish(),
  useLocalAsPrimaryAuthServer: z.boolean().nullish(),
  primaryAuthenticationServer: ServerRef.nullish(),
  enablePrimaryAuthFallbackToLocal: z.boolean().nullish(),
  enableSecondaryAuthentication: z.boolean().nullish(),
  useLocalAsSecondaryAuthServer: z.boolean().nullish(),
  secondaryAuthenticationServer: ServerRef.nullish(),
  enableSecondaryAuthFallbackToLocal: z.boolean().nullish(),
});
export type FmcConnectionProfile = z.infer<typeof FmcConnectionProfile>;

/** The export: the API's paged body (`{ items: [...] }`) or a plain array of profiles. */
export const FmcExport = z.union([
  z.looseObject({ items: z.array(z.unknown()).nullish() }),
  z.array(z.unknown()),
]);

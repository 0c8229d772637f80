/**
 * The facts contract between providers, linkers and policies (issue #25 item 4): one module per source
 * declares each fact kind it emits. `factKinds` lists every kind, for checks that span them.
 */
import { attestation } from "./attestation.js";
import { customerAccessGroup } from "./customer-access.js";
import { duoApplication, duoProxyServer, duoUser, duoWindowsLogon } from "./duo.js";
import { duoUnixLogin } from "./duo-unix.js";
import { entraKinds } from "./entra.js";
import { gdapRelationships } from "./gdap.js";
import type { FactKind } from "./kind.js";
import { npsSettings } from "./nps-extension.js";
import { oktaApp, oktaGroup, oktaOrg, oktaPolicy, oktaZone } from "./okta.js";
import { openvpnAuthToken } from "./openvpn.js";
import { screenconnectVersion } from "./screenconnect.js";
import { sshEmptyPasswords, sshRootLogin } from "./ssh.js";
import { tacticalRmmApiKey } from "./tactical-rmm.js";
import { vpnAuthOverrideCookie, vpnLocalFallback } from "./vpn.js";

export * from "./attestation.js";
export * from "./customer-access.js";
export * from "./duo.js";
export * from "./duo-unix.js";
export * from "./entra.js";
export * from "./gdap.js";
export * from "./kind.js";
export * from "./nps-extension.js";
export * from "./okta.js";
export * from "./openvpn.js";
export * from "./screenconnect.js";
export * from "./ssh.js";
export * from "./tactical-rmm.js";
export * from "./vpn.js";

export const factKinds: ReadonlyArray<FactKind<unknown>> = [
  attestation,
  customerAccessGroup,
  duoUnixLogin,
  duoApplication,
  duoProxyServer,
  duoUser,
  duoWindowsLogon,
  ...Object.values(entraKinds),
  gdapRelationships,
  npsSettings,
  oktaOrg,
  oktaPolicy,
  oktaApp,
  oktaZone,
  oktaGroup,
  openvpnAuthToken,
  screenconnectVersion,
  sshEmptyPasswords,
  sshRootLogin,
  tacticalRmmApiKey,
  vpnAuthOverrideCookie,
  vpnLocalFallback,
];

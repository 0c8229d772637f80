import type { Policy } from "../src/evaluate/policy.js";
import attestationCurrent from "./attestation-current.js";
import attestedToolMfaEnforced from "./attested-tool-mfa-enforced.js";
import duoNewUserPolicyRequiresEnrollment from "./duo-new-user-policy-requires-enrollment.js";
import duoNoBypassUsers from "./duo-no-bypass-users.js";
import duoProxyFailsSecure from "./duo-proxy-fails-secure.js";
import duoWindowsLogonFailsSecure from "./duo-windows-logon-fails-secure.js";
import entraAdminPhishingResistantMfaEnforced from "./entra-admin-phishing-resistant-mfa-enforced.js";
import entraBreakGlassPhishingResistantMethod from "./entra-break-glass-phishing-resistant-method.js";
import entraLegacyAuthenticationBlocked from "./entra-legacy-authentication-blocked.js";
import entraMfaMethodRegistered from "./entra-mfa-method-registered.js";
import entraTenantMfaPoliciesCoverAllScopes from "./entra-tenant-mfa-policies-cover-all-scopes.js";
import entraUserMfaEnforced from "./entra-user-mfa-enforced.js";
import firewallAdminTwoFactorEnabled from "./firewall-admin-two-factor-enabled.js";
import gdapAccessThroughGroups from "./gdap-access-through-groups.js";
import gdapNoGlobalAdministrator from "./gdap-no-global-administrator.js";
import globalprotectAuthCookieLifetimeBounded from "./globalprotect-auth-cookie-lifetime-bounded.js";
import googleAdmin2svEnrolled from "./google-admin-2sv-enrolled.js";
import googleOu2svEnforced from "./google-ou-2sv-enforced.js";
import googleUser2svEnforced from "./google-user-2sv-enforced.js";
import mfaFactorStrengthSufficient from "./mfa-factor-strength-sufficient.js";
import mspCustomerAccessPhishingResistant from "./msp-customer-access-phishing-resistant.js";
import npsExtensionIpAllowlistEmpty from "./nps-extension-ip-allowlist-empty.js";
import npsExtensionRequiresUserMatch from "./nps-extension-requires-user-match.js";
import oktaAdminConsoleRequiresPhishingResistant from "./okta-admin-console-requires-phishing-resistant.js";
import oktaAppSignOnRequiresMfa from "./okta-app-sign-on-requires-mfa.js";
import oktaUserMfaEnforced from "./okta-user-mfa-enforced.js";
import openvpnAuthTokenLifetimeBounded from "./openvpn-auth-token-lifetime-bounded.js";
import rmmTechnicianMfaEnforced from "./rmm-technician-mfa-enforced.js";
import screenconnectPatchedAgainstCve20241709 from "./screenconnect-patched-against-cve-2024-1709.js";
import sshEmptyPasswordsRefused from "./ssh-empty-passwords-refused.js";
import sshLoginRequiresTwoFactors from "./ssh-login-requires-two-factors.js";
import sshRootLoginDisabled from "./ssh-root-login-disabled.js";
import tacticalRmmApiKeysExpire from "./tactical-rmm-api-keys-expire.js";
import vpnLocalFallbackDisabled from "./vpn-local-fallback-disabled.js";
import vpnLoginRequiresMfa from "./vpn-login-requires-mfa.js";

/**
 * Every policy, in catalog order. A test checks that each file in this folder is listed here and that
 * its id equals its file name.
 */
export const policies: ReadonlyArray<Policy<unknown>> = [
  googleUser2svEnforced,
  googleAdmin2svEnrolled,
  googleOu2svEnforced,
  mfaFactorStrengthSufficient,
  mspCustomerAccessPhishingResistant,
  gdapNoGlobalAdministrator,
  gdapAccessThroughGroups,
  oktaUserMfaEnforced,
  oktaAdminConsoleRequiresPhishingResistant,
  oktaAppSignOnRequiresMfa,
  rmmTechnicianMfaEnforced,
  tacticalRmmApiKeysExpire,
  screenconnectPatchedAgainstCve20241709,
  attestationCurrent,
  attestedToolMfaEnforced,
  entraUserMfaEnforced,
  entraAdminPhishingResistantMfaEnforced,
  entraMfaMethodRegistered,
  entraLegacyAuthenticationBlocked,
  entraBreakGlassPhishingResistantMethod,
  entraTenantMfaPoliciesCoverAllScopes,
  sshLoginRequiresTwoFactors,
  sshRootLoginDisabled,
  sshEmptyPasswordsRefused,
  vpnLoginRequiresMfa,
  vpnLocalFallbackDisabled,
  firewallAdminTwoFactorEnabled,
  globalprotectAuthCookieLifetimeBounded,
  openvpnAuthTokenLifetimeBounded,
  npsExtensionRequiresUserMatch,
  npsExtensionIpAllowlistEmpty,
  duoNoBypassUsers,
  duoProxyFailsSecure,
  duoNewUserPolicyRequiresEnrollment,
  duoWindowsLogonFailsSecure,
];

import type { MfaVerdict } from "../inventory.js";

/**
 * What the Okta sign-on engine (src/engines/okta-sign-on) answers about one tenant (issue #25 item 7),
 * computed by the link stage once per tenant. The Okta linker writes its verdicts on the Okta access paths,
 * which is where policies read them; the delegation linker asks this for VPN and RMM sign-ins through an
 * Okta app.
 */

/** How another system names an Okta app: any one of these identifies it. */
export interface OktaAppRef {
  /** Okta app id (`0oa...`). */
  id?: string;
  /** The app's `name` (`saasure`, `okta_enduser`, an OIN key such as `fortinet_fortigate`). */
  name?: string;
  /** SAML: the service provider's entity id, as configured on the app (`settings.signOn.audience`). */
  samlEntityId?: string;
  /** SAML: the assertion consumer service URL (`settings.signOn.ssoAcsUrl`). */
  samlAcsUrl?: string;
  /** OIDC: the client id. */
  oidcClientId?: string;
}

/** An Okta user, by id or by login / email (case-insensitive), as another system knows them. */
export interface OktaUserRef {
  id?: string;
  login?: string;
  email?: string;
}

export interface OktaAccess {
  /** The tenant's Okta connections (one `okta.org` fact each). */
  readonly connections: readonly string[];
  /**
   * What Okta gives one user for one app: the global session policy with the app's authentication policy.
   * Anything that cannot be resolved is `unknown` with the reason, never `enforced`.
   */
  accessFor(query: { app: OktaAppRef; user: OktaUserRef; connection?: string }): MfaVerdict;
}

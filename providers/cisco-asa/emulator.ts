import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * The ASA provider reads files, so its "emulator" writes them: running-config fixtures in the grammar of
 * the Cisco ASA CLI configuration guide (reference §2.3), and FMC connection-profile exports in the
 * documented field names, into a temporary directory.
 */

/** Contoso Dental's ASA: AnyConnect against Active Directory over LDAP, no second factor, LOCAL fallback. */
export function contosoDentalRunningConfig(domain: string): string {
  return `: Saved
:
ASA Version 9.16(4)
!
hostname dental-asa
domain-name ${domain}
enable password ***** pbkdf2
username msp-admin password ***** pbkdf2 privilege 15
username frontdesk password ***** pbkdf2 privilege 2
username frontdesk attributes
 service-type remote-access
!
aaa-server AD-LDAP protocol ldap
aaa-server AD-LDAP (inside) host 10.10.0.5
 ldap-base-dn dc=contoso-dental,dc=example
 ldap-scope subtree
 server-type microsoft
!
aaa authentication ssh console LOCAL
aaa authentication http console LOCAL
!
webvpn
 enable outside
 anyconnect image disk0:/anyconnect-win-4.10.08025-webdeploy-k9.pkg 1
 anyconnect enable
 tunnel-group-list enable
!
group-policy GP-Staff internal
group-policy GP-Staff attributes
 vpn-tunnel-protocol ssl-client
!
tunnel-group Staff type remote-access
tunnel-group Staff general-attributes
 address-pool STAFF-POOL
 authentication-server-group AD-LDAP LOCAL
 default-group-policy GP-Staff
tunnel-group Staff webvpn-attributes
 group-alias Staff enable
!
tunnel-group DefaultWEBVPNGroup general-attributes
 authentication-server-group LOCAL
!
: end
`;
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "contoso-dental");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-asa-demo-"));
  const runningConfig = join(dir, "dental-asa-running-config.txt");
  await writeFile(runningConfig, contosoDentalRunningConfig(tenant.domain), { mode: 0o600 });
  return {
    env: {},
    connections: [
      {
        tenant: tenant.id,
        connection: { type: "cisco-asa", id: "cisco-asa", name: "ASA dental-asa", runningConfig },
      },
    ],
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

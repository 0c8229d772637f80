import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import {
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";

/**
 * A stand-in for the PAN-OS XML API (reference §2.2): `GET /api/?type=config&action=show&xpath=/config`
 * with the key in `X-PAN-KEY` (or `key=`), answering `<response status="success"><result><config …>`.
 * An unknown key gets HTTP 403 with `<response status="error" code="403"><result><msg>Invalid
 * Credential</msg></result></response>` (the error code and message are the emulator's own: their exact
 * values are not in the sources we use). Other xpaths or types are refused.
 */

export interface PanOsSeed {
  keys: string[];
  /** The `<config>` element's XML. */
  config: string;
}

export interface PanOsEmulatorOptions extends EmulatorOptions {
  firewall: PanOsSeed;
}

function xml(status: number, body: string): EmulatorResponse {
  return { status, headers: { "content-type": "application/xml; charset=UTF-8" }, body };
}

function error(status: number, code: string, msg: string): EmulatorResponse {
  return xml(status, `<response status="error" code="${code}"><result><msg>${msg}</msg></result></response>`);
}

export async function startPanOsEmulator(options: PanOsEmulatorOptions): Promise<RunningEmulator> {
  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const key = String(req.headers["x-pan-key"] ?? req.query.get("key") ?? "");
    if (req.path !== "/api/" && req.path !== "/api") return error(404, "404", "Not Found");
    if (!options.firewall.keys.includes(key)) return error(403, "403", "Invalid Credential");
    if (req.query.get("type") !== "config" || req.query.get("action") !== "show")
      return error(400, "400", "Unsupported request");
    if (req.query.get("xpath") !== "/config") return error(400, "7", "No such node");
    return xml(200, `<response status="success"><result>${options.firewall.config}</result></response>`);
  };
  return startEmulator(handler, { ...options, tls: true });
}

/**
 * Fabrikam Legal's firewall: GlobalProtect portal and gateway sign in through Okta (SAML); the gateway's
 * Linux client-auth uses the local database without MFA; the portal accepts authentication-override
 * cookies for 30 days; one administrator has only a local password.
 */
export function fabrikamConfig(domain: string): string {
  return `<config version="11.0.0" urldb="paloaltonetworks">
  <mgt-config>
    <users>
      <entry name="admin">
        <phash>$5$demo$notarealhash</phash>
        <permissions><role-based><superuser>yes</superuser></role-based></permissions>
      </entry>
      <entry name="msp-admin">
        <authentication-profile>Admin-MFA</authentication-profile>
        <permissions><role-based><superuser>yes</superuser></role-based></permissions>
      </entry>
    </users>
  </mgt-config>
  <shared>
    <server-profile>
      <saml-idp>
        <entry name="okta-idp">
          <entity-id>http://www.okta.com/exkfabrikamgp0001</entity-id>
          <sso-url>https://${domain.replace(/\.example$/, "")}.okta.example/app/globalprotect/sso/saml</sso-url>
        </entry>
      </saml-idp>
    </server-profile>
    <authentication-profile>
      <entry name="Okta-SAML">
        <method><saml-idp><server-profile>okta-idp</server-profile></saml-idp></method>
      </entry>
      <entry name="Local-NoMFA">
        <method><local-database/></method>
        <allow-list><member>all</member></allow-list>
      </entry>
      <entry name="Admin-MFA">
        <method><local-database/></method>
        <multi-factor-auth><mfa-enable>yes</mfa-enable><factors><member>duo-mfa</member></factors></multi-factor-auth>
      </entry>
    </authentication-profile>
    <local-user-database>
      <user>
        <entry name="linux-build"><phash>$5$demo$x</phash></entry>
        <entry name="old-contractor"><phash>$5$demo$y</phash><disabled>yes</disabled></entry>
      </user>
    </local-user-database>
  </shared>
  <devices>
    <entry name="localhost.localdomain">
      <vsys>
        <entry name="vsys1">
          <global-protect>
            <global-protect-portal>
              <entry name="gp-portal">
                <portal-config>
                  <client-auth>
                    <entry name="any-os">
                      <os>Any</os>
                      <authentication-profile>Okta-SAML</authentication-profile>
                    </entry>
                  </client-auth>
                </portal-config>
                <client-config>
                  <configs>
                    <entry name="staff">
                      <authentication-override>
                        <generate-cookie>yes</generate-cookie>
                        <accept-cookie><cookie-lifetime><lifetime-in-days>30</lifetime-in-days></cookie-lifetime></accept-cookie>
                      </authentication-override>
                    </entry>
                  </configs>
                </client-config>
              </entry>
            </global-protect-portal>
            <global-protect-gateway>
              <entry name="gp-gateway">
                <client-auth>
                  <entry name="any-os">
                    <os>Any</os>
                    <authentication-profile>Okta-SAML</authentication-profile>
                  </entry>
                  <entry name="linux">
                    <os>Linux</os>
                    <authentication-profile>Local-NoMFA</authentication-profile>
                  </entry>
                </client-auth>
                <remote-user-tunnel-configs>
                  <entry name="staff">
                    <authentication-override>
                      <accept-cookie><cookie-lifetime><lifetime-in-hours>8</lifetime-in-hours></cookie-lifetime></accept-cookie>
                    </authentication-override>
                  </entry>
                </remote-user-tunnel-configs>
              </entry>
            </global-protect-gateway>
          </global-protect>
        </entry>
      </vsys>
    </entry>
  </devices>
</config>`;
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "fabrikam-legal");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const variable = "MFASWEEP_DEMO_PANOS_KEY_FABRIKAM_LEGAL";
  const key = `LUFRPT${randomBytes(16).toString("base64url")}`;
  const emulator = await startPanOsEmulator({
    firewall: { keys: [key], config: fabrikamConfig(tenant.domain) },
  });
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-panos-demo-"));
  const caBundle = join(dir, "emulator-ca.pem");
  await writeFile(caBundle, emulator.certificate ?? "", { mode: 0o600 });
  return {
    env: { [variable]: key },
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "globalprotect",
          id: "globalprotect",
          name: "PA-440 fab-fw01",
          endpoint: emulator.url,
          caBundle,
          portalAddress: `vpn.${tenant.domain}`,
          auth: { method: "api-key", key: `env:${variable}` },
        },
      },
    ],
    close: async () => {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuthProxyConfig } from "../../../providers/duo/authproxy.js";

const sample = `; Duo Authentication Proxy
[main]
debug=false

[ad_client]
host=10.0.0.5
service_account_username=svc-duo
service_account_password=hunter2-never-kept
search_dn=DC=acme,DC=example

[radius_server_auto]
ikey=DIRADIUSPROXY0000001
skey=secretkeysecretkeysecretkeysecretkey0000
api_host=API-1A2B3C4D.duosecurity.com
radius_ip_1=10.0.0.1
radius_secret_1=radius-secret-never-kept
radius_ip_2=10.0.0.2
failmode=safe
client=ad_client
port=1812

[ldap_server_auto2]
ikey=DILDAPPROXY000000001
client=ad_client
exempt_ou_1=CN=svc-vpn,OU=Service,DC=acme,DC=example
`;

describe("authproxy.cfg parser", () => {
  it("a repeated server section is a problem at its line, and its settings are not read over the first", () => {
    const config = parseAuthProxyConfig(
      `${sample}\n[radius_server_auto]\nfailmode=secure\n`,
      "authproxy.cfg",
    );
    expect(config.servers.map((s) => s.section)).toEqual(["radius_server_auto", "ldap_server_auto2"]);
    expect(config.servers[0]!.failmode?.value).toBe("safe");
    expect(config.problems).toEqual([
      { line: 27, message: "[radius_server_auto] appears again (first at line 11); this repeat is not read" },
    ]);
  });

  it("reads each server section's application, clients, failmode, port and exempted OUs with lines; keeps no secret", () => {
    const config = parseAuthProxyConfig(sample, "authproxy.cfg");
    expect(config.clients).toEqual(["ad_client"]);
    expect(config.servers.map((s) => [s.section, s.kind])).toEqual([
      ["radius_server_auto", "radius_server_auto"],
      ["ldap_server_auto2", "ldap_server_auto"],
    ]);
    const [radius, ldap] = config.servers;
    expect(radius).toMatchObject({
      line: 11,
      ikey: "DIRADIUSPROXY0000001",
      apiHost: "api-1a2b3c4d.duosecurity.com",
      failmode: { value: "safe", line: 18 },
      port: { value: 1812, line: 20 },
      client: "ad_client",
      radiusClients: [
        { address: "10.0.0.1", line: 15 },
        { address: "10.0.0.2", line: 17 },
      ],
    });
    expect(ldap).toMatchObject({
      failmode: null,
      exemptOus: [{ dn: "CN=svc-vpn,OU=Service,DC=acme,DC=example", line: 25 }],
    });
    const text = JSON.stringify(config);
    for (const secret of ["hunter2-never-kept", "radius-secret-never-kept", "secretkeysecretkey"])
      expect(text).not.toContain(secret);
    expect(config.problems).toEqual([]);
  });

  it("lists what it cannot read with the line", () => {
    const config = parseAuthProxyConfig("failmode=safe\n[radius_server_auto]\nport=99999\njunk\n", "f");
    expect(config.problems.map((p) => p.line)).toEqual([1, 3, 4]);
  });

  it("property: never throws; every server and problem has a line inside the text; no secret value survives", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "[radius_server_auto]",
        "[ldap_server_auto3]",
        "[ad_client]",
        "failmode=secure",
        "failmode=safe",
        "radius_ip_1=10.0.0.1",
        "exempt_ou_1=CN=x",
        "port=1812",
        "skey=SECRETVALUE",
        "radius_secret_1=SECRETVALUE",
        "; comment",
        "",
      ),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.join("\n");
        const config = parseAuthProxyConfig(text, "f");
        const count = text.split(/\r\n|\n|\r/).length;
        for (const s of config.servers) expect(s.line).toBeGreaterThan(0);
        for (const s of config.servers) expect(s.line).toBeLessThanOrEqual(count);
        for (const p of config.problems) expect(p.line).toBeLessThanOrEqual(count);
        expect(JSON.stringify(config)).not.toContain("SECRETVALUE");
      }),
    );
  });
});

/**
 * The Duo Authentication Proxy's `authproxy.cfg` (INI: `[section]`, `key=value`, `;` or `#` comments).
 * Server sections (`radius_server_auto`, `radius_server_duo_only`, `ldap_server_auto`, …, numbered
 * `radius_server_auto2` to run several of one kind, as Duo's sample config says) each protect one
 * application (`ikey`) for the RADIUS clients `radius_ip_N`, checking the primary credential with the
 * client section named by `client`. `failmode`: "safe" (the default) lets the primary credential alone
 * through when Duo cannot be reached, "secure" refuses (Duo's Authentication Proxy docs, reference §1.3
 * for pam_duo's same switch). `exempt_ou_N` names DNs that skip Duo (third-party configs citing Duo KB
 * 4989). Secrets (`skey`, `radius_secret_N`, `service_account_password`, `secret`) are never kept.
 * Pure; never throws.
 */

export interface ProxyServer {
  /** Section name as written (`radius_server_auto2`). */
  section: string;
  /** Its kind without the number (`radius_server_auto`). */
  kind: string;
  line: number;
  ikey: string | null;
  apiHost: string | null;
  /** `failmode` as written; null = not set (Duo's default, safe). */
  failmode: { value: string; line: number } | null;
  port: { value: number; line: number } | null;
  /** The client section that checks the primary credential. */
  client: string | null;
  radiusClients: Array<{ address: string; line: number }>;
  exemptOus: Array<{ dn: string; line: number }>;
  exemptPrimaryBind: { value: string; line: number } | null;
}

export interface AuthProxyConfig {
  file: string;
  servers: ProxyServer[];
  /** Client sections present (`ad_client`, `radius_client`, …). */
  clients: string[];
  problems: Array<{ line: number; message: string }>;
}

const secretKeys = /^(skey|radius_secret_\d+|service_account_password|secret|secret_\d+)$/i;

export function parseAuthProxyConfig(text: string, file: string): AuthProxyConfig {
  const config: AuthProxyConfig = { file, servers: [], clients: [], problems: [] };
  let server: ProxyServer | null = null;
  let section: string | null = null;
  // Server sections by name: a file of thousands of sections stays linear.
  const seen = new Map<string, ProxyServer>();
  const lines = text.split(/\r\n|\n|\r/);
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1;
    const content = lines[n]!.trim();
    if (content === "" || content.startsWith(";") || content.startsWith("#")) continue;
    const header = /^\[([^\]]*)\]$/.exec(content);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      server = null;
      const kind = section.replace(/\d+$/, "");
      const earlier = seen.get(section);
      if (earlier) {
        // Which of two same-named sections a proxy would use is not documented: read neither's settings twice.
        config.problems.push({
          line,
          message: `[${section}] appears again (first at line ${earlier.line}); this repeat is not read`,
        });
        continue;
      }
      if (/_server_/.test(kind)) {
        server = {
          section,
          kind,
          line,
          ikey: null,
          apiHost: null,
          failmode: null,
          port: null,
          client: null,
          radiusClients: [],
          exemptOus: [],
          exemptPrimaryBind: null,
        };
        config.servers.push(server);
        seen.set(section, server);
      } else if (/_client$/.test(kind)) config.clients.push(section);
      continue;
    }
    const eq = content.indexOf("=");
    if (eq <= 0) {
      config.problems.push({ line, message: "expected 'key=value' or a [section] header" });
      continue;
    }
    const key = content.slice(0, eq).trim().toLowerCase();
    const value = content.slice(eq + 1).trim();
    if (section === null) {
      config.problems.push({ line, message: "a setting before any [section]" });
      continue;
    }
    if (!server || secretKeys.test(key)) continue;
    const short = value.slice(0, 300);
    if (key === "ikey") server.ikey = short;
    else if (key === "api_host") server.apiHost = short.toLowerCase();
    else if (key === "failmode") server.failmode = { value: short.toLowerCase(), line };
    else if (key === "client") server.client = short.toLowerCase();
    else if (key === "exempt_primary_bind") server.exemptPrimaryBind = { value: short.toLowerCase(), line };
    else if (key === "port") {
      const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
      if (port >= 1 && port <= 65535) server.port = { value: port, line };
      else config.problems.push({ line, message: "port is not a port number" });
    } else if (/^radius_ip_\d+$/.test(key)) server.radiusClients.push({ address: short, line });
    else if (/^exempt_ou_\d+$/.test(key)) server.exemptOus.push({ dn: short, line });
  }
  return config;
}

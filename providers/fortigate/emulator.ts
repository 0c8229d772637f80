import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import { guid } from "../../src/emulator/guid.js";
import {
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/server.js";
import { type FortiObject, parseFortiConfig } from "./cli.js";

/**
 * A stand-in for the FortiOS REST API (`/api/v2/cmdb/<path>/<name>?vdom=`), as documented in reference
 * §2.1: bearer tokens (401 for an unknown one, 403 for a table the token's admin profile cannot read),
 * `?vdom=` selecting the VDOM (default root; an unknown VDOM is 404), and the cmdb envelope
 * `{ http_method, results, vdom, path, name, status, http_status, serial, version, build }`. Seeds are
 * REST-shaped objects; `restFromCli` builds them from configuration text so one fixture drives both modes.
 */

/**
 * The cmdb tables this stand-in serves, stated here (not imported from ./api.ts), from
 * shared/reference/remote-access-and-ticketing.md §2.1 (fortinet ansible fortios_* modules): REST path,
 * the matching `config` section of a configuration backup, and whether the table is global (outside VDOMs).
 */
const tables = {
  userLocal: { rest: "user/local", cli: "user local", global: false },
  userGroup: { rest: "user/group", cli: "user group", global: false },
  userLdap: { rest: "user/ldap", cli: "user ldap", global: false },
  userRadius: { rest: "user/radius", cli: "user radius", global: false },
  userSaml: { rest: "user/saml", cli: "user saml", global: false },
  sslSettings: { rest: "vpn.ssl/settings", cli: "vpn ssl settings", global: false },
  firewallPolicy: { rest: "firewall/policy", cli: "firewall policy", global: false },
  phase1: { rest: "vpn.ipsec/phase1-interface", cli: "vpn ipsec phase1-interface", global: false },
  systemAdmin: { rest: "system/admin", cli: "system admin", global: true },
} as const;

/**
 * The admin-profile permission group (`config system accprofile`) that governs each table, by REST path.
 * The CLI branch a group controls: "Auth Users (authgrp) user", "Firewall Configuration (fwgrp) firewall",
 * "Admin Users (admingrp) system admin, system accprofile" (FortiGate 4.0 MR1 Administration Guide,
 * Table 41 "Admin profile control of access to CLI commands"), "VPN Configuration (vpngrp) vpn" (3.0 MR4
 * Administration Guide, Table 30, the same table). FortiOS 6.0 removed admingrp and moved it under sysgrp as
 * `sysgrp-permission admin` (FortiOS 6.0 CLI reference, `system accprofile`, History). The groups' current
 * descriptions agree: authgrp "Administrator access to Users and Devices", vpngrp "Administrator access to
 * IPsec, SSL, PPTP, and L2TP VPN", fwgrp "Administrator access to the Firewall configuration", sysgrp
 * "System Configuration", its `admin` sub-permission "Administrator Users" (fortinet-ansible-dev
 * ansible-galaxy-fortios-collection, plugins/modules/fortios_system_accprofile.py). Not modelled: `custom`
 * groups with per-item `fwgrp-permission` / `sysgrp-permission`.
 */
const accessGroups = {
  "user/local": "authgrp",
  "user/group": "authgrp",
  "user/ldap": "authgrp",
  "user/radius": "authgrp",
  "user/saml": "authgrp",
  "vpn.ssl/settings": "vpngrp",
  "firewall/policy": "fwgrp",
  "vpn.ipsec/phase1-interface": "vpngrp",
  "system/admin": "sysgrp",
} as const satisfies Record<(typeof tables)[keyof typeof tables]["rest"], string>;
export type AccessGroup = (typeof accessGroups)[keyof typeof accessGroups];
/** An accprofile group's setting: `none` hides the group's tables (403), `read` or `read-write` shows them. */
export type AccessLevel = "none" | "read" | "read-write";

export const documented = { tables, accessGroups } as const;

export interface FortiGateSeed {
  tokens: Array<{
    token: string;
    /**
     * The REST API admin's access profile, per group; a group left out is `read-write`, so no profile is
     * super_admin's. A group set to `none` answers its tables with FortiOS's 403 envelope.
     */
    profile?: Partial<Record<AccessGroup, AccessLevel>>;
  }>;
  /** Per VDOM: REST path → a table's objects, or a settings object. */
  vdoms: Record<string, Record<string, Array<Record<string, unknown>> | Record<string, unknown>>>;
  /** Global tables: `system/admin`. */
  global: Record<string, Array<Record<string, unknown>>>;
  serial?: string;
  version?: string;
}

export interface FortiGateEmulatorOptions extends EmulatorOptions {
  device: FortiGateSeed;
}

const globalPaths = new Set<string>(
  Object.values(tables)
    .filter((t) => t.global)
    .map((t) => t.rest),
);

function envelope(status: number, path: string, extra: Record<string, unknown> = {}): EmulatorResponse {
  const [group, name] = path.split("/");
  return {
    status,
    body: {
      http_method: "GET",
      status: status === 200 ? "success" : "error",
      http_status: status,
      path: group,
      name,
      ...extra,
    },
  };
}

export async function startFortiGateEmulator(options: FortiGateEmulatorOptions): Promise<RunningEmulator> {
  const device = options.device;
  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const token = device.tokens.find((t) => t.token === bearer);
    const match = /^\/api\/v2\/cmdb\/([^/]+\/[^/]+)$/.exec(req.path);
    if (!token) return { status: 401, body: { status: "error", http_status: 401 } };
    if (req.method !== "GET" || !match) return envelope(404, match?.[1] ?? "/");
    const path = match[1]!;
    const group = accessGroups[path as keyof typeof accessGroups] as AccessGroup | undefined;
    if (group && token.profile?.[group] === "none") return envelope(403, path);
    const vdom = req.query.get("vdom") ?? "root";
    const meta = {
      serial: device.serial ?? "FGT60FTK00000000",
      version: device.version ?? "v7.4.4",
      build: 2662,
    };
    if (globalPaths.has(path))
      return envelope(200, path, { results: device.global[path] ?? [], vdom: "root", ...meta });
    const tablesOf = device.vdoms[vdom];
    if (!tablesOf) return envelope(404, path, { vdom });
    const results = tablesOf[path] ?? (path.endsWith("/settings") ? {} : []);
    return envelope(200, path, { results, vdom, ...meta });
  };
  return startEmulator(handler, { ...options, tls: true });
}

/** CLI fields that the REST API returns as reference lists (`[{ name, q_origin_key }]`). */
const referenceFields = new Set([
  "member",
  "groups",
  "users",
  "srcintf",
  "dstintf",
  "srcaddr",
  "dstaddr",
  "service",
  "source-interface",
  "source-address",
  "source-address6",
]);

function restObject(object: FortiObject, keyField: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (object.key !== "") out[keyField] = keyField === "name" ? object.key : Number(object.key);
  if (object.key !== "" && keyField === "name") out.q_origin_key = object.key;
  for (const [name, field] of Object.entries(object.fields)) {
    out[name] = referenceFields.has(name)
      ? field.values.map((v) => ({ name: v, q_origin_key: v }))
      : field.values.join(" ");
  }
  for (const [name, children] of Object.entries(object.tables))
    out[name] = children.map((c) => restObject(c, /^\d+$/.test(c.key) ? "id" : "name"));
  return out;
}

/** REST seeds from configuration text (a single-VDOM backup): what the API would answer for it. */
export function restFromCli(text: string): Pick<FortiGateSeed, "vdoms" | "global"> {
  const parsed = parseFortiConfig(text);
  if (!parsed.ok) throw new Error(`fixture line ${parsed.line}: ${parsed.error}`);
  const vdom: FortiGateSeed["vdoms"][string] = {};
  const global: FortiGateSeed["global"] = {};
  for (const t of Object.values(tables)) {
    const objects = parsed.root.tables[t.cli];
    if (!objects) continue;
    const key = t.rest === "firewall/policy" ? "policyid" : "name";
    const rest = objects.map((o) => restObject(o, key));
    if (t.global) global[t.rest] = rest;
    else vdom[t.rest] = t.rest.endsWith("/settings") ? (rest[0] ?? {}) : rest;
  }
  return { vdoms: { root: vdom }, global };
}

/**
 * Northwind's FortiGate: SSL-VPN through Entra SAML for staff, plus a local contractor account without
 * two-factor; a legacy dial-up tunnel with a pre-shared key and no XAuth; a super_admin without a token.
 */
export function northwindConfig(domain: string, entraTenantId: string): string {
  return `#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config system admin
    edit "admin"
        set accprofile "super_admin"
        set two-factor disable
    next
    edit "msp-noc"
        set accprofile "super_admin"
        set two-factor fortitoken
        set fortitoken "FTKMOB0000000001"
    next
end
config user local
    edit "vpn-contractor"
        set status enable
        set type password
        set two-factor disable
        set passwd ENC SH2demo
    next
    edit "it.admin"
        set status enable
        set type password
        set two-factor fortitoken
        set fortitoken "FTKMOB0000000002"
        set email-to "it.admin@${domain}"
    next
end
config user saml
    edit "entra-sso"
        set entity-id "https://vpn.${domain}:10443/remote/saml/metadata"
        set single-sign-on-url "https://vpn.${domain}:10443/remote/saml/login"
        set idp-entity-id "https://sts.windows.net/${entraTenantId}/"
        set idp-single-sign-on-url "https://login.microsoftonline.com/${entraTenantId}/saml2"
        set user-name "username"
    next
end
config user group
    edit "SSLVPN-Entra"
        set member "entra-sso"
    next
    edit "SSLVPN-Local"
        set member "vpn-contractor" "it.admin"
    next
end
config vpn ssl settings
    set status enable
    set port 10443
    set source-interface "wan1"
    set source-address "all"
    set reqclientcert disable
    config authentication-rule
        edit 1
            set groups "SSLVPN-Entra"
            set portal "full-access"
        next
        edit 2
            set groups "SSLVPN-Local"
            set portal "full-access"
        next
    end
end
config firewall policy
    edit 1
        set name "SSL-VPN to LAN"
        set srcintf "ssl.root"
        set dstintf "lan"
        set action accept
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
        set groups "SSLVPN-Entra" "SSLVPN-Local"
    next
end
config vpn ipsec phase1-interface
    edit "dialup-legacy"
        set type dynamic
        set interface "wan1"
        set peertype any
        set authmethod psk
        set xauthtype disable
        set psksecret ENC demo
    next
end
`;
}

/**
 * Fabrikam Legal's FortiGate (a `show full-configuration` backup): SSL-VPN users are checked by RADIUS
 * server 10.60.0.20:1812, the customer's Duo Authentication Proxy (the duo demo's authproxy.cfg).
 */
export function fabrikamConfig(): string {
  return `#config-version=FG60F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config system admin
    edit "admin"
        set accprofile "super_admin"
        set two-factor fortitoken
        set fortitoken "FTKMOB0FAB01"
    next
end
config user radius
    edit "duo-proxy"
        set server "10.60.0.20"
        set radius-port 1812
    next
end
config user group
    edit "VPN-Users"
        set member "duo-proxy"
    next
end
config vpn ssl settings
    set status enable
    config authentication-rule
        edit 1
            set groups "VPN-Users"
        next
    end
end
`;
}

export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const northwind = portfolio.tenants.find((t) => t.id === "northwind");
  const fabrikam = portfolio.tenants.find((t) => t.id === "fabrikam-legal");
  if (!northwind && !fabrikam) return { connections: [], env: {}, close: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-fortigate-demo-"));
  const connections: ProviderDemo["connections"] = [];
  const env: Record<string, string> = {};
  let emulator: Awaited<ReturnType<typeof startFortiGateEmulator>> | undefined;
  if (northwind) {
    const variable = "MFASWEEP_DEMO_FORTIGATE_TOKEN_NORTHWIND";
    const token = `demo${randomBytes(12).toString("hex")}`;
    // The Entra demo seeds the tenant id the same way (seedTenant).
    const seed = restFromCli(northwindConfig(northwind.domain, guid(`tenant:${northwind.domain}`)));
    emulator = await startFortiGateEmulator({ device: { tokens: [{ token }], ...seed } });
    const caBundle = join(dir, "emulator-ca.pem");
    await writeFile(caBundle, emulator.certificate ?? "", { mode: 0o600 });
    env[variable] = token;
    connections.push({
      tenant: northwind.id,
      connection: {
        type: "fortigate",
        id: "fortigate",
        name: "FortiGate hq-fw01",
        endpoint: emulator.url,
        caBundle,
        auth: { method: "api-token", token: `env:${variable}` },
      },
    });
  }
  if (fabrikam) {
    const backupFile = join(dir, "fab-fw02.conf");
    await writeFile(backupFile, fabrikamConfig());
    connections.push({
      tenant: fabrikam.id,
      connection: { type: "fortigate", id: "fortigate", name: "FortiGate fab-fw02", backupFile },
    });
  }
  return {
    env,
    connections,
    close: async () => {
      await emulator?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

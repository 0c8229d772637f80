import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import { appendAll } from "../../src/util/arrays.js";

/**
 * OpenVPN is read from files, so its "emulator" writes them: fixture builders for a community
 * `server.conf` (openvpn(8) server options, with the inline key blocks a real one carries), a copy of
 * /etc/pam.d, and the JSON of Access Server's `sacli ConfigQuery` and `sacli UserPropGet` (with the
 * secrets real dumps carry, to prove the parser drops them), for tests and the demo.
 */

export interface ServerConfSeed {
  verifyClientCert?: "none" | "optional" | "require";
  /** `client-cert-not-required` (the deprecated spelling of verify-client-cert none). */
  clientCertNotRequired?: boolean;
  /** `auth-user-pass-verify <script> via-file`. */
  script?: string;
  /** auth-pam plugin: PAM service and optional name/value pairs. */
  pam?: { service: string; pairs?: Array<[string, string]>; module?: string };
  /** Other plugins (module paths). */
  plugins?: string[];
  managementClientAuth?: boolean;
  authUserPassOptional?: boolean;
  /** Arguments of auth-gen-token ("" for the bare directive). */
  authGenToken?: string;
  renegSec?: number;
  /** Lines appended verbatim. */
  extra?: string[];
  /** Write a client configuration instead. */
  client?: boolean;
}

export function serverConf(seed: ServerConfSeed = {}): string {
  if (seed.client)
    return [
      "client",
      "dev tun",
      "proto udp",
      "remote vpn.example 1194",
      "auth-user-pass",
      "<ca>",
      "-----BEGIN CERTIFICATE-----",
      "MIIB",
      "-----END CERTIFICATE-----",
      "</ca>",
      "",
    ].join("\n");
  const lines = [
    "# OpenVPN server",
    "port 1194",
    "proto udp",
    "dev tun",
    "server 10.8.0.0 255.255.255.0",
    "keepalive 10 120",
    "<ca>",
    "-----BEGIN CERTIFICATE-----",
    "MIIBszCCAVmgAwIBAgIUfixture",
    "-----END CERTIFICATE-----",
    "</ca>",
    "<key>",
    "-----BEGIN PRIVATE KEY-----",
    "MC4CAQAwBQYDK2VwBCIEIFIXTURE-NOT-A-KEY",
    "-----END PRIVATE KEY-----",
    "</key>",
    "tls-crypt /etc/openvpn/server/ta.key",
  ];
  if (seed.clientCertNotRequired) lines.push("client-cert-not-required");
  if (seed.verifyClientCert) lines.push(`verify-client-cert ${seed.verifyClientCert}`);
  if (seed.script) lines.push("script-security 2", `auth-user-pass-verify ${seed.script} via-file`);
  if (seed.pam) {
    const module = seed.pam.module ?? "/usr/lib/openvpn/openvpn-plugin-auth-pam.so";
    const pairs = seed.pam.pairs ?? [];
    lines.push(
      pairs.length
        ? `plugin ${module} "${[seed.pam.service, ...pairs.flat()].join(" ")}"`
        : `plugin ${module} ${seed.pam.service}`,
    );
  }
  for (const p of seed.plugins ?? []) lines.push(`plugin ${p} some-init-arg`);
  if (seed.managementClientAuth) lines.push("management 127.0.0.1 7505", "management-client-auth");
  if (seed.authUserPassOptional) lines.push("auth-user-pass-optional");
  if (seed.authGenToken !== undefined) lines.push(`auth-gen-token ${seed.authGenToken}`.trim());
  if (seed.renegSec !== undefined) lines.push(`reneg-sec ${seed.renegSec}`);
  appendAll(lines, seed.extra ?? []);
  return `${lines.join("\n")}\n`;
}

/** Common PAM stacks for an OpenVPN service. */
export const pamStacks = {
  passwordOnly: "auth required pam_unix.so\naccount required pam_unix.so\n",
  passwordAndOtp:
    "auth required pam_unix.so\nauth required pam_google_authenticator.so\naccount required pam_unix.so\n",
  passwordAndOtpNullok:
    "auth required pam_unix.so\nauth required pam_google_authenticator.so nullok\naccount required pam_unix.so\n",
  otpForwardPass:
    "auth required pam_google_authenticator.so forward_pass\nauth required pam_unix.so use_first_pass\naccount required pam_unix.so\n",
  debianCommonAuth: "@include common-auth\naccount required pam_unix.so\n",
  commonAuth:
    "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n",
} as const;

export async function writePamDir(dir: string, files: Record<string, string>): Promise<string> {
  const pamDir = join(dir, "pam.d");
  await mkdir(pamDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(pamDir, name), text);
  return pamDir;
}

/** `sacli ConfigQuery` output: the keys a real server prints, including secrets the parser must drop. */
export function configQuery(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "admin_ui.https.ip_address": "all",
    "admin_ui.https.port": "943",
    "auth.ldap.0.bind_dn": "uid=admin,cn=users,dc=example",
    "auth.ldap.0.bind_pw": "fixture-bind-password",
    "auth.ldap.0.server.0.host": "ldap.example",
    "auth.module.type": "local",
    "auth.pam.0.service": "openvpnas",
    "cs.priv_key": "-----BEGIN PRIVATE KEY-----\\nFIXTURE\\n-----END PRIVATE KEY-----\\n",
    "host.name": "vpn.example",
    "vpn.server.google_auth.enable": "false",
    "vpn.server.daemon.udp.port": "1194",
    ...overrides,
  };
}

export interface AsUserSeed {
  type?: string;
  group?: string;
  totp?: boolean;
  /** pvt_google_auth_secret_locked: true when the user scanned and locked the TOTP secret. */
  enrolled?: boolean;
  autologin?: boolean;
  deny?: boolean;
  superuser?: boolean;
  authType?: string;
}

/** `sacli UserPropGet` output for users and groups (groups: `{ type: "group", ... }`), with __DEFAULT__. */
export function userProps(
  users: Record<string, AsUserSeed>,
  groups: Record<string, Omit<AsUserSeed, "type" | "group" | "enrolled">> = {},
  defaults: Record<string, string> = {},
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {
    __DEFAULT__: { def_deny: "false", prop_autogenerate: "true", type: "user_default", ...defaults },
  };
  const props = (s: Omit<AsUserSeed, "type" | "group" | "enrolled">): Record<string, string> => ({
    ...(s.totp !== undefined ? { prop_google_auth: String(s.totp) } : {}),
    ...(s.autologin !== undefined ? { prop_autologin: String(s.autologin) } : {}),
    ...(s.deny !== undefined ? { prop_deny: String(s.deny) } : {}),
    ...(s.superuser !== undefined ? { prop_superuser: String(s.superuser) } : {}),
    ...(s.authType ? { user_auth_type: s.authType } : {}),
  });
  for (const [name, g] of Object.entries(groups))
    out[name] = { group_declare: "true", type: "group", ...props(g) };
  for (const [name, u] of Object.entries(users)) {
    out[name] = {
      type: u.type ?? "user_compile",
      ...(u.group ? { conn_group: u.group } : {}),
      ...props(u),
      pvt_password_digest: "fixture-digest-not-real",
      ...(u.enrolled !== undefined
        ? { pvt_google_auth_secret: "FIXTURESECRETXXX", pvt_google_auth_secret_locked: String(u.enrolled) }
        : {}),
    };
  }
  return out;
}

export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export async function writeServerConf(dir: string, name: string, seed: ServerConfSeed): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, serverConf(seed), { mode: 0o600 });
  return path;
}

/**
 * Northwind's legacy OpenVPN server: no client certificates, PAM with an OTP module left on `nullok`
 * (users who never set up a code get in with their password), and auth tokens that never expire.
 */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-openvpn-"));
  const connections: ProviderDemo["connections"] = [];
  const northwind = portfolio.tenants.find((t) => t.id === "northwind");
  if (northwind) {
    const config = await writeServerConf(dir, "server.conf", {
      verifyClientCert: "none",
      pam: {
        service: "openvpn",
        pairs: [
          ["login", "USERNAME"],
          ["password", "PASSWORD"],
          ["verification", "OTP"],
        ],
      },
      authGenToken: "",
    });
    const pamDir = await writePamDir(dir, { openvpn: pamStacks.passwordAndOtpNullok });
    connections.push({
      tenant: northwind.id,
      connection: {
        type: "openvpn",
        id: "openvpn",
        servers: [{ edition: "community", name: `vpn-legacy.${northwind.domain}`, config, pamDir }],
      },
    });
  }
  return { env: {}, connections, close: () => rm(dir, { recursive: true, force: true }) };
}

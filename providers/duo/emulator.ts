import { createHmac, randomBytes } from "node:crypto";
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
 * A stand-in for one Duo account's Admin API, stating Duo's documented behaviour itself (duo.com/docs/
 * adminapi; the official SDKs duo_api_nodejs and duo_client_python):
 * - every request carries `Date` and `Authorization: Basic base64(ikey:hex(HMAC-SHA512(skey, canon)))`,
 *   where canon is the date, the upper-case method, the lower-case API host, the path and the parameters
 *   sorted by name and percent-encoded (RFC 3986), joined by newlines; a wrong or missing one is 401;
 * - lists page with `limit` (default 100, at most 300) and `offset`, answering `metadata.next_offset`
 *   while more remain, and `total_objects`;
 * - a key whose Admin API application lacks the endpoint's permission gets 403; throttling is 429;
 * - every answer is `{ stat: "OK", response, metadata? }` or `{ stat: "FAIL", code, message }`.
 */

export type DuoRecord = Record<string, unknown>;

export interface DuoAccountSeed {
  /** The API hostname the signatures are made for. */
  apiHost: string;
  keys: Array<{ ikey: string; skey: string; grants: string[] }>;
  users: DuoRecord[];
  integrations: DuoRecord[];
}

export interface DuoEmulatorOptions extends EmulatorOptions {
  account: DuoAccountSeed;
  /** Answer this many requests with 429 before serving (each with this Retry-After, if set). */
  throttle?: { times: number; retryAfterSeconds?: number };
}

const endpoints: Record<
  string,
  { list: keyof Pick<DuoAccountSeed, "users" | "integrations">; grant: string }
> = {
  "/admin/v1/users": { list: "users", grant: "Grant read resource" },
  "/admin/v1/integrations": { list: "integrations", grant: "Grant applications" },
};

/**
 * The vendor facts this stand-in enforces, as it states them (duo.com/docs/adminapi: "Requires Grant read
 * resource API permission" for the users list, "Grant applications" for integrations), for
 * test/providers/constants-agree.test.ts: the permission each list needs, by list.
 */
export const documented = {
  permissionFor: Object.fromEntries(Object.values(endpoints).map((e) => [e.list, e.grant])),
} as const;

function fail(status: number, code: number, message: string): EmulatorResponse {
  return { status, body: { stat: "FAIL", code, message } };
}

/** RFC 3986 percent-encoding, as Duo's canonical parameter string needs. */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonical(date: string, method: string, host: string, path: string, query: URLSearchParams): string {
  const params = [...query.entries()]
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join("&");
  return [date, method.toUpperCase(), host.toLowerCase(), path, params].join("\n");
}

export async function startDuoEmulator(options: DuoEmulatorOptions): Promise<RunningEmulator> {
  const account = options.account;
  let throttled = 0;
  const handler = (req: EmulatorRequest): EmulatorResponse => {
    const date = String(req.headers.date ?? "");
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (!date || !basic) return fail(401, 40101, "Missing request credentials");
    if (Number.isNaN(Date.parse(date))) return fail(401, 40105, "Invalid date in request credentials");
    const [ikey, signature] = Buffer.from(basic, "base64").toString("utf8").split(":");
    const key = account.keys.find((k) => k.ikey === ikey);
    if (!key) return fail(401, 40102, "Invalid integration key in request credentials");
    const expected = createHmac("sha512", key.skey)
      .update(canonical(date, req.method, account.apiHost, req.path, req.query))
      .digest("hex");
    if (signature !== expected) return fail(401, 40103, "Invalid signature in request credentials");
    if (options.throttle && throttled < options.throttle.times) {
      throttled++;
      return {
        ...fail(429, 42901, "Too Many Requests"),
        ...(options.throttle.retryAfterSeconds
          ? { headers: { "retry-after": String(options.throttle.retryAfterSeconds) } }
          : {}),
      };
    }
    const endpoint = endpoints[req.path];
    if (req.method !== "GET" || !endpoint) return fail(404, 40401, "Resource not found");
    if (!key.grants.includes(endpoint.grant)) return fail(403, 40301, "Access forbidden");
    const limitRaw = req.query.get("limit");
    const offsetRaw = req.query.get("offset");
    const limit = limitRaw === null ? 100 : Number(limitRaw);
    const offset = offsetRaw === null ? 0 : Number(offsetRaw);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
      return fail(400, 40002, "Invalid request parameters");
    const all = account[endpoint.list];
    const size = Math.min(limit, 300);
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? offset + size : undefined;
    return {
      status: 200,
      body: {
        stat: "OK",
        response: page,
        metadata: {
          total_objects: all.length,
          ...(next !== undefined ? { next_offset: next } : {}),
          ...(offset > 0 ? { prev_offset: Math.max(0, offset - size) } : {}),
        },
      },
    };
  };
  return startEmulator(handler, options);
}

/** A user in the shape of Duo's "Retrieve Users" example. */
export function seedDuoUser(
  username: string,
  options: {
    status?: string;
    enrolled?: boolean;
    capabilities?: string[];
    webauthn?: boolean;
    /** Username aliases, returned as Duo's `aliases` map (alias1, alias2, …). */
    aliases?: string[];
  } = {},
): DuoRecord {
  const enrolled = options.enrolled ?? true;
  const id = `DU${createHmac("sha256", "duo-demo").update(username).digest("hex").slice(0, 18).toUpperCase()}`;
  return {
    user_id: id,
    username,
    aliases: Object.fromEntries((options.aliases ?? []).map((a, i) => [`alias${i + 1}`, a])),
    realname: username,
    email: `${username}@example.invalid`,
    status: options.status ?? "active",
    is_enrolled: enrolled,
    created: 1700000000,
    last_login: 1764000000,
    groups: [],
    phones: enrolled
      ? [
          {
            phone_id: `DP${id.slice(2)}`,
            type: "Mobile",
            platform: "Apple iOS",
            activated: true,
            capabilities: options.capabilities ?? ["auto", "push", "sms", "phone", "mobile_otp"],
          },
        ]
      : [],
    tokens: [],
    u2ftokens: [],
    webauthncredentials: options.webauthn ? [{ credential_name: "Security key", label: "YubiKey" }] : [],
  };
}

/** Fabrikam Legal's Duo proxy: the FortiGate's RADIUS server, application "FortiGate SSL-VPN", failmode=safe. */
export const fabrikamProxy = {
  host: "10.60.0.20",
  ikey: "DIFABRIKAMVPN0000001",
  apiHost: "api-fab12345.duosecurity.com",
  config: `; Duo Authentication Proxy, fab-duo01
[ad_client]
host=10.60.0.5
service_account_username=svc-duo
service_account_password=demo-not-a-secret
search_dn=DC=fabrikam-legal,DC=example

[radius_server_auto]
ikey=DIFABRIKAMVPN0000001
skey=demo-not-a-secret-either-00000000000000
api_host=api-fab12345.duosecurity.com
radius_ip_1=10.60.0.1
radius_secret_1=demo-not-a-secret-too
client=ad_client
port=1812
failmode=safe
`,
};

/**
 * Fabrikam Legal's Duo account: lawyers enrolled with Duo Push (one with a security key), and a scanner
 * service account someone set to bypass; the VPN application requires enrollment of new users, the file
 * server's SSH application refuses them.
 */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "fabrikam-legal");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const key = newDuoKeys(["Grant read resource", "Grant applications"]);
  const emulator = await startDuoEmulator({
    account: {
      apiHost: fabrikamProxy.apiHost,
      keys: [key],
      users: [
        seedDuoUser("a.lopez", { capabilities: ["auto", "push", "mobile_otp"] }),
        // The file server's sysadmin logs in as 'admin' there: a username alias in Duo.
        seedDuoUser("m.chen", { capabilities: ["auto", "push", "mobile_otp"], aliases: ["admin"] }),
        seedDuoUser("r.patel", { capabilities: ["auto", "push"], webauthn: true }),
        seedDuoUser("scan-svc", { status: "bypass", enrolled: false }),
      ],
      integrations: [
        {
          integration_key: fabrikamProxy.ikey,
          name: "FortiGate SSL-VPN",
          type: "radius",
          enroll_policy: "enroll",
        },
        // The file server's pam_duo (the SSH demo): unenrolled users are refused.
        {
          integration_key: "DIFABRIKAMSSH0000001",
          name: "File server SSH",
          type: "unix",
          enroll_policy: "deny",
        },
      ],
    },
  });
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-duo-demo-"));
  const file = join(dir, "authproxy.cfg");
  await writeFile(file, fabrikamProxy.config);
  const ikey = "MFASWEEP_DEMO_DUO_IKEY_FABRIKAM";
  const skey = "MFASWEEP_DEMO_DUO_SKEY_FABRIKAM";
  return {
    env: { [ikey]: key.ikey, [skey]: key.skey },
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "duo",
          id: "duo",
          apiHost: fabrikamProxy.apiHost,
          endpoint: emulator.url,
          auth: { method: "hmac", integrationKey: `env:${ikey}`, secretKey: `env:${skey}` },
          authProxies: [{ file, host: fabrikamProxy.host }],
        },
      },
    ],
    close: async () => {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh key pair for tests and the demo. */
export function newDuoKeys(grants: string[]): { ikey: string; skey: string; grants: string[] } {
  return {
    ikey: `DI${randomBytes(9).toString("hex").toUpperCase()}`,
    skey: randomBytes(20).toString("hex"),
    grants,
  };
}

/**
 * A `reg export` of Duo for Windows Logon's settings, the way regedit writes it (UTF-16LE with a BOM, CRLF).
 * The installer keeps its settings in HKLM\SOFTWARE\Duo Security\DuoCredProv; a Group Policy writes
 * HKLM\SOFTWARE\Policies\Duo Security\DuoCredProv, which overrides them (Duo's Windows Logon docs).
 */
export function windowsLogonExport(
  local: Record<string, string | number>,
  policy?: Record<string, string | number>,
): Buffer {
  const key = (path: string, values: Record<string, string | number>) => [
    "",
    `[${path}]`,
    ...Object.entries(values).map(([name, v]) =>
      typeof v === "number"
        ? `"${name}"=dword:${v.toString(16).padStart(8, "0")}`
        : `"${name}"="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`,
    ),
  ];
  const lines = [
    "Windows Registry Editor Version 5.00",
    ...key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Duo Security\\DuoCredProv", local),
    ...(policy ? key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Duo Security\\DuoCredProv", policy) : []),
  ];
  const text = `${lines.join("\r\n")}\r\n\r\n`;
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

/** What an installed Duo for Windows Logon holds besides the fail mode (SKEY is a secret mfasweep never keeps). */
export function typicalWindowsLogonValues(extra: Record<string, string | number> = {}) {
  return {
    Host: "api-9f8e7d6c.duosecurity.com",
    IKey: "DIWINLOGON0000000001",
    SKey: "windows-logon-skey-never-kept",
    AutoPush: 1,
    RdpOnly: 0,
    ...extra,
  };
}

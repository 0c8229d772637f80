import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DattoAccountSeed,
  seedUser as dattoUser,
  startDattoEmulator,
} from "../../providers/datto-rmm/emulator.js";
import {
  assignment,
  type EntraTenantSeed,
  roles as entraRoles,
  seedTenant as entraTenant,
  seedUser as entraUser,
  guid,
  startEntraEmulator,
} from "../../providers/entra/emulator.js";
import {
  assignAdminRoles,
  type GoogleTenantSeed,
  seedTenant as googleTenant,
  seedUser as googleUser,
  startGoogleEmulator,
  twoStepPolicies,
} from "../../providers/google-workspace/emulator.js";
import {
  factor,
  type OktaOrgSeed,
  seedUser as oktaUser,
  role,
  seedOrg,
  startOktaEmulator,
} from "../../providers/okta/emulator.js";
import {
  type EmulatorOptions,
  type EmulatorResponse,
  encodePageToken,
  type Fault,
  type RunningEmulator,
} from "../../src/emulator/server.js";

/**
 * The four HTTP client stacks the providers are built on, each behind the same small interface so the
 * reliability tests can run one fault through all of them: Google Workspace (googleapis/gaxios), Okta (the
 * Okta SDK), Entra (the Microsoft Graph client over HTTPS) and Datto RMM (the shared `src/collect/http.ts`
 * client). Each tenant gets its own emulator instance, so a fault reaches exactly one tenant.
 */

/** A person in a test tenant; `local` is the part before the @. */
export interface Person {
  local: string;
  /** Full name, shown as displayName where the vendor has one. */
  name?: string;
  admin?: boolean;
  /** Has a second factor enrolled and enforced. */
  mfa: boolean;
}

export interface TenantSpec {
  id: string;
  domain: string;
  people: Person[];
}

/** One started emulator for one tenant, and the connection (raw YAML shape) that reaches it. */
export interface Instance {
  emulator: RunningEmulator;
  connection: Record<string, unknown>;
  /** Values of the connection's env: references. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** One emulator serving several tenants (as a vendor's API host does), one connection per seed. */
export interface Shared {
  emulator: RunningEmulator;
  connections: Array<Record<string, unknown>>;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface Stack {
  /** Connection type (the provider). */
  type: string;
  /** The first request that lists accounts: faults aimed here hit before anything is known. */
  usersPath: RegExp;
  /** Builds the vendor seed once; ids stay the same across restarts, so fingerprints do too. */
  seed(spec: TenantSpec): unknown;
  start(seed: unknown, options?: EmulatorOptions): Promise<Instance>;
  startShared(seeds: unknown[], options?: EmulatorOptions): Promise<Shared>;
  /** Headers of a 429 that tells the client to come back in `seconds`, the way this vendor says it. */
  waitHeaders(seconds: number): Record<string, string>;
  /** The users list's first page answered empty, with a next link to the real first page. */
  emptyFirstPage(): Fault;
  /** Every users page names itself (or the first page) as the next page: a paging loop. */
  loopingPages(): Fault;
  /** The first users page links its next page on another host (vendors whose pages link by URL). */
  foreignNextLink?(): Fault;
}

export const envName = (type: string, tenant: string, what = "TOKEN") =>
  `RELIABILITY_${type.replace(/\W/g, "_")}_${tenant.replace(/\W/g, "_")}_${what}`.toUpperCase();

/** A CA bundle file trusting a TLS emulator's throwaway certificate, as a user would trust a proxy's CA. */
function trust(emulator: RunningEmulator): { caBundle?: string; remove(): void } {
  if (!emulator.certificate) return { remove: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "mfsw-rel-ca-"));
  const caBundle = join(dir, "ca.pem");
  writeFileSync(caBundle, emulator.certificate, { mode: 0o600 });
  return { caBundle, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function closing(emulator: RunningEmulator, remove: () => void): () => Promise<void> {
  return async () => {
    await emulator.close();
    remove();
  };
}

/** One tenant on its own emulator. */
async function one(stack: Stack, seed: unknown, options?: EmulatorOptions): Promise<Instance> {
  const shared = await stack.startShared([seed], options);
  return {
    emulator: shared.emulator,
    env: shared.env,
    connection: shared.connections[0]!,
    close: shared.close,
  };
}

function withBody(
  answer: EmulatorResponse,
  change: (body: Record<string, unknown>) => void,
): EmulatorResponse {
  const body = { ...(answer.body as Record<string, unknown>) };
  change(body);
  return { ...answer, body };
}

const googleStack: Stack = {
  type: "google-workspace",
  usersPath: /^\/admin\/directory\/v1\/users$/,
  seed(spec) {
    const token = `ya29.${randomBytes(12).toString("hex")}`;
    return assignAdminRoles(
      googleTenant(spec.domain, token, ({ root }) => ({
        policies: twoStepPolicies(root, { allowEnrollment: true }),
        users: spec.people.map((p) =>
          googleUser(`${p.local}@${spec.domain}`, {
            ...(p.name ? { name: { fullName: p.name } } : {}),
            isAdmin: p.admin === true,
            isEnrolledIn2Sv: p.mfa,
            isEnforcedIn2Sv: p.mfa,
          }),
        ),
      })),
    );
  },
  start: (seed, options) => one(googleStack, seed, options),
  async startShared(raw, options = {}) {
    const seeds = raw as GoogleTenantSeed[];
    const emulator = await startGoogleEmulator({ ...options, tenants: seeds });
    const { caBundle, remove } = trust(emulator);
    const env: Record<string, string> = {};
    const connections = seeds.map((seed) => {
      const variable = envName("google", seed.tokens[0]!.token.slice(-8));
      env[variable] = seed.tokens[0]!.token;
      return {
        type: "google-workspace",
        id: "google",
        endpoint: emulator.url,
        ...(caBundle ? { caBundle } : {}),
        auth: { method: "access-token", token: `env:${variable}` },
      };
    });
    return { emulator, env, connections, close: closing(emulator, remove) };
  },
  waitHeaders: (seconds) => ({ "retry-after": String(seconds) }),
  emptyFirstPage: () => ({
    kind: "rewrite",
    rewrite: (answer, req) =>
      req.query.get("pageToken")
        ? answer
        : withBody(answer, (b) => {
            b.users = [];
            b.nextPageToken = encodePageToken(0);
          }),
  }),
  loopingPages: () => ({
    kind: "rewrite",
    rewrite: (answer, req) =>
      withBody(answer, (b) => {
        b.nextPageToken = req.query.get("pageToken") ?? encodePageToken(0);
      }),
  }),
};

const oktaStack: Stack = {
  type: "okta",
  usersPath: /^\/api\/v1\/users$/,
  seed(spec) {
    const token = `00${randomBytes(16).toString("hex")}`;
    const host = `${spec.id}.okta.example`;
    return seedOrg(host, token, () => ({
      users: spec.people.map((p) =>
        oktaUser(`${p.local}@${spec.domain}`, {
          ...(p.name
            ? {
                profile: {
                  login: `${p.local}@${spec.domain}`,
                  email: `${p.local}@${spec.domain}`,
                  firstName: p.name.split(" ")[0] ?? p.name,
                  lastName: p.name.split(" ").slice(1).join(" ") || p.name,
                },
              }
            : {}),
          factors: p.mfa ? [factor("push")] : [],
          ...(p.admin ? { roles: [role("SUPER_ADMIN", "Super Administrator")] } : {}),
        }),
      ),
    }));
  },
  start: (seed, options) => one(oktaStack, seed, options),
  async startShared(raw, options = {}) {
    const seeds = raw as OktaOrgSeed[];
    const emulator = await startOktaEmulator({ ...options, orgs: seeds, pageSizes: { users: 2 } });
    const { caBundle, remove } = trust(emulator);
    const env: Record<string, string> = {};
    const connections = seeds.map((seed) => {
      const variable = envName("okta", seed.tokens[0]!.token.slice(-8));
      env[variable] = seed.tokens[0]!.token;
      return {
        type: "okta",
        id: "okta",
        orgUrl: `https://${seed.host}`,
        endpoint: emulator.url,
        ...(caBundle ? { caBundle } : {}),
        auth: { method: "api-token", token: `env:${variable}` },
      };
    });
    return { emulator, env, connections, close: closing(emulator, remove) };
  },
  // Okta says when its bucket resets (epoch seconds, against its Date header), not Retry-After.
  waitHeaders: (seconds) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      date: new Date(now * 1000).toUTCString(),
      "x-rate-limit-limit": "600",
      "x-rate-limit-remaining": "0",
      "x-rate-limit-reset": String(now + seconds),
    };
  },
  emptyFirstPage: () => ({
    kind: "rewrite",
    rewrite: (answer, req) => {
      if (req.query.get("after")) return answer;
      const next = new URL(`${req.baseUrl}${req.path}`);
      for (const [k, v] of req.query) next.searchParams.set(k, v);
      next.searchParams.set("after", encodePageToken(0));
      return { ...answer, body: [], headers: { ...answer.headers, link: `<${next}>; rel="next"` } };
    },
  }),
  loopingPages: () => ({
    kind: "rewrite",
    rewrite: (answer, req) => {
      const self = new URL(`${req.baseUrl}${req.path}`);
      for (const [k, v] of req.query) self.searchParams.set(k, v);
      if (!self.searchParams.get("after")) self.searchParams.set("after", encodePageToken(0));
      return { ...answer, headers: { ...answer.headers, link: `<${self}>; rel="next"` } };
    },
  }),
  foreignNextLink: () => ({
    kind: "rewrite",
    rewrite: (answer) => ({
      ...answer,
      headers: { ...answer.headers, link: `<https://evil.example/api/v1/users?after=x>; rel="next"` },
    }),
  }),
};

const entraStack: Stack = {
  type: "entra",
  usersPath: /^\/v1\.0\/users$/,
  seed(spec) {
    const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(12).toString("hex")}`;
    const users = spec.people.map((p) =>
      entraUser(`${p.local}@${spec.domain}`, {
        ...(p.name ? { displayName: p.name } : {}),
        methodsRegistered: p.mfa ? ["fido2"] : [],
      }),
    );
    return entraTenant(spec.domain, token, {
      // Per tenant even when two tenants share a domain (the isolation test does).
      tenantId: guid(`tenant:${spec.id}:${spec.domain}`),
      users,
      roleAssignments: spec.people.flatMap((p, i) =>
        p.admin ? [assignment(users[i]!.id, entraRoles.globalAdmin)] : [],
      ),
      policies: [],
    });
  },
  start: (seed, options) => one(entraStack, seed, options),
  async startShared(raw, options = {}) {
    const seeds = raw as EntraTenantSeed[];
    const emulator = await startEntraEmulator({ ...options, tls: true, tenants: seeds });
    const { caBundle, remove } = trust(emulator);
    const env: Record<string, string> = {};
    const connections = seeds.map((seed) => {
      const variable = envName("entra", seed.tokens[0]!.token.slice(-8));
      env[variable] = seed.tokens[0]!.token;
      return {
        type: "entra",
        id: "entra",
        tenantId: seed.tenantId,
        endpoint: emulator.url,
        caBundle,
        auth: { method: "access-token", token: `env:${variable}` },
      };
    });
    return { emulator, env, connections, close: closing(emulator, remove) };
  },
  waitHeaders: (seconds) => ({ "retry-after": String(seconds) }),
  emptyFirstPage: () => ({
    kind: "rewrite",
    rewrite: (answer, req) => {
      if (req.query.get("$skiptoken")) return answer;
      const next = new URL(`${req.baseUrl}${req.path}`);
      for (const [k, v] of req.query) next.searchParams.set(k, v);
      next.searchParams.set("$skiptoken", Buffer.from("0").toString("base64url"));
      return withBody(answer, (b) => {
        b.value = [];
        b["@odata.nextLink"] = next.toString();
      });
    },
  }),
  loopingPages: () => ({
    kind: "rewrite",
    rewrite: (answer, req) => {
      const self = new URL(`${req.baseUrl}${req.path}`);
      for (const [k, v] of req.query) self.searchParams.set(k, v);
      if (!self.searchParams.get("$skiptoken"))
        self.searchParams.set("$skiptoken", Buffer.from("0").toString("base64url"));
      return withBody(answer, (b) => {
        b["@odata.nextLink"] = self.toString();
      });
    },
  }),
  foreignNextLink: () => ({
    kind: "rewrite",
    rewrite: (answer) =>
      withBody(answer, (b) => {
        b["@odata.nextLink"] = "https://evil.example/v1.0/users?$skiptoken=x";
      }),
  }),
};

const dattoStack: Stack = {
  type: "datto-rmm",
  usersPath: /^\/api\/v2\/account\/users$/,
  seed(spec): DattoAccountSeed {
    return {
      keys: [{ apiKey: `key-${randomBytes(6).toString("hex")}`, apiSecret: randomBytes(12).toString("hex") }],
      users: spec.people.map((p) => dattoUser(`${p.local}@${spec.domain}`)),
      pageSize: 2,
    };
  },
  start: (seed, options) => one(dattoStack, seed, options),
  async startShared(raw, options = {}) {
    const seeds = raw as DattoAccountSeed[];
    const emulator = await startDattoEmulator({ ...options, accounts: seeds });
    const { caBundle, remove } = trust(emulator);
    const env: Record<string, string> = {};
    const connections = seeds.map((seed) => {
      const tag = seed.keys[0]!.apiKey;
      const key = envName("datto", tag, "KEY");
      const secret = envName("datto", tag, "SECRET");
      env[key] = seed.keys[0]!.apiKey;
      env[secret] = seed.keys[0]!.apiSecret;
      return {
        type: "datto-rmm",
        id: "datto-rmm",
        endpoint: emulator.url,
        ...(caBundle ? { caBundle } : {}),
        auth: { method: "api-key", apiKey: `env:${key}`, apiSecret: `env:${secret}` },
      };
    });
    return { emulator, env, connections, close: closing(emulator, remove) };
  },
  waitHeaders: (seconds) => ({ "retry-after": String(seconds) }),
  emptyFirstPage: () => ({
    kind: "rewrite",
    rewrite: (answer, req) => {
      if (req.query.get("page")) return answer;
      return withBody(answer, (b) => {
        b.users = [];
        b.pageDetails = {
          count: 0,
          totalCount: null,
          prevPageUrl: null,
          nextPageUrl: `${req.baseUrl}${req.path}?max=2&page=0`,
        };
      });
    },
  }),
  loopingPages: () => ({
    kind: "rewrite",
    rewrite: (answer, req) =>
      withBody(answer, (b) => {
        const details = (b.pageDetails ?? {}) as Record<string, unknown>;
        b.pageDetails = {
          ...details,
          nextPageUrl: `${req.baseUrl}${req.path}?max=2&page=${req.query.get("page") ?? "0"}`,
        };
      }),
  }),
  foreignNextLink: () => ({
    kind: "rewrite",
    rewrite: (answer) =>
      withBody(answer, (b) => {
        const details = (b.pageDetails ?? {}) as Record<string, unknown>;
        b.pageDetails = { ...details, nextPageUrl: "https://evil.example/api/v2/account/users?page=1" };
      }),
  }),
};

export const stacks: Stack[] = [googleStack, oktaStack, entraStack, dattoStack];

export function stack(type: string): Stack {
  const found = stacks.find((s) => s.type === type);
  if (!found) throw new Error(`no stack ${type}`);
  return found;
}

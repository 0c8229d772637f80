import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  assignment,
  caPolicy,
  type SeedUser as EntraSeedUser,
  type EntraTenantSeed,
  seedGroup as entraGroup,
  seedGuest as entraGuest,
  roles as entraRoles,
  seedTenant as entraTenant,
  seedUser as entraUser,
  guid,
  samlEnterpriseApp,
  strengthRef,
} from "../providers/entra/emulator.js";
import {
  assignAdminRoles,
  type SeedUser as GoogleSeedUser,
  type GoogleTenantSeed,
  seedTenant as googleTenant,
  seedUser as googleUser,
  twoStepPolicies,
} from "../providers/google-workspace/emulator.js";
import {
  app,
  appRule,
  factor,
  type OktaOrgSeed,
  type SeedUser as OktaSeedUser,
  group as oktaGroup,
  oktaId,
  seedUser as oktaUser,
  policy,
  role,
  samlApp,
  seedOrg,
  signOnRule,
  zone,
} from "../providers/okta/emulator.js";
import { pamStacks, writePamDir, writeServerConf } from "../providers/openvpn/emulator.js";
import { debianCommonFiles, type SnapshotAccount, writeSnapshot } from "../providers/ssh/emulator.js";

/**
 * The synthetic MSP portfolio of the benchmarks: N tenants with Entra, Okta and Google users in the mixes
 * a small-business MSP sees (mostly Microsoft 365, some Google Workspace, a few Okta orgs; some tenants
 * with two directories), admins, guests, disabled and suspended accounts, groups, Conditional Access and
 * sign-on policies, SSH hosts and VPN configs. Seeded and reproducible: the same seed gives the same
 * portfolio on every machine. The plan is small (counts per tenant); the emulator seeds are built from it
 * per tenant with the providers' own seed builders, so the emulator process and the sweep process agree
 * on every id and token without passing the data between them.
 */

/** mulberry32: a small, fast, seedable PRNG (the runtime's Math.random cannot be seeded). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit seed derived from the portfolio seed and a label, so each tenant and provider has its own stream. */
export function subSeed(seed: number, label: string): number {
  return createHash("sha1").update(`${seed}:${label}`).digest().readUInt32LE(0);
}

export const scales = {
  small: { tenants: 20, accounts: 200 },
  medium: { tenants: 200, accounts: 500 },
  large: { tenants: 1000, accounts: 1000 },
} as const;
export type Scale = keyof typeof scales;

export const directoryTypes = ["entra", "okta", "google-workspace"] as const;
export type DirectoryType = (typeof directoryTypes)[number];
export const benchTypes = [...directoryTypes, "ssh", "openvpn"] as const;
export type BenchType = (typeof benchTypes)[number];

export interface TenantPlan {
  index: number;
  id: string;
  name: string;
  domain: string;
  /** Accounts per identity directory the tenant uses. */
  directories: Partial<Record<DirectoryType, number>>;
  /** With Entra: whether the tenant has Entra ID P1 (see `entraP1Share`). */
  entraP1?: boolean;
  /** SSH hosts read from config snapshots, and whether the tenant runs an OpenVPN server. */
  sshHosts: number;
  openvpn: boolean;
}

export interface PortfolioPlan {
  seed: number;
  tenants: TenantPlan[];
}

export interface PlanOptions {
  seed: number;
  tenants: number;
  /** Mean directory accounts per tenant (each tenant gets 0.5× to 1.5× of it). */
  accountsPerTenant: number;
  /** Connection types to include (default: all). */
  types?: readonly BenchType[];
}

/**
 * Entra tenants with Entra ID P1: 70%. The other 30% are small businesses on Microsoft 365 Business Basic
 * or Standard, which include no P1 (Business Premium and the Enterprise plans do), and those plans admit at
 * most 300 users, so a tenant without P1 never has more. Within that cap the bench draws 5-30 users: a
 * small-business customer of an MSP that has not bought Premium is typically a few dozen seats (a bench
 * choice, not a vendor fact). It matters for the run time: such a tenant reads each user's methods (no
 * registration report without P1), one Graph reports request per user, at 5 per 10 s per tenant (and,
 * where the limit per app applies, a share of 122 per 10 s across all tenants): about 2,000 s per 1,000
 * users. Tenants with P1 keep the scale's size (0.5-1.5× the mean).
 */
export const entraP1Share = 0.7;
export const smallBusinessUsers = { min: 5, max: 30, cap: 300 } as const;

/**
 * Who uses what: 65% of tenants sign in with Entra, 20% with Google, 15% with Okta; a fifth also have a
 * second directory (Okta or Google beside Entra for some apps, Entra beside Google), which then holds 40%
 * of the tenant's accounts. 40% run 1-4 SSH hosts; a quarter an OpenVPN server. Entra tenants without P1
 * are small (`entraP1Share`).
 */
export function planPortfolio(options: PlanOptions): PortfolioPlan {
  const allowed = new Set<BenchType>(options.types ?? benchTypes);
  const dirs = directoryTypes.filter((d) => allowed.has(d));
  const tenants: TenantPlan[] = [];
  for (let index = 0; index < options.tenants; index++) {
    const rnd = prng(subSeed(options.seed, `tenant:${index}`));
    const id = `t${String(index + 1).padStart(4, "0")}`;
    const size = Math.max(4, Math.round(options.accountsPerTenant * (0.5 + rnd())));
    const pick = rnd();
    let primary: DirectoryType = pick < 0.65 ? "entra" : pick < 0.85 ? "google-workspace" : "okta";
    const hasSecond = rnd() < 0.2;
    let secondary: DirectoryType | undefined = hasSecond
      ? primary === "entra"
        ? rnd() < 0.6
          ? "okta"
          : "google-workspace"
        : primary === "google-workspace"
          ? rnd() < 0.5
            ? "entra"
            : "okta"
          : "entra"
      : undefined;
    const sshHosts = rnd() < 0.4 ? 1 + Math.floor(rnd() * 4) : 0;
    const openvpn = rnd() < 0.25;
    if (!dirs.includes(primary)) primary = secondary && dirs.includes(secondary) ? secondary : dirs[0]!;
    if (secondary && (!dirs.includes(secondary) || secondary === primary)) secondary = undefined;
    // Its own stream, so the draws above are the same as before the licence was planned.
    const licence = prng(subSeed(options.seed, `entra-licence:${index}`));
    const entraP1 = primary === "entra" || secondary === "entra" ? licence() < entraP1Share : undefined;
    const small = Math.min(
      smallBusinessUsers.cap,
      smallBusinessUsers.min + Math.floor(licence() * (smallBusinessUsers.max - smallBusinessUsers.min + 1)),
    );
    const users = entraP1 === false ? Math.min(size, small) : size;
    const directories: TenantPlan["directories"] = {};
    if (primary) {
      const second = secondary ? Math.round(users * 0.4) : 0;
      directories[primary] = users - second;
      if (secondary) directories[secondary] = second;
    }
    const hosts = allowed.has("ssh") ? sshHosts : 0;
    tenants.push({
      index,
      id,
      name: `Bench tenant ${index + 1}`,
      domain: `${id}.bench.example`,
      directories,
      ...(entraP1 !== undefined && directories.entra ? { entraP1 } : {}),
      // A tenant must have at least one connection.
      sshHosts: !primary && hosts === 0 && !(allowed.has("openvpn") && openvpn) ? 1 : hosts,
      openvpn: allowed.has("openvpn") && openvpn,
    });
  }
  return { seed: options.seed, tenants };
}

/** Directory accounts in the plan, per directory type. */
export function accountsByType(plan: PortfolioPlan): Record<DirectoryType, number> {
  const out: Record<DirectoryType, number> = { entra: 0, okta: 0, "google-workspace": 0 };
  for (const t of plan.tenants) for (const d of directoryTypes) out[d] += t.directories[d] ?? 0;
  return out;
}

/** Tokens the emulators accept and the config references (not secrets: loopback only). */
export function tokenFor(plan: PortfolioPlan, tenant: TenantPlan, type: DirectoryType): string {
  const h = createHash("sha256").update(`${plan.seed}:${tenant.id}:${type}`).digest("hex").slice(0, 32);
  return type === "entra"
    ? graphToken(h, entraTenantId(tenant))
    : type === "okta"
      ? `00bench${h}`
      : `ya29.bench-${h}`;
}

/**
 * The MSP's one multi-tenant app, which reads every customer tenant: Graph counts its reports requests per
 * app across all tenants as well as per tenant, so the tokens say whose they are, as Entra's do (`appid`).
 */
const benchAppId = "6f1c3a52-0b7e-4d1e-9a4c-2b8d5e7f9a10";

/** A token shaped like Entra's (JWT: header.claims.signature) for one tenant (`tid`), of the bench's app. */
function graphToken(unique: string, tid: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ typ: "JWT" })}.${part({ appid: benchAppId, tid, jti: unique })}.bench`;
}

export function envName(tenant: TenantPlan, type: DirectoryType): string {
  return `MFASWEEP_BENCH_${type.replace(/-/g, "_").toUpperCase()}_${tenant.id.toUpperCase()}`;
}

export const entraTenantId = (t: TenantPlan): string => guid(`tenant:${t.domain}`);
export const oktaHost = (t: TenantPlan): string => `${t.id}.okta.example`;

const pickOne = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

/** Entra: admins (one a break-glass account), guests, disabled users, groups, CA policies on P1 tenants. */
export function entraSeed(plan: PortfolioPlan, t: TenantPlan): EntraTenantSeed | undefined {
  const n = t.directories.entra;
  if (!n) return undefined;
  const rnd = prng(subSeed(plan.seed, `entra:${t.id}`));
  const d = t.domain;
  // The draw stays, so the rest of the tenant's stream is unchanged; the plan decides.
  const drawn = rnd();
  const p1 = t.entraP1 ?? drawn < entraP1Share;
  const p2 = p1 && rnd() < 0.3;
  const admins = Math.max(2, Math.round(n * 0.02));
  const users: EntraSeedUser[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const methods =
      r < 0.68
        ? ["microsoftAuthenticatorPush"]
        : r < 0.78
          ? ["mobilePhone"]
          : r < 0.84
            ? ["fido2", "microsoftAuthenticatorPush"]
            : r < 0.87
              ? ["windowsHelloForBusiness"]
              : [];
    if (i === 0) users.push(entraUser(`breakglass@${d}`, { methodsRegistered: ["mobilePhone"] }));
    else if (i >= admins && rnd() < 0.08)
      users.push(entraGuest(`partner${i}@partner${i % 7}.example`, d, { methodsRegistered: methods }));
    else
      users.push(
        entraUser(`user${i}@${d}`, {
          methodsRegistered: methods,
          accountEnabled: i < admins || rnd() >= 0.06,
        }),
      );
  }
  const named = (name: string, members: string[]) => ({
    ...entraGroup(name, members),
    id: guid(`${d}:${name}`),
  });
  const exclusions = named(
    "MFA exclusions",
    [1, 2, 3].filter(() => rnd() < 0.5).flatMap((k) => (users[admins + k] ? [users[admins + k]!.id] : [])),
  );
  const staff = named(
    "Staff",
    users.filter(() => rnd() < 0.4).map((u) => u.id),
  );
  const vpnUsers = named(
    "VPN users",
    users.filter(() => rnd() < 0.2).map((u) => u.id),
  );
  const breakGlass = users[0]!.id;
  const ca = (name: string, shape: Parameters<typeof caPolicy>[1]) => ({
    ...caPolicy(name, shape),
    id: guid(`${d}:${name}`),
  });
  const policies = p1
    ? [
        ca("CA001 Require MFA for all users", {
          users: { includeUsers: ["All"], excludeUsers: [breakGlass], excludeGroups: [exclusions.id] },
        }),
        ca("CA002 Block legacy authentication", {
          users: { includeUsers: ["All"], excludeUsers: [breakGlass] },
          conditions: { clientAppTypes: ["exchangeActiveSync", "other"] },
          grant: { builtInControls: ["block"] },
        }),
        ca("CA003 Phishing-resistant MFA for admins", {
          state: rnd() < 0.5 ? "enabledForReportingButNotEnforced" : "enabled",
          users: { includeRoles: [entraRoles.globalAdmin, entraRoles.helpdeskAdmin] },
          grant: {
            builtInControls: [],
            authenticationStrength: strengthRef("00000000-0000-0000-0000-000000000004"),
          },
        }),
        ...(rnd() < 0.3
          ? [
              ca("CA004 Staff MFA off-site", {
                users: { includeGroups: [staff.id] },
                conditions: { locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] } },
              }),
            ]
          : []),
      ]
    : [];
  const roleAssignments = users
    .slice(0, admins)
    .map((u, i) => assignment(u.id, i < 2 ? entraRoles.globalAdmin : entraRoles.helpdeskAdmin));
  const hasVpnApp = rnd() < 0.3;
  return entraTenant(d, tokenFor(plan, t, "entra"), {
    licence: { p1, p2 },
    securityDefaults: !p1 && rnd() < 0.6,
    users,
    groups: [exclusions, staff, vpnUsers],
    policies,
    roleAssignments,
    roleEligibilities: p2 && users[admins] ? [assignment(users[admins]!.id, entraRoles.userAdmin)] : [],
    enterpriseApps: hasVpnApp
      ? [samlEnterpriseApp("FortiGate SSL VPN", `https://vpn.${d}:10443/remote/saml/metadata`, [vpnUsers.id])]
      : [],
  });
}

/** Okta: a session policy with MFA (office zone and contractors exempt in some orgs), admins, factor mixes. */
export function oktaSeed(plan: PortfolioPlan, t: TenantPlan): OktaOrgSeed | undefined {
  const n = t.directories.okta;
  if (!n) return undefined;
  const rnd = prng(subSeed(plan.seed, `okta:${t.id}`));
  const host = oktaHost(t);
  const d = t.domain;
  const contractors = { ...oktaGroup("Contractors"), id: oktaId("00g", `${host}:contractors`) };
  const it = { ...oktaGroup("IT"), id: oktaId("00g", `${host}:it`) };
  const office = { ...zone("Office", "203.0.113.0/24"), id: oktaId("nzo", `${host}:office`) };
  const officeExempt = rnd() < 0.3;
  const admins = Math.max(1, Math.round(n * 0.02));
  return seedOrg(host, tokenFor(plan, t, "okta"), (p) => {
    const sessions = policy(
      "OKTA_SIGN_ON",
      `Sessions ${t.id}`,
      1,
      [
        ...(officeExempt
          ? [
              signOnRule("Office: password", {
                priority: 1,
                requireFactor: false,
                zones: { include: [office.id] },
              }),
            ]
          : []),
        signOnRule("MFA", {
          priority: 2,
          requireFactor: true,
          groups: { include: [p.everyone.id], exclude: [contractors.id] },
        }),
      ],
      { groups: [p.everyone.id] },
    );
    const vpnPolicy = policy("ACCESS_POLICY", `VPN ${t.id}`, 10, [
      appRule("VPN: MFA", { priority: 99, factorMode: rnd() < 0.8 ? "2FA" : "1FA", system: true }),
    ]);
    const users: OktaSeedUser[] = [];
    for (let i = 0; i < n; i++) {
      const login = `user${i}@${d}`;
      const r = rnd();
      const types =
        r < 0.7
          ? ["push"]
          : r < 0.8
            ? ["sms"]
            : r < 0.88
              ? ["webauthn", "push"]
              : r < 0.9
                ? ["token:software:totp"]
                : [];
      const s = rnd();
      const status =
        i < admins
          ? "ACTIVE"
          : s < 0.03
            ? "SUSPENDED"
            : s < 0.06
              ? "DEPROVISIONED"
              : s < 0.08
                ? "PROVISIONED"
                : "ACTIVE";
      users.push(
        oktaUser(login, {
          status,
          groups: i < admins ? [it.id] : rnd() < 0.05 ? [contractors.id] : [],
          factors: types.map((type) => ({ ...factor(type), id: oktaId("mfa", `${login}:${type}`) })),
          roles:
            i < admins
              ? [
                  i === 0
                    ? role("SUPER_ADMIN", "Super Administrator")
                    : role("HELP_DESK_ADMIN", "Help Desk Administrator"),
                ]
              : [],
        }),
      );
    }
    return {
      groups: [p.everyone, contractors, it],
      zones: [office],
      extraPolicies: [sessions, vpnPolicy],
      apps: [
        app("saasure", "Okta Admin Console", p.adminConsolePolicy.id, { signOnMode: "OPENID_CONNECT" }),
        app("okta_enduser", "Okta Dashboard", p.dashboardPolicy.id, { signOnMode: "OPENID_CONNECT" }),
        ...(rnd() < 0.3
          ? [samlApp("fortigate_sslvpn", "FortiGate SSL VPN", vpnPolicy.id, `https://vpn.${d}`)]
          : []),
      ],
      users,
    };
  });
}

/** Google ids are 21-digit decimals; derived from a name so they are the same on every run. */
function googleIdOf(name: string): string {
  const n = BigInt(`0x${createHash("sha1").update(name).digest("hex").slice(0, 16)}`);
  return String(100000000000000000000n + (n % 899999999999999999999n));
}

/** Google: 2SV enforced at the top in most tenants (Sales exempt in some), admins, enrolment mixes. */
export function googleSeed(plan: PortfolioPlan, t: TenantPlan): GoogleTenantSeed | undefined {
  const n = t.directories["google-workspace"];
  if (!n) return undefined;
  const rnd = prng(subSeed(plan.seed, `google:${t.id}`));
  const d = t.domain;
  const enforced = rnd() < 0.6;
  const salesExempt = enforced && rnd() < 0.3;
  const factorSet = pickOne(rnd, ["ALL", "NO_TELEPHONY", "PASSKEY_ONLY"] as const);
  return assignAdminRoles(
    googleTenant(d, tokenFor(plan, t, "google-workspace"), ({ root, ou }) => {
      const sales = ou("/Sales");
      const units = [sales, ou("/Engineering"), ou("/Staff")];
      const users: GoogleSeedUser[] = [];
      for (let i = 0; i < n; i++) {
        const unit = i < 2 ? "/" : pickOne(rnd, ["/Sales", "/Engineering", "/Staff", "/"]);
        const enrolled = rnd() < 0.8;
        const s = rnd();
        users.push(
          googleUser(`user${i}@${d}`, {
            id: googleIdOf(`${d}:${i}`),
            orgUnitPath: unit,
            isAdmin: i === 0 || (i === 1 && n > 50),
            isDelegatedAdmin: i > 1 && rnd() < 0.01,
            isEnrolledIn2Sv: enrolled,
            isEnforcedIn2Sv: enforced && !(salesExempt && unit === "/Sales"),
            suspended: i > 1 && s < 0.04,
            archived: i > 1 && s >= 0.04 && s < 0.06,
          }),
        );
      }
      return {
        orgUnits: units,
        policies: [
          ...twoStepPolicies(root, {
            allowEnrollment: true,
            ...(enforced ? { enforcedFrom: "2025-01-15T00:00:00Z" } : {}),
            factorSet,
          }),
          ...(salesExempt ? twoStepPolicies(sales.orgUnitId, { allowEnrollment: true }) : []),
        ],
        users,
      };
    }),
  );
}

const pamSshd = (auth: string) =>
  `${auth}\naccount required pam_nologin.so\n@include common-account\nsession required pam_loginuid.so\n@include common-session\n@include common-password\n`;

/**
 * Config-only connections (nothing to rate-limit): SSH host snapshots (key only, key + TOTP with `nullok`,
 * or passwords) and an OpenVPN server.conf with its PAM stack, written under `dir`. Returns the
 * connections to add to the tenant's config.
 */
export async function writeFileConnections(
  plan: PortfolioPlan,
  t: TenantPlan,
  dir: string,
): Promise<Array<Record<string, unknown>>> {
  const rnd = prng(subSeed(plan.seed, `files:${t.id}`));
  const connections: Array<Record<string, unknown>> = [];
  if (t.sshHosts > 0) {
    const snapshotDir = join(dir, t.id, "ssh");
    await mkdir(snapshotDir, { recursive: true });
    for (let h = 0; h < t.sshHosts; h++) {
      const kind = pickOne(rnd, ["key-only", "key-totp", "password"] as const);
      const accounts: SnapshotAccount[] = Array.from({ length: 3 + Math.floor(rnd() * 6) }, (_, i) => ({
        name: `op${i}`,
        uid: 1000 + i,
        ...(i === 0 ? { groups: ["sudo"] } : {}),
        otp: kind === "key-totp" && rnd() < 0.7,
      }));
      const sshdT =
        kind === "key-only"
          ? { passwordauthentication: "no", permitrootlogin: "without-password" }
          : kind === "key-totp"
            ? {
                kbdinteractiveauthentication: "yes",
                passwordauthentication: "no",
                permitrootlogin: "no",
                authenticationmethods: "publickey,keyboard-interactive",
              }
            : { passwordauthentication: "yes", permitrootlogin: "yes" };
      const pam =
        kind === "key-totp"
          ? pamSshd(
              "# @include common-auth\nauth required pam_google_authenticator.so nullok\nauth required pam_permit.so",
            )
          : pamSshd("@include common-auth");
      await writeSnapshot(snapshotDir, `host${h + 1}.${t.domain}`, {
        version: "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024",
        sshdT,
        files: {
          "/etc/ssh/sshd_config": `${Object.entries(sshdT)
            .map(([k, v]) => `${k} ${v}`)
            .join("\n")}\nusepam yes\nsubsystem sftp /usr/lib/openssh/sftp-server\n`,
          "/etc/pam.d/sshd": pam,
          ...debianCommonFiles,
        },
        accounts,
      });
    }
    connections.push({ type: "ssh", id: "ssh", snapshotDir });
  }
  if (t.openvpn) {
    const vpnDir = join(dir, t.id, "openvpn");
    await mkdir(vpnDir, { recursive: true });
    const withOtp = rnd() < 0.5;
    const config = await writeServerConf(vpnDir, "server.conf", {
      verifyClientCert: rnd() < 0.5 ? "require" : "none",
      pam: { service: "openvpn" },
      ...(rnd() < 0.5 ? { authGenToken: "" } : {}),
    });
    const pamDir = await writePamDir(vpnDir, {
      openvpn: withOtp ? pamStacks.passwordAndOtpNullok : pamStacks.passwordOnly,
    });
    connections.push({
      type: "openvpn",
      id: "openvpn",
      servers: [{ edition: "community", name: `vpn.${t.domain}`, config, pamDir }],
    });
  }
  return connections;
}

/** Where each directory's emulator listens (filled in by the emulator process). */
export interface EmulatorEndpoints {
  entra?: { url: string; caBundle: string };
  okta?: { url: string };
  "google-workspace"?: { url: string };
}

/**
 * The tenant's directory connections, as a user would write them, pointing at the emulators. Okta keeps
 * its default (conservative "paid") rate-limit tier.
 */
export function directoryConnections(
  t: TenantPlan,
  endpoints: EmulatorEndpoints,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  if (t.directories.entra && endpoints.entra)
    out.push({
      type: "entra",
      id: "entra",
      tenantId: entraTenantId(t),
      endpoint: endpoints.entra.url,
      caBundle: endpoints.entra.caBundle,
      auth: { method: "access-token", token: `env:${envName(t, "entra")}` },
    });
  if (t.directories.okta && endpoints.okta)
    out.push({
      type: "okta",
      id: "okta",
      orgUrl: `https://${oktaHost(t)}`,
      endpoint: endpoints.okta.url,
      auth: { method: "api-token", token: `env:${envName(t, "okta")}` },
    });
  if (t.directories["google-workspace"] && endpoints["google-workspace"])
    out.push({
      type: "google-workspace",
      id: "google",
      endpoint: endpoints["google-workspace"].url,
      auth: { method: "access-token", token: `env:${envName(t, "google-workspace")}` },
    });
  return out;
}

/** The env values the directory connections' `env:` references resolve to. */
export function portfolioEnv(plan: PortfolioPlan): Record<string, string> {
  const env: Record<string, string> = {};
  for (const t of plan.tenants)
    for (const d of directoryTypes) if (t.directories[d]) env[envName(t, d)] = tokenFor(plan, t, d);
  return env;
}

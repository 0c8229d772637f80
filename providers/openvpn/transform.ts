import { unreadGatewayInventory } from "../../src/collect/vpn.js";
import { factOf } from "../../src/model/facts/kind.js";
import { type OpenVpnAuthToken, openvpnAuthToken } from "../../src/model/facts/openvpn.js";
import type {
  AccessPath,
  Account,
  AuthChain,
  EntryPoint,
  Evidence,
  FactorStrength,
  MfaVerdict,
  ProviderInventory,
  WayClass,
} from "../../src/model/index.js";
import { strongestOf, worstWayVerdict } from "../../src/model/index.js";
import {
  analyzeAuthStack,
  type PamCondition,
  type PamFactor,
  type PamSubject,
} from "../../src/model/pam/index.js";
import { configKeys, type PropBag, radiusHostKey } from "./api.js";
import type { AccessServerDump, PamRead } from "./client.js";
import type { AuthSettings, ServerConf, Verifier } from "./server-conf.js";
import type { AccessServerSettings } from "./settings.js";

/**
 * Pure decisions for OpenVPN servers (reference/remote-access-and-ticketing.md §2.4; openvpn(8) server
 * options; src/plugins/auth-pam/README.auth-pam; openvpn.net Access Server docs).
 *
 * Community server: a login presents a client certificate unless `verify-client-cert` is `none` or
 * `optional` (default `require`), and a username/password that every `auth-user-pass-verify` script,
 * authentication plugin and `management-client-auth` client must accept. The auth-pam plugin runs a PAM
 * service: without name/value pairs it answers every hidden prompt with the one password the client sent,
 * so a password+OTP stack works only when a pair maps the static-challenge response (`OTP`) or the OTP
 * module takes both in one answer (`forward_pass`). `auth-user-pass-optional` lets clients send no
 * username/password at all; auth-pam refuses an empty username, a script must do so itself. Each way in is
 * classified like SSH: two known factors = enforced; a switch that drops one = bypassable; one factor =
 * none; a check mfasweep cannot model = unknown.
 *
 * Access Server: per user, the authentication system (`user_auth_type`, else `auth.module.type`), TOTP
 * (`prop_google_auth` on the user, its group or `__DEFAULT__`, else `vpn.server.google_auth.enable`,
 * default false) and auto-login profiles, which "authenticate using their certificate only and bypass
 * credential-based authentication".
 */

export const source = "openvpn";

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function entryPointId(connection: string, name: string): string {
  return `${source}:${connection}:${slug(name)}`;
}

type Factor = PamFactor | "certificate";

const factorLabel: Record<Factor, string> = {
  certificate: "a client certificate",
  password: "a password",
  otp: "a one-time code",
  push: "a Duo approval",
  "security-key": "a security key",
  radius: "whatever the RADIUS server asks",
  unknown: "a check mfasweep cannot model",
};

const factorStrength: Partial<Record<Factor, FactorStrength>> = {
  certificate: "app",
  otp: "app",
  push: "app",
  "security-key": "phishing-resistant",
};

/** One way a login completes: what it presents, the switches it relies on, and why it reads so. */
interface Way {
  factors: Factor[];
  /** Switches not known to hold that let this way skip a check. */
  bypasses: string[];
  /** Switches known to hold that this way relies on. */
  because: string[];
  /** What an `unknown` factor stands for. */
  unknowns: string[];
  evidence: Evidence[];
}

function classify(way: Way): WayClass {
  if (way.factors.includes("security-key") && way.factors.length >= 2) return "enforced";
  const known = new Set(way.factors.filter((f) => f !== "unknown" && f !== "radius"));
  if (known.size >= 2) return "enforced";
  if (way.factors.some((f) => f === "unknown" || f === "radius")) return "unknown";
  return way.bypasses.length > 0 ? "bypassable" : "none";
}

function describeWay(way: Way): string {
  const what = way.factors.length
    ? [...new Set(way.factors)]
        .map((f) => (f === "unknown" ? way.unknowns.join(" and ") || factorLabel[f] : factorLabel[f]))
        .join(" + ")
    : "no factor at all";
  const when = way.bypasses.length ? ` when ${way.bypasses.join(", or ")}` : "";
  const because = way.because.length ? `, because ${way.because.join("; ")}` : "";
  return `${what}${when}${because}`;
}

/** The verdict of the worst way in, and the factors of the first of the ways that share it. */
function verdictOf(ways: Way[], who: string): { verdict: MfaVerdict; factors: Factor[] } {
  const { verdict, worst } = worstWayVerdict(
    ways,
    (way) => ({
      class: classify(way),
      factorCount: way.factors.length,
      strength: strongestOf(way.factors, factorStrength),
      description: describeWay(way),
      evidence: way.evidence,
    }),
    { letsIn: `lets ${who} in`, needs: `${who} need(s)` },
  );
  return { verdict, factors: worst[0]!.factors };
}

function combine(a: Way[], b: Way[]): Way[] {
  return a.flatMap((x) =>
    b.map((y) => ({
      factors: [...x.factors, ...y.factors],
      bypasses: [...x.bypasses, ...y.bypasses.filter((c) => !x.bypasses.includes(c))],
      because: [...x.because, ...y.because.filter((c) => !x.because.includes(c))],
      unknowns: [...x.unknowns, ...y.unknowns.filter((c) => !x.unknowns.includes(c))],
      evidence: [...x.evidence, ...y.evidence],
    })),
  );
}

// ---------------------------------------------------------------------------------------------------
// Community server

export interface CommunityInput {
  connection: string;
  name: string;
  conf: ServerConf;
  auth: AuthSettings;
  /** The PAM stack of each auth-pam service named by a plugin line, as read from the copied /etc/pam.d. */
  pam: Map<string, PamRead>;
  /** Why PAM services were not read (no pamDir configured). */
  pamMissing?: string;
}

function directiveEvidence(
  input: CommunityInput,
  d: { file: string; line: number; name: string; args: string[] },
  note: string,
): Evidence {
  return {
    source,
    connection: input.connection,
    file: d.file,
    line: d.line,
    field: d.name,
    value: d.args.join(" "),
    note,
  };
}

function conditionEvidence(input: CommunityInput, c: PamCondition): Evidence {
  return {
    source,
    connection: input.connection,
    file: c.file,
    ...(c.line ? { line: c.line } : {}),
    value: c.setting,
    note: c.description,
  };
}

const anyUser: PamSubject = { user: "a VPN user", password: "unknown", emptyPasswordsPermitted: true };

function verifierWays(
  input: CommunityInput,
  v: Verifier,
): Way[] | { impossible: string; evidence: Evidence[] } {
  const at = directiveEvidence(input, v.at, "");
  switch (v.kind) {
    case "script":
      return [
        {
          factors: ["unknown"],
          bypasses: [],
          because: [],
          unknowns: [`whatever the auth-user-pass-verify script ${v.command || "(none named)"} checks`],
          evidence: [{ ...at, note: "the script alone decides whether the username/password is accepted" }],
        },
      ];
    case "management":
      return [
        {
          factors: ["unknown"],
          bypasses: [],
          because: [],
          unknowns: ["whatever the management-interface client decides"],
          evidence: [
            { ...at, note: "a management-interface client (for example an SSO bridge) decides each login" },
          ],
        },
      ];
    case "plugin":
      return [
        {
          factors: ["unknown"],
          bypasses: [],
          because: [],
          unknowns: [`whatever the plugin ${v.module} checks`],
          evidence: [{ ...at, note: `plugin ${v.module} is not modelled` }],
        },
      ];
    case "pam": {
      const pamAt = {
        ...at,
        note: `auth-pam runs PAM service '${v.service ?? "?"}'${v.pairs.length ? ` answering prompts by name (${v.pairs.map((p) => p.name).join(", ")})` : ", answering every hidden prompt with the one password the client sent"}`,
      };
      const unknownWay = (why: string, extra: Evidence[] = []): Way[] => [
        { factors: ["unknown"], bypasses: [], because: [], unknowns: [why], evidence: [pamAt, ...extra] },
      ];
      if (!v.service) return unknownWay("a PAM service that the plugin line does not name");
      const read = input.pam.get(v.service);
      if (!read)
        return unknownWay(`the PAM service '${v.service}' (${input.pamMissing ?? "not read"})`, [
          {
            source,
            connection: input.connection,
            file: `/etc/pam.d/${v.service}`,
            note: input.pamMissing ?? "not read",
          },
        ]);
      if ("error" in read)
        return unknownWay(`the PAM service '${v.service}' (${read.error})`, [
          { source, connection: input.connection, file: `/etc/pam.d/${v.service}`, note: read.error },
        ]);
      if (read.stack.unreadable.length > 0) {
        const what = read.stack.unreadable.map((u) => `${u.file} (${u.reason})`).join(", ");
        return unknownWay(`the PAM service '${v.service}', whose stack is incomplete: ${what}`, [
          {
            source,
            connection: input.connection,
            file: read.stack.unreadable[0]!.file,
            note: `PAM stack incomplete: ${what}`,
          },
        ]);
      }
      // Without name/value pairs mapping `OTP`, the client's one password answers every prompt.
      const mode = v.mapsOtp ? "prompts" : "single-answer";
      const analysis = analyzeAuthStack(
        read.stack.nodes,
        anyUser,
        {
          duo: () => ({ kind: "error", reason: "pam_duo.conf is not collected for OpenVPN servers" }),
        },
        mode,
      );
      if (analysis.error) return unknownWay(`the PAM service '${v.service}' (${analysis.error})`);
      if (analysis.outcomes.length === 0)
        return {
          impossible: `the PAM auth stack of '${v.service}' never succeeds when ${mode === "single-answer" ? "one password answers every prompt" : "prompts are answered by name"}`,
          evidence: [pamAt],
        };
      return analysis.outcomes.map((o) => ({
        factors: o.factors,
        bypasses: o.bypasses.map((c) => c.description),
        because: o.because.map((c) => c.description),
        unknowns: o.factors.includes("unknown") ? [`an unmodelled module in PAM service '${v.service}'`] : [],
        evidence: [
          pamAt,
          ...analysis.factorLines
            .filter((f) => o.factors.includes(f.factor))
            .map(
              (f): Evidence => ({
                source,
                connection: input.connection,
                file: f.line.file,
                line: f.line.line,
                value: f.line.text,
                note: `${f.line.module} asks for ${factorLabel[f.factor]}`,
              }),
            ),
          ...[...o.bypasses, ...o.because].map((c) => conditionEvidence(input, c)),
        ],
      }));
    }
  }
}

export interface CommunityDecision {
  verdict: MfaVerdict;
  chain: AuthChain;
}

/** How a client of this server logs in, and whether that needs two factors. Pure. */
export function decideCommunity(input: CommunityInput): CommunityDecision {
  const { auth } = input;
  const who = "clients";
  if (auth.role !== "server") {
    const evidence: Evidence[] = [
      auth.roleAt
        ? directiveEvidence(input, auth.roleAt, "this is a client configuration")
        : {
            source,
            connection: input.connection,
            file: input.conf.file,
            note: "no server, server-bridge or mode server directive",
          },
    ];
    return {
      verdict: {
        state: "unknown",
        strength: null,
        reason: `${input.conf.file} is not an OpenVPN server configuration (${auth.role === "client" ? "it configures a client" : "no server, server-bridge or mode server"}); collect the server's own file`,
        evidence,
      },
      chain: { factors: [] },
    };
  }
  const vcc = auth.verifyClientCert;
  const certEvidence: Evidence = vcc.at
    ? directiveEvidence(
        input,
        vcc.at,
        vcc.value === "require"
          ? "a client certificate signed by the server's CA is required"
          : vcc.value === "optional"
            ? "a client may connect without a certificate"
            : "no client certificate is asked for: the username/password check is the whole login",
      )
    : {
        source,
        connection: input.connection,
        file: input.conf.file,
        field: "verify-client-cert",
        value: "require",
        note: "not set: require is the default, so a client certificate is required",
      };
  const certWay: Way = {
    factors: vcc.value === "require" ? ["certificate"] : [],
    bypasses: [],
    because: [],
    unknowns: [],
    evidence: [certEvidence],
  };

  let ways: Way[] | undefined;
  let impossible: { impossible: string; evidence: Evidence[] } | undefined;
  for (const v of auth.verifiers) {
    const w = verifierWays(input, v);
    if ("impossible" in w) {
      impossible = w;
      break;
    }
    ways = ways ? combine(ways, w) : w;
  }
  if (impossible) {
    return {
      verdict: {
        state: "unknown",
        strength: null,
        reason: `no username/password can be accepted as modelled: ${impossible.impossible}; check the PAM service and the plugin's name/value pairs`,
        evidence: [certEvidence, ...impossible.evidence],
      },
      chain: { factors: [] },
    };
  }
  const all: Way[] = ways ? combine([certWay], ways) : [certWay];
  if (ways && auth.authUserPassOptional) {
    const optionalEvidence = directiveEvidence(
      input,
      { ...auth.authUserPassOptional },
      "clients may connect without sending a username/password",
    );
    const pam = auth.verifiers.find((v) => v.kind === "pam");
    if (pam) {
      // auth-pam returns an error for an empty username (auth-pam.c), so no credential-less way exists.
      certEvidence.note = `${certEvidence.note}; auth-user-pass-optional is set, but the auth-pam plugin refuses an empty username`;
    } else {
      all.push({
        factors: certWay.factors,
        bypasses: [
          `a client sends no username/password (auth-user-pass-optional) and ${auth.verifiers.map((v) => (v.kind === "script" ? `the script ${v.command}` : v.kind === "plugin" ? `the plugin ${v.module}` : "the management client")).join(" and ")} accept(s) the empty credentials`,
        ],
        because: [],
        unknowns: [],
        evidence: [certEvidence, optionalEvidence],
      });
    }
  }
  const { verdict, factors } = verdictOf(all, who);
  const special =
    !ways && vcc.value === "require"
      ? `device certificate only: no auth-user-pass-verify script or authentication plugin, so a client certificate signed by the server's CA is the whole login`
      : !ways
        ? `no factor at all: verify-client-cert ${vcc.value} and no auth-user-pass-verify script or authentication plugin`
        : undefined;
  return {
    verdict: special ? { ...verdict, reason: special } : verdict,
    chain: { factors: factors.length ? [...new Set(factors)] : ["none"] },
  };
}

export function communityInventory(input: CommunityInput): ProviderInventory {
  const id = entryPointId(input.connection, input.name);
  const roleEvidence: Evidence = input.auth.roleAt
    ? directiveEvidence(input, input.auth.roleAt, "server mode")
    : { source, connection: input.connection, file: input.conf.file };
  const entryPoint: EntryPoint = {
    id,
    name: `OpenVPN ${input.name}`,
    kind: "vpn",
    source,
    connection: input.connection,
    evidence: [roleEvidence],
  };
  const { verdict, chain } = decideCommunity(input);
  const token = input.auth.authGenToken;
  const data: OpenVpnAuthToken = {
    entryPoint: id,
    server: input.name,
    file: input.conf.file,
    userPassAuth: input.auth.verifiers.length > 0,
    authGenToken: token
      ? {
          lifetime: token.lifetime,
          renewal: token.renewal,
          externalAuth: token.externalAuth,
          line: token.at.line,
        }
      : null,
    renegSec: input.auth.renegSec.value,
  };
  const tokenEvidence: Evidence[] = token
    ? [
        directiveEvidence(
          input,
          token.at,
          token.externalAuth
            ? "external-auth: the authentication plugin or script still runs on every reconnect"
            : token.lifetime === 0
              ? "no lifetime: the token never expires, and reconnects with it skip the username/password check"
              : `reconnects within ${token.lifetime} s skip the username/password check`,
        ),
      ]
    : [
        {
          source,
          connection: input.connection,
          file: input.conf.file,
          field: "auth-gen-token",
          value: null,
          note: "not set",
        },
      ];
  const fact = factOf(
    openvpnAuthToken,
    { id: `${input.connection}:${id}`, source, connection: input.connection, evidence: tokenEvidence },
    data,
  );
  return {
    accounts: [],
    entryPoints: [entryPoint],
    accessPaths: [{ id: `${id}/clients`, entryPoint: id, accounts: [], chain, mfa: verdict }],
    settings: [],
    facts: [fact],
  };
}

// ---------------------------------------------------------------------------------------------------
// Access Server

export interface AccessServerInput {
  connection: string;
  settings: AccessServerSettings;
  dump: AccessServerDump;
}

type Effective = { value: string | undefined; from: string; key: string };

/** A property with Access Server's inheritance: user, then its group, then `__DEFAULT__`. */
function effective(dump: AccessServerDump, user: string | null, key: keyof PropBag): Effective {
  const own = user ? dump.entries[user] : undefined;
  if (own?.[key] !== undefined) return { value: own[key], from: user!, key };
  const group = own?.conn_group;
  const groupProps = group ? dump.entries[group] : undefined;
  if (group && groupProps?.[key] !== undefined) return { value: groupProps[key], from: group, key };
  const defaults = dump.entries.__DEFAULT__;
  if (defaults?.[key] !== undefined) return { value: defaults[key], from: "__DEFAULT__", key };
  return { value: undefined, from: "", key };
}

function isTrue(v: string | undefined): boolean {
  return v?.toLowerCase() === "true";
}

function propEvidence(input: AccessServerInput, e: Effective, note: string): Evidence {
  const line = e.from ? input.dump.userLine(e.from, e.key) : undefined;
  return {
    source,
    connection: input.connection,
    file: input.dump.userFile,
    ...(line ? { line } : {}),
    objectId: e.from || undefined,
    field: e.key,
    value: e.value ?? null,
    note,
  };
}

function configEvidence(input: AccessServerInput, key: string, note: string): Evidence {
  const line = input.dump.configLine(key);
  return {
    source,
    connection: input.connection,
    file: input.dump.configFile,
    ...(line ? { line } : {}),
    field: key,
    value: input.dump.config[key] ?? null,
    note,
  };
}

export interface AccessServerDecision {
  verdict: MfaVerdict;
  chain: AuthChain;
  /** Set when the account cannot log in at all. */
  refused?: string;
}

/** How `user` (or, with null, a directory user not yet in the user database) logs in to the Access Server. */
export function decideAccessServer(input: AccessServerInput, user: string | null): AccessServerDecision {
  const dump = input.dump;
  const who = user ?? "a directory user not yet in the user database";
  const deny = effective(dump, user, "prop_deny");
  if (isTrue(deny.value))
    return {
      refused: `${who} is denied access (prop_deny true${deny.from !== user ? ` via ${deny.from}` : ""})`,
      verdict: {
        state: "unknown",
        strength: null,
        reason: "denied",
        evidence: [propEvidence(input, deny, "denied")],
      },
      chain: { factors: [] },
    };
  const authTypeProp = effective(dump, user, "user_auth_type");
  const authType = (authTypeProp.value ?? dump.config[configKeys.authType])?.toLowerCase();
  const authEvidence = authTypeProp.value
    ? propEvidence(input, authTypeProp, "authentication system for this account")
    : configEvidence(input, configKeys.authType, "the server's default authentication system");
  const totpProp = effective(dump, user, "prop_google_auth");
  const totpGlobal = dump.config[configKeys.totp];
  const totp = totpProp.value !== undefined ? isTrue(totpProp.value) : isTrue(totpGlobal);
  const totpEvidence =
    totpProp.value !== undefined
      ? propEvidence(input, totpProp, totp ? "TOTP MFA required" : "TOTP MFA turned off for this account")
      : configEvidence(
          input,
          configKeys.totp,
          totpGlobal === undefined
            ? "not set: TOTP MFA is off by default"
            : totp
              ? "TOTP MFA required for everyone"
              : "TOTP MFA off",
        );
  const locked = user ? dump.entries[user]?.pvt_google_auth_secret_locked : undefined;
  const enrolled = isTrue(locked);
  const enrolEvidence: Evidence = {
    source,
    connection: input.connection,
    file: dump.userFile,
    ...(user && dump.userLine(user, "pvt_google_auth_secret_locked")
      ? { line: dump.userLine(user, "pvt_google_auth_secret_locked") }
      : {}),
    objectId: user ?? undefined,
    field: "pvt_google_auth_secret_locked",
    value: locked ?? null,
    note: enrolled ? "a TOTP secret is enrolled and locked" : "no TOTP secret enrolled yet",
  };
  const ways: Way[] = [];
  const way = (w: Partial<Way> & Pick<Way, "factors" | "evidence">): Way => ({
    bypasses: [],
    because: [],
    unknowns: [],
    ...w,
  });
  let delegation: AuthChain["delegation"];
  if (authType === "saml") {
    const sso = input.settings.sso;
    const target = sso?.target ?? `https://${dump.config[configKeys.hostName] ?? input.settings.name}`;
    delegation = {
      protocol: "saml",
      target,
      ...(sso?.identityProvider ? { targetSource: sso.identityProvider } : {}),
    };
    ways.push(
      way({
        factors: ["unknown"],
        unknowns: [
          `the SAML identity provider${sso?.identityProvider ? ` (${sso.identityProvider})` : ""}, where Access Server says MFA must be configured`,
        ],
        evidence: [authEvidence],
      }),
    );
  } else if (authType === "local" || authType === "ldap" || authType === "radius") {
    const first: Factor = authType === "radius" ? "radius" : "password";
    const radiusHosts = Object.keys(dump.config)
      .filter((k) => radiusHostKey.test(k))
      .map((k) => dump.config[k]!);
    if (authType === "radius" && !totp)
      delegation = { protocol: "radius", target: radiusHosts[0] ?? `radius:${input.settings.name}` };
    if (!totp) {
      ways.push(
        way({
          factors: [first],
          ...(first === "radius"
            ? { unknowns: [`the RADIUS server${radiusHosts.length ? ` ${radiusHosts.join(", ")}` : ""}`] }
            : {}),
          evidence: [authEvidence, totpEvidence],
        }),
      );
    } else if (enrolled || user === null) {
      // A password checked by the server or directory, then the enrolled TOTP code.
      ways.push(
        way({
          factors: [first === "radius" ? "password" : first, "otp"],
          evidence: [authEvidence, totpEvidence, enrolEvidence],
        }),
      );
      if (user === null)
        ways.push(
          way({
            factors: ["password"],
            bypasses: [
              "the account has not enrolled TOTP yet: its first sign-in to the Client Web UI with the password alone enrols a code",
            ],
            evidence: [authEvidence, totpEvidence],
          }),
        );
    } else {
      ways.push(
        way({
          factors: ["password"],
          bypasses: [
            `${who} has not enrolled TOTP yet: the first sign-in to the Client Web UI with the password alone shows the enrolment code to whoever signs in`,
          ],
          evidence: [authEvidence, totpEvidence, enrolEvidence],
        }),
      );
    }
  } else if (authType === "pam") {
    ways.push(
      way({
        factors: totp ? ["unknown", "otp"] : ["unknown"],
        unknowns: [
          `the operating system's PAM service '${dump.config[configKeys.pamService] ?? "openvpnas"}' (not collected)`,
        ],
        evidence: [authEvidence, totpEvidence, configEvidence(input, configKeys.pamService, "PAM service")],
      }),
    );
  } else {
    ways.push(
      way({
        factors: ["unknown"],
        unknowns: [
          authType
            ? `the authentication system '${authType}'`
            : "an authentication system the export does not name",
        ],
        evidence: [authEvidence],
      }),
    );
  }
  const autologin = effective(dump, user, "prop_autologin");
  if (isTrue(autologin.value)) {
    const autoTotp = isTrue(dump.config[configKeys.totpAutologin]) && totp;
    ways.push(
      way({
        factors: autoTotp ? ["certificate", "otp"] : ["certificate"],
        evidence: [
          propEvidence(
            input,
            autologin,
            "auto-login profiles authenticate with their certificate only and bypass credential-based authentication",
          ),
          configEvidence(
            input,
            configKeys.totpAutologin,
            autoTotp
              ? "TOTP is also required for auto-login profiles"
              : "TOTP is not required for auto-login profiles",
          ),
        ],
      }),
    );
  }
  const { verdict, factors } = verdictOf(ways, who);
  return {
    verdict:
      delegation && verdict.state === "unknown"
        ? { ...verdict, via: [`${delegation.protocol}:${delegation.target}`] }
        : verdict,
    chain: {
      factors: factors.length ? [...new Set(factors)] : ["none"],
      ...(delegation ? { delegation } : {}),
    },
  };
}

const nonUserTypes = new Set(["group", "user_default"]);

export function accessServerInventory(input: AccessServerInput): ProviderInventory {
  const dump = input.dump;
  const id = entryPointId(input.connection, input.settings.name);
  const entryPoint: EntryPoint = {
    id,
    name: `OpenVPN Access Server ${input.settings.name}`,
    kind: "vpn",
    source,
    connection: input.connection,
    evidence: [configEvidence(input, configKeys.authType, "default authentication system")],
  };
  const accounts: Account[] = [];
  const accessPaths: AccessPath[] = [];
  for (const [name, props] of Object.entries(dump.entries)) {
    if (name === "__DEFAULT__" || nonUserTypes.has(props.type ?? "") || isTrue(props.group_declare)) continue;
    const decision = decideAccessServer(input, name);
    const superuser = effective(dump, name, "prop_superuser");
    const evidence: Evidence[] = [
      {
        source,
        connection: input.connection,
        file: dump.userFile,
        ...(dump.userLine(name) ? { line: dump.userLine(name) } : {}),
        objectId: name,
        field: "type",
        value: props.type ?? null,
      },
    ];
    const totpEnrolled = isTrue(props.pvt_google_auth_secret_locked);
    accounts.push({
      id: name,
      name,
      source,
      connection: input.connection,
      kind: "local",
      status: decision.refused ? "disabled" : "active",
      admin: {
        isAdmin: isTrue(superuser.value),
        roles: isTrue(superuser.value) ? ["Access Server administrator"] : [],
      },
      enrollment: {
        enrolled: totpEnrolled,
        methods: totpEnrolled ? [{ method: "totp", strength: "app" }] : [],
        evidence: [
          {
            source,
            connection: input.connection,
            file: dump.userFile,
            objectId: name,
            field: "pvt_google_auth_secret_locked",
            value: props.pvt_google_auth_secret_locked ?? null,
          },
        ],
      },
      evidence,
    });
    if (decision.refused) continue;
    accessPaths.push({
      id: `${id}/user/${name}`,
      entryPoint: id,
      accounts: [name],
      chain: decision.chain,
      mfa: decision.verdict,
    });
  }
  // Directory users (LDAP, RADIUS, SAML, PAM) sign in before they appear in the user database.
  const defaultType = dump.config[configKeys.authType]?.toLowerCase();
  if (defaultType !== "local") {
    const decision = decideAccessServer(input, null);
    if (!decision.refused)
      accessPaths.push({
        id: `${id}/directory-users`,
        entryPoint: id,
        accounts: [],
        chain: decision.chain,
        mfa: decision.verdict,
      });
  }
  return { accounts, entryPoints: [entryPoint], accessPaths, settings: [], facts: [] };
}

/** A server whose files could not be read: its entry point with one unknown path and the reason. */
export function unreadServerInventory(
  connection: string,
  name: string,
  file: string,
  reason: string,
): ProviderInventory {
  const id = entryPointId(connection, name);
  const evidence: Evidence[] = [{ source, connection, file, note: reason }];
  const entryPoint: EntryPoint = { id, name: `OpenVPN ${name}`, kind: "vpn", source, connection, evidence };
  return unreadGatewayInventory(
    entryPoint,
    { factors: [] },
    `how ${name} authenticates is not known: ${reason}`,
  );
}

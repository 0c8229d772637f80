import type {
  AccessPath,
  EntryPoint,
  Evidence,
  Fact,
  FactorStrength,
  JsonValue,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import { type AzureMfaSettings, azureMfaKey, NpsSettingsFact, npsSettingsFactKind } from "./api.js";
import type { NpsFrontEndSettings } from "./settings.js";

/**
 * Pure mapping from the NPS extension's registry settings to the model, and the verdict the extension
 * gives one Entra user (`npsVerdict`), for the delegation linker.
 *
 * How the extension decides (Microsoft Learn, howto-mfa-nps-extension.md): NPS does the primary
 * authentication against AD DS, then the extension asks Microsoft Entra multifactor authentication for a
 * second factor. "Once you enable MFA for a RADIUS client using the NPS extension, all authentications for
 * this client are required to perform MFA": the user's registration decides, not Conditional Access, which
 * does not govern RADIUS sign-ins (Microsoft Entra's authentication-protocol table lists RADIUS with MFA
 * but without Conditional Access). A user without a registered method is refused unless REQUIRE_USER_MATCH
 * is FALSE, in which case "authentication proceeds without performing MFA"; a request whose
 * NAS-IP-Address is in IP_WHITELIST skips two-step verification.
 */

export const source = "nps-extension";

/** The delegation target every NPS-extension path names; the linker resolves it against Entra. */
export const npsDelegationTarget = "nps-extension";

export const docs = {
  requireUserMatch:
    "https://learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension#prepare-for-users-that-arent-enrolled-for-mfa",
  ipWhitelist:
    "https://learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-advanced#ip-exceptions",
};

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function entryPointId(connection: string, frontEndName: string): string {
  return `${source}:${connection}:${slug(frontEndName)}`;
}

function frontEndLabel(frontEnd: NpsFrontEndSettings["frontEnd"]): string {
  return frontEnd === "rd-gateway" ? "RD Gateway" : "RRAS VPN";
}

export interface FrontEndInput {
  connection: string;
  settings: NpsFrontEndSettings;
  azureMfa: AzureMfaSettings;
}

function settingEvidence(connection: string, s: AzureMfaSettings): Evidence[] {
  const where = (line: number | null) => ({ file: s.file, line: line ?? s.keyLine });
  return [
    {
      source,
      connection,
      ...where(s.requireUserMatch.line),
      objectId: azureMfaKey,
      field: "REQUIRE_USER_MATCH",
      value: s.requireUserMatch.raw,
      note:
        s.requireUserMatch.raw === null
          ? "not set: equivalent to TRUE (unregistered users are refused)"
          : s.requireUserMatch.value === false
            ? "FALSE: a user who is not enrolled for MFA signs in without it"
            : s.requireUserMatch.value === true
              ? "TRUE: a user who is not enrolled for MFA is refused"
              : "neither TRUE nor FALSE: its effect is not documented",
    },
    {
      source,
      connection,
      ...where(s.ipWhitelist.line),
      objectId: azureMfaKey,
      field: "IP_WHITELIST",
      value: s.ipWhitelist.raw,
      note:
        s.ipWhitelist.value.length === 0
          ? "empty: no RADIUS client skips two-step verification"
          : "requests whose NAS-IP-Address is listed skip two-step verification",
    },
  ];
}

function factData(input: FrontEndInput, entryPoint: string): NpsSettingsFact {
  const s = input.azureMfa;
  return {
    entryPoint,
    frontEnd: input.settings.frontEnd,
    server: input.settings.npsServer,
    file: s.file,
    requireUserMatch: {
      value: s.requireUserMatch.value,
      raw: s.requireUserMatch.raw,
      line: s.requireUserMatch.line,
    },
    ipWhitelist: { entries: s.ipWhitelist.value, raw: s.ipWhitelist.raw, line: s.ipWhitelist.line },
    alternateLoginId: s.alternateLoginId.value,
    nasAddresses: input.settings.nasAddresses,
    radiusAddresses: input.settings.radiusAddresses,
  };
}

function entryPointOf(connection: string, settings: NpsFrontEndSettings, evidence: Evidence[]): EntryPoint {
  return {
    id: entryPointId(connection, settings.name),
    name: `${settings.name} (${frontEndLabel(settings.frontEnd)}, NPS extension on ${settings.npsServer})`,
    kind: settings.frontEnd === "rd-gateway" ? "rd-gateway" : "vpn",
    source,
    connection,
    evidence,
  };
}

function delegatedChain(): AccessPath["chain"] {
  return {
    factors: ["password"],
    delegation: { protocol: "radius", target: npsDelegationTarget, targetSource: "entra" },
  };
}

/** One delegated path for the front end, and the extension's settings as a fact for the linker and policies. */
export function frontEndInventory(input: FrontEndInput): ProviderInventory {
  const evidence = settingEvidence(input.connection, input.azureMfa);
  const entryPoint = entryPointOf(input.connection, input.settings, evidence);
  const data = factData(input, entryPoint.id);
  const fact: Fact = {
    kind: npsSettingsFactKind,
    id: `${input.connection}:${entryPoint.id}`,
    source,
    connection: input.connection,
    data: JSON.parse(JSON.stringify(data)) as JsonValue,
    evidence,
  };
  const bypassAll = whitelistedFrontEnd(data);
  const mfa: MfaVerdict = bypassAll
    ? {
        state: "none",
        strength: null,
        via: [`nps-extension:${data.server}`],
        reason: `IP_WHITELIST lists ${bypassAll.join(", ")}, the NAS-IP-Address of ${input.settings.name}, so the NPS extension skips two-step verification for every sign-in through it: the AD password alone is enough`,
        evidence,
      }
    : {
        state: "unknown",
        strength: null,
        via: [`nps-extension:${data.server}`],
        reason: `delegated to Microsoft Entra multifactor authentication through the NPS extension on ${data.server} (REQUIRE_USER_MATCH ${describeRequireUserMatch(data)}, IP_WHITELIST ${data.ipWhitelist.entries.length ? data.ipWhitelist.entries.join(";") : "empty"}); pending resolution per Entra user: each user's MFA registration decides`,
        evidence,
      };
  return {
    accounts: [],
    entryPoints: [entryPoint],
    accessPaths: [
      {
        id: `${entryPoint.id}/radius`,
        entryPoint: entryPoint.id,
        accounts: [],
        chain: delegatedChain(),
        mfa,
      },
    ],
    settings: [],
    facts: [fact],
  };
}

/** A front end whose registry export could not be read: its delegated path is unknown with the reason. */
export function unreadFrontEndInventory(
  connection: string,
  settings: NpsFrontEndSettings,
  reason: string,
): ProviderInventory {
  const evidence: Evidence[] = [{ source, connection, file: settings.registryExport, note: reason }];
  const entryPoint = entryPointOf(connection, settings, evidence);
  return {
    accounts: [],
    entryPoints: [entryPoint],
    accessPaths: [
      {
        id: `${entryPoint.id}/radius`,
        entryPoint: entryPoint.id,
        accounts: [],
        chain: delegatedChain(),
        mfa: {
          state: "unknown",
          strength: null,
          reason: `the NPS extension's settings on ${settings.npsServer} are not known (${reason}), so whether REQUIRE_USER_MATCH or IP_WHITELIST lets sign-ins skip MFA is not known`,
          evidence,
        },
      },
    ],
    settings: [],
    facts: [],
  };
}

function describeRequireUserMatch(s: NpsSettingsFact): string {
  if (s.requireUserMatch.raw === null) return "not set (equivalent to TRUE)";
  if (s.requireUserMatch.value === "unknown") return `'${s.requireUserMatch.raw}' (neither TRUE nor FALSE)`;
  return s.requireUserMatch.value ? "TRUE" : "FALSE";
}

/** The front end's own NAS-IP-Address(es) that IP_WHITELIST lists; undefined when none (or not configured). */
export function whitelistedFrontEnd(s: NpsSettingsFact): string[] | undefined {
  const listed = new Set(s.ipWhitelist.entries.map((e) => e.toLowerCase()));
  const hits = s.nasAddresses.filter((a) => listed.has(a.toLowerCase()));
  return hits.length ? hits : undefined;
}

// ---------------------------------------------------------------------------------------------------
// For the delegation linker

/** The NPS settings fact, validated; `{ error }` when it does not match the schema. */
export function readNpsSettings(
  fact: Fact,
): { data: NpsSettingsFact; evidence: Evidence[] } | { error: string } {
  if (fact.kind !== npsSettingsFactKind)
    return { error: `fact ${fact.id} is a ${fact.kind}, not ${npsSettingsFactKind}` };
  const parsed = NpsSettingsFact.safeParse(fact.data);
  if (!parsed.success)
    return { error: `${npsSettingsFactKind} fact is malformed: ${parsed.error.issues[0]?.message}` };
  return { data: parsed.data, evidence: fact.evidence };
}

/** The settings fact of the NPS extension behind `entryPoint`, if one was collected. */
export function npsSettingsFor(facts: Fact[], entryPoint: string): Fact | undefined {
  return facts.find(
    (f) =>
      f.kind === npsSettingsFactKind &&
      (f.data as { entryPoint?: unknown } | null)?.entryPoint === entryPoint,
  );
}

/** Host part of a RADIUS server given as `host`, `host:port` or `[v6]:port`, lower-cased. */
function radiusHost(target: string): string {
  const t = target.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(t);
  if (v6) return v6[1]!;
  const hostPort = /^([^:]+):\d+$/.exec(t);
  return hostPort ? hostPort[1]! : t;
}

/**
 * NPS-extension settings facts whose NPS server answers RADIUS at `target` (a gateway's RADIUS server
 * address or name: Azure VPN `radiusServers`, FortiGate/ASA RADIUS hosts). A match means that RADIUS
 * delegation is the NPS extension, resolved with `npsVerdict`.
 */
export function npsExtensionServing(facts: Fact[], target: string): Fact[] {
  const host = radiusHost(target);
  return facts.filter((f) => {
    if (f.kind !== npsSettingsFactKind) return false;
    const read = readNpsSettings(f);
    if ("error" in read) return false;
    return [read.data.server, ...read.data.radiusAddresses].some((a) => radiusHost(a) === host);
  });
}

/** What Entra says of one user's MFA registration (the shape of `EntraSignInResult.registration`). */
export interface NpsRegistration {
  status: "registered" | "not-registered" | "unknown";
  reason: string;
  methods: Array<{ method: string; strength: FactorStrength | null }>;
  evidence?: Evidence[];
}

export type NpsOutcome =
  | { kind: "path"; verdict: MfaVerdict }
  /** The user cannot sign in through this front end at all: no access path. */
  | { kind: "refused"; reason: string; evidence: Evidence[] };

const strengthRank: Record<FactorStrength, number> = { weak: 0, app: 1, "phishing-resistant": 2 };

/**
 * The weakest registered method the extension can use for this user. It calls, texts, pushes to the
 * Authenticator app or asks for a TOTP code; FIDO2 keys, Windows Hello and passkeys cannot answer a RADIUS
 * challenge, so phishing-resistant methods never count here.
 */
function usableStrength(methods: NpsRegistration["methods"]): FactorStrength | null {
  const usable = methods
    .map((m) => m.strength)
    .filter((s): s is FactorStrength => s === "weak" || s === "app");
  if (usable.length === 0) return null;
  return usable.reduce((min, s) => (strengthRank[s] < strengthRank[min] ? s : min));
}

/**
 * The verdict the NPS extension gives one Entra user signing in through the front end, combining the
 * extension's settings (from `readNpsSettings`) with the user's registration. Pure.
 *
 * - Registered user: `enforced` (strength: weakest method the extension can use), downgraded to
 *   `bypassable` when IP_WHITELIST has entries (requests carrying a listed NAS-IP-Address skip MFA).
 * - Unregistered user: `bypassable` with REQUIRE_USER_MATCH=FALSE; `refused` (no path) when it is TRUE or
 *   not set; `unknown` when it holds another value.
 * - Registration not known: `enforced` (strength unknown) when REQUIRE_USER_MATCH is TRUE, since the user
 *   either completes MFA or is refused; else `unknown`.
 * - The front end's own NAS-IP-Address in IP_WHITELIST: `none` for everyone.
 */
export function npsVerdict(
  settings: { data: NpsSettingsFact; evidence: Evidence[] },
  registration: NpsRegistration,
  user = "the user",
): NpsOutcome {
  const s = settings.data;
  const via = [`nps-extension:${s.server}`, "entra:mfa-registration"];
  const evidence = [...settings.evidence, ...(registration.evidence ?? [])];
  const frontEndListed = whitelistedFrontEnd(s);
  if (frontEndListed) {
    return {
      kind: "path",
      verdict: {
        state: "none",
        strength: null,
        via,
        reason: `IP_WHITELIST lists ${frontEndListed.join(", ")}, this front end's NAS-IP-Address: "two-step verification is skipped" for every request from it, so ${user} signs in with the AD password alone`,
        evidence,
      },
    };
  }
  const rum = s.requireUserMatch.value;
  const rumText = describeRequireUserMatch(s);
  let verdict: MfaVerdict;
  switch (registration.status) {
    case "registered": {
      const strength = usableStrength(registration.methods);
      verdict = {
        state: "enforced",
        strength,
        via,
        reason: `${user} has an MFA method registered (${registration.reason}), and the NPS extension requires it on every RADIUS sign-in through this front end, whatever REQUIRE_USER_MATCH says${strength === null ? "; none of the registered methods is one the extension can use (call, text, Authenticator push or code), so which factor it asks for is not known" : ""}`,
        evidence,
      };
      break;
    }
    case "not-registered":
      if (rum === false) {
        verdict = {
          state: "bypassable",
          strength: null,
          via,
          reason: `${user} has no MFA method registered and REQUIRE_USER_MATCH is FALSE: "when the key is set to FALSE and the user isn't enrolled, authentication proceeds without performing MFA", so the AD password alone signs ${user} in`,
          evidence,
        };
        break;
      }
      if (rum === true)
        return {
          kind: "refused",
          reason: `${user} has no MFA method registered and REQUIRE_USER_MATCH is ${rumText}: the extension fails the MFA challenge, so ${user} cannot sign in through this front end`,
          evidence,
        };
      verdict = {
        state: "unknown",
        strength: null,
        via,
        reason: `${user} has no MFA method registered and REQUIRE_USER_MATCH is ${rumText}: whether the extension lets ${user} in without MFA is not documented`,
        evidence,
      };
      break;
    default:
      verdict =
        rum === true
          ? {
              state: "enforced",
              strength: null,
              via,
              reason: `whether ${user} registered an MFA method is not known (${registration.reason}), but REQUIRE_USER_MATCH is ${rumText}: the extension either asks for a second factor or refuses the sign-in`,
              evidence,
            }
          : {
              state: "unknown",
              strength: null,
              via,
              reason: `whether ${user} registered an MFA method is not known (${registration.reason}), and REQUIRE_USER_MATCH is ${rumText}: an unregistered user would sign in without MFA`,
              evidence,
            };
  }
  if (s.ipWhitelist.entries.length > 0 && verdict.state !== "unknown") {
    const list = s.ipWhitelist.entries.join(";");
    verdict = {
      ...verdict,
      state: "bypassable",
      strength: null,
      reason: `${verdict.reason}; and IP_WHITELIST (${list}) skips two-step verification for any RADIUS request whose NAS-IP-Address is listed, so ${user} signs in with the password alone through a RADIUS client that sends one of those addresses`,
    };
  } else if (s.ipWhitelist.entries.length > 0) {
    verdict = {
      ...verdict,
      reason: `${verdict.reason}; IP_WHITELIST (${s.ipWhitelist.entries.join(";")}) also skips MFA for listed NAS addresses`,
    };
  }
  return { kind: "path", verdict };
}

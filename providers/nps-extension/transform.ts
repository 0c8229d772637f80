import { factOf } from "../../src/model/facts/kind.js";
import {
  describeRequireUserMatch,
  type NpsSettingsFact,
  npsDelegationTarget,
  npsSettings,
  whitelistedFrontEnd,
} from "../../src/model/facts/nps-extension.js";
import type {
  AccessPath,
  EntryPoint,
  Evidence,
  Fact,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import { type AzureMfaSettings, azureMfaKey } from "./api.js";
import type { NpsFrontEndSettings } from "./settings.js";

/**
 * Pure mapping from the NPS extension's registry settings to the model: one delegated RADIUS path per
 * front end and the settings fact (`src/model/facts/nps-extension.ts`). The verdict the extension gives each Entra
 * user (`npsVerdict`) is the delegation linker's (`src/link/nps/`): this provider knows the registry
 * export, not Entra.
 */

export const source = "nps-extension";

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

/** A front end's inventory: its one path (`<id>/radius`), the password delegated to the NPS extension. */
function delegatedInventory(entryPoint: EntryPoint, mfa: MfaVerdict, facts: Fact[]): ProviderInventory {
  const chain: AccessPath["chain"] = {
    factors: ["password"],
    delegation: { protocol: "radius", target: npsDelegationTarget, targetSource: "entra" },
  };
  const path = { id: `${entryPoint.id}/radius`, entryPoint: entryPoint.id, accounts: [], chain, mfa };
  return { accounts: [], entryPoints: [entryPoint], accessPaths: [path], settings: [], facts };
}

/** One delegated path for the front end, and the extension's settings as a fact for the linker and policies. */
export function frontEndInventory(input: FrontEndInput): ProviderInventory {
  const evidence = settingEvidence(input.connection, input.azureMfa);
  const entryPoint = entryPointOf(input.connection, input.settings, evidence);
  const data = factData(input, entryPoint.id);
  const fact = factOf(
    npsSettings,
    { id: `${input.connection}:${entryPoint.id}`, source, connection: input.connection, evidence },
    data,
  );
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
  return delegatedInventory(entryPoint, mfa, [fact]);
}

/** A front end whose registry export could not be read: its delegated path is unknown with the reason. */
export function unreadFrontEndInventory(
  connection: string,
  settings: NpsFrontEndSettings,
  reason: string,
): ProviderInventory {
  const evidence: Evidence[] = [{ source, connection, file: settings.registryExport, note: reason }];
  const entryPoint = entryPointOf(connection, settings, evidence);
  return delegatedInventory(
    entryPoint,
    {
      state: "unknown",
      strength: null,
      reason: `the NPS extension's settings on ${settings.npsServer} are not known (${reason}), so whether REQUIRE_USER_MATCH or IP_WHITELIST lets sign-ins skip MFA is not known`,
      evidence,
    },
    [],
  );
}

import { unreadGatewayInventory } from "../../src/collect/vpn.js";
import type {
  AccessPath,
  EntryPoint,
  Evidence,
  Fact,
  JsonValue,
  ProviderInventory,
} from "../../src/model/index.js";
import type { JsonPath } from "../../src/util/json-lines.js";
import { azureVpnAudiences, type GatewayFact, gatewayFactKind, gatewaySettings, tenantIdOf } from "./api.js";
import type { ReadGateway } from "./client.js";

/**
 * Pure mapping from a gateway's point-to-site configuration to the model: one entry point per gateway,
 * one access path per authentication type it accepts.
 *
 * - `AAD`: delegated (OIDC) to the audience app in the tenant's Entra ID. MFA is not a gateway setting: it
 *   comes from per-user MFA or Conditional Access policies that target that app id, so the path stays
 *   `unknown` until the delegation linker evaluates them per user.
 * - `Certificate`: a client certificate chained to an uploaded root is the whole login: `none`.
 * - `Radius`: delegated to the RADIUS server(s); `unknown` ("MFA depends on the RADIUS server") unless a
 *   linker matches the server to an NPS extension connection of the same tenant.
 */

export const source = "azure-vpn";

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function entryPointId(connection: string, g: ReadGateway["gateway"]): string {
  // The resource id is unique across subscriptions; the name alone is unique only in its resource group.
  const key = g.id ? g.id.replace(/^\/subscriptions\/[^/]+\/resourceGroups\//i, "") : g.name;
  return `${source}:${connection}:${slug(key)}`;
}

export interface GatewayInventory {
  inventory: ProviderInventory;
  /** Why the gateway has no point-to-site entry point, when it has none. */
  skipped?: string;
}

function ev(
  read: ReadGateway,
  connection: string,
  field: string,
  path: JsonPath,
  value: JsonValue,
  note?: string,
): Evidence {
  const line = read.lineOf(path);
  return {
    source,
    connection,
    file: read.file,
    ...(line ? { line } : {}),
    objectId: read.gateway.id ?? read.gateway.name,
    field,
    value,
    ...(note ? { note } : {}),
  };
}

export function gatewayInventory(read: ReadGateway, connection: string): GatewayInventory {
  const g = read.gateway;
  const settings = gatewaySettings(g);
  const prefix: JsonPath = settings.base
    ? [settings.base, "vpnClientConfiguration"]
    : ["vpnClientConfiguration"];
  const empty: ProviderInventory = {
    accounts: [],
    entryPoints: [],
    accessPaths: [],
    settings: [],
    facts: [],
  };
  if (settings.gatewayType && settings.gatewayType.toLowerCase() !== "vpn")
    return {
      inventory: empty,
      skipped: `${g.name} has gatewayType ${settings.gatewayType}, not Vpn: no point-to-site VPN`,
    };
  const p2s = settings.vpnClientConfiguration;
  if (!p2s)
    return {
      inventory: empty,
      skipped: `${g.name} has no point-to-site configuration (vpnClientConfiguration)`,
    };

  const id = entryPointId(connection, g);
  const types = p2s.vpnAuthenticationTypes;
  const typesEvidence = ev(
    read,
    connection,
    "vpnAuthenticationTypes",
    [...prefix, "vpnAuthenticationTypes"],
    types,
  );
  const entryPoint: EntryPoint = {
    id,
    name: `Azure VPN Gateway ${g.name} (point-to-site)`,
    kind: "vpn",
    source,
    connection,
    evidence: [typesEvidence],
  };
  const radiusServers = [
    ...new Set(
      [...(p2s.radiusServers ?? []).map((r) => r.radiusServerAddress), p2s.radiusServerAddress ?? ""]
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ];
  const roots = (p2s.vpnClientRootCertificates ?? []).map((c, i) => c.name ?? `root certificate ${i + 1}`);
  const audience = p2s.aadAudience?.trim().toLowerCase() || null;
  const factData: GatewayFact = {
    entryPoint: id,
    gateway: g.name,
    resourceId: g.id ?? null,
    authenticationTypes: types,
    protocols: p2s.vpnClientProtocols,
    aadTenantId: tenantIdOf(p2s.aadTenant) ?? tenantIdOf(p2s.aadIssuer),
    aadAudience: audience,
    audienceApp: audience ? (azureVpnAudiences[audience] ?? null) : null,
    radiusServers,
    rootCertificates: roots,
    file: read.file,
  };
  const fact: Fact = {
    kind: gatewayFactKind,
    id: `${connection}:${id}`,
    source,
    connection,
    data: JSON.parse(JSON.stringify(factData)) as JsonValue,
    evidence: [typesEvidence],
  };
  const paths: AccessPath[] = [];
  if (!types || types.length === 0) {
    paths.push({
      id: `${id}/unknown`,
      entryPoint: id,
      accounts: [],
      chain: { factors: [] },
      mfa: {
        state: "unknown",
        strength: null,
        reason: `vpnAuthenticationTypes is not in the export of ${g.name}, so which logins the gateway accepts (Entra ID, certificate, RADIUS) is not known; export it again with its properties`,
        evidence: [typesEvidence],
      },
    });
  }
  const seen = new Set<string>();
  for (const raw of types ?? []) {
    const type = raw.toLowerCase();
    if (seen.has(type)) continue;
    seen.add(type);
    if (type === "aad") {
      const audienceEvidence = ev(
        read,
        connection,
        "aadAudience",
        [...prefix, "aadAudience"],
        p2s.aadAudience ?? null,
      );
      const evidence = [typesEvidence, audienceEvidence];
      const protocols = (p2s.vpnClientProtocols ?? []).map((x) => x.toLowerCase());
      const noOpenVpn =
        p2s.vpnClientProtocols && !protocols.includes("openvpn")
          ? "; note: Entra ID authentication needs the OpenVPN protocol, which vpnClientProtocols does not list"
          : "";
      if (!audience) {
        paths.push({
          id: `${id}/aad`,
          entryPoint: id,
          accounts: [],
          chain: { factors: [] },
          mfa: {
            state: "unknown",
            strength: null,
            reason: `${g.name} accepts Microsoft Entra ID sign-ins but the export has no aadAudience, so the app whose Conditional Access applies is not known${noOpenVpn}`,
            evidence,
          },
        });
        continue;
      }
      const label = azureVpnAudiences[audience] ?? "a custom app registration";
      paths.push({
        id: `${id}/aad`,
        entryPoint: id,
        accounts: [],
        chain: { factors: [], delegation: { protocol: "oidc", target: audience, targetSource: "entra" } },
        mfa: {
          state: "unknown",
          strength: null,
          via: [`entra:app/${audience}`],
          reason: `signs in with Microsoft Entra ID (audience ${audience}, ${label}): MFA is not a gateway setting but comes from per-user MFA or Conditional Access policies that target this app; pending resolution per Entra user${noOpenVpn}`,
          evidence,
        },
      });
    } else if (type === "certificate") {
      const evidence = [
        typesEvidence,
        ev(read, connection, "vpnClientRootCertificates", [...prefix, "vpnClientRootCertificates"], roots),
      ];
      paths.push({
        id: `${id}/certificate`,
        entryPoint: id,
        accounts: [],
        chain: { factors: ["device-certificate"] },
        mfa: {
          state: "none",
          strength: null,
          reason: `device certificate only; bypasses Entra: any client certificate chained to ${roots.length ? `the uploaded root${roots.length > 1 ? "s" : ""} ${roots.join(", ")}` : "an uploaded root (none is listed in the export)"} connects to ${g.name} without a user sign-in or second factor`,
          evidence,
        },
      });
    } else if (type === "radius") {
      const serversEvidence = ev(
        read,
        connection,
        "radiusServers",
        [...prefix, p2s.radiusServers?.length ? "radiusServers" : "radiusServerAddress"],
        radiusServers,
      );
      if (radiusServers.length === 0) {
        paths.push({
          id: `${id}/radius`,
          entryPoint: id,
          accounts: [],
          chain: { factors: [] },
          mfa: {
            state: "unknown",
            strength: null,
            reason: `${g.name} accepts RADIUS logins but the export names no RADIUS server`,
            evidence: [typesEvidence, serversEvidence],
          },
        });
        continue;
      }
      for (const server of radiusServers) {
        paths.push({
          id: `${id}/radius/${slug(server)}`,
          entryPoint: id,
          accounts: [],
          chain: { factors: [], delegation: { protocol: "radius", target: server } },
          mfa: {
            state: "unknown",
            strength: null,
            via: [`radius:${server}`],
            reason: `RADIUS to ${server}; bypasses Entra: MFA depends on the RADIUS server (an NPS extension connection naming ${server} in radiusAddresses resolves it)`,
            evidence: [typesEvidence, serversEvidence],
          },
        });
      }
    } else {
      paths.push({
        id: `${id}/${slug(raw)}`,
        entryPoint: id,
        accounts: [],
        chain: { factors: [] },
        mfa: {
          state: "unknown",
          strength: null,
          reason: `${g.name} accepts the authentication type '${raw.slice(0, 40)}', which mfasweep does not know`,
          evidence: [typesEvidence],
        },
      });
    }
  }
  return {
    inventory: { accounts: [], entryPoints: [entryPoint], accessPaths: paths, settings: [], facts: [fact] },
  };
}

/** An export that could not be read: one unknown entry point named after the file, with the reason. */
export function unreadExportInventory(connection: string, file: string, reason: string): ProviderInventory {
  const id = `${source}:${connection}:unread:${slug(file)}`;
  const evidence: Evidence[] = [{ source, connection, file, note: reason }];
  const name = `Azure VPN gateways in ${file}`;
  const entryPoint: EntryPoint = { id, name, kind: "vpn", source, connection, evidence };
  return unreadGatewayInventory(
    entryPoint,
    { factors: [] },
    `the gateways in ${file} are not known: ${reason}`,
  );
}

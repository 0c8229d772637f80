import { unreadGatewayInventory } from "../../src/collect/vpn.js";
import type {
  AccessPath,
  Account,
  EntryPoint,
  Evidence,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import type { WireGuardConfig, WireGuardPeer } from "./api.js";

/**
 * Pure mapping from parsed WireGuard interfaces to the model. WireGuard "has no facilities for user
 * authentication": a peer is its public key (cryptokey routing), so every peer's path is one factor, the
 * device key, and `none`. That is a finding unless an exception names the compensating control (an MFA
 * gate in front of key issuance, a device posture check, short-lived keys).
 */

export const source = "wireguard";

export const deviceKeyOnly = "device key only; WireGuard has no user authentication";

export interface InterfaceInput {
  connection: string;
  name: string;
  host?: string;
  config: WireGuardConfig;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function entryPointId(connection: string, name: string, host?: string): string {
  return `${source}:${connection}:${host ? `${slug(host)}:` : ""}${slug(name)}`;
}

export function entryPointName(name: string, host?: string): string {
  return `WireGuard ${host ? `${host} ` : ""}${name}`;
}

/** Short display form of a public key, for peers without a name comment. */
export function keyFingerprint(publicKey: string): string {
  return `peer ${publicKey.slice(0, 8)}…`;
}

function peerEvidence(input: InterfaceInput, peer: WireGuardPeer): Evidence[] {
  const evidence: Evidence[] = [
    {
      source,
      connection: input.connection,
      file: input.config.file,
      line: peer.publicKeyLine,
      field: "PublicKey",
      value: peer.publicKey,
      note: `${peer.name ?? keyFingerprint(peer.publicKey)} connects with this key alone`,
    },
  ];
  if (peer.allowedIPs.length > 0)
    evidence.push({
      source,
      connection: input.connection,
      file: input.config.file,
      line: peer.line,
      field: "AllowedIPs",
      value: peer.allowedIPs,
    });
  return evidence;
}

export function peerVerdict(input: InterfaceInput, peer: WireGuardPeer): MfaVerdict {
  return {
    state: "none",
    strength: null,
    reason: `${deviceKeyOnly}: ${peer.name ?? keyFingerprint(peer.publicKey)} connects to ${input.name} with its private key alone${peer.presharedKey ? " (the preshared key is a second device secret, not a user factor)" : ""}`,
    evidence: peerEvidence(input, peer),
  };
}

export function interfaceInventory(input: InterfaceInput): ProviderInventory {
  const id = entryPointId(input.connection, input.name, input.host);
  const entryPoint: EntryPoint = {
    id,
    name: entryPointName(input.name, input.host),
    kind: "vpn",
    source,
    connection: input.connection,
    evidence: [
      {
        source,
        connection: input.connection,
        file: input.config.file,
        ...(input.config.interfaceLine ? { line: input.config.interfaceLine } : {}),
        ...(input.config.listenPort !== null ? { field: "ListenPort", value: input.config.listenPort } : {}),
        note: `${input.config.peers.length} peer(s)${input.config.unreadablePeers.length ? `, ${input.config.unreadablePeers.length} unreadable` : ""}`,
      },
    ],
  };
  const accounts: Account[] = [];
  const accessPaths: AccessPath[] = [];
  for (const peer of input.config.peers) {
    const evidence = peerEvidence(input, peer);
    accounts.push({
      id: peer.publicKey,
      name: peer.name ?? keyFingerprint(peer.publicKey),
      source,
      connection: input.connection,
      kind: "local",
      status: "active",
      admin: { isAdmin: "unknown", roles: [] },
      // Nothing to enrol: WireGuard cannot ask for a second factor.
      enrollment: { enrolled: false, methods: [], evidence },
      evidence,
    });
    accessPaths.push({
      id: `${id}/peer/${peer.publicKey}`,
      entryPoint: id,
      accounts: [peer.publicKey],
      chain: { factors: ["device-key"] },
      mfa: peerVerdict(input, peer),
    });
  }
  for (const unread of input.config.unreadablePeers) {
    const reason = `${unread.name ?? "a peer section"} at ${input.config.file}:${unread.line} could not be read (${unread.reason}): whether wg accepts it, and whose device key it admits, is not known`;
    accessPaths.push({
      id: `${id}/unreadable-peer/line-${unread.line}`,
      entryPoint: id,
      accounts: [],
      chain: { factors: ["device-key"] },
      mfa: {
        state: "unknown",
        strength: null,
        reason,
        evidence: [
          { source, connection: input.connection, file: input.config.file, line: unread.line, note: reason },
        ],
      },
    });
  }
  return { accounts, entryPoints: [entryPoint], accessPaths, settings: [], facts: [] };
}

/** The entry point of an interface whose configuration could not be read: one `unknown` path, with the reason. */
export function unreadInterfaceInventory(
  connection: string,
  name: string,
  host: string | undefined,
  file: string,
  reason: string,
): ProviderInventory {
  const id = entryPointId(connection, name, host);
  const evidence: Evidence[] = [{ source, connection, file, note: reason }];
  const label = entryPointName(name, host);
  const entryPoint: EntryPoint = { id, name: label, kind: "vpn", source, connection, evidence };
  return unreadGatewayInventory(
    entryPoint,
    { factors: ["device-key"] },
    `the peers of ${name} are not known: ${reason}`,
  );
}

import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * WireGuard is read from files, so its "emulator" writes files: fixture builders that print an interface
 * the way `wg showconf` does, or a wg-quick `.conf` (wg(8), wg-quick(8)), for tests and the demo. Keys are
 * derived from a seed so fixtures are stable; they are not usable keys.
 */

/** A stable, well-formed base64 WireGuard key from a seed (32 bytes of SHA-256). */
export function fakeKey(seed: string): string {
  return createHash("sha256").update(`wireguard:${seed}`).digest("base64");
}

export interface PeerSeed {
  /** Written as a `# name` comment above the peer (wg showconf prints no comments: leave it out there). */
  name?: string;
  publicKey?: string;
  allowedIPs?: string[];
  endpoint?: string;
  presharedKey?: boolean;
  persistentKeepalive?: number;
}

export interface InterfaceSeed {
  listenPort?: number;
  address?: string[];
  peers: PeerSeed[];
  /** `showconf`: only wg(8) keys; `wg-quick`: adds Address and PostUp like a hand-written /etc/wireguard file. */
  style?: "showconf" | "wg-quick";
}

export function wireGuardConfig(seed: InterfaceSeed): string {
  const style = seed.style ?? "wg-quick";
  const lines = ["[Interface]"];
  if (style === "wg-quick" && seed.address?.length) lines.push(`Address = ${seed.address.join(", ")}`);
  lines.push(`ListenPort = ${seed.listenPort ?? 51820}`);
  lines.push(`PrivateKey = ${fakeKey("interface-private")}`);
  if (style === "wg-quick") lines.push("PostUp = iptables -A FORWARD -i %i -j ACCEPT");
  for (const [i, p] of seed.peers.entries()) {
    lines.push("");
    if (p.name && style === "wg-quick") lines.push(`# ${p.name}`);
    lines.push("[Peer]");
    lines.push(`PublicKey = ${p.publicKey ?? fakeKey(p.name ?? `peer-${i}`)}`);
    if (p.presharedKey) lines.push(`PresharedKey = ${fakeKey(`psk-${i}`)}`);
    lines.push(`AllowedIPs = ${(p.allowedIPs ?? [`10.66.0.${i + 2}/32`]).join(", ")}`);
    if (p.endpoint) lines.push(`Endpoint = ${p.endpoint}`);
    if (p.persistentKeepalive) lines.push(`PersistentKeepalive = ${p.persistentKeepalive}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function writeInterfaceFile(dir: string, name: string, seed: InterfaceSeed): Promise<string> {
  const path = join(dir, `${name}.conf`);
  await writeFile(path, wireGuardConfig(seed), { mode: 0o600 });
  return path;
}

/** Contoso Dental's office router: wg0 with the owner's laptop and the reception PC, device keys only. */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-wireguard-"));
  const connections: ProviderDemo["connections"] = [];
  const contoso = portfolio.tenants.find((t) => t.id === "contoso-dental");
  if (contoso) {
    const file = await writeInterfaceFile(dir, "wg0", {
      address: ["10.66.0.1/24"],
      peers: [
        { name: "owner-laptop", allowedIPs: ["10.66.0.2/32"] },
        { name: "reception-pc", allowedIPs: ["10.66.0.3/32"], persistentKeepalive: 25 },
      ],
    });
    connections.push({
      tenant: contoso.id,
      connection: {
        type: "wireguard",
        id: "wireguard",
        interfaces: [{ file, host: `gw.${contoso.domain}` }],
      },
    });
  }
  return { env: {}, connections, close: () => rm(dir, { recursive: true, force: true }) };
}

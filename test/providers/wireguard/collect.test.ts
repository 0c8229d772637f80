import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseWireGuardConfig, peerNameOf, wireGuardKey } from "../../../providers/wireguard/api.js";
import { fakeKey, wireGuardConfig, writeInterfaceFile } from "../../../providers/wireguard/emulator.js";
import { wireguard } from "../../../providers/wireguard/index.js";
import { WireGuardSettings } from "../../../providers/wireguard/settings.js";
import { deviceKeyOnly } from "../../../providers/wireguard/transform.js";
import { collectConnection } from "../../../src/collect/index.js";
import { QuotaRegistry } from "../../../src/collect/quota.js";
import { scanDemo } from "../../helpers/connection.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-test-wireguard-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(interfaces: Array<Record<string, unknown>>) {
  const settings = WireGuardSettings.parse({ type: "wireguard", interfaces });
  return collectConnection(
    { id: "contoso-dental", name: "Contoso Dental" },
    { id: "wireguard", type: "wireguard", settings },
    { quotas: new QuotaRegistry(false) },
  );
}

describe("WireGuard config parser (wg(8) format, wg-quick additions)", () => {
  it("reads wg showconf output: one peer per [Peer], keys case-insensitive, secrets not kept", () => {
    const alice = fakeKey("alice");
    const bob = fakeKey("bob");
    const text = [
      "[Interface]",
      "ListenPort = 51820",
      `PrivateKey = ${fakeKey("server-private")}`,
      "",
      "[Peer]",
      `PublicKey = ${alice}`,
      `PresharedKey = ${fakeKey("psk")}`,
      "AllowedIPs = 10.0.0.2/32, fd00::2/128",
      "allowedips = 10.0.1.0/24",
      "Endpoint = 198.51.100.7:51820",
      "",
      "[peer]",
      `publickey = ${bob}`,
      "AllowedIPs = 10.0.0.3/32",
      "",
    ].join("\n");
    const config = parseWireGuardConfig(text, "wg0.conf");
    expect(config.problems).toEqual([]);
    expect(config.listenPort).toBe(51820);
    expect(config.peers.map((p) => p.publicKey)).toEqual([alice, bob]);
    expect(config.peers[0]).toMatchObject({
      line: 5,
      publicKeyLine: 6,
      presharedKey: true,
      allowedIPs: ["10.0.0.2/32", "fd00::2/128", "10.0.1.0/24"],
      endpoint: "198.51.100.7:51820",
      name: null,
    });
    expect(JSON.stringify(config)).not.toContain(fakeKey("server-private"));
    expect(JSON.stringify(config)).not.toContain(fakeKey("psk"));
  });

  it("names peers from comments: above the section, inside it, inline, PiVPN begin/end markers", () => {
    const keys = ["a", "b", "c", "d", "e"].map(fakeKey);
    const text = [
      "[Interface]",
      `PrivateKey = ${fakeKey("p")}`,
      "# alice-laptop",
      "[Peer]",
      `PublicKey = ${keys[0]}`,
      "[Peer]",
      "# Name = bob-phone",
      `PublicKey = ${keys[1]}`,
      "### begin carol ###",
      "[Peer]",
      `PublicKey = ${keys[2]}`,
      "### end carol ###",
      "[Peer] # dave-pc",
      `PublicKey = ${keys[3]}`,
      "[Peer]",
      `PublicKey = ${keys[4]}`,
    ].join("\n");
    const config = parseWireGuardConfig(text, "wg0.conf");
    expect(config.peers.map((p) => p.name)).toEqual(["alice-laptop", "bob-phone", "carol", "dave-pc", null]);
    expect(peerNameOf("#   ")).toBeNull();
  });

  it("lists what it cannot read with the line and keeps the rest", () => {
    const good = fakeKey("good");
    const text = [
      "ListenPort = 1",
      "[Interface]",
      "ListenPort = seventy",
      "Frobnicate = 1",
      "[Peer]",
      "PublicKey = not-a-key",
      "[Peer]",
      `PublicKey = ${good}`,
      "[Peer]",
      `PublicKey = ${good}`,
      "[Strange]",
      "junk line",
    ].join("\n");
    const config = parseWireGuardConfig(text, "wg0.conf");
    expect(config.peers.map((p) => p.publicKey)).toEqual([good]);
    expect(config.problems.map((p) => p.line)).toEqual([1, 3, 4, 6, 5, 9, 11, 12]);
    expect(config.problems.find((p) => p.line === 9)?.message).toMatch(/same PublicKey/);
  });

  it("never throws and only keeps well-formed public keys (property)", () => {
    const line = fc.oneof(
      fc.constantFrom("[Interface]", "[Peer]", "", "# x", "ListenPort = 51820", "AllowedIPs = 10.0.0.0/8"),
      fc.constant(`PublicKey = ${fakeKey("k1")}`),
      fc.constant(`PublicKey = ${fakeKey("k2")}`),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const config = parseWireGuardConfig(lines.join("\n"), "f.conf");
        for (const p of config.peers) expect(p.publicKey).toMatch(wireGuardKey);
        expect(new Set(config.peers.map((p) => p.publicKey)).size).toBe(config.peers.length);
        for (const p of config.problems) expect(p.line).toBeGreaterThan(0);
        // Every [Peer] header is either a peer or an unreadable peer: none vanishes silently.
        const headers = lines
          .join("\n")
          .split(/\r\n|\n|\r/)
          .filter((l) => /^\[\s*peer\s*\]$/i.test(l.split("#")[0]!.trim())).length;
        const duplicates = config.problems.filter((p) => /same PublicKey/.test(p.message)).length;
        const fromPeerHeaders = config.unreadablePeers.filter(
          (u) => !/is not \[Peer\]/.test(u.reason),
        ).length;
        expect(config.peers.length + fromPeerHeaders + duplicates).toBe(headers);
      }),
    );
  });
});

describe("WireGuard provider", () => {
  it("one entry point per interface, one path per peer: device key only, state none, with file:line", async () => {
    const wg0 = await writeInterfaceFile(dir, "wg0", {
      peers: [{ name: "owner-laptop" }, { name: "reception-pc", presharedKey: true }],
    });
    const wg1 = join(dir, "office.txt");
    await writeFile(wg1, wireGuardConfig({ style: "showconf", peers: [{ publicKey: fakeKey("site-b") }] }));
    const c = await collect([
      { file: wg0, host: "gw.contoso-dental.example" },
      { file: wg1, name: "wg1" },
    ]);
    expect(c.coverage.status).toBe("complete");
    expect(c.inventory.entryPoints.map((e) => [e.name, e.kind])).toEqual([
      ["WireGuard gw.contoso-dental.example wg0", "vpn"],
      ["WireGuard wg1", "vpn"],
    ]);
    expect(c.inventory.accessPaths).toHaveLength(3);
    for (const p of c.inventory.accessPaths) {
      expect(p.mfa.state).toBe("none");
      expect(p.mfa.reason).toContain(deviceKeyOnly);
      expect(p.chain.factors).toEqual(["device-key"]);
      expect(p.accounts).toHaveLength(1);
    }
    const owner = c.inventory.accessPaths.find((p) => p.accounts[0] === fakeKey("owner-laptop"))!;
    expect(owner.mfa.evidence[0]).toMatchObject({ file: wg0, line: 8, field: "PublicKey" });
    expect(c.inventory.accounts.map((a) => a.name)).toEqual([
      "owner-laptop",
      "reception-pc",
      `peer ${fakeKey("site-b").slice(0, 8)}…`,
    ]);
    expect(c.inventory.accounts.every((a) => a.enrollment.enrolled === false)).toBe(true);
    expect(JSON.stringify(c)).not.toContain(fakeKey("interface-private"));
  });

  it("an unreadable file is a gap and an unknown path, never an empty list", async () => {
    const c = await collect([{ file: join(dir, "missing.conf") }]);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps[0]?.reason).toMatch(/cannot read .*missing\.conf \(ENOENT\)/);
    expect(c.inventory.accessPaths).toHaveLength(1);
    expect(c.inventory.accessPaths[0]!.mfa.state).toBe("unknown");
  });

  it("a file that is not a WireGuard configuration says so; bad lines make coverage partial with file:line", async () => {
    const junk = join(dir, "junk.conf");
    await writeFile(junk, "hello world\n");
    const c = await collect([{ file: junk }]);
    expect(c.coverage.status).toBe("partial");
    expect(c.coverage.gaps.map((g) => g.what)).toEqual([`${junk}:1`, junk]);
    expect(c.coverage.notes[0]).toMatch(/no peers/);
  });

  it("a peer whose key fails validation is an unknown path with the reason, never 'nobody can connect'", async () => {
    // A 31-byte key: base64 of 31 bytes is 44 characters ending in '=' but not a Curve25519 key (wg(8): 32 bytes).
    const short = Buffer.alloc(31, 7).toString("base64");
    const file = join(dir, "wg-bad.conf");
    await writeFile(
      file,
      [
        "[Interface]",
        "ListenPort = 51820",
        "",
        "# owner-laptop",
        "[Peer]",
        `PublicKey = ${short}`,
        "AllowedIPs = 10.8.0.2/32",
        "",
        "[Peers]",
        `PublicKey = ${fakeKey("typo")}`,
      ].join("\n"),
    );
    const c = await collect([{ file, name: "wg-bad" }]);
    expect(c.coverage.notes.some((n) => /nobody can connect/.test(n))).toBe(false);
    const paths = c.inventory.accessPaths;
    expect(paths.map((p) => p.mfa.state)).toEqual(["unknown", "unknown"]);
    expect(paths[0]!.mfa.reason).toMatch(
      /owner-laptop at .*wg-bad\.conf:5 could not be read \(PublicKey at line 6 is not a WireGuard key \(32 bytes in base64\)\)/,
    );
    expect(paths[0]!.mfa.evidence[0]).toMatchObject({ file, line: 5 });
    expect(paths[1]!.mfa.reason).toMatch(/section \[Peers\] is not \[Peer\] but names a PublicKey/);
    expect(c.coverage.status).toBe("partial");
  });

  it("'nobody can connect' only for a file that truly has no peer section", async () => {
    const file = join(dir, "wg-empty.conf");
    await writeFile(file, "[Interface]\nListenPort = 51820\n");
    const c = await collect([{ file, name: "wg-empty" }]);
    expect(
      c.coverage.notes.some((n) => /wg-empty: no peers are configured, so nobody can connect/.test(n)),
    ).toBe(true);
    expect(c.inventory.accessPaths).toEqual([]);
  });

  it("doctor reads each file and names problems", async () => {
    const wg0 = await writeInterfaceFile(dir, "wg0", { peers: [{ name: "a" }] });
    const ctx = {
      settings: WireGuardSettings.parse({
        type: "wireguard",
        interfaces: [{ file: wg0 }, { file: `${wg0}.nope` }],
      }),
    };
    const checks = await wireguard.doctor!(ctx as never);
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[0]!.detail).toBe("1 peer(s)");
  });

  it("demo: Contoso Dental's two peers fail vpn-login-requires-mfa through the real pipeline", async () => {
    const report = await scanDemo(wireguard);
    const results = report.results.filter((r) => r.subject.source === "wireguard");
    expect(results.length).toBeGreaterThanOrEqual(2);
    const vpn = results.filter((r) => r.policy === "vpn-login-requires-mfa");
    expect(vpn.map((r) => [r.status, r.mfa?.state])).toEqual([
      ["fail", "none"],
      ["fail", "none"],
    ]);
    expect(vpn.map((r) => r.subject.name).join(" ")).toContain("owner-laptop");
  });
});

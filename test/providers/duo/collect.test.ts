import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type DuoAccountSeed,
  newDuoKeys,
  seedDuoUser,
  startDuoEmulator,
  typicalWindowsLogonValues,
  windowsLogonExport,
} from "../../../providers/duo/emulator.js";
import { DuoSettings } from "../../../providers/duo/settings.js";
import { duoFactKinds } from "../../../providers/duo/transform.js";
import type { RunningEmulator } from "../../../src/emulator/server.js";
import { collectRecorded } from "../../helpers/connection.js";

const apiHost = "api-1a2b3c4d.duosecurity.com";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function account(grants: string[], users: Record<string, unknown>[], extra: Partial<DuoAccountSeed> = {}) {
  const key = newDuoKeys(grants);
  const seed: DuoAccountSeed = {
    apiHost,
    keys: [key],
    users,
    integrations: [
      {
        integration_key: "DIRADIUSPROXY0000001",
        name: "FortiGate VPN",
        type: "radius",
        enroll_policy: "allow",
      },
    ],
    ...extra,
  };
  return { key, seed };
}

async function collect(
  seed: DuoAccountSeed,
  key: { ikey: string; skey: string },
  throttle?: { times: number; retryAfterSeconds?: number },
  authProxies: Array<{ file: string; host: string }> = [],
  windowsLogon: Array<{ file: string; host: string }> = [],
) {
  emulator = await startDuoEmulator({ account: seed, ...(throttle ? { throttle } : {}) });
  const settings = DuoSettings.parse({
    type: "duo",
    apiHost,
    endpoint: emulator.url,
    auth: { method: "hmac", integrationKey: "env:DUO_IKEY", secretKey: "env:DUO_SKEY" },
    authProxies,
    windowsLogon,
  });
  return collectRecorded(
    { id: "duo", type: "duo", settings },
    { env: { DUO_IKEY: key.ikey, DUO_SKEY: key.skey } },
  );
}

const both = ["Grant read resource", "Grant applications"];

describe("duo provider against the Admin API emulator", () => {
  it("signs every request the way the Admin API checks it and pages with offset/limit metadata", async () => {
    const users = Array.from({ length: 650 }, (_, i) => seedDuoUser(`user${i}`));
    users[3] = seedDuoUser("helpdesk", { status: "bypass" });
    const { key, seed } = account(both, users);
    const { collection } = await collect(seed, key);
    expect(collection.coverage.status).toBe("complete");
    const userRequests = emulator!.requests.filter((r) => r.path === "/admin/v1/users");
    expect(userRequests.map((r) => [r.query.limit, r.query.offset])).toEqual([
      ["300", "0"],
      ["300", "300"],
      ["300", "600"],
    ]);
    expect(collection.inventory.accounts).toHaveLength(650);
    const bypass = collection.inventory.facts.find(
      (f) => f.kind === duoFactKinds.user && (f.data as { username: string }).username === "helpdesk",
    );
    expect(bypass?.data).toMatchObject({ status: "bypass", enrolled: true });
    expect(collection.inventory.facts.filter((f) => f.kind === duoFactKinds.application)).toHaveLength(1);
    expect(JSON.stringify(collection)).not.toContain(key.skey);
  });

  it("a wrong secret key is refused by the signature check: the connection fails without showing it", async () => {
    const { key, seed } = account(both, [seedDuoUser("alice")]);
    const { collection } = await collect(seed, { ikey: key.ikey, skey: "0".repeat(40) });
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/HTTP 401/);
    expect(JSON.stringify(collection)).not.toContain(key.skey);
  });

  it("without 'Grant applications' the users are read and the new-user policies are a gap naming it", async () => {
    const { key, seed } = account(["Grant read resource"], [seedDuoUser("alice")]);
    const { collection } = await collect(seed, key);
    expect(collection.coverage.status).toBe("partial");
    expect(collection.coverage.gaps[0]).toMatchObject({ what: "GET /admin/v1/integrations" });
    expect(collection.coverage.gaps[0]!.reason).toMatch(/Grant applications/);
    expect(collection.inventory.accounts).toHaveLength(1);
  });

  it("without 'Grant read resource' nothing is known: the connection fails naming the permission", async () => {
    const { key, seed } = account(["Grant applications"], [seedDuoUser("alice")]);
    const { collection } = await collect(seed, key);
    expect(collection.coverage.status).toBe("failed");
    expect(collection.coverage.reason).toMatch(/Grant read resource/);
  });

  it("honours Retry-After on 429 and then reads everything", async () => {
    const { key, seed } = account(both, [seedDuoUser("alice")]);
    const { collection, slept } = await collect(seed, key, { times: 1, retryAfterSeconds: 7 });
    expect(collection.coverage.status).toBe("complete");
    expect(slept).toContain(7000);
    expect(collection.inventory.accounts).toHaveLength(1);
  });

  it("a user record that is not the documented shape is skipped and counted", async () => {
    const { key, seed } = account(both, [seedDuoUser("alice"), { username: "no-id", status: "active" }]);
    const { collection } = await collect(seed, key);
    expect(collection.coverage.counts.skipped).toBe(1);
    expect(collection.inventory.accounts.map((a) => a.name)).toEqual(["alice"]);
  });
});

describe("duo authentication proxy configurations", () => {
  it("each server section becomes a fact with file:line evidence; an unreadable file is a gap and an unread fact", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-duo-"));
    const cfg = join(dir, "authproxy.cfg");
    writeFileSync(
      cfg,
      "[radius_server_auto]\nikey=DIRADIUSPROXY0000001\nradius_ip_1=10.0.0.1\nfailmode=safe\n",
    );
    const { key, seed } = account(both, [seedDuoUser("alice")]);
    const { collection } = await collect(seed, key, undefined, [
      { file: cfg, host: "10.0.0.20" },
      { file: join(dir, "missing.cfg"), host: "10.0.0.21" },
    ]);
    expect(collection.coverage.status).toBe("partial");
    const proxies = collection.inventory.facts.filter((f) => f.kind === duoFactKinds.proxyServer);
    expect(proxies.map((f) => f.data)).toMatchObject([
      { host: "10.0.0.20", section: "radius_server_auto", failmode: "safe", radiusClients: ["10.0.0.1"] },
      { host: "10.0.0.21", unread: expect.stringMatching(/ENOENT/) },
    ]);
    expect(proxies[0]!.evidence[0]).toMatchObject({ file: cfg, line: 4, field: "failmode", value: "safe" });
  });
});

describe("duo for windows logon registry exports", () => {
  it("each export becomes a fact with the FailOpen line; one without the key or unreadable is a gap and an unread fact", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mfasweep-duo-winlogon-"));
    const good = join(dir, "rdsh01.reg");
    writeFileSync(good, windowsLogonExport(typicalWindowsLogonValues({ FailOpen: 1 })));
    const other = join(dir, "other.reg");
    writeFileSync(
      other,
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]\r\n",
    );
    const { key, seed } = account(both, [seedDuoUser("alice")]);
    const { collection } = await collect(
      seed,
      key,
      undefined,
      [],
      [
        { file: good, host: "rdsh01" },
        { file: other, host: "rdsh02" },
        { file: join(dir, "missing.reg"), host: "rdsh03" },
      ],
    );
    expect(collection.coverage.status).toBe("partial");
    const facts = collection.inventory.facts.filter((f) => f.kind === duoFactKinds.windowsLogon);
    expect(facts.map((f) => f.data)).toMatchObject([
      { host: "rdsh01", failOpen: true, failOpenFrom: "local", offlineAvailable: null },
      { host: "rdsh02", unread: expect.stringMatching(/no \[HKEY_LOCAL_MACHINE/) },
      { host: "rdsh03", unread: expect.stringMatching(/ENOENT/) },
    ]);
    expect(facts[0]!.evidence[0]).toMatchObject({ file: good, line: 9, field: "FailOpen", value: "dword:1" });
    expect(JSON.stringify(collection)).not.toContain("never-kept");
  });
});

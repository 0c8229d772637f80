import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  allPermissions,
  caPolicy,
  samlEnterpriseApp,
  seedGroup,
  seedTenant,
  seedUser,
  startEntraEmulator,
} from "../../providers/entra/emulator.js";
import type { RunningEmulator } from "../../src/emulator/server.js";
import { FindingRecord } from "../../src/export/record.js";
import { runMain } from "../helpers/cli.js";
import { fortigateSamlVpnBackup } from "../helpers/fortigate-saml.js";
import { configText, within } from "./harness.js";

/**
 * #19 item 1, through the real CLI: a VPN path whose verdict Entra decides (the FortiGate signs in
 * through an Entra SAML app) is resolved only when the Entra connection was read completely in that
 * sweep. The FortiGate's own read is complete every time; only the connection the verdict depends on
 * fails, or is partial.
 */

const entityId = "https://vpn.acme.example:10443/remote/saml/metadata";
const alice = seedUser("alice@acme.example");
const bob = seedUser("bob@acme.example");
const vpnGroup = seedGroup("VPN users", [alice.id, bob.id]);
const vpnApp = samlEnterpriseApp("FortiGate SSL VPN", entityId, [vpnGroup.id]);
const goodToken = "eyJ0eXAiOiJKV1QifQ.acme";
const noAppsToken = "eyJ0eXAiOiJKV1QifQ.no-apps";
// bob is excluded from the VPN's MFA policy: his VPN path fails while Entra says so.
const vpnPolicy = caPolicy("VPN requires MFA", {
  users: { includeUsers: ["All"], excludeUsers: [bob.id] },
  applications: { includeApplications: [vpnApp.appId] },
});
const tenant = seedTenant("acme.example", goodToken, {
  users: [alice, bob],
  groups: [vpnGroup],
  enterpriseApps: [vpnApp],
  policies: [vpnPolicy],
});
tenant.tokens.push({
  token: noAppsToken,
  permissions: allPermissions.filter((p) => p !== "Application.Read.All"),
});

const fortigateBackup = fortigateSamlVpnBackup(entityId, tenant.tenantId);

let entra: RunningEmulator;
beforeAll(async () => {
  entra = await startEntraEmulator({ tenants: [tenant] });
});
afterAll(async () => {
  await entra.close();
});

function portfolio(): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "mfasweep-delegated-"));
  writeFileSync(join(dir, "ca.pem"), entra.certificate ?? "");
  writeFileSync(join(dir, "fortigate.conf"), fortigateBackup);
  const file = join(dir, "mfasweep.yaml");
  writeFileSync(
    file,
    configText(
      [
        {
          id: "acme",
          name: "Acme",
          connections: [
            {
              type: "entra",
              id: "entra",
              tenantId: tenant.tenantId,
              endpoint: entra.url,
              caBundle: "ca.pem",
              auth: { method: "access-token", token: "env:ENTRA_TOKEN" },
            },
            { type: "fortigate", id: "fw1", name: "fw1", backupFile: "fortigate.conf" },
          ],
        },
      ],
      { store: { path: "queue.db" } },
    ),
    { mode: 0o600 },
  );
  return { file, dir };
}

async function sweepWith(file: string, token: string) {
  return within(120_000, "the sweep", runMain(["sweep", "--config", file], { env: { ENTRA_TOKEN: token } }));
}

async function bobsVpnItem(file: string): Promise<{ item: FindingRecord; history: string }> {
  const listed = await runMain(["queue", "list", "--config", file, "--all", "--format", "json"]);
  expect(listed.stderr).toBe("");
  const { items } = z.object({ items: FindingRecord.array() }).parse(JSON.parse(listed.stdout));
  const item = items.find((i) => i.policy === "vpn-login-requires-mfa" && i.subject.startsWith("bob@"));
  expect(item, listed.stdout).toBeDefined();
  const shown = await runMain(["queue", "show", item!.fingerprint, "--config", file, "--format", "json"]);
  return { item: item!, history: shown.stdout };
}

describe("a delegated path resolves only when what decided it was read (#19 item 1)", () => {
  it.each([
    ["the Entra token is refused", "eyJ0eXAiOiJKV1QifQ.revoked"],
    ["the Entra read is partial (no Application.Read.All)", noAppsToken],
  ])("%s: the FortiGate is read completely, and bob's VPN item stays open", async (_case, token) => {
    const { file } = portfolio();
    const first = await sweepWith(file, goodToken);
    expect(first.code, first.stderr).toBe(1);
    const before = await bobsVpnItem(file);
    expect(before.item.state).toBe("open");

    const second = await sweepWith(file, token);
    // Incomplete coverage is exit 2 whatever else the sweep found.
    expect(second.code, second.stderr).toBe(2);
    const after = await bobsVpnItem(file);
    expect(after.item.fingerprint).toBe(before.item.fingerprint);
    expect(after.item.state).toBe("open");
    expect(after.history).not.toContain('"to": "resolved"');
    expect(after.history).not.toContain("read completely");
  });

  it("once Entra is read completely and bob is covered, the same item resolves (the check above can fail)", async () => {
    const { file } = portfolio();
    expect((await sweepWith(file, goodToken)).code).toBe(1);
    // The emulator serves its seed as it is at each request: the admin removes bob's exclusion.
    const users = (vpnPolicy.conditions as { users: { excludeUsers: string[] } }).users;
    const excluded = users.excludeUsers;
    users.excludeUsers = [];
    try {
      const fixed = await sweepWith(file, goodToken);
      expect(fixed.code, fixed.stderr).not.toBe(2);
      expect((await bobsVpnItem(file)).item.state).toBe("resolved");
    } finally {
      users.excludeUsers = excluded;
    }
  });
});

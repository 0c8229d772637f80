import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";
import { fakeBinaryWithVersion } from "./pe-version.js";

/**
 * ScreenConnect has no API, so its "emulator" builds what a user would copy from the server: a folder with
 * App_Data/User.xml and a binary carrying a version resource. The User.xml layout (a root element with
 * one element per user, `Name` and `Email` children) is our assumption, not a published format: the
 * provider reads exactly what `userFields` names, so tests also cover other layouts.
 */

export interface ScreenConnectSnapshotSeed {
  users?: Array<{ name: string; email?: string }>;
  /** Raw User.xml text instead of `users` (malformed and hostile files). */
  userXml?: string | Buffer;
  /** Writes `Bin/ScreenConnect.Service.exe` with this version in its version resource. */
  version?: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function userXml(users: NonNullable<ScreenConnectSnapshotSeed["users"]>): string {
  const records = users.map(
    (u) =>
      `  <User>\n    <Name>${escapeXml(u.name)}</Name>\n${u.email ? `    <Email>${escapeXml(u.email)}</Email>\n` : ""}  </User>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n<Users>\n${records.join("\n")}\n</Users>\n`;
}

export const versionFilePath = "Bin/ScreenConnect.Service.exe";

/** Writes the snapshot into `dir` (created if needed). */
export async function writeScreenConnectSnapshot(
  dir: string,
  seed: ScreenConnectSnapshotSeed,
): Promise<void> {
  await mkdir(join(dir, "App_Data"), { recursive: true });
  if (seed.userXml !== undefined || seed.users)
    await writeFile(join(dir, "App_Data", "User.xml"), seed.userXml ?? userXml(seed.users ?? []));
  if (seed.version) {
    await mkdir(join(dir, "Bin"), { recursive: true });
    await writeFile(join(dir, versionFilePath), fakeBinaryWithVersion(seed.version));
  }
}

/** Contoso Dental still runs ScreenConnect 23.9.7 on its own server: critical whatever the MFA. */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const tenant = portfolio.tenants.find((t) => t.id === "contoso-dental");
  if (!tenant) return { connections: [], env: {}, close: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-screenconnect-"));
  await writeScreenConnectSnapshot(dir, {
    version: "23.9.7.8804",
    users: [
      { name: "admin", email: `it@${tenant.domain}` },
      { name: "frontdesk-support", email: `support@${tenant.domain}` },
    ],
  });
  return {
    env: {},
    connections: [
      {
        tenant: tenant.id,
        connection: {
          type: "screenconnect",
          id: "screenconnect",
          name: `https://support.${tenant.domain}`,
          directory: dir,
          versionFile: versionFilePath,
        },
      },
    ],
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

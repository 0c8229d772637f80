import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * VS_FIXEDFILEINFO as Microsoft documents it (learn.microsoft.com/windows/win32/api/verrsrc/ns-verrsrc-vs_fixedfileinfo):
 * `dwSignature` 0xFEEF04BD, `dwStrucVersion` 0x00010000, then dwFileVersionMS/LS and dwProductVersionMS/LS.
 * Stated here, not imported from the reader in ./pe-version.ts, so the stand-in binary witnesses the format.
 */
const fixedFileInfo = { signature: 0xfeef04bd, structVersion: 0x00010000 } as const;

/** The smallest Windows binary with a version resource: an MZ header and a VS_FIXEDFILEINFO block (fixtures, demo). */
export function fakeBinaryWithVersion(version: string): Buffer {
  const parts = version.split(".").map((p) => Number.parseInt(p, 10));
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  const header = Buffer.alloc(128);
  header.write("MZ", 0, "latin1");
  const label = Buffer.from("VS_VERSION_INFO\0", "utf16le");
  const info = Buffer.alloc(52);
  info.writeUInt32LE(fixedFileInfo.signature, 0);
  info.writeUInt32LE(fixedFileInfo.structVersion, 4);
  for (const offset of [8, 16]) {
    info.writeUInt32LE(((a << 16) | b) >>> 0, offset);
    info.writeUInt32LE(((c << 16) | d) >>> 0, offset + 4);
  }
  // Keep the block 32-bit aligned after the label, as the resource format does.
  const pad = Buffer.alloc((4 - ((header.length + label.length) % 4)) % 4);
  return Buffer.concat([header, label, pad, info]);
}

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

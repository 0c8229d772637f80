import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * The registry key the NPS extension reads, stated here (not imported from ./api.ts) from
 * shared/reference/remote-access-and-ticketing.md §2.4 (NPS extension row: Microsoft Learn
 * howto-mfa-nps-extension.md): `HKLM\SOFTWARE\Microsoft\AzureMfa`, as `reg export` spells the hive.
 */
const azureMfaKey = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\AzureMfa";
export const documented = { azureMfaKey } as const;

/**
 * The NPS extension is read from a registry export, so its "emulator" writes `.reg` files the way regedit
 * and `reg export` do (UTF-16LE with a BOM, CRLF, `Windows Registry Editor Version 5.00`), or UTF-8, for
 * tests and the demo.
 */

export type RegSeedValue = string | { dword: number } | { expand: string } | { multi: string[] };

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function hexUtf16(text: string): string {
  const bytes: string[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    bytes.push((code & 0xff).toString(16).padStart(2, "0"), (code >> 8).toString(16).padStart(2, "0"));
  }
  return bytes.join(",");
}

/** The text of a .reg export of `key` holding `values` (in this order). */
export function regExportText(values: Record<string, RegSeedValue>, key = azureMfaKey): string {
  const lines = ["Windows Registry Editor Version 5.00", "", `[${key}]`];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string") lines.push(`${quote(name)}=${quote(value)}`);
    else if ("dword" in value)
      lines.push(`${quote(name)}=dword:${value.dword.toString(16).padStart(8, "0")}`);
    else if ("expand" in value) lines.push(`${quote(name)}=hex(2):${hexUtf16(`${value.expand}\0`)}`);
    else lines.push(`${quote(name)}=hex(7):${hexUtf16(`${value.multi.join("\0")}\0\0`)}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Bytes as regedit writes them: UTF-16LE with a BOM (default), or UTF-8. */
export function regExportBytes(text: string, encoding: "utf-16le" | "utf-8" = "utf-16le"): Buffer {
  return encoding === "utf-8"
    ? Buffer.from(text, "utf8")
    : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

/** Values a freshly configured extension has (certificate and tenant identifiers are not read by mfasweep). */
export function typicalValues(extra: Record<string, RegSeedValue> = {}): Record<string, RegSeedValue> {
  return {
    AZURE_MFA_HOSTNAME: "strongauthenticationservice.auth.microsoft.com",
    STS_URL: "https://login.microsoftonline.com/",
    ...extra,
  };
}

export async function writeRegExport(
  dir: string,
  name: string,
  values: Record<string, RegSeedValue>,
  encoding: "utf-16le" | "utf-8" = "utf-16le",
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, regExportBytes(regExportText(values), encoding));
  return path;
}

/**
 * Northwind's RD Gateway authenticates through an NPS server with the extension, left with
 * REQUIRE_USER_MATCH=FALSE from onboarding: users without a registered method get in with the password.
 */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-nps-"));
  const connections: ProviderDemo["connections"] = [];
  const northwind = portfolio.tenants.find((t) => t.id === "northwind");
  if (northwind) {
    const file = await writeRegExport(
      dir,
      "nps01-azuremfa.reg",
      typicalValues({ REQUIRE_USER_MATCH: "FALSE" }),
    );
    connections.push({
      tenant: northwind.id,
      connection: {
        type: "nps-extension",
        id: "nps-extension",
        frontEnds: [
          {
            name: `rdg.${northwind.domain}`,
            frontEnd: "rd-gateway",
            npsServer: `nps01.${northwind.domain}`,
            registryExport: file,
            nasAddresses: ["10.20.0.5"],
            radiusAddresses: ["10.20.0.10"],
          },
        ],
      },
    });
  }
  return { env: {}, connections, close: () => rm(dir, { recursive: true, force: true }) };
}

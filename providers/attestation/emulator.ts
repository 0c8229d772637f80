import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { DemoPortfolio, ProviderDemo } from "../../src/collect/provider.js";

/**
 * The CSV columns users are told to write (providers/attestation/README.md, the CSV example), stated here
 * rather than imported from the reader in ./api.ts, so a renamed column in the reader fails its tests.
 */
const csvColumns = [
  "tool",
  "console",
  "kind",
  "mfa",
  "method",
  "scope",
  "checkedBy",
  "checkedAt",
  "validUntil",
  "evidence",
  "notes",
  "ssoProtocol",
  "ssoTarget",
  "ssoTargetSource",
] as const;
export const documented = { csvColumns } as const;

/**
 * Attestations are files the MSP writes, so the "emulator" writes such files: YAML or CSV, from entries
 * as a user would type them (dates as YYYY-MM-DD strings).
 */

/** An entry as a user would type it (README "Attestation file"); anything else passes through for tests. */
export type AttestationSeed = {
  tool?: string;
  console?: string;
  kind?: string;
  mfa?: string;
  method?: string;
  scope?: string;
  checkedBy?: string;
  checkedAt?: string;
  validUntil?: string;
  evidence?: string;
  notes?: string;
  sso?: { protocol?: string; target?: string; targetSource?: string };
} & Record<string, unknown>;

export function attestationYaml(entries: AttestationSeed[]): string {
  return stringify({ attestations: entries });
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function attestationCsv(entries: AttestationSeed[], columns: readonly string[] = csvColumns): string {
  const rows = entries.map((e) => {
    const sso = (e.sso ?? {}) as { protocol?: string; target?: string; targetSource?: string };
    const flat: Record<string, unknown> = {
      ...e,
      ssoProtocol: sso.protocol,
      ssoTarget: sso.target,
      ssoTargetSource: sso.targetSource,
    };
    return columns.map((c) => csvCell(flat[c])).join(",");
  });
  return `${[columns.join(","), ...rows].join("\r\n")}\r\n`;
}

export async function writeAttestationFile(
  dir: string,
  name: string,
  entries: AttestationSeed[],
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, name.endsWith(".csv") ? attestationCsv(entries) : attestationYaml(entries));
  return path;
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const day = 86_400_000;

/**
 * Northwind's MSP attests Kaseya VSA (FIDO2 enforced, current) and AnyDesk (TOTP, expired last month);
 * Fabrikam Legal's CSV attests Splashtop through Entra SSO.
 */
export async function startDemo(portfolio: DemoPortfolio): Promise<ProviderDemo> {
  const now = new Date();
  const dir = await mkdtemp(join(tmpdir(), "mfasweep-demo-attestation-"));
  const connections: ProviderDemo["connections"] = [];
  const northwind = portfolio.tenants.find((t) => t.id === "northwind");
  if (northwind) {
    const file = await writeAttestationFile(dir, "northwind.yaml", [
      {
        tool: "Kaseya VSA",
        console: `https://vsa.${northwind.domain}`,
        mfa: "enforced",
        method: "fido2",
        scope: "all technicians",
        checkedBy: "security@msp.example",
        checkedAt: isoDate(new Date(now.getTime() - 20 * day)),
        validUntil: isoDate(new Date(now.getTime() + 70 * day)),
        evidence: "ticket SEC-1042 (screenshot of System > User Security)",
      },
      {
        tool: "AnyDesk",
        console: "my.anydesk II",
        kind: "remote-support",
        mfa: "enforced",
        method: "totp",
        checkedBy: "j.doe@msp.example",
        checkedAt: isoDate(new Date(now.getTime() - 120 * day)),
        validUntil: isoDate(new Date(now.getTime() - 30 * day)),
      },
    ]);
    connections.push({ tenant: northwind.id, connection: { type: "attestation", id: "attestation", file } });
  }
  const fabrikam = portfolio.tenants.find((t) => t.id === "fabrikam-legal");
  if (fabrikam) {
    const file = await writeAttestationFile(dir, "fabrikam-legal.csv", [
      {
        tool: "Splashtop",
        kind: "remote-support",
        mfa: "sso",
        sso: { protocol: "saml", target: "https://my.splashtop.com", targetSource: "entra" },
        checkedBy: "security@msp.example",
        checkedAt: isoDate(new Date(now.getTime() - 10 * day)),
        validUntil: isoDate(new Date(now.getTime() + 170 * day)),
      },
    ]);
    connections.push({ tenant: fabrikam.id, connection: { type: "attestation", id: "attestation", file } });
  }
  return { env: {}, connections, close: () => rm(dir, { recursive: true, force: true }) };
}

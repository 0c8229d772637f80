import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/composition.js";
import { brandingOf } from "../../../src/config/report.js";
import { ConfigError } from "../../../src/errors.js";
import { toExecutiveHtml } from "../../../src/export/html/executive.js";
import { toHtml } from "../../../src/export/html/index.js";
import { coverage } from "../../helpers/inventory.js";
import { report, result } from "../../helpers/report.js";

/** `report:` in the config (issue #24 item 2): branding of customer-facing reports. */

const now = new Date("2026-11-24T12:00:00Z");
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from("0000000dIHDR", "latin1"),
]);
const tenants = `tenants:
  - id: t1
    name: Tenant One
    connections:
      - type: google-workspace
        auth: { method: access-token, token: env:T1_TOKEN }
`;
let dir: string;
let configFile: string;

function problems(text: string): string {
  try {
    parseConfig(text, configFile, now);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mfasweep-brand-"));
  configFile = join(dir, "mfasweep.yaml");
  await writeFile(join(dir, "logo.png"), png);
  await writeFile(join(dir, "logo.svg"), '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, "fake.png"), "<svg></svg>");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("report branding in the config", () => {
  it("reads the MSP's name, logo (relative to the config file), contact, accent and per-tenant names", async () => {
    const text = `${tenants}report:
  msp: { name: Northwind IT Services, logo: file:logo.png, contact: help@northwind.example }
  preparedFor: { t1: Contoso Dental }
  accent: "#0a7d5a"
`;
    const { config } = parseConfig(text, configFile, now);
    const branding = await brandingOf(config.report, configFile);
    expect(branding).toEqual({
      msp: {
        name: "Northwind IT Services",
        contact: "help@northwind.example",
        logo: { mediaType: "image/png", base64: png.toString("base64") },
      },
      preparedFor: { t1: "Contoso Dental" },
      accent: "#0a7d5a",
    });
    const r = report([result({})], [coverage("google-workspace")]);
    for (const page of [toExecutiveHtml(r, { branding }), toHtml(r, { branding })]) {
      expect(page).toContain("Prepared for Contoso Dental by Northwind IT Services");
      expect(page).toContain(`src="data:image/png;base64,${png.toString("base64")}"`);
      expect(page).toContain("img-src data:");
      expect(page).toContain(":root { --accent: #0a7d5a; }");
      expect(page).not.toContain("Tenant One");
    }
    expect(toExecutiveHtml(r, { branding })).toContain("help@northwind.example");
    // Without branding: no image allowed at all, and the tenant's own name.
    const plain = toExecutiveHtml(r);
    expect(plain).not.toContain("img-src");
    expect(plain).toContain("Prepared for Tenant One<");
  });

  it("takes an SVG logo", async () => {
    const { config } = parseConfig(
      `${tenants}report: { msp: { name: MSP, logo: file:logo.svg } }\n`,
      configFile,
      now,
    );
    expect((await brandingOf(config.report, configFile))?.msp?.logo?.mediaType).toBe("image/svg+xml");
  });

  it("names the file and line of every problem", () => {
    const text = `${tenants}report:
  msp:
    name: MSP
    logo: file:missing.png
  preparedFor:
    nobody: Someone
  accent: green
`;
    const message = problems(text);
    expect(message).toContain("mfasweep.yaml:13 report.accent: expected a colour as #rrggbb");
    expect(problems(text.replace("  accent: green\n", ""))).toMatch(
      /mfasweep\.yaml:10 report\.msp\.logo: cannot read .*missing\.png \(ENOENT\)/,
    );
    expect(problems(text.replace("  accent: green\n", ""))).toContain(
      "mfasweep.yaml:12 report.preparedFor.nobody: no tenant has the id 'nobody'",
    );
    expect(problems(`${tenants}report: { msp: { name: MSP, logo: file:fake.png } }\n`)).toMatch(
      /mfasweep\.yaml:7 report\.msp\.logo: .*fake\.png is not a PNG image/,
    );
    expect(problems(`${tenants}report: { msp: { name: MSP, logo: file:logo.gif } }\n`)).toContain(
      "report.msp.logo: expected file:PATH to a .png or .svg file",
    );
  });
});

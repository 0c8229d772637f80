import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import type { Branding } from "../export/html/branding.js";
import { readBoundedFile } from "../util/text-file.js";

/**
 * `report:` in the config (issue #24 item 2): how customer-facing reports are branded. The logo is a
 * `file:` reference to a PNG or SVG, resolved against the config file's directory and embedded in the
 * report (it loads nothing).
 */
export const ReportConfig = z
  .strictObject({
    msp: z
      .strictObject({
        name: z.string().min(1).max(120).describe('The MSP\'s name: "Prepared for … by NAME".'),
        logo: z
          .string()
          .regex(/^file:.+\.(png|svg)$/i, { message: "expected file:PATH to a .png or .svg file" })
          .optional()
          .describe("file:PATH to a PNG or SVG logo (at most 512 KiB), embedded in the report."),
        contact: z.string().min(1).max(200).optional().describe("How the customer reaches the MSP."),
      })
      .optional(),
    preparedFor: z
      .record(z.string(), z.string().min(1).max(120))
      .optional()
      .describe("Tenant id → the customer's name on the report (default: the tenant's name)."),
    accent: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, { message: "expected a colour as #rrggbb" })
      .optional()
      .describe("Accent colour of the report's masthead and headings, #rrggbb."),
  })
  .optional()
  .describe("Branding of customer-facing reports (scan/demo --format html|pdf).");
export type ReportConfig = z.infer<typeof ReportConfig>;

export const maxLogoBytes = 512 * 1024;

/** The logo's path: `file:PATH`, relative to the config file's directory. */
export function logoPath(ref: string, configFile: string): string {
  return resolve(dirname(configFile), ref.slice("file:".length));
}

/** PNG by its signature; SVG by an `<svg` element near the start. Anything else is refused. */
export function logoMediaType(bytes: Buffer, path: string): "image/png" | "image/svg+xml" {
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (extname(path).toLowerCase() === ".png") {
    if (png) return "image/png";
    throw new ConfigError(`the logo ${path} is not a PNG image`);
  }
  if (/<svg[\s>]/i.test(bytes.subarray(0, 4096).toString("utf8"))) return "image/svg+xml";
  throw new ConfigError(`the logo ${path} is not an SVG image`);
}

/** Why the logo cannot be used, or null; synchronous, for `config validate` and every command's load. */
export function logoProblem(ref: string, configFile: string): string | null {
  const path = logoPath(ref, configFile);
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    if (!info.isFile()) return `${path} is not a regular file`;
    if (info.size > maxLogoBytes) return `${path} is ${info.size} bytes, more than ${maxLogoBytes}`;
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    logoMediaType(head.subarray(0, n), path);
    return null;
  } catch (err) {
    if (err instanceof ConfigError) return err.message.replace(/^the logo /, "");
    return `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The report section as the renderer's `Branding`, with the logo read and embedded. */
export async function brandingOf(report: ReportConfig, configFile: string): Promise<Branding | undefined> {
  if (!report) return undefined;
  const msp = report.msp;
  let logo: NonNullable<NonNullable<Branding["msp"]>["logo"]> | undefined;
  if (msp?.logo) {
    const path = logoPath(msp.logo, configFile);
    const bytes = await readBoundedFile(path, { maxBytes: maxLogoBytes, what: "logo" });
    logo = { mediaType: logoMediaType(bytes, path), base64: bytes.toString("base64") };
  }
  return {
    ...(msp
      ? {
          msp: {
            name: msp.name,
            ...(msp.contact ? { contact: msp.contact } : {}),
            ...(logo ? { logo } : {}),
          },
        }
      : {}),
    ...(report.preparedFor ? { preparedFor: report.preparedFor } : {}),
    ...(report.accent ? { accent: report.accent } : {}),
  };
}

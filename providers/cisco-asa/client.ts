import { readFile } from "node:fs/promises";
import { ProviderUnavailableError } from "../../src/errors.js";

/**
 * Transport for the Cisco ASA / FTD provider: it reads configuration files the MSP exported (the ASA
 * running-config, the FMC connection-profile JSON). No device access, no credentials.
 */
export async function readConfigFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new ProviderUnavailableError(
      `cannot read the ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

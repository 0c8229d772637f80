import { readTextFile } from "../../src/util/text-file.js";

/**
 * Transport for the Cisco ASA / FTD provider: it reads configuration files the MSP exported (the ASA
 * running-config, the FMC connection-profile JSON). No device access, no credentials.
 */
export async function readConfigFile(path: string, what: string): Promise<string> {
  return (await readTextFile(path, { maxBytes: 32 * 1024 * 1024, what })).text;
}

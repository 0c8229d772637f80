import { createHash } from "node:crypto";

/**
 * A stable GUID-shaped id from a seed string, so that emulators seeding the same demo tenant (the Entra
 * tenant id a FortiGate's SAML IdP names, an Azure VPN gateway's tenant) and test expectations agree.
 */
export function guid(seed: string): string {
  const h = createHash("sha1").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A stable positive integer id (below `limit`) from a seed string: emulator records take their ids from
 * their key, not from a counter, so the same account has the same id in every sweep of a process.
 */
export function seedNumber(seed: string, limit = 2 ** 31): number {
  const n = Number.parseInt(createHash("sha1").update(seed).digest("hex").slice(0, 12), 16);
  return 1 + (n % (limit - 1));
}

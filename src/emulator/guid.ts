import { createHash } from "node:crypto";

/**
 * A stable GUID-shaped id from a seed string, so that emulators seeding the same demo tenant (the Entra
 * tenant id a FortiGate's SAML IdP names, an Azure VPN gateway's tenant) and test expectations agree.
 */
export function guid(seed: string): string {
  const h = createHash("sha1").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

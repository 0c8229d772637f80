import * as crypto from "node:crypto";

/**
 * SHA-256 of a string as hex. `crypto.hash` (Node ≥ 20.12 / 21.7) is a one-shot call without the Hash
 * object `createHash` allocates, which showed in the profiles of fingerprints and content hashes; older
 * Node falls back to `createHash`.
 */
type OneShot = (algorithm: string, data: string, encoding: "hex") => string;
const oneShot = (crypto as { hash?: OneShot }).hash;

export const sha256Hex: (text: string) => string = oneShot
  ? (text) => oneShot("sha256", text, "hex")
  : (text) => crypto.createHash("sha256").update(text).digest("hex");

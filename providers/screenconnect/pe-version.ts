/**
 * Reads the version of a Windows binary (.exe/.dll) from its VS_FIXEDFILEINFO block, the structure
 * Windows' file properties and `osquery`'s `file.product_version` show (Microsoft: VS_FIXEDFILEINFO,
 * winver.h). We look for the block's signature rather than walking the resource tree: the signature is
 * fixed, and the structure version that follows it confirms the match.
 */

export class VersionFileError extends Error {
  override name = "VersionFileError";
}

const signature = 0xfeef04bd;
const structVersion = 0x00010000;

export interface BinaryVersion {
  product: string;
  file: string;
}

function dotted(ms: number, ls: number): string {
  return [ms >>> 16, ms & 0xffff, ls >>> 16, ls & 0xffff].join(".");
}

export function readBinaryVersion(data: Buffer): BinaryVersion {
  if (data.length < 64 || data[0] !== 0x4d || data[1] !== 0x5a)
    throw new VersionFileError("not a Windows executable (no MZ header)");
  for (let at = data.indexOf(Buffer.from([0xbd, 0x04, 0xef, 0xfe])); at >= 0; ) {
    if (at % 4 === 0 && at + 24 <= data.length && data.readUInt32LE(at) === signature) {
      if (data.readUInt32LE(at + 4) === structVersion) {
        return {
          file: dotted(data.readUInt32LE(at + 8), data.readUInt32LE(at + 12)),
          product: dotted(data.readUInt32LE(at + 16), data.readUInt32LE(at + 20)),
        };
      }
    }
    at = data.indexOf(Buffer.from([0xbd, 0x04, 0xef, 0xfe]), at + 1);
  }
  throw new VersionFileError("no version resource (VS_FIXEDFILEINFO) found");
}

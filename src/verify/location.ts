import type { EntraFacts } from "../engines/conditional-access/index.js";

/**
 * A sign-in location no named location lists: an address from the documentation ranges (RFC 5737, never
 * routed, so never a customer's office) and a country, each the first candidate that no IP range or
 * country list of the tenant's named locations contains.
 */
const addresses = ["198.51.100.23", "192.0.2.23", "203.0.113.23"];
const countries = ["NZ", "IS", "UY", "MU", "CR"];

export interface UnlistedLocation {
  ipAddress: string;
  country: string;
  /** Why the location may be a listed one after all (named locations unread, every candidate listed). */
  doubt?: string;
}

function ipv4(address: string): number | undefined {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/** Whether an IPv4 CIDR range contains `address`; an IPv6 or malformed range never does. */
export function cidrContains(cidr: string, address: string): boolean {
  const [base, bitsText] = cidr.trim().split("/");
  const bits = Number(bitsText ?? "32");
  const a = ipv4(address);
  const b = ipv4(base ?? "");
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

export function unlistedLocation(facts: EntraFacts): UnlistedLocation {
  const locations = facts.namedLocations;
  if (locations.status !== "read" && locations.status !== "not-licensed")
    return {
      ipAddress: addresses[0]!,
      country: countries[0]!,
      doubt: `named locations could not be read (${locations.reason ?? locations.status}), so the location asked about may be a listed one`,
    };
  const all = [...locations.byId.values()];
  const ranges = all.flatMap((l) => (l.ipRanges ?? []).map((r) => r.cidrAddress ?? ""));
  const listedCountries = new Set(all.flatMap((l) => l.countriesAndRegions ?? []));
  const ipAddress = addresses.find((a) => !ranges.some((r) => cidrContains(r, a)));
  const country = countries.find((c) => !listedCountries.has(c));
  return {
    ipAddress: ipAddress ?? addresses[0]!,
    country: country ?? countries[0]!,
    ...(ipAddress && country
      ? {}
      : {
          doubt:
            "every candidate address or country is in a named location, so no unlisted location was asked about",
        }),
  };
}

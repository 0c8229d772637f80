import { z } from "zod";
import type { FortiField, FortiObject } from "./cli.js";

/**
 * The boundary: the FortiOS REST API (`/api/v2/cmdb/<path>/<name>?vdom=`, bearer token of a REST API
 * admin) and its envelope, and the configuration tables mfasweep reads, by their REST path and their CLI
 * name (reference/remote-access-and-ticketing.md §2.1). Field names are the hyphenated CLI names in both.
 */

/** The tables read, per VDOM unless `global`. `cli` is the `config …` name in a backup. */
export const tables = {
  userLocal: { rest: "user/local", cli: "user local", global: false },
  userGroup: { rest: "user/group", cli: "user group", global: false },
  userLdap: { rest: "user/ldap", cli: "user ldap", global: false },
  userRadius: { rest: "user/radius", cli: "user radius", global: false },
  userSaml: { rest: "user/saml", cli: "user saml", global: false },
  sslSettings: { rest: "vpn.ssl/settings", cli: "vpn ssl settings", global: false },
  firewallPolicy: { rest: "firewall/policy", cli: "firewall policy", global: false },
  phase1: { rest: "vpn.ipsec/phase1-interface", cli: "vpn ipsec phase1-interface", global: false },
  systemAdmin: { rest: "system/admin", cli: "system admin", global: true },
} as const;
export type TableId = keyof typeof tables;

/**
 * The cmdb envelope: `{ http_method, results, vdom, path, name, status, http_status, serial, version,
 * build }` (a table answers `results` as an array, a settings object such as vpn.ssl/settings as an
 * object). Only what we use is declared.
 */
export const CmdbEnvelope = z.looseObject({
  http_method: z.string().nullish(),
  status: z.string(),
  http_status: z.number().nullish(),
  vdom: z.string().nullish(),
  path: z.string().nullish(),
  name: z.string().nullish(),
  serial: z.string().nullish(),
  version: z.string().nullish(),
  build: z.number().nullish(),
  results: z.union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.unknown())]),
});
export type CmdbEnvelope = z.infer<typeof CmdbEnvelope>;

/** The error envelope FortiOS answers with (`status: "error"`, `http_status`, sometimes `error` code). */
export const CmdbError = z.looseObject({
  status: z.string().nullish(),
  http_status: z.number().nullish(),
  error: z.number().nullish(),
  cli_error: z.string().nullish(),
});

/** The admin-profile permission groups mfasweep's tables fall under (`config system accprofile`). */
export type AccprofileGroup = "authgrp" | "vpngrp" | "fwgrp" | "sysgrp";

/**
 * The read-only admin profile permission each table needs: the accprofile group, and its name in the GUI's
 * admin profile editor. Structured so the 403 message and the emulator agreement test use one value.
 */
export const accprofileNeeds: Record<TableId, { group: AccprofileGroup; label: string }> = {
  userLocal: { group: "authgrp", label: "User & Device" },
  userGroup: { group: "authgrp", label: "User & Device" },
  userLdap: { group: "authgrp", label: "User & Device" },
  userRadius: { group: "authgrp", label: "User & Device" },
  userSaml: { group: "authgrp", label: "User & Device" },
  sslSettings: { group: "vpngrp", label: "VPN" },
  firewallPolicy: { group: "fwgrp", label: "Firewall" },
  phase1: { group: "vpngrp", label: "VPN" },
  systemAdmin: { group: "sysgrp", label: "System" },
};

/** The permission a 403 on `table` means is missing, as an operator sets it: "VPN: read (vpngrp)". */
export function accprofileNeed(table: TableId): string {
  const need = accprofileNeeds[table];
  return `${need.label}: read (${need.group})`;
}

/** A reference entry (`[{ name, q_origin_key }]`): the API's form of a CLI value list such as `member`. */
function isReference(item: unknown): item is { name: string | number } {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return false;
  const keys = Object.keys(item).filter((k) => k !== "q_origin_key");
  const name = (item as Record<string, unknown>).name;
  return keys.length === 1 && keys[0] === "name" && (typeof name === "string" || typeof name === "number");
}

/**
 * One REST object as the CLI-shaped model the transform reads: scalars become one value, reference lists
 * (`[{name}]`) become the value list, other object lists (`authentication-rule`, `match`) nested tables.
 */
export function objectFromRest(record: Record<string, unknown>, keyField = "name"): FortiObject {
  const fields: Record<string, FortiField> = {};
  const nested: Record<string, FortiObject[]> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === "q_origin_key") continue;
    if (Array.isArray(value)) {
      if (value.every(isReference)) fields[name] = { values: value.map((v) => String(v.name)) };
      else
        nested[name] = value
          .filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null)
          .map((v) => objectFromRest(v, "id" in v ? "id" : "name"));
    } else if (value === null || value === undefined) {
    } else if (typeof value === "object") {
      nested[name] = [objectFromRest(value as Record<string, unknown>)];
    } else {
      fields[name] = { values: value === "" ? [] : [String(value)] };
    }
  }
  const key = record[keyField] ?? record.name ?? record.policyid ?? record.id ?? "";
  return { key: String(key), fields, tables: nested };
}

export const defaultPort = 443;

/**
 * Defaults that decide a verdict when plain `show` leaves a setting out ("show does not display settings
 * that are in their default state"). Values from the Default column of the FortiOS 7.4.6 CLI reference:
 * `config user local` and `config system admin` `two-factor` → disable, `remote-auth` → disable;
 * `config vpn ipsec phase1-interface` `xauthtype` → disable, `eap` → disable; `config firewall policy`
 * `action` → deny.
 */
export const documentedDefaults: Partial<Record<TableId, Record<string, string>>> = {
  firewallPolicy: { action: "deny" },
  userLocal: { "two-factor": "disable" },
  systemAdmin: { "two-factor": "disable", "remote-auth": "disable" },
  phase1: { xauthtype: "disable", eap: "disable" },
};
export const defaultsSource = "FortiOS 7.4.6 CLI reference, Default column";

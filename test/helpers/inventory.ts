import type {
  AccessPath,
  Account,
  Coverage,
  EntryPoint,
  MfaSetting,
  TenantInventory,
} from "../../src/model/index.js";

/** Small builders for policy tests: documented shapes with only what a case is about spelled out. */

/** A placeholder fact, so builders satisfy "every verdict carries evidence". */
export function fact(source: string, note: string) {
  return { source, connection: source, note };
}

export function account(fields: Partial<Account> & Pick<Account, "id" | "source">): Account {
  return {
    name: fields.id,
    connection: fields.source,
    kind: "member",
    status: "active",
    admin: { isAdmin: false, roles: [] },
    enrollment: { enrolled: false, methods: [], evidence: [fact(fields.source, "enrollment")] },
    evidence: [fact(fields.source, "account")],
    ...fields,
  };
}

export function entryPoint(
  fields: Partial<EntryPoint> & Pick<EntryPoint, "id" | "source" | "kind">,
): EntryPoint {
  return { name: fields.id, connection: fields.source, evidence: [], ...fields };
}

export function accessPath(
  fields: Partial<AccessPath> &
    Pick<AccessPath, "entryPoint" | "accounts"> & { state: AccessPath["mfa"]["state"] },
): AccessPath {
  const { state, ...rest } = fields;
  return {
    id: `${fields.entryPoint}/${fields.accounts.join(",")}`,
    chain: { factors: [] },
    mfa: { state, strength: null, reason: `state ${state}`, evidence: [fact("test", `state ${state}`)] },
    ...rest,
  };
}

export function setting(
  fields: Partial<MfaSetting> &
    Pick<MfaSetting, "source" | "enrollment" | "enforcement"> & { scopeName: string },
): MfaSetting {
  const { scopeName, ...rest } = fields;
  return {
    id: `setting:${scopeName}`,
    connection: fields.source,
    scope: { kind: "org-unit", id: scopeName, name: scopeName },
    weakestAllowed: null,
    reason: `enrollment ${fields.enrollment}, enforcement ${fields.enforcement}`,
    evidence: [fact(fields.source, "setting")],
    ...rest,
  };
}

export function coverage(
  source: string,
  status: Coverage["status"] = "complete",
  connection = source,
): Coverage {
  return {
    tenant: "t1",
    connection,
    source,
    status,
    gaps: [],
    notes: [],
    counts: { accounts: 0, skipped: 0, requests: 0, retries: 0 },
    startedAt: "2026-11-24T00:00:00.000Z",
    finishedAt: "2026-11-24T00:00:01.000Z",
  };
}

/** A tenant inventory with complete coverage for every source its parts mention. */
export function inventory(
  parts: Partial<Omit<TenantInventory, "tenant">> & { tenant?: Partial<TenantInventory["tenant"]> },
): TenantInventory {
  const sources = new Set(
    [...(parts.accounts ?? []), ...(parts.entryPoints ?? []), ...(parts.settings ?? [])].map((x) => x.source),
  );
  return {
    accounts: [],
    entryPoints: [],
    accessPaths: [],
    settings: [],
    facts: [],
    coverage: [...sources].map((s) => coverage(s)),
    ...parts,
    tenant: { id: "t1", name: "Tenant One", role: "customer", ...parts.tenant },
  };
}

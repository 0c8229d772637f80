import { unreadPath } from "../../src/collect/unread.js";
import { type Attestation, type AttestedMethod, attestation } from "../../src/model/facts/attestation.js";
import { factOf } from "../../src/model/facts/kind.js";
import type {
  AccessPath,
  EntryPoint,
  Evidence,
  Fact,
  FactorStrength,
  MfaVerdict,
  ProviderInventory,
} from "../../src/model/index.js";
import type { ReadEntry } from "./client.js";

/**
 * Pure mapping from attestation entries to the model. An attestation is a person's statement, so every
 * verdict says "attested by X on D, not verified", records the statement in `mfa.via`, and is trusted only
 * while it is current: an expired or undated attestation yields `unknown`.
 */

export const source = "attestation";

const strengthOf: Record<AttestedMethod, FactorStrength | null> = {
  fido2: "phishing-resistant",
  passkey: "phishing-resistant",
  certificate: "phishing-resistant",
  totp: "app",
  push: "app",
  sms: "weak",
  voice: "weak",
  email: "weak",
  other: null,
};

export interface MappingContext {
  connection: string;
  file: string;
  now: Date;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function entryPointId(ctx: MappingContext, e: ReadEntry["entry"]): string {
  return `${source}:${ctx.connection}:${slug(e.tool)}${e.console ? `:${slug(e.console)}` : ""}`;
}

/** Valid through the end of its `validUntil` day (UTC), like exceptions. */
export function isCurrent(validUntil: string | undefined, now: Date): boolean {
  return validUntil !== undefined && Date.parse(`${validUntil}T23:59:59.999Z`) >= now.getTime();
}

function statement(e: ReadEntry["entry"]): string {
  return `attested by ${e.checkedBy} on ${e.checkedAt}${e.validUntil ? `, valid until ${e.validUntil}` : ", with no validity date"}; not verified by mfasweep`;
}

function evidenceOf(ctx: MappingContext, { entry: e, line }: ReadEntry): Evidence[] {
  const list: Evidence[] = [
    {
      source,
      connection: ctx.connection,
      file: ctx.file,
      line,
      field: "mfa",
      value: e.mfa,
      note: `${statement(e)}${e.scope ? `; scope: ${e.scope}` : ""}`,
    },
  ];
  if (e.method)
    list.push({ source, connection: ctx.connection, file: ctx.file, line, field: "method", value: e.method });
  if (e.evidence)
    list.push({
      source,
      connection: ctx.connection,
      file: ctx.file,
      line,
      field: "evidence",
      value: e.evidence,
    });
  return list;
}

export function verdictOf(ctx: MappingContext, read: ReadEntry): MfaVerdict {
  const e = read.entry;
  const evidence = evidenceOf(ctx, read);
  const via = [`attestation:${e.checkedBy}@${e.checkedAt}`];
  if (!isCurrent(e.validUntil, ctx.now)) {
    const why = e.validUntil ? `expired on ${e.validUntil}` : "has no validity date";
    return {
      state: "unknown",
      strength: null,
      via,
      reason: `the attestation ${why}, so MFA on ${e.tool} is not known (it said '${e.mfa}', ${statement(e)})`,
      evidence,
    };
  }
  const strength = e.mfa === "enforced" && e.method ? strengthOf[e.method] : null;
  const how = e.method ? ` with ${e.method}` : "";
  switch (e.mfa) {
    case "enforced":
      return { state: "enforced", strength, via, reason: `MFA enforced${how} (${statement(e)})`, evidence };
    case "sso":
      return {
        state: "unknown",
        strength: null,
        via,
        reason: `signs in through SSO (${e.sso?.protocol ?? "sso"}, ${statement(e)}): the identity provider decides`,
        evidence,
      };
    case "none":
      return { state: "none", strength: null, via, reason: `no MFA (${statement(e)})`, evidence };
    case "bypassable":
      return {
        state: "bypassable",
        strength: null,
        via,
        reason: `MFA can be skipped (${statement(e)})`,
        evidence,
      };
    case "optional":
      return {
        state: "optional",
        strength: null,
        via,
        reason: `MFA is optional${how} (${statement(e)})`,
        evidence,
      };
    default:
      return { state: "unknown", strength: null, via, reason: `MFA not known (${statement(e)})`, evidence };
  }
}

export function toInventory(entries: ReadEntry[], ctx: MappingContext): ProviderInventory {
  const entryPoints: EntryPoint[] = [];
  const accessPaths: AccessPath[] = [];
  const facts: Fact[] = [];
  for (const read of entries) {
    const e = read.entry;
    const id = entryPointId(ctx, e);
    const name = `${e.tool}${e.console ? ` ${e.console}` : ""} (attested)`;
    const evidence = evidenceOf(ctx, read);
    entryPoints.push({ id, name, kind: e.kind, source, connection: ctx.connection, evidence });
    const verdict = verdictOf(ctx, read);
    const factor = e.method ?? "second factor";
    accessPaths.push({
      id: `${id}/attested`,
      entryPoint: id,
      accounts: [],
      chain:
        e.mfa === "sso" && e.sso
          ? {
              factors: [],
              delegation: {
                protocol: e.sso.protocol,
                target: e.sso.target,
                ...(e.sso.targetSource ? { targetSource: e.sso.targetSource } : {}),
              },
            }
          : { factors: e.mfa === "enforced" ? ["password", factor] : ["password"] },
      mfa: verdict,
    });
    const data: Attestation = {
      entryPoint: id,
      name,
      tool: e.tool,
      console: e.console ?? null,
      mfa: e.mfa,
      method: e.method ?? null,
      scope: e.scope ?? null,
      checkedBy: e.checkedBy,
      checkedAt: e.checkedAt,
      validUntil: e.validUntil ?? null,
      evidence: e.evidence ?? null,
      file: ctx.file,
      line: read.line,
    };
    facts.push(factOf(attestation, { id, source, connection: ctx.connection, evidence }, data));
  }
  return { accounts: [], entryPoints, accessPaths, settings: [], facts };
}

/** An entry of the file that could not be read: an entry point of its own, with one unknown path. */
export function unreadEntry(
  ctx: MappingContext,
  where: string,
  problems: Array<{ line: number; message: string }>,
): ProviderInventory {
  const line = problems[0]?.line ?? 0;
  const reason = `${ctx.file}:${line} ${where} could not be read (${problems.map((p) => p.message).join("; ")}): the tool it attests, and whether it requires MFA, are not known`;
  const entryPoint: EntryPoint = {
    id: `${source}:${ctx.connection}:unread:${where}`,
    name: `${where} of ${ctx.file} (not read)`,
    // The kind an entry gets when it names none (api.ts): what the tool is, is not known either.
    kind: "rmm-console",
    source,
    connection: ctx.connection,
    evidence: [{ source, connection: ctx.connection, file: ctx.file, line, note: reason }],
  };
  return {
    accounts: [],
    entryPoints: [entryPoint],
    accessPaths: [unreadPath(entryPoint, reason)],
    settings: [],
    facts: [],
  };
}

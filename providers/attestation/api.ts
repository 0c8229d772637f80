import { z } from "zod";
import { AttestedMethod, AttestedMfa } from "../../src/model/facts/attestation.js";
import { EntryPointKind } from "../../src/model/index.js";

/**
 * The boundary: the attestation file's format (ours; README). One entry per tool (and console, when a
 * tenant has several of one tool): how MFA is enforced there, by what method, who checked it, when, and
 * until when the statement holds.
 */

const isoDate = z.iso.date({ message: "expected a date as YYYY-MM-DD" });

// The attested MFA and method values are the attestation fact's own (src/model/facts/attestation.ts).
export { AttestedMethod, AttestedMfa };

export const AttestedSso = z.strictObject({
  protocol: z.enum(["saml", "oidc", "radius", "ldap"]),
  target: z.string().min(1).describe("The tool's app at the identity provider: app id or SAML entity id."),
  targetSource: z.string().min(1).optional().describe("Connection type holding that app (entra, okta)."),
});

export const AttestationEntry = z
  .strictObject({
    tool: z.string().min(1).describe("Kaseya VSA, N-able N-central, Atera, AnyDesk, Splashtop, Syncro, ..."),
    console: z.string().min(1).optional().describe("Which instance: its address or name."),
    kind: EntryPointKind.exclude(["directory-sign-in"]).default("rmm-console"),
    mfa: AttestedMfa,
    method: AttestedMethod.optional(),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe("Whose sign-ins the statement covers, e.g. all technicians."),
    sso: AttestedSso.optional(),
    checkedBy: z.string().min(1).describe("Who checked it in the tool's admin console."),
    checkedAt: isoDate,
    validUntil: isoDate
      .optional()
      .describe("Until when the statement holds; without it the attestation fails."),
    evidence: z.string().min(1).optional().describe("Where the proof is: a ticket, a screenshot, an export."),
    notes: z.string().min(1).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.mfa === "sso" && !e.sso)
      ctx.addIssue({ code: "custom", path: ["sso"], message: "mfa: sso needs sso: { protocol, target }" });
    if (e.validUntil && e.validUntil < e.checkedAt)
      ctx.addIssue({ code: "custom", path: ["validUntil"], message: "validUntil is before checkedAt" });
  });
export type AttestationEntry = z.infer<typeof AttestationEntry>;

/** The YAML file: `attestations:` and a list of entries. */
export const AttestationFile = z.strictObject({ attestations: z.array(z.unknown()) });

/** CSV columns (first row): the entry fields, with `sso` spread over three columns. */
export const csvColumns = [
  "tool",
  "console",
  "kind",
  "mfa",
  "method",
  "scope",
  "checkedBy",
  "checkedAt",
  "validUntil",
  "evidence",
  "notes",
  "ssoProtocol",
  "ssoTarget",
  "ssoTargetSource",
] as const;
export const requiredCsvColumns = ["tool", "mfa", "checkedBy", "checkedAt"] as const;

import { z } from "zod";
import { EntryPointKind } from "../../src/model/index.js";

/**
 * The boundary: the attestation file's format (ours; README). One entry per tool (and console, when a
 * tenant has several of one tool): how MFA is enforced there, by what method, who checked it, when, and
 * until when the statement holds.
 */

const isoDate = z.iso.date({ message: "expected a date as YYYY-MM-DD" });

/** How MFA is enforced on the tool, as attested. `sso`: sign-in goes through an identity provider. */
export const AttestedMfa = z.enum(["enforced", "sso", "bypassable", "optional", "none", "unknown"]);

/** The second factor the tool asks for; decides the attested factor strength. */
export const AttestedMethod = z.enum([
  "fido2",
  "passkey",
  "certificate",
  "totp",
  "push",
  "sms",
  "voice",
  "email",
  "other",
]);
export type AttestedMethod = z.infer<typeof AttestedMethod>;

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

export const attestationFactKind = "attestation";

/** What the provider records per attested tool (fact `attestation`), for the `attestation-current` policy. */
export interface AttestationFact {
  entryPoint: string;
  name: string;
  tool: string;
  console: string | null;
  mfa: z.infer<typeof AttestedMfa>;
  method: AttestedMethod | null;
  scope: string | null;
  checkedBy: string;
  checkedAt: string;
  validUntil: string | null;
  evidence: string | null;
  file: string;
  line: number;
}

import { z } from "zod";
import { defineFactKind } from "./kind.js";

/** How MFA is enforced on the tool, as attested. `sso`: sign-in goes through an identity provider. */
export const AttestedMfa = z.enum(["enforced", "sso", "bypassable", "optional", "none", "unknown"]);
export type AttestedMfa = z.infer<typeof AttestedMfa>;

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

/** What the attestation provider records per attested tool: the statement, as written, with its place. */
export const Attestation = z.object({
  entryPoint: z.string(),
  name: z.string(),
  tool: z.string(),
  console: z.string().nullable(),
  mfa: AttestedMfa,
  method: AttestedMethod.nullable(),
  scope: z.string().nullable(),
  checkedBy: z.string(),
  checkedAt: z.string(),
  validUntil: z.string().nullable(),
  evidence: z.string().nullable(),
  file: z.string(),
  line: z.number().int(),
});
export type Attestation = z.infer<typeof Attestation>;

/** One per attested tool; an attestation file states at least one. */
export const attestation = defineFactKind({
  name: "attestation",
  sources: ["attestation"],
  schema: Attestation,
  presence: { every: "connection" },
});

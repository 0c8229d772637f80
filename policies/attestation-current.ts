import { z } from "zod";
import { definePolicy, type Verdict } from "../src/evaluate/policy.js";
import { attestation } from "../src/model/facts/attestation.js";
import { factsOf } from "../src/model/facts/kind.js";
import type { MfaState } from "../src/model/index.js";
import { factSubject, unreportedVerdicts } from "./helpers.js";

const Options = z.strictObject({
  /** A statement valid for longer than this after it was checked is not a periodic check. */
  maxValidityDays: z.number().int().positive(),
});
type Options = z.infer<typeof Options>;

const day = 86_400_000;
const endOfDay = (date: string) => Date.parse(`${date}T23:59:59.999Z`);
const attestedState: Record<string, MfaState> = {
  enforced: "enforced",
  none: "none",
  bypassable: "bypassable",
  optional: "optional",
};

export default definePolicy<Options>({
  meta: {
    id: "attestation-current",
    title: "Every attested tool's MFA statement is current and dated",
    severity: "high",
    sources: ["attestation"],
    subject: "entry-point",
    rationale:
      "For RMM and remote-support tools without an MFA API (Kaseya VSA, N-able, Atera, AnyDesk, Splashtop, Syncro) a person's dated statement is the only evidence; settings drift and technicians are added, so a statement nobody renewed says nothing about today. These consoles reach every endpoint of every customer (Kaseya VSA 2021): AA22-131A asks MSPs to enforce MFA on them, and an out-of-date attestation is a tool nobody is checking.",
    evidence:
      "The tenant's attestation file: per tool, mfa, method, checkedBy, checkedAt and validUntil. Attested is shown as attested, never verified.",
    remediation:
      "Check the tool's admin console again (MFA enforced for every technician, no bypass or exempt users), then update checkedBy, checkedAt, validUntil and evidence in the attestation file.",
    references: [
      {
        title: "CISA AA22-131A: Protecting Against Cyber Threats to MSPs",
        url: "https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a",
      },
      {
        title:
          "CISA-FBI guidance for MSPs affected by the Kaseya VSA supply-chain attack (2021, AHA's TLP:WHITE copy)",
        url: "https://aha.org/fbi-tlp-alert/2021-07-04-cisa-fbi-tlp-white-guidance-msps-and-their-customers-affected-kaseya-vsa",
      },
    ],
  },
  options: Options,
  defaultOptions: { maxValidityDays: 366 },
  evaluate({ inventory, now, options }) {
    const verdicts = factsOf(inventory, attestation).map(({ fact, data: a, error }): Verdict => {
      const subject = factSubject(fact, a);
      if (error !== undefined)
        return {
          subject,
          status: "unknown",
          mfa: null,
          evidence: fact.evidence,
          message: "the attestation record could not be read",
        };
      const state = attestedState[a.mfa] ?? "unknown";
      const base = {
        subject,
        evidence: fact.evidence,
        // The attested claim, marked as such: `via` names the statement, not a system that was read.
        mfa: { state, strength: null, via: [`attestation:${a.checkedBy}@${a.checkedAt}`] },
        details: {
          attested: true,
          verified: false,
          checkedBy: a.checkedBy,
          checkedAt: a.checkedAt,
          validUntil: a.validUntil,
        },
      };
      const who = `attested by ${a.checkedBy} on ${a.checkedAt}`;
      if (endOfDay(a.checkedAt) - day > now.getTime())
        return {
          ...base,
          status: "unknown",
          message: `${a.tool}: checkedAt ${a.checkedAt} is in the future`,
        };
      if (!a.validUntil)
        return {
          ...base,
          status: "fail",
          message: `${a.tool}: the attestation (${who}) has no validUntil, so it never has to be renewed`,
        };
      if (endOfDay(a.validUntil) < now.getTime())
        return {
          ...base,
          status: "fail",
          message: `${a.tool}: the attestation expired on ${a.validUntil} (${who}); MFA there is no longer known`,
        };
      const validity = Math.round((Date.parse(a.validUntil) - Date.parse(a.checkedAt)) / day);
      if (validity > options.maxValidityDays)
        return {
          ...base,
          status: "fail",
          severity: "medium",
          message: `${a.tool}: the attestation (${who}) is valid for ${validity} days, more than ${options.maxValidityDays}`,
        };
      const left = Math.ceil((endOfDay(a.validUntil) - now.getTime()) / day);
      return {
        ...base,
        status: "pass",
        message: `${a.tool}: attested '${a.mfa}'${a.method ? ` (${a.method})` : ""}, ${who}, current until ${a.validUntil} (${left} day(s) left); attested, not verified`,
      };
    });
    return [...verdicts, ...unreportedVerdicts(inventory, attestation)];
  },
});

import policy from "../../policies/attestation-current.js";
import { attestation } from "../../src/model/facts/attestation.js";
import type { Fact } from "../../src/model/index.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { coverage, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "attestation";

/** One attested tool as the attestation provider records it (the test clock is 2026-11-24). */
function attested(fields: Record<string, string | null> = {}): ReturnType<typeof inventory> {
  const fact: Fact = {
    kind: "attestation",
    id: "attestation:a:kaseya-vsa",
    source,
    connection: "a",
    data: {
      entryPoint: "attestation:a:kaseya-vsa",
      name: "Kaseya VSA (attested)",
      tool: "Kaseya VSA",
      console: null,
      mfa: "enforced",
      method: "fido2",
      scope: null,
      checkedBy: "security@msp.example",
      checkedAt: "2026-11-01",
      validUntil: "2027-02-01",
      evidence: null,
      file: "a.yaml",
      line: 2,
      ...fields,
    },
    evidence: [{ source, connection: "a", file: "a.yaml", line: 2, field: "mfa", value: "enforced" }],
  };
  return inventory({ facts: [fact], coverage: [coverage(source, "complete", "a")] });
}

testPolicy(policy, {
  pass: [
    {
      name: "current and dated",
      inventory: attested(),
      mfa: "enforced",
      message: [
        "attested by security@msp.example on 2026-11-01",
        "current until 2027-02-01",
        "attested, not verified",
      ],
    },
    {
      name: "valid through the end of its last day",
      inventory: attested({ validUntil: "2026-11-24" }),
      message: ["1 day(s) left"],
    },
    {
      name: "an attested 'none' is still a current statement",
      inventory: attested({ mfa: "none" }),
      mfa: "none",
    },
  ],
  fail: [
    {
      name: "expired",
      inventory: attested({ checkedAt: "2026-05-01", validUntil: "2026-11-23" }),
      severity: "high",
      message: ["expired on 2026-11-23", "no longer known"],
    },
    { name: "no validUntil", inventory: attested({ validUntil: null }), message: ["has no validUntil"] },
    {
      name: "valid for longer than the profile allows",
      inventory: attested({ validUntil: "2029-11-01" }),
      severity: "medium",
      message: ["more than 366"],
    },
    {
      name: "a shorter maximum set by the tenant",
      inventory: attested({ validUntil: "2027-02-01" }),
      options: { maxValidityDays: 30 },
      message: ["more than 30"],
    },
  ],
  unknown: [
    {
      name: "checked in the future",
      inventory: attested({ checkedAt: "2026-12-01" }),
      message: ["in the future"],
    },
    {
      name: "an unreadable record",
      inventory: inventory({
        facts: [
          {
            kind: "attestation",
            id: "x",
            source,
            connection: "a",
            data: "?",
            evidence: [{ source, connection: "a" }],
          },
        ],
        coverage: [coverage(source, "complete", "a")],
      }),
    },
  ],
  silent: [{ name: "no attestation connection", inventory: inventory({ coverage: [coverage("ssh")] }) }],
});

testAbsentFacts(policy, attestation);

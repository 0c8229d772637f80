import policy from "../../policies/attested-tool-mfa-enforced.js";
import type { MfaState } from "../../src/model/index.js";
import { accessPath, coverage, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "attestation";
const tool = entryPoint({
  id: "attestation:a:syncro",
  name: "Syncro (attested)",
  source,
  kind: "rmm-console",
});

/** One attested tool whose path is in `state`, as the attestation provider emits it. */
function attested(state: MfaState, reason = `state ${state} (attested by a@msp.example on 2026-11-01)`) {
  const path = accessPath({ entryPoint: tool.id, accounts: [], state });
  return inventory({
    entryPoints: [tool],
    accessPaths: [{ ...path, mfa: { ...path.mfa, reason, via: ["attestation:a@msp.example@2026-11-01"] } }],
    coverage: [coverage(source)],
  });
}

testPolicy(policy, {
  pass: [
    {
      name: "MFA enforced, as attested",
      inventory: attested("enforced"),
      mfa: "enforced",
      message: ["attested by"],
    },
  ],
  fail: [
    {
      name: "attested: no MFA",
      inventory: attested("none"),
      severity: "critical",
      mfa: "none",
      message: ["Syncro (attested): technicians sign in without MFA", "attested by"],
    },
    {
      name: "attested: MFA optional",
      inventory: attested("optional"),
      severity: "high",
      message: ["MFA is optional"],
    },
    {
      name: "attested: MFA can be skipped",
      inventory: attested("bypassable"),
      severity: "high",
      message: ["skippable"],
    },
  ],
  unknown: [
    {
      name: "the attestation expired (the provider downgraded the claim)",
      inventory: attested("unknown", "the attestation expired on 2026-10-31, so MFA on Syncro is not known"),
      message: ["expired on 2026-10-31"],
    },
  ],
  silent: [
    {
      name: "paths of other sources",
      inventory: inventory({
        entryPoints: [{ ...tool, source: "ninjaone" }],
        accessPaths: [accessPath({ entryPoint: tool.id, accounts: [], state: "none" })],
        coverage: [coverage(source)],
      }),
    },
  ],
});

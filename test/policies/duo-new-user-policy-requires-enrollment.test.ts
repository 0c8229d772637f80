import policy from "../../policies/duo-new-user-policy-requires-enrollment.js";
import { DuoIntegration } from "../../providers/duo/api.js";
import { applicationFact } from "../../providers/duo/transform.js";
import { duoApplication } from "../../src/model/facts/duo.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ctx = { connection: "duo", apiHost: "api-9f8e7d6c.duosecurity.com" };

function app(enrollPolicy: string | null, type = "radius") {
  const integration = DuoIntegration.parse({
    integration_key: "DIFORTIGATEVPN000001",
    name: "FortiGate SSL-VPN",
    type,
    ...(enrollPolicy === null ? {} : { enroll_policy: enrollPolicy }),
  });
  return inventory({ facts: [applicationFact(ctx, integration)] });
}

// duo_client_python admin.py: enroll_policy is enroll (require enrollment), allow (let unenrolled users
// through without 2FA) or deny (refuse them).
testPolicy(policy, {
  pass: [
    { name: "enroll: unenrolled users must enrol", inventory: app("enroll"), message: ["enroll"] },
    { name: "deny: unenrolled users are refused", inventory: app("deny"), message: ["deny", "refused"] },
  ],
  fail: [
    {
      name: "allow: unenrolled users sign in with the password alone",
      inventory: app("allow"),
      severity: "high",
      message: ["allow", "primary credential alone"],
    },
  ],
  unknown: [
    { name: "no enroll_policy in the answer", inventory: app(null), message: ["not known"] },
    { name: "an undocumented value", inventory: app("sometimes"), message: ["sometimes"] },
  ],
  silent: [{ name: "the Admin API application itself", inventory: app("allow", "adminapi") }],
});

testAbsentFacts(policy, duoApplication);

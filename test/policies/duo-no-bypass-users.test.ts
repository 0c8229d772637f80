import policy from "../../policies/duo-no-bypass-users.js";
import { DuoUser } from "../../providers/duo/api.js";
import { seedDuoUser } from "../../providers/duo/emulator.js";
import { userFact } from "../../providers/duo/transform.js";
import { duoUser } from "../../src/model/facts/duo.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const ctx = { connection: "duo", apiHost: "api-1a2b3c4d.duosecurity.com" };
const withUser = (status: string) =>
  inventory({ facts: [userFact(ctx, DuoUser.parse(seedDuoUser("pat", { status })))] });

testPolicy(policy, {
  pass: [
    { name: "active", inventory: withUser("active"), message: ["status active", "not bypass"] },
    { name: "disabled", inventory: withUser("disabled"), message: ["status disabled"] },
  ],
  fail: [
    {
      name: "bypass: Duo lets the primary credential through alone",
      inventory: withUser("bypass"),
      severity: "high",
      message: ["'pat' has status bypass", "primary credential through alone"],
    },
  ],
  unknown: [
    {
      name: "a malformed user fact",
      inventory: {
        ...withUser("active"),
        facts: [{ ...withUser("active").facts[0]!, data: { username: "pat" } }],
      },
      message: ["does not match"],
    },
  ],
});

testAbsentFacts(policy, duoUser);

import policy from "../../policies/google-ou-2sv-enforced.js";
import { inventory, setting } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "google-workspace";
const ou = (fields: Omit<Parameters<typeof setting>[0], "source" | "scopeName"> & { scopeName?: string }) =>
  inventory({ settings: [setting({ source, scopeName: "/Sales", ...fields })] });

testPolicy(policy, {
  pass: [
    { name: "enforced on the OU", inventory: ou({ enrollment: "allowed", enforcement: "enforced" }) },
    {
      name: "enforced through inheritance",
      inventory: ou({ enrollment: "allowed", enforcement: "enforced", inheritedFrom: "/" }),
      message: ["inherited from /"],
    },
  ],
  fail: [
    {
      name: "enrollment allowed, not enforced",
      inventory: ou({ enrollment: "allowed", enforcement: "not-enforced" }),
      message: ["may enroll", "/Sales"],
    },
    {
      name: "enrollment not even allowed",
      inventory: ou({ enrollment: "not-allowed", enforcement: "not-enforced" }),
      message: ["cannot even enroll"],
    },
  ],
  unknown: [
    {
      name: "Policy API unreadable",
      inventory: ou({
        enrollment: "unknown",
        enforcement: "unknown",
        reason: "permission missing: not a super admin",
      }),
      message: ["not a super admin"],
    },
    { name: "enforcement policy missing", inventory: ou({ enrollment: "allowed", enforcement: "unknown" }) },
  ],
});

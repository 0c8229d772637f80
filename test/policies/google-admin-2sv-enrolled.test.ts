import policy from "../../policies/google-admin-2sv-enrolled.js";
import { account, fact, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "google-workspace";

function admin(
  enrolled: boolean | "unknown",
  isAdmin: boolean | "unknown" = true,
  status: "active" | "suspended" = "active",
) {
  return inventory({
    accounts: [
      account({
        id: "a1",
        name: "boss@example.com",
        source,
        status,
        admin: { isAdmin, roles: isAdmin === true ? ["Super Admin"] : [] },
        enrollment: { enrolled, methods: [], evidence: [fact(source, "isEnrolledIn2Sv")] },
      }),
    ],
  });
}

testPolicy(policy, {
  pass: [{ name: "super admin enrolled", inventory: admin(true) }],
  fail: [
    {
      name: "super admin not enrolled",
      inventory: admin(false),
      severity: "critical",
      message: ["boss@example.com", "Super Admin"],
    },
  ],
  unknown: [
    { name: "enrollment not known", inventory: admin("unknown") },
    { name: "admin status not known", inventory: admin(false, "unknown") },
  ],
  silent: [
    { name: "not an admin", inventory: admin(false, false) },
    { name: "suspended admin", inventory: admin(false, true, "suspended") },
  ],
});

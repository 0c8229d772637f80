import policy from "../../policies/firewall-admin-two-factor-enabled.js";
import type { MfaState } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const gui = entryPoint({
  id: "fortigate:fw:admin",
  source: "fortigate",
  kind: "admin-console",
  name: "fw administration",
});
const okta = entryPoint({
  id: "okta:admin",
  source: "okta",
  kind: "admin-console",
  name: "Okta Admin Console",
});

function admin(state: MfaState, ep = gui) {
  return inventory({
    accounts: [
      account({
        id: "admin/admin",
        name: "admin",
        source: ep.source,
        kind: "local",
        admin: { isAdmin: true, roles: ["super_admin"] },
      }),
    ],
    entryPoints: [ep],
    accessPaths: [accessPath({ id: `${ep.id}/admin`, entryPoint: ep.id, accounts: ["admin/admin"], state })],
  });
}

testPolicy(policy, {
  pass: [
    { name: "two-factor fortitoken", inventory: admin("enforced"), subject: "admin @ fw administration" },
  ],
  fail: [
    {
      name: "two-factor disable",
      inventory: admin("none"),
      severity: "critical",
      message: ["admin administers fw administration without a second factor"],
    },
    { name: "a LOCAL fallback for management", inventory: admin("bypassable") },
  ],
  unknown: [{ name: "remote-auth through a server group", inventory: admin("unknown") }],
  silent: [
    { name: "identity-provider admin consoles are other policies' business", inventory: admin("none", okta) },
  ],
});

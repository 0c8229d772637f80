import { describe, expect, it } from "vitest";
import policy from "../../policies/okta-app-sign-on-requires-mfa.js";
import type { MfaState } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { contextOf, testPolicy } from "../helpers/policy-tester.js";

const source = "okta";
const payroll = entryPoint({
  id: "okta:okta:app:0oapay",
  name: "Payroll",
  source,
  kind: "app",
  connection: "okta",
});

/** The Payroll app with one path per account, in the given states. */
function app(...states: MfaState[]) {
  const accounts = states.map((_, i) =>
    account({ id: `00u${i}`, name: `user${i}@acme.example`, source, connection: "okta" }),
  );
  return inventory({
    accounts,
    entryPoints: [payroll],
    accessPaths: states.map((state, i) =>
      accessPath({ entryPoint: payroll.id, accounts: [`00u${i}`], state }),
    ),
  });
}

testPolicy(policy, {
  pass: [
    {
      name: "every account needs a second factor",
      inventory: app("enforced", "enforced"),
      mfa: "enforced",
      message: ["all 2 account(s)"],
    },
  ],
  fail: [
    {
      name: "one account signs in with a password alone",
      inventory: app("enforced", "none", "enforced"),
      mfa: "none",
      severity: "high",
      message: ["1 of 3 account(s)", "Payroll", "user1@acme.example"],
    },
    {
      // #18 item 7: the sentence counts accounts; here 2 paths carry 3 accounts, 2 of them failing.
      name: "counts accounts, not paths, when a path carries several accounts",
      inventory: inventory({
        accounts: ["00ua", "00ub", "00uc"].map((id) =>
          account({ id, name: `${id}@acme.example`, source, connection: "okta" }),
        ),
        entryPoints: [payroll],
        accessPaths: [
          accessPath({ entryPoint: payroll.id, accounts: ["00ua", "00ub"], state: "none" }),
          accessPath({ entryPoint: payroll.id, accounts: ["00uc"], state: "enforced" }),
        ],
      }),
      mfa: "none",
      message: ["2 of 3 account(s)", "00ua@acme.example", "00ub@acme.example"],
    },
    {
      name: "only zone or group bypasses",
      inventory: app("bypassable", "enforced"),
      mfa: "bypassable",
      severity: "medium",
    },
    { name: "a failure outweighs an unknown", inventory: app("unknown", "bypassable"), mfa: "bypassable" },
    {
      // #18 item 9: each listed account with its own path's reason, not the first account's.
      name: "several accounts, each with its own reason",
      inventory: app("none", "bypassable", "none"),
      mfa: "none",
      message: [
        "3 of 3 account(s)",
        "user0@acme.example, user2@acme.example: state none",
        "user1@acme.example: state bypassable",
      ],
    },
  ],
  unknown: [
    {
      name: "some accounts could not be evaluated",
      inventory: app("enforced", "unknown"),
      mfa: "unknown",
      message: ["1 of 2"],
    },
  ],
  silent: [
    { name: "an app nobody can reach", inventory: app() },
    {
      name: "the Admin Console (judged by its own policy)",
      inventory: inventory({
        accounts: [account({ id: "00u0", source, connection: "okta" })],
        entryPoints: [
          entryPoint({ id: "okta:okta:admin-console", source, kind: "admin-console", connection: "okta" }),
        ],
        accessPaths: [
          accessPath({ entryPoint: "okta:okta:admin-console", accounts: ["00u0"], state: "none" }),
        ],
      }),
    },
    {
      name: "apps of other sources",
      inventory: inventory({ entryPoints: [entryPoint({ id: "x", source: "entra", kind: "app" })] }),
    },
  ],
});

describe("okta-app-sign-on-requires-mfa details", () => {
  it("maps every listed account to its own reason", () => {
    const [verdict] = policy.evaluate(
      contextOf({ inventory: app("none", "bypassable"), now: new Date(), options: {} }),
    );
    expect(verdict?.details?.reasons).toEqual({
      "user0@acme.example": "state none",
      "user1@acme.example": "state bypassable",
    });
  });
});

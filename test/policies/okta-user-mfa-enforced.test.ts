import policy from "../../policies/okta-user-mfa-enforced.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "okta";
const signIn = entryPoint({ id: "okta:okta:sign-in", source, kind: "directory-sign-in", connection: "okta" });
const dashboard = entryPoint({ id: "okta:okta:dashboard", source, kind: "app", connection: "okta" });

/** One Okta account with its Okta sign-in (global session) path in `state`, and a Dashboard path enforced. */
function user(
  state: Parameters<typeof accessPath>[0]["state"],
  fields: Partial<Parameters<typeof account>[0]> = {},
) {
  const a = account({ id: "00u1", name: "ann@acme.example", source, connection: "okta", ...fields });
  return inventory({
    accounts: [a],
    entryPoints: [signIn, dashboard],
    accessPaths: [
      accessPath({ entryPoint: signIn.id, accounts: ["00u1"], state }),
      accessPath({ entryPoint: dashboard.id, accounts: ["00u1"], state: "enforced" }),
    ],
  });
}

testPolicy(policy, {
  pass: [
    {
      name: "every global session rule for the account demands MFA",
      inventory: user("enforced"),
      mfa: "enforced",
    },
    {
      name: "a locked-out account that demands MFA",
      inventory: user("enforced", { status: "locked" }),
      mfa: "enforced",
    },
  ],
  fail: [
    {
      name: "no rule demands MFA",
      inventory: user("none"),
      mfa: "none",
      severity: "high",
      message: ["ann@acme.example"],
    },
    {
      name: "a zone or group rule lets some sign-ins through with one factor",
      inventory: user("bypassable"),
      mfa: "bypassable",
      severity: "medium",
    },
    {
      name: "the Dashboard demanding MFA does not excuse a one-factor session",
      inventory: user("none"),
      mfa: "none",
    },
  ],
  unknown: [
    { name: "facts could not be read", inventory: user("unknown"), mfa: "unknown" },
    {
      name: "no sign-in path was collected",
      inventory: inventory({
        accounts: [account({ id: "00u1", source, connection: "okta" })],
        entryPoints: [signIn],
      }),
      mfa: null,
    },
  ],
  silent: [
    { name: "suspended account", inventory: user("none", { status: "suspended" }) },
    { name: "deprovisioned account", inventory: user("none", { status: "deprovisioned" }) },
    { name: "never-activated account", inventory: user("none", { status: "disabled" }) },
    {
      name: "account from another source",
      inventory: inventory({ accounts: [account({ id: "u1", source: "google-workspace" })] }),
    },
  ],
});

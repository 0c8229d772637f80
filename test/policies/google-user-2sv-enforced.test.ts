import policy from "../../policies/google-user-2sv-enforced.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "google-workspace";
const signIn = entryPoint({ id: "gws:sign-in", source, kind: "directory-sign-in" });

/** One Google account with its sign-in path in the given state. */
function withSignIn(
  state: Parameters<typeof accessPath>[0]["state"],
  fields: Partial<Parameters<typeof account>[0]> = {},
) {
  const a = account({ id: "u1", name: "ann@example.com", source, ...fields });
  return inventory({
    accounts: [a],
    entryPoints: [signIn],
    accessPaths: [accessPath({ entryPoint: signIn.id, accounts: ["u1"], state })],
  });
}

testPolicy(policy, {
  pass: [{ name: "2SV enforced and enrolled", inventory: withSignIn("enforced"), mfa: "enforced" }],
  fail: [
    {
      name: "2SV neither enforced nor enrolled",
      inventory: withSignIn("none"),
      mfa: "none",
      severity: "high",
      message: ["ann@example.com"],
    },
    {
      name: "enrolled but not enforced",
      inventory: withSignIn("optional"),
      mfa: "optional",
      severity: "high",
    },
    {
      name: "enforced but not yet enrolled",
      inventory: withSignIn("bypassable"),
      mfa: "bypassable",
      severity: "medium",
    },
  ],
  unknown: [
    { name: "2SV fields missing from the API", inventory: withSignIn("unknown"), mfa: "unknown" },
    {
      name: "account without a sign-in path",
      inventory: inventory({
        accounts: [account({ id: "u1", name: "ann@example.com", source })],
        entryPoints: [signIn],
      }),
      mfa: null,
    },
  ],
  silent: [
    { name: "suspended account", inventory: withSignIn("none", { status: "suspended" }) },
    { name: "archived account", inventory: withSignIn("none", { status: "archived" }) },
    {
      name: "account from another source",
      inventory: inventory({ accounts: [account({ id: "u1", source: "okta" })] }),
    },
  ],
});

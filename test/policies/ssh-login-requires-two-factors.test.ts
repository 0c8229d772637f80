import policy from "../../policies/ssh-login-requires-two-factors.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const source = "ssh";
const host = entryPoint({ id: "ssh:ssh:bastion", name: "bastion", source, kind: "ssh" });

/** One SSH login path for alice (or root, as an admin) in the given state. */
function login(
  state: Parameters<typeof accessPath>[0]["state"],
  options: { factors?: string[]; admin?: boolean } = {},
) {
  const a = account({
    id: "alice@bastion",
    name: "alice@bastion",
    source,
    kind: "local",
    admin: { isAdmin: options.admin ?? false, roles: options.admin ? ["uid 0"] : [] },
  });
  const path = accessPath({
    entryPoint: host.id,
    accounts: [a.id],
    state,
    chain: { factors: options.factors ?? ["publickey"] },
  });
  return inventory({ accounts: [a], entryPoints: [host], accessPaths: [path] });
}

testPolicy(policy, {
  pass: [
    {
      name: "key plus one-time code",
      inventory: login("enforced", { factors: ["publickey", "otp"] }),
      mfa: "enforced",
    },
    {
      name: "a FIDO key with user verification, accepted by default",
      inventory: login("enforced", { factors: ["security-key-verified"] }),
    },
  ],
  fail: [
    { name: "a key alone", inventory: login("none"), severity: "high", mfa: "none", message: ["state none"] },
    {
      name: "an administrator with a key alone",
      inventory: login("none", { admin: true }),
      severity: "critical",
    },
    {
      name: "no factor at all (empty password)",
      inventory: login("none", { factors: ["none"] }),
      severity: "critical",
    },
    {
      name: "nullok for a user whose enrolment is unknown",
      inventory: login("bypassable"),
      severity: "medium",
      mfa: "bypassable",
    },
    {
      name: "an administrator's bypassable login",
      inventory: login("bypassable", { admin: true }),
      severity: "high",
    },
    {
      name: "a FIDO key alone where the tenant does not count it as two factors",
      inventory: login("enforced", { factors: ["security-key-verified"] }),
      options: { acceptVerifiedSecurityKeys: false },
      severity: "medium",
      message: ["does not count a verified security key"],
    },
  ],
  unknown: [
    { name: "an unmodelled PAM module", inventory: login("unknown"), mfa: "unknown" },
    {
      name: "a host that could not be read",
      inventory: inventory({
        entryPoints: [host],
        accessPaths: [accessPath({ entryPoint: host.id, accounts: [], state: "unknown" })],
      }),
      subject: "bastion (all accounts)",
    },
  ],
  silent: [
    {
      name: "a path on another kind of entry point",
      inventory: inventory({
        entryPoints: [entryPoint({ id: "vpn", source: "fortigate", kind: "vpn" })],
        accessPaths: [accessPath({ entryPoint: "vpn", accounts: ["u"], state: "none" })],
      }),
    },
  ],
});

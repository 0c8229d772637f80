import policy from "../../policies/mfa-factor-strength-sufficient.js";
import { profiles } from "../../src/evaluate/profiles.js";
import type { EntryPointKind, FactorStrength } from "../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../helpers/inventory.js";
import { testPolicy } from "../helpers/policy-tester.js";

const standard = profiles.standard.policies["mfa-factor-strength-sufficient"]?.options;
const strict = profiles.strict.policies["mfa-factor-strength-sufficient"]?.options;
const mspSelf = profiles["msp-self"].policies["mfa-factor-strength-sufficient"]?.options;

/** One account on one entry point, MFA enforced with the given weakest factor. */
function path(
  strength: FactorStrength | null,
  kind: EntryPointKind = "directory-sign-in",
  isAdmin = false,
  state: "enforced" | "none" = "enforced",
  status: "active" | "suspended" = "active",
) {
  const ep = entryPoint({ id: "ep", source: "okta", kind, name: "Okta" });
  const p = accessPath({ entryPoint: "ep", accounts: ["u1"], state });
  p.mfa.strength = strength;
  return inventory({
    accounts: [
      account({ id: "u1", name: "ann@x.example", source: "okta", status, admin: { isAdmin, roles: [] } }),
    ],
    entryPoints: [ep],
    accessPaths: [p],
  });
}

testPolicy(policy, {
  pass: [
    {
      name: "standard: SMS accepted, and said so",
      inventory: path("weak"),
      message: ["weak factors such as SMS"],
    },
    {
      name: "standard: an administrator with an app factor",
      inventory: path("app", "directory-sign-in", true),
      options: standard,
    },
    { name: "strict: app factor for a user", inventory: path("app"), options: strict },
    {
      name: "strict: SSH key plus one-time code",
      inventory: path("app", "ssh", true),
      options: { ...strict, admin: "app" },
    },
    {
      name: "strict: phishing-resistant admin",
      inventory: path("phishing-resistant", "directory-sign-in", true),
      options: strict,
    },
  ],
  fail: [
    {
      name: "standard: an administrator whose weakest factor is SMS",
      inventory: path("weak", "directory-sign-in", true),
      options: standard,
      message: ["an administrator", "requires app"],
    },
    {
      name: "strict: SMS for a user",
      inventory: path("weak"),
      options: strict,
      message: ["weakest factor weak", "requires app"],
    },
    {
      name: "strict: push for an administrator",
      inventory: path("app", "directory-sign-in", true),
      options: strict,
      message: ["an administrator", "phishing-resistant"],
    },
    {
      name: "strict: push on the VPN",
      inventory: path("app", "vpn"),
      options: strict,
      message: ["vpn requires phishing-resistant"],
    },
    { name: "msp-self: push for anyone", inventory: path("app"), options: mspSelf },
  ],
  unknown: [
    {
      name: "strict: enforced but strength not known",
      inventory: path(null),
      options: strict,
      message: ["known to be held"],
    },
    {
      name: "a null strength never passes, even where any factor would do",
      inventory: path(null),
      options: { default: "weak", admin: "weak", byEntryPoint: {} },
      message: ["known to be held"],
    },
  ],
  silent: [
    {
      name: "MFA not enforced is another policy's business",
      inventory: path(null, "directory-sign-in", false, "none"),
    },
  ],
});

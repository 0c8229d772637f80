import type { Policy } from "../src/evaluate/policy.js";
import googleAdmin2svEnrolled from "./google-admin-2sv-enrolled.js";
import googleOu2svEnforced from "./google-ou-2sv-enforced.js";
import googleUser2svEnforced from "./google-user-2sv-enforced.js";
import mfaFactorStrengthSufficient from "./mfa-factor-strength-sufficient.js";

/**
 * Every policy, in catalog order. A test checks that each file in this folder is listed here and that
 * its id equals its file name.
 */
export const policies: ReadonlyArray<Policy<unknown>> = [
  googleUser2svEnforced,
  googleAdmin2svEnrolled,
  googleOu2svEnforced,
  mfaFactorStrengthSufficient,
];

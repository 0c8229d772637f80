import type { Evidence, FactorStrength, MfaVerdict } from "../../model/index.js";
import { cannotSignInUntilEnrolled, nothingEnrolled, strengthRank } from "../../model/index.js";

/**
 * What Duo asks of one user at one application, from the user's status and enrolment and the
 * application's new-user policy (`enroll_policy`: enroll | allow | deny, duo_client_python admin.py).
 * Shared by the Duo provider (its README's judgement) and the delegation linker. Pure.
 *
 * Duo's documented user statuses (Admin API "Retrieve Users"): `active` (Duo required), `bypass` ("users
 * with bypass status are not subject to these restrictions, as they bypass Duo authentication entirely"),
 * `disabled` (the user cannot authenticate), `locked out`.
 */

export interface DuoUserView {
  username: string;
  status: string;
  enrolled: boolean | "unknown";
  methods: Array<{ method: string; strength: FactorStrength }>;
  /** Evidence for the status, for the enrolment, and (optional) for the devices. */
  evidence: { status: Evidence; enrolled: Evidence; methods?: Evidence };
}

export interface DuoApplicationView {
  name: string;
  enrollPolicy: string | null | undefined;
  evidence: Evidence[];
}

/**
 * Why no Duo verdict is `enforced`: Duo's policies (global, per application, per group) decide whether the
 * second factor is asked at all: "Bypass 2FA", authorized networks that skip it, remembered devices, and the
 * new-user policy that overrides an application's legacy `enroll_policy`. Their Admin API fields
 * (`/admin/v2/policies` sections) are not confirmed in any source we could read (providers/duo/README.md),
 * so they are not read, and an enrolled user's verdict rests on them.
 */
export const policiesUnread =
  "whether Duo's policies (global, application, group) require the second factor here or let it be skipped (Bypass 2FA, authorized networks, remembered devices) is not read";

export type DuoOutcome =
  | { kind: "path"; verdict: MfaVerdict }
  /** Duo refuses every sign-in of this user (a disabled user): no path. */
  | { kind: "refused"; reason: string; evidence: Evidence[] };

/** The weakest strength among the methods (Duo lets the user pick any method it allows and they hold). */
export function weakestOf(methods: Array<{ strength: FactorStrength }>): FactorStrength | null {
  if (methods.length === 0) return null;
  return methods.reduce<FactorStrength>(
    (w, m) => (strengthRank[m.strength] < strengthRank[w] ? m.strength : w),
    methods[0]!.strength,
  );
}

/** The verdict (or refusal) for a user whom Duo has not enrolled, by the application's new-user policy. */
export function newUserOutcome(
  who: string,
  application: DuoApplicationView | undefined,
  evidence: Evidence[],
): DuoOutcome {
  const policy = application?.enrollPolicy;
  const where = application ? `application '${application.name}'` : "the application";
  const all = [...evidence, ...(application?.evidence ?? [])];
  // Issue #18 item 11 would read deny as enforced with null strength ("cannot sign in"); but the policies
  // that can override the application's setting are not read (see policiesUnread), so it stays unknown.
  if (policy === "deny")
    return {
      kind: "path",
      verdict: {
        state: "unknown",
        strength: null,
        reason: `${who} is not enrolled and ${where}'s new-user policy is deny, so ${cannotSignInUntilEnrolled}; ${policiesUnread}`,
        evidence: all,
      },
    };
  if (policy === "allow")
    return {
      kind: "path",
      verdict: {
        state: "bypassable",
        strength: null,
        reason: `${who} is not enrolled and ${where}'s new-user policy is allow: MFA is required but not enrolled, and the primary credential alone signs in`,
        evidence: all,
      },
    };
  if (policy === "enroll")
    return {
      kind: "path",
      verdict: {
        state: "bypassable",
        strength: null,
        reason: `${who} is not enrolled and ${where}'s new-user policy is enroll: ${nothingEnrolled("enroll")}`,
        evidence: all,
      },
    };
  return {
    kind: "path",
    verdict: {
      state: "unknown",
      strength: null,
      reason: `${who} is not enrolled and ${where}'s new-user policy is not known${policy ? ` ('${policy}')` : ""}`,
      evidence: all,
    },
  };
}

export function duoUserOutcome(user: DuoUserView, application?: DuoApplicationView): DuoOutcome {
  const who = `Duo user '${user.username}'`;
  const { status, enrolled } = user.evidence;
  if (user.status === "bypass")
    return {
      kind: "path",
      verdict: {
        state: "none",
        strength: null,
        reason: `${who} has status bypass: Duo lets the primary credential through without a second factor`,
        evidence: [status],
      },
    };
  if (user.status === "disabled")
    return {
      kind: "refused",
      reason: `${who} is disabled: Duo refuses the sign-in`,
      evidence: [status],
    };
  if (user.status !== "active")
    return {
      kind: "path",
      verdict: {
        state: "unknown",
        strength: null,
        reason: `${who} has status '${user.status}', which is not active: whether the account signs in is not decided here`,
        evidence: [status],
      },
    };
  if (user.enrolled === true && user.methods.length > 0)
    return {
      kind: "path",
      verdict: {
        state: "unknown",
        strength: null,
        reason: `${who} is active and enrolled (${user.methods.map((m) => m.method).join(", ")}; the weakest is ${weakestOf(user.methods)}); ${policiesUnread}`,
        evidence: [status, enrolled, ...(user.evidence.methods ? [user.evidence.methods] : [])],
      },
    };
  if (user.enrolled !== false)
    return {
      kind: "path",
      verdict: {
        state: "unknown",
        strength: null,
        reason: `${who}: the API did not say whether the user is enrolled${user.enrolled === true ? " (enrolled, but no device the API lists)" : ""}`,
        evidence: [status, enrolled],
      },
    };
  return newUserOutcome(who, application, [status, enrolled]);
}

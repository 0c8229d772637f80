import {
  completes,
  entraFactKinds,
  entraSource,
  heldModes,
  methodStrength,
  registrableCombination,
} from "../../model/facts/entra.js";
import {
  type Evidence,
  type FactorStrength,
  type JsonValue,
  type MfaVerdict,
  nothingEnrolled,
  strengthRank,
} from "../../model/index.js";
import { appendAll, maxOf, minOf } from "../../util/arrays.js";
import { combinationStrength, intersectCombinations, weakest } from "./demand.js";
import { type Effect, effectOf, effectsForAllApps, preparedOf } from "./effect.js";
import { factEvidence, perFacts, policyEvidence, quote, ref, triOr, userNotListed } from "./helpers.js";
import type { EntraFacts } from "./load.js";
import type { AppTarget, EntraSignInResult } from "./model.js";
import { type ClientType, modernTypes } from "./scope.js";
import { groupName, inGroup, type Match, roleName, roleTemplate } from "./who.js";

// A user's sign-in verdict from every Conditional Access policy, security defaults and per-user MFA.

export const floorRank = (e: Extract<Effect, { kind: "enforces" }>) =>
  e.control === "block" ? 3 : strengthRank[e.floor ?? "weak"];

/**
 * Roles security defaults prompt for MFA at every sign-in: the roles of Microsoft's "MFA for admins"
 * template plus Authentication Policy Administrator (entra-docs fundamentals/security-defaults.md;
 * Identity Governance Administrator is listed too, but its template id is not in our reference, so its
 * holders count as users: never a false `enforced`).
 */
export const securityDefaultsAdminRoles = [
  "62e90394-69f5-4237-9190-012177145e10",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  "b0f54661-2d74-4c50-afa3-1ec803f12efe",
  "158c047a-c907-4556-b7ef-446551a6b5f7",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
  "29232cdf-9323-42fd-ade2-1d097af3e4de",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  "966707d0-3269-4727-9be2-8c3a10f19b9d",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "194ae4cb-b126-40b2-bd5b-6091b380977d",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
  "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "0526716b-113d-4c15-b2c8-68e3c22b9f80",
];

export const securityDefaultsUserGap =
  "security defaults prompt users other than administrators for MFA only when Entra deems it necessary (by risk, location and device), so some sign-ins succeed with the password alone";

/**
 * Whether the user actively holds one of those roles (directly or through a role-assignable group). An
 * eligible (PIM) role is not held until activated, and the sign-in that activates it is a user's.
 */
export function securityDefaultsAdmin(facts: EntraFacts, userId: string): Match {
  const roles = facts.roles;
  if (!roles)
    return { value: "unknown", how: [], unknown: ["directory role assignments were not collected"] };
  if (roles.active.status !== "read")
    return {
      value: "unknown",
      how: [],
      unknown: [`active role assignments could not be read (${roles.active.reason ?? roles.active.status})`],
    };
  const parts: Match[] = securityDefaultsAdminAssignments(facts).map((a) => {
    if (a.principalId === userId) return { value: true, how: [`active role ${a.name}`], unknown: [] };
    if (a.principalType !== "group") return { value: false, how: [], unknown: [] };
    const m = inGroup(facts, a.principalId, userId);
    return {
      value: m.value,
      how: m.value === true ? [`active role ${a.name} through group ${groupName(facts, a.principalId)}`] : [],
      unknown: m.why ? [m.why] : [],
    };
  });
  return {
    value: triOr(parts.map((p) => p.value)),
    how: parts.flatMap((p) => (p.value === true ? p.how : [])),
    unknown: parts.flatMap((p) => p.unknown),
  };
}

/** The active assignments of those roles, with the role's name: once per parsed facts, not per user. */
const securityDefaultsAdminAssignments = perFacts((facts) =>
  (facts.roles?.active.items ?? [])
    .filter((a) => securityDefaultsAdminRoles.includes(roleTemplate(facts, a.roleDefinitionId)))
    .map((a) => ({ ...a, name: roleName(facts, roleTemplate(facts, a.roleDefinitionId)) })),
);

export interface Demand {
  blocked: boolean;
  /** Combinations one of which must be completed; null: any registered multi-factor method. */
  combinations: string[] | null;
}
export const anyMfa: Demand = { blocked: false, combinations: null };

/** The `optional` state in Entra: a registered method is not asked for unless something requires it. */
export const registeredNotRequired = "registered, but no policy requires it";

/** "MFA required, nothing enrolled" in Entra's words (the shared rule: `nothingEnrolled` in the model). */
export const nothingRegistered = nothingEnrolled("register");

/**
 * What the user can present against what is demanded: the weakest combination that is both accepted
 * and completed by the registered methods (`strength`), the weakest the policies accept (`required`),
 * and, when nothing registered is accepted, whether it can be registered at sign-in. With registration
 * unknown, the strength is the weakest accepted (a lower bound), never more.
 */
export function strengthMet(
  demands: Demand[],
  registration: EntraSignInResult["registration"],
): {
  strength: FactorStrength | null;
  required: FactorStrength | null;
  unmet: "registrable" | "not-registrable" | null;
  accepted: string;
} {
  const open = demands.filter((d) => !d.blocked);
  const acceptedStrengths = (d: Demand): FactorStrength[] =>
    d.combinations === null
      ? ["weak"]
      : d.combinations.flatMap((c) => {
          const cs = combinationStrength(c);
          return cs ? [cs] : [];
        });
  const accepted = [...new Set(open.flatMap((d) => d.combinations ?? ["any multi-factor method"]))].join(
    ", ",
  );
  if (open.length === 0) return { strength: null, required: "phishing-resistant", unmet: null, accepted };
  const requiredEach = open.map((d) => acceptedStrengths(d));
  const required = requiredEach.some((r) => r.length === 0) ? null : weakest(requiredEach.flat());
  // Registered, but no method we can name (a certificate is not listed in methodsRegistered): as unknown.
  const unnamed =
    registration.status === "registered" && registration.methods.every((m) => m.strength === null);
  if (registration.status === "unknown" || unnamed)
    return { strength: required, required, unmet: null, accepted };
  const held = heldModes(registration.methods.map((m) => m.method));
  const registered = open.flatMap((d) =>
    d.combinations === null
      ? registration.methods.flatMap((m) => (m.strength ? [m.strength] : []))
      : d.combinations
          .filter((c) => completes(c, held))
          .flatMap((c) => {
            const cs = combinationStrength(c);
            return cs ? [cs] : [];
          }),
  );
  if (registered.length) return { strength: weakest(registered), required, unmet: null, accepted };
  const registrable = open.some(
    (d) => d.combinations === null || d.combinations.some(registrableCombination),
  );
  return { strength: null, required, unmet: registrable ? "registrable" : "not-registrable", accepted };
}

export function registrationOf(
  facts: EntraFacts,
  userId: string,
): EntraSignInResult["registration"] & { evidence: Evidence[] } {
  const reg = facts.registration;
  const evidence = factEvidence(facts, entraFactKinds.registration, `registration of ${userId}`);
  if (reg.status !== "read") {
    return {
      status: "unknown",
      reason: `registration not known: ${reg.reason ?? reg.status}`,
      methods: [],
      evidence,
    };
  }
  const entry = reg.byId.get(userId);
  if (!entry)
    return {
      status: "unknown",
      reason: `the user is not in ${reg.via ?? "the registration details"}`,
      methods: [],
      evidence,
    };
  const methods = entry.methodsRegistered.map((m) => ({ method: m, strength: methodStrength(m) }));
  const registered = entry.isMfaRegistered ?? methods.some((m) => m.strength !== null);
  const withValue: Evidence[] = evidence.map((e) => ({
    ...e,
    objectId: userId,
    field: "isMfaRegistered",
    value: entry.isMfaRegistered,
  }));
  withValue.push({
    ...(evidence[0] ?? { source: entraSource, connection: facts.connection }),
    objectId: userId,
    field: "methodsRegistered",
    value: entry.methodsRegistered,
  });
  return {
    status: registered ? "registered" : "not-registered",
    reason: registered
      ? `registered: ${entry.methodsRegistered.join(", ") || "a multi-factor method"}`
      : "no multi-factor method registered",
    methods,
    evidence: withValue,
  };
}

export function effectEvidence(facts: EntraFacts, e: Effect): Evidence[] {
  const p = e.policy;
  switch (e.kind) {
    case "ignored":
      return [policyEvidence(facts, p, "state", p.state, `${quote(p)}: ${e.why}`)];
    case "excluded": {
      const u = p.conditions.users;
      return [
        policyEvidence(
          facts,
          p,
          "conditions.users",
          {
            excludeUsers: u?.excludeUsers ?? [],
            excludeGroups: u?.excludeGroups ?? [],
            excludeRoles: u?.excludeRoles ?? [],
            excludeGuestsOrExternalUsers: (u?.excludeGuestsOrExternalUsers ?? null) as JsonValue,
          },
          `${quote(p)} excludes the user (${e.how.join("; ")})`,
        ),
      ];
    }
    case "unknown":
      return [
        policyEvidence(
          facts,
          p,
          "conditions.users",
          (p.conditions.users ?? null) as JsonValue,
          `${quote(p)}: ${e.why}`,
        ),
      ];
    case "enforces":
      return [
        policyEvidence(
          facts,
          p,
          "grantControls",
          (p.grantControls ?? null) as JsonValue,
          `${quote(p)} is enabled and applies (${e.how.join("; ")})`,
        ),
        ...e.gaps.map((g) => policyEvidence(facts, p, g.field, g.value, `${quote(p)}: ${g.gap}`)),
      ];
    default:
      return [];
  }
}

export function caLabel(e: Effect): string {
  return `${quote(e.policy)}${e.kind === "enforces" && e.how.length ? ` (${e.how.join("; ")})` : ""}`;
}

/**
 * The MFA verdict of one user signing in to `target` (default: any cloud app), with the policies that
 * decide it. This is the entry point for delegated paths (issue #6): "what does Entra give user U for
 * app A" is `evaluateEntraSignIn(facts, U, { appId: A })`. Pure.
 */
export function evaluateEntraSignIn(
  facts: EntraFacts,
  userId: string,
  target: AppTarget = "All",
): EntraSignInResult {
  const user = facts.users.byId.get(userId);
  const registration = registrationOf(facts, userId);
  const base = {
    userId,
    enforcedBy: [] as EntraSignInResult["enforcedBy"],
    partial: [] as EntraSignInResult["partial"],
    excludedBy: [] as EntraSignInResult["excludedBy"],
    ignored: [] as EntraSignInResult["ignored"],
    unresolved: [] as EntraSignInResult["unresolved"],
    securityDefaults: null as EntraSignInResult["securityDefaults"],
    registration: { status: registration.status, reason: registration.reason, methods: registration.methods },
  };
  if (!user) {
    return {
      ...base,
      requiredStrength: null,
      access: "unknown",
      verdict: {
        state: "unknown",
        strength: null,
        ...userNotListed(facts, userId),
      },
    };
  }

  const ca = facts.conditionalAccess;
  const effects =
    ca.status !== "read"
      ? []
      : target === "All"
        ? effectsForAllApps(facts, user)
        : ca.policies.map((p) => effectOf(facts, p, user, target));
  const enforcing = effects.filter((e): e is Extract<Effect, { kind: "enforces" }> => e.kind === "enforces");
  // Only MFA controls that touch interactive clients make a user bypassable; a block of some countries
  // or of legacy clients alone leaves the remaining sign-ins as open as before.
  const partialEffects = enforcing.filter(
    (e) =>
      e.control === "mfa" &&
      modernTypes.some((t) => e.clientTypes.has(t)) &&
      (e.gaps.length > 0 || modernTypes.some((t) => !e.clientTypes.has(t))),
  );
  const gapsOf = (e: Extract<Effect, { kind: "enforces" }>) => [
    ...e.gaps.map((g) => g.gap),
    ...(modernTypes.some((t) => !e.clientTypes.has(t))
      ? [`does not cover ${modernTypes.filter((t) => !e.clientTypes.has(t)).join(", ")} clients`]
      : []),
  ];
  base.partial = partialEffects.map((e) => ({ policy: ref(e.policy), gaps: gapsOf(e) }));
  // Exclusions from (or report-only copies of) block policies, or of policies that only touch legacy
  // clients, say nothing about MFA on interactive sign-in.
  const interactive = (e: Effect) => {
    const prep = preparedOf(facts, e.policy);
    return modernTypes.some((t) => prep.types.has(t)) && prep.grant.kind !== "block";
  };
  const context = effects.filter((e) => (e.kind === "excluded" || e.kind === "ignored") && interactive(e));
  base.excludedBy = context.flatMap((e) =>
    e.kind === "excluded" ? [{ policy: ref(e.policy), how: e.how }] : [],
  );
  base.ignored = context.flatMap((e) =>
    e.kind === "ignored" ? [{ policy: ref(e.policy), why: e.why }] : [],
  );
  base.unresolved = effects.flatMap((e) =>
    e.kind === "unknown" ? [{ policy: ref(e.policy), why: e.why }] : [],
  );

  // Interactive sign-in = browser and modern desktop/mobile clients; legacy clients are judged separately.
  const fullFor = (t: ClientType) => enforcing.filter((e) => e.gaps.length === 0 && e.clientTypes.has(t));
  const uncovered = modernTypes.filter((t) => fullFor(t).length === 0);
  const caFloor = uncovered.length ? null : minOf(modernTypes.map((t) => maxOf(fullFor(t).map(floorRank))));
  const covering = [...new Set(modernTypes.flatMap((t) => fullFor(t)))];
  // What Conditional Access demands of each interactive client type; every applying policy must be met.
  let demands: Demand[] = modernTypes.map((t) =>
    fullFor(t).some((e) => e.control === "block")
      ? { blocked: true, combinations: null }
      : { blocked: false, combinations: intersectCombinations(fullFor(t).map((e) => e.combinations)) },
  );

  const sd = facts.securityDefaults;
  const perUser = facts.perUserMfa;
  const perUserState =
    perUser.status === "read"
      ? (perUser.states[userId] ?? (perUser.unreadUsers.includes(userId) ? "unread" : "missing"))
      : perUser.status;
  const perUserEnforced = perUserState === "enforced" || perUserState === "enabled";

  const evidence: Evidence[] = [];
  const notes: string[] = [];
  let state: MfaVerdict["state"];
  let reason: string;
  let floor: number | null = null;

  if (sd.status === "read" && sd.enabled) {
    base.enforcedBy.push({ kind: "security-defaults" });
    appendAll(evidence, factEvidence(facts, entraFactKinds.securityDefaults, "isEnabled=true"));
    const admin = securityDefaultsAdmin(facts, userId);
    if (admin.value === true) {
      state = "enforced";
      floor = 0;
      demands = [anyMfa];
      base.securityDefaults = "admin";
      reason = `security defaults require MFA of administrators at every sign-in (${admin.how.join("; ")})`;
    } else {
      // The same rule as a risk-narrowed policy: Entra decides when to prompt, so some sign-ins skip it.
      state = "bypassable";
      base.securityDefaults = "user";
      reason = `${securityDefaultsUserGap}${admin.value === "unknown" ? ` (not counted as an administrator: ${admin.unknown.join("; ")})` : ""}`;
    }
  } else if (caFloor !== null) {
    state = "enforced";
    floor = caFloor;
    for (const e of covering) base.enforcedBy.push({ kind: "conditional-access", policy: ref(e.policy) });
    const blocked = caFloor >= 3;
    reason = blocked
      ? `every interactive sign-in is blocked by ${covering.map(caLabel).join(", ")}`
      : `Conditional Access requires MFA: ${covering
          .filter((e) => e.control === "mfa")
          .map(caLabel)
          .join(", ")}`;
    appendAll(
      evidence,
      covering.flatMap((e) => effectEvidence(facts, e)),
    );
    if (perUserEnforced) notes.push(`per-user MFA is also ${perUserState}`);
  } else if (perUserEnforced) {
    state = "enforced";
    floor = 0;
    demands = [anyMfa];
    base.enforcedBy.push({ kind: "per-user-mfa" });
    reason = `per-user MFA is ${perUserState} (legacy setting: trusted IPs and app passwords can skip it)`;
    evidence.push({
      source: entraSource,
      connection: facts.connection,
      endpoint: "GET /beta/users/{id}/authentication/requirements",
      objectId: userId,
      field: "perUserMfaState",
      value: String(perUserState),
    });
  } else {
    const unknownWhy: string[] = [];
    if (ca.status === "unavailable" || ca.status === "not-configured")
      unknownWhy.push(`Conditional Access policies could not be read (${ca.reason ?? ca.status})`);
    const unresolvedHelpful = effects.filter(
      (e): e is Extract<Effect, { kind: "unknown" }> =>
        e.kind === "unknown" && uncovered.some((t) => e.clientTypes.has(t)),
    );
    for (const e of unresolvedHelpful) unknownWhy.push(`${quote(e.policy)}: ${e.why}`);
    const noEnabledPolicy = !ca.policies.some((p) => p.state === "enabled");
    if (sd.status !== "read" && (ca.status !== "read" || noEnabledPolicy))
      unknownWhy.push(`security defaults could not be read (${sd.reason ?? sd.status})`);
    if (["unavailable", "unread", "missing", "unknownFutureValue"].includes(String(perUserState)))
      unknownWhy.push(`per-user MFA state could not be read (${perUser.reason ?? String(perUserState)})`);

    appendAll(
      evidence,
      [...unresolvedHelpful, ...partialEffects, ...context].flatMap((e) => effectEvidence(facts, e)),
    );
    const partialText = partialEffects.map((e) => `${quote(e.policy)} ${gapsOf(e).join("; ")}`);
    const contextText = [
      ...base.excludedBy.map((x) => `excluded from '${x.policy.displayName}' (${x.how.join("; ")})`),
      ...base.ignored.map((x) => `'${x.policy.displayName}' does not count (${x.why})`),
    ];
    if (unknownWhy.length) {
      state = "unknown";
      reason = `MFA enforcement not known: ${unknownWhy.join("; ")}`;
      if (evidence.length === 0)
        appendAll(evidence, factEvidence(facts, entraFactKinds.conditionalAccess, ca.reason ?? ca.status));
    } else if (partialEffects.length) {
      state = "bypassable";
      reason = `MFA is required only for some sign-ins: ${partialText.join("; ")}${contextText.length ? `; also ${contextText.join("; ")}` : ""}`;
    } else {
      state = "none";
      const why =
        ca.status === "not-licensed"
          ? "the tenant has no Conditional Access (no Entra ID P1), security defaults are off"
          : `no enabled Conditional Access policy requires MFA for this user${contextText.length ? `: ${contextText.join("; ")}` : ""}`;
      const perUserNote =
        perUser.status === "not-configured"
          ? "; per-user MFA was not read (readPerUserMfa is off)"
          : perUserState === "disabled"
            ? "; per-user MFA is disabled"
            : "";
      reason = `${why}${perUserNote}`;
      if (evidence.length === 0) {
        appendAll(evidence, [
          ...factEvidence(
            facts,
            entraFactKinds.conditionalAccess,
            ca.status === "read"
              ? `${ca.policies.length} policies read, none applies`
              : (ca.reason ?? ca.status),
          ),
          ...factEvidence(
            facts,
            entraFactKinds.securityDefaults,
            `isEnabled=${String(sd.enabled ?? "unknown")}`,
          ),
        ]);
      }
      if (registration.status === "registered") {
        state = "optional";
        // Entra asks for a registered method only where a policy requires it (#18 item 7).
        reason = `${reason}; ${registeredNotRequired}`;
      }
    }
  }

  let strength: FactorStrength | null = null;
  let requiredStrength: FactorStrength | null = null;
  let access: EntraSignInResult["access"] = state === "unknown" ? "unknown" : "not-demanded";
  if (state === "enforced" && floor !== null) {
    const met = strengthMet(demands, registration);
    requiredStrength = met.required;
    strength = met.strength;
    access = met.unmet ?? (demands.every((d) => d.blocked) ? "blocked" : "met");
    if (met.unmet === "registrable" && registration.status === "not-registered") {
      // Whoever holds the password registers the second factor (the shared rule, README "MFA required, nothing enrolled").
      state = "bypassable";
      notes.push(nothingRegistered);
    } else if (met.unmet === "registrable") {
      notes.push(
        `no registered method completes a combination the policies accept (${met.accepted}): the user will be asked to register one on the spot at the next sign-in`,
      );
    } else if (met.unmet === "not-registrable") {
      notes.push(
        `no registered method completes a combination the policies accept (${met.accepted}), and those cannot be registered during sign-in (passkeys, Windows Hello, certificates and passes are set up beforehand): the user cannot sign in until one is`,
      );
    }
  }
  if (state !== "unknown") appendAll(evidence, registration.evidence);
  return {
    ...base,
    requiredStrength,
    access,
    verdict: {
      state,
      strength,
      reason: notes.length ? `${reason}; ${notes.join("; ")}` : reason,
      evidence,
    },
  };
}

import {
  type AccessPath,
  type Account,
  cannotSignInUntilEnrolled,
  type Evidence,
  type FactorStrength,
  type MfaSetting,
  type MfaVerdict,
  nothingEnrolled,
} from "../../src/model/index.js";
import { appendAll } from "../../src/util/arrays.js";
import {
  type CloudIdentityPolicy,
  enforcementOff,
  type GoogleUser,
  type OrgUnit,
  twoStepSettings,
} from "./api.js";

/** Pure mapping from Google records to the model. No I/O; every decision carries its evidence. */

export const source = "google-workspace";
const usersEndpoint = "GET admin/directory/v1/users";
const policiesEndpoint = "GET cloudidentity/v1/policies";

export interface MappingContext {
  connection: string;
  /** Role names by user id, from role assignments; absent when roles could not be read. */
  rolesByUser?: Map<string, string[]>;
  now: Date;
}

function userEvidence(
  ctx: MappingContext,
  user: GoogleUser,
  field: keyof GoogleUser,
  note?: string,
): Evidence {
  const value = user[field];
  return {
    source,
    connection: ctx.connection,
    endpoint: usersEndpoint,
    objectId: user.id,
    field,
    value: value === undefined ? null : typeof value === "object" ? JSON.stringify(value) : value,
    ...(note ? { note } : {}),
  };
}

const superAdminRoleName = "Super Admin";

/**
 * The name a person reads for a role from `roles.list`. Google's built-in (system) roles carry fixed
 * internal names such as `_SEED_ADMIN_ROLE` (the super-admin role, `isSuperAdminRole`) and
 * `_HELP_DESK_ADMIN_ROLE`; custom roles carry the name the admin gave them.
 */
export function roleDisplayName(role: { roleName: string; isSuperAdminRole?: boolean | null }): string {
  if (role.isSuperAdminRole === true) return superAdminRoleName;
  const system = /^_([A-Z0-9_]+)_ROLE$/.exec(role.roleName);
  if (!system) return role.roleName;
  return system[1]!
    .split("_")
    .filter(Boolean)
    .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
    .join(" ");
}

export function toAccount(user: GoogleUser, ctx: MappingContext): Account {
  const status = user.archived ? "archived" : user.suspended ? "suspended" : "active";
  // A super admin is also assigned the super-admin system role: the name once is enough.
  const roles = [
    ...new Set([...(user.isAdmin ? [superAdminRoleName] : []), ...(ctx.rolesByUser?.get(user.id) ?? [])]),
  ];
  const isAdmin = user.isAdmin === true || user.isDelegatedAdmin === true || roles.length > 0;
  const enrolled = typeof user.isEnrolledIn2Sv === "boolean" ? user.isEnrolledIn2Sv : "unknown";
  return {
    id: user.id,
    name: user.primaryEmail,
    ...(user.name?.fullName ? { displayName: user.name.fullName } : {}),
    email: user.primaryEmail,
    source,
    connection: ctx.connection,
    kind: "member",
    status,
    ...(user.orgUnitPath ? { orgUnit: user.orgUnitPath } : {}),
    lastSignIn: user.lastLoginTime ?? null,
    admin: { isAdmin, roles: [...new Set(roles)] },
    // The Directory API says whether 2SV is enrolled, not which methods: those stay unknown.
    enrollment: { enrolled, methods: [], evidence: [userEvidence(ctx, user, "isEnrolledIn2Sv")] },
    evidence: [
      userEvidence(ctx, user, "suspended"),
      userEvidence(ctx, user, "archived"),
      userEvidence(ctx, user, "isAdmin"),
      userEvidence(ctx, user, "isDelegatedAdmin"),
    ],
  };
}

/**
 * The user's 2SV verdict at Google sign-in, from Google's own per-user `isEnforcedIn2Sv` (which already
 * applies OU and group policies) and `isEnrolledIn2Sv`. `orgUnitSetting` adds the weakest factor allowed.
 */
export function signInVerdict(
  user: GoogleUser,
  ctx: MappingContext,
  orgUnitSetting?: MfaSetting,
  period?: EnrollmentPeriod,
): MfaVerdict {
  const evidence = [userEvidence(ctx, user, "isEnforcedIn2Sv"), userEvidence(ctx, user, "isEnrolledIn2Sv")];
  const enforced = user.isEnforcedIn2Sv;
  const enrolled = user.isEnrolledIn2Sv;
  if (typeof enforced !== "boolean" || typeof enrolled !== "boolean") {
    return {
      state: "unknown",
      strength: null,
      reason: "the Directory API did not return the 2SV fields for this user",
      evidence,
    };
  }
  const strength: FactorStrength | null =
    orgUnitSetting?.enforcement === "enforced" ? orgUnitSetting.weakestAllowed : null;
  if (orgUnitSetting && strength)
    appendAll(
      evidence,
      orgUnitSetting.evidence.filter((e) => e.field === "allowedSignInFactorSet"),
    );
  const scheduled = enforced ? scheduledEnforcement(orgUnitSetting, ctx) : undefined;
  if (scheduled)
    return {
      state: "unknown",
      strength: null,
      reason: `Google reports 2-Step Verification enforced, but the user's OU turns enforcement on only from ${scheduled}: whether isEnforcedIn2Sv counts enforcement scheduled for a later date is documented nowhere mfasweep can reach, and until then users can turn 2SV off`,
      evidence: [...evidence, ...(orgUnitSetting?.evidence ?? [])],
    };
  if (enforced && enrolled)
    return { state: "enforced", strength, reason: "2-Step Verification is enforced and enrolled", evidence };
  if (enforced) return unenrolledUnderEnforcement(evidence, period);
  if (enrolled)
    return {
      state: "optional",
      strength: null,
      reason: "enrolled in 2-Step Verification but not enforced: the user can turn it off",
      evidence,
    };
  return {
    state: "none",
    strength: null,
    reason: "2-Step Verification is neither enforced nor enrolled: the password alone signs in",
    evidence,
  };
}

/**
 * The date an OU's own enforcement starts, when it is still ahead (`enforcedFrom` as the Policy API gave it,
 * recorded in the setting's evidence by `orgUnitSettings`; group-targeted policies are not the OU's).
 */
function scheduledEnforcement(setting: MfaSetting | undefined, ctx: MappingContext): string | undefined {
  if (setting?.enforcement !== "not-enforced") return undefined;
  for (const e of setting.evidence) {
    if (e.field !== "enforcedFrom" || e.note?.startsWith("targets ") || typeof e.value !== "string") continue;
    const from: unknown = JSON.parse(e.value);
    if (typeof from === "string" && from !== enforcementOff && Date.parse(from) > ctx.now.getTime())
      return from;
  }
  return undefined;
}

/**
 * 2SV enforced, not enrolled: the shared rule (#18 item 11). Google lets a new user sign in with just the
 * password during the OU's new-user enrollment period, and an unenrolled user under enforcement cannot sign
 * in otherwise (support.google.com/a/answer/9176805). With a period, whoever signs in first enrolls the
 * second factor (`bypassable`); with none, the account cannot sign in (`enforced`, strength null).
 */
function unenrolledUnderEnforcement(evidence: Evidence[], period: EnrollmentPeriod | undefined): MfaVerdict {
  const lead = "2-Step Verification is enforced but not enrolled";
  const withPeriod = [...evidence, ...(period?.evidence ?? [])];
  if (!period || period.seconds === null)
    return {
      state: "unknown",
      strength: null,
      reason: `${lead}; whether a new-user enrollment period lets the password alone sign in is not known: ${period?.reason ?? "the OU's 2SV policies were not read"}`,
      evidence: withPeriod,
    };
  if (period.seconds === 0)
    return {
      state: "enforced",
      strength: null,
      reason: `${lead}, and there is no new-user enrollment period (${period.reason}): ${cannotSignInUntilEnrolled}`,
      evidence: withPeriod,
    };
  return {
    state: "bypassable",
    strength: null,
    reason: `${lead}; while the account is within its new-user enrollment period (${period.reason}) the password alone signs it in: ${nothingEnrolled("enroll")}`,
    evidence: withPeriod,
  };
}

export function signInPath(entryPointId: string, user: GoogleUser, verdict: MfaVerdict): AccessPath {
  return {
    id: `${entryPointId}/${user.id}`,
    entryPoint: entryPointId,
    accounts: [user.id],
    chain: { factors: verdict.state === "enforced" ? ["password", "2sv"] : ["password"] },
    mfa: verdict,
  };
}

const factorSetStrength: Record<string, FactorStrength> = {
  ALL: "weak",
  NO_TELEPHONY: "app",
  PASSKEY_ONLY: "phishing-resistant",
};

/** `orgUnits/03ph8a2z1enx5q0` and `id:03ph8a2z1enx5q0` name the same OU. */
export function orgUnitKey(id: string): string {
  return id.replace(/^orgUnits\//, "").replace(/^id:/, "");
}

interface OrgUnitNode {
  key: string;
  path: string;
  parentKey?: string;
}

/**
 * Builds the OU tree. `orgunits.list` omits the top-level OU; its id is the parent id of the OUs directly
 * under "/". With no sub-OUs that id is not listed anywhere: then the one OU the policies name that is not
 * a sub-OU must be the top-level one.
 */
export function orgUnitTree(orgUnits: OrgUnit[], policies: CloudIdentityPolicy[] = []): OrgUnitNode[] {
  const known = new Set(orgUnits.map((o) => orgUnitKey(o.orgUnitId)));
  const named = [
    ...new Set(policies.flatMap((p) => (p.policyQuery?.orgUnit ? [orgUnitKey(p.policyQuery.orgUnit)] : []))),
  ].filter((k) => !known.has(k));
  const parentOfTop = orgUnits.find((o) => o.parentOrgUnitPath === "/")?.parentOrgUnitId;
  const rootKey = parentOfTop ? orgUnitKey(parentOfTop) : named.length === 1 ? named[0]! : "root";
  return [
    { key: rootKey, path: "/" },
    ...orgUnits.map((o) => ({
      key: orgUnitKey(o.orgUnitId),
      path: o.orgUnitPath,
      parentKey: o.parentOrgUnitId ? orgUnitKey(o.parentOrgUnitId) : rootKey,
    })),
  ];
}

interface SettingValue {
  policy: CloudIdentityPolicy;
  value: Record<string, unknown>;
}

/**
 * The policy that sets `type` for an OU: its own, else the nearest parent's (`from` names that parent).
 * Group-targeted policies are left out: the caller says what they change.
 */
function effectiveSetting(
  tree: OrgUnitNode[],
  policies: CloudIdentityPolicy[],
): (type: string, node: OrgUnitNode) => { found?: SettingValue; from?: string } {
  const byKey = new Map(tree.map((n) => [n.key, n]));
  const ouPolicies = policies.filter((p) => p.policyQuery?.orgUnit && !p.policyQuery.group);
  const explicit = (type: string, key: string): SettingValue | undefined => {
    const candidates = ouPolicies
      .filter((p) => p.setting.type === type && orgUnitKey(p.policyQuery?.orgUnit ?? "") === key)
      // An ADMIN policy overrides the SYSTEM default for the same OU.
      .sort((a, b) => (a.type === "ADMIN" ? -1 : 0) - (b.type === "ADMIN" ? -1 : 0));
    const policy = candidates[0];
    return policy ? { policy, value: policy.setting.value ?? {} } : undefined;
  };
  return (type, node) => {
    for (
      let at: OrgUnitNode | undefined = node;
      at;
      at = at.parentKey ? byKey.get(at.parentKey) : undefined
    ) {
      const found = explicit(type, at.key);
      if (found) return { found, from: at === node ? undefined : at.path };
    }
    return {};
  };
}

/**
 * An OU's new-user enrollment period: Google lets newly created users sign in with just their password
 * for that long so they can enroll, while 2SV is enforced (support.google.com/a/answer/9176805,
 * /a/answer/2548882). `seconds` null: not known (not read, not set, unparsable, or a group may change it).
 */
export interface EnrollmentPeriod {
  seconds: number | null;
  /** Where the value came from, or why it is not known. */
  reason: string;
  evidence: Evidence[];
}

/** A google.protobuf.Duration in its JSON form ("604800s", "0s"); null for anything else. */
export function durationSeconds(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** The new-user enrollment period of every OU, by OU path, with the policy it came from as evidence. */
export function orgUnitEnrollmentPeriods(
  tree: OrgUnitNode[],
  policies: CloudIdentityPolicy[],
  ctx: MappingContext,
): Map<string, EnrollmentPeriod> {
  const type = twoStepSettings.enrollmentPeriod;
  const byGroup = policies.filter((p) => p.policyQuery?.group && p.setting.type === type);
  const effective = effectiveSetting(tree, policies);
  return new Map(
    tree.map((node): [string, EnrollmentPeriod] => {
      const { found, from } = effective(type, node);
      const evidence: Evidence[] = found
        ? [
            {
              source,
              connection: ctx.connection,
              endpoint: policiesEndpoint,
              objectId: found.policy.name,
              field: "enrollmentGracePeriod",
              value: JSON.stringify(found.value.enrollmentGracePeriod ?? null),
              ...(from ? { note: `inherited from ${from}` } : {}),
            },
          ]
        : [];
      const seconds = durationSeconds(found?.value.enrollmentGracePeriod);
      if (byGroup.length)
        return [
          node.path,
          {
            seconds: null,
            reason: `${byGroup.length} new-user enrollment period policy(ies) target groups, whose members were not read`,
            evidence,
          },
        ];
      if (!found)
        return [
          node.path,
          {
            seconds: null,
            reason: `the Policy API returned no new-user enrollment period policy for ${node.path} or its parents`,
            evidence: [{ source, connection: ctx.connection, endpoint: policiesEndpoint, note: type }],
          },
        ];
      return [
        node.path,
        {
          seconds,
          reason:
            seconds === null
              ? `the new-user enrollment period of ${node.path} is not a duration mfasweep reads (${JSON.stringify(found.value.enrollmentGracePeriod ?? null)})`
              : `new-user enrollment period of ${node.path}${from ? ` (inherited from ${from})` : ""}: ${periodWords(seconds)}`,
          evidence,
        },
      ];
    }),
  );
}

function periodWords(seconds: number): string {
  if (seconds === 0) return "none";
  const days = seconds / 86_400;
  return Number.isInteger(days) ? `${days} day(s)` : `${seconds} s`;
}

/**
 * Effective 2SV settings per OU. The Policy API returns the policies as set, not per-OU values: an OU
 * without its own policy inherits its parent's, up to the top-level OU. Inheritance applied is recorded
 * in `inheritedFrom`. Group-targeted policies are reported by the caller, not applied here.
 */
export function orgUnitSettings(
  tree: OrgUnitNode[],
  policies: CloudIdentityPolicy[],
  ctx: MappingContext,
): MfaSetting[] {
  const effective = effectiveSetting(tree, policies);
  const exemptions = groupExemptions(tree, policies, ctx);
  return tree.map((node) => {
    const enrollment = effective(twoStepSettings.enrollment, node);
    const enforcement = effective(twoStepSettings.enforcement, node);
    const factor = effective(twoStepSettings.factor, node);
    const evidence: Evidence[] = [];
    const cite = (s: { found?: SettingValue; from?: string }, field: string) => {
      if (!s.found) return;
      evidence.push({
        source,
        connection: ctx.connection,
        endpoint: policiesEndpoint,
        objectId: s.found.policy.name,
        field,
        value: JSON.stringify(s.found.value[field] ?? null),
        ...(s.from ? { note: `inherited from ${s.from}` } : {}),
      });
    };
    cite(enrollment, "allowEnrollment");
    cite(enforcement, "enforcedFrom");
    cite(factor, "allowedSignInFactorSet");

    const allow = enrollment.found?.value.allowEnrollment;
    const enforcedFrom = enforcement.found?.value.enforcedFrom;
    const factorSet = factor.found?.value.allowedSignInFactorSet;
    const enforced =
      typeof enforcedFrom !== "string"
        ? "unknown"
        : enforcementOn(enforcedFrom, ctx)
          ? "enforced"
          : "not-enforced";
    const exempt = enforced === "enforced" ? exemptions(node, enforcement.found?.policy) : [];
    for (const g of exempt)
      evidence.push({
        source,
        connection: ctx.connection,
        endpoint: policiesEndpoint,
        objectId: g.name,
        field: "enforcedFrom",
        value: JSON.stringify(g.setting.value?.enforcedFrom ?? null),
        note: `targets ${g.policyQuery?.group}`,
      });
    const missing = [!enrollment.found && "enrollment", !enforcement.found && "enforcement"].filter(Boolean);
    // `inheritedFrom` names where the enforcement value came from: an OU that turns enforcement off itself
    // did not inherit that, even when its enrollment setting came from a parent (each field's evidence
    // says where it came from).
    const inherited = enforcement.from;
    return {
      id: `org-unit:${node.key}`,
      source,
      connection: ctx.connection,
      scope: { kind: "org-unit", id: node.key, name: node.path },
      enrollment: typeof allow === "boolean" ? (allow ? "allowed" : "not-allowed") : "unknown",
      enforcement: exempt.length ? "unknown" : enforced,
      weakestAllowed: typeof factorSet === "string" ? (factorSetStrength[factorSet] ?? null) : null,
      ...(inherited ? { inheritedFrom: inherited } : {}),
      reason: missing.length
        ? `the Policy API returned no 2SV ${missing.join(" or ")} policy for ${node.path} or its parents`
        : exempt.length
          ? `2SV enforced since ${String(enforcedFrom)}, but ${exempt.length} group policy(ies) (${exempt.map((g) => g.policyQuery?.group).join(", ")}) turn enforcement off for their members in ${node.path}, and which users those are was not read`
          : enforced === "enforced"
            ? `2SV enforced since ${String(enforcedFrom)}`
            : enforcedFrom === enforcementOff
              ? "2SV enforcement is off (enforcedFrom is the 1970 epoch)"
              : `2SV enforcement starts ${String(enforcedFrom)}`,
      evidence,
    };
  });
}

/** Whether an `enforcedFrom` value turns enforcement on at `ctx.now` (the 1970 epoch means off). */
function enforcementOn(enforcedFrom: unknown, ctx: MappingContext): boolean {
  return (
    typeof enforcedFrom === "string" &&
    enforcedFrom !== enforcementOff &&
    Date.parse(enforcedFrom) <= ctx.now.getTime()
  );
}

/**
 * The group-targeted policies that turn 2SV enforcement off (or not yet on) for their members within an
 * OU whose enforcement `ouPolicy` sets. Google: an exception group's setting overrides the OU it is made
 * on and the sub-OUs that inherit it, but "a 2SV policy set on a child organizational unit always takes
 * precedence over a configuration group setting" (support.google.com/a/answer/9176805).
 */
function groupExemptions(
  tree: OrgUnitNode[],
  policies: CloudIdentityPolicy[],
  ctx: MappingContext,
): (node: OrgUnitNode, ouPolicy: CloudIdentityPolicy | undefined) => CloudIdentityPolicy[] {
  const byKey = new Map(tree.map((n) => [n.key, n]));
  const rootKey = tree[0]?.key;
  const relaxing = policies.filter(
    (p) =>
      p.policyQuery?.group &&
      p.setting.type === twoStepSettings.enforcement &&
      !enforcementOn(p.setting.value?.enforcedFrom, ctx),
  );
  return (node, ouPolicy) => {
    if (!relaxing.length) return [];
    const chain: string[] = [];
    for (let at: OrgUnitNode | undefined = node; at; at = at.parentKey ? byKey.get(at.parentKey) : undefined)
      chain.push(at.key);
    const source = chain.indexOf(orgUnitKey(ouPolicy?.policyQuery?.orgUnit ?? rootKey ?? ""));
    // The group's OU must be the node or a parent, and no more general than where the OU's value is set.
    return relaxing.filter((g) => {
      const at = chain.indexOf(orgUnitKey(g.policyQuery?.orgUnit ?? rootKey ?? ""));
      return at >= 0 && (source < 0 || at <= source);
    });
  };
}

/** When the Policy API cannot be read, every OU's setting is unknown, with the reason. */
export function unknownOrgUnitSettings(
  tree: OrgUnitNode[],
  ctx: MappingContext,
  reason: string,
): MfaSetting[] {
  return tree.map((node) => ({
    id: `org-unit:${node.key}`,
    source,
    connection: ctx.connection,
    scope: { kind: "org-unit", id: node.key, name: node.path },
    enrollment: "unknown",
    enforcement: "unknown",
    weakestAllowed: null,
    reason,
    evidence: [{ source, connection: ctx.connection, endpoint: policiesEndpoint, note: reason }],
  }));
}

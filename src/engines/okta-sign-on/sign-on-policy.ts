import { z } from "zod";
import {
  type OktaAppFact,
  type OktaPolicyFact,
  type OktaRuleFact,
  oktaAppAssignment,
  oktaFactorStrength,
  oktaSource,
  rankOrUnknown,
} from "../../model/facts/okta.js";
import {
  cannotSignInUntilEnrolled,
  type Evidence,
  type FactorStrength,
  type MfaState,
  type MfaVerdict,
  nothingEnrolled,
} from "../../model/index.js";
import {
  allOktaFactorTypes,
  authenticatorFactorTypes,
  type EnrollmentView,
  enrollmentFor,
} from "./enrollment.js";
import type { OktaOrg } from "./org.js";

/**
 * What Okta demands of one user signing in: a pure evaluation of the org's global session policies
 * (OKTA_SIGN_ON) and, for an app, the app's authentication policy (ACCESS_POLICY), over every sign-in
 * context the rules distinguish.
 *
 * How it decides (Okta's documented evaluation): policies in priority order, a policy applies when its
 * people conditions match; its ACTIVE rules in priority order; the first rule whose conditions all match
 * decides; when no rule of a policy matches, the next policy is considered. Reaching an app takes both the
 * global session rule and the app's rule, so a login needs a second factor when either demands it.
 *
 * Sign-in context: network zone membership is enumerated (every combination of the zones the rules name,
 * plus "in some other zone"); conditions this code cannot decide from the inventory (device, platform,
 * risk, Expression Language, ...) are treated as "may or may not hold". A rule that lets some context in
 * with one factor therefore shows up as a bypass, with the rule as evidence. Facts that could not be read
 * (a group's members, a policy's rules) make the verdict `unknown` unless the outcome is the same either way.
 */

export type OktaTarget = { kind: "session" } | { kind: "app"; appId: string };

type Match = "always" | "never" | "uncertain";

interface Outcome {
  access: "allow" | "deny";
  /** Whether a second factor is demanded; "unknown" for verification methods this code does not read. */
  mfa: boolean | "unknown";
  /**
   * An ASSURANCE rule's factorMode 2FA ("Any 2 factor types"): the second factor must be of another type
   * than the password, so a knowledge factor (the security question) does not count (help.okta.com OIE
   * "Multifactor authentication enhancements": Password and Security Question are both Knowledge).
   */
  twoTypes?: boolean;
  phishingResistant: boolean;
  /** Possession constraints of an ASSURANCE rule (OR across items), for the strength calculation. */
  possession: Possession[] | null;
  detail: string;
}

/** One possession constraint of an ASSURANCE rule: the authenticators it names and whether it demands phishing resistance. */
interface Possession {
  types: string[];
  methods: string[];
  phishingResistant: boolean;
}

interface Network {
  kind: "anywhere" | "zone" | "opaque";
  include: string[];
  exclude: string[];
}

interface People {
  includeUsers: string[];
  excludeUsers: string[];
  includeGroups: string[];
  excludeGroups: string[];
}

/** A rule prepared for evaluation; `rule` is null for a policy whose rules could not be read. */
interface RuleView {
  policy: OktaPolicyFact;
  rule: OktaRuleFact | null;
  people: People;
  network: Network;
  /** Conditions that may not hold in a given sign-in (named, for the reason text). */
  opaque: string[];
  outcome: Outcome;
}

interface PolicyView {
  policy: OktaPolicyFact;
  people: People;
  /** Policy-level conditions other than people: they make the whole policy "may not apply". */
  opaque: string[];
  rules: RuleView[];
}

// ---------------------------------------------------------------------------------------------------
// Reading rule JSON. Shapes from okta-spec (reference/identity-apis.md §2.2); values compared
// case-insensitively because the API returns lowercase where the spec says uppercase.

const ids = z.array(z.string()).nullish();
const PeopleSchema = z
  .object({
    users: z.object({ include: ids, exclude: ids }).nullish(),
    groups: z.object({ include: ids, exclude: ids }).nullish(),
  })
  .nullish();
const NetworkSchema = z.object({ connection: z.string().nullish(), include: ids, exclude: ids }).nullish();
const SignOnAction = z
  .object({ access: z.string().nullish(), requireFactor: z.boolean().nullish() })
  .nullish();
const ConstraintPart = z
  .object({
    types: z.array(z.string()).nullish(),
    methods: z.array(z.string()).nullish(),
    phishingResistant: z.string().nullish(),
  })
  .nullish();
const AppSignOnAction = z
  .object({
    access: z.string().nullish(),
    verificationMethod: z
      .object({
        type: z.string().nullish(),
        factorMode: z.string().nullish(),
        constraints: z.array(z.object({ knowledge: ConstraintPart, possession: ConstraintPart })).nullish(),
      })
      .nullish(),
  })
  .nullish();

const eq = (a: unknown, b: string) => typeof a === "string" && a.toUpperCase() === b;
const upper = (list: string[] | null | undefined) => (list ?? []).map((s) => s.toUpperCase());

function readPeople(conditions: Record<string, unknown> | null | undefined): People {
  const parsed = PeopleSchema.safeParse(conditions?.people);
  const p = parsed.success ? parsed.data : undefined;
  return {
    includeUsers: p?.users?.include ?? [],
    excludeUsers: p?.users?.exclude ?? [],
    includeGroups: p?.groups?.include ?? [],
    excludeGroups: p?.groups?.exclude ?? [],
  };
}

function readNetwork(conditions: Record<string, unknown> | null | undefined): Network {
  const raw = conditions?.network;
  if (raw === undefined || raw === null) return { kind: "anywhere", include: [], exclude: [] };
  const parsed = NetworkSchema.safeParse(raw);
  if (!parsed.success || !parsed.data) return { kind: "opaque", include: [], exclude: [] };
  const { connection, include, exclude } = parsed.data;
  if (!connection || eq(connection, "ANYWHERE")) return { kind: "anywhere", include: [], exclude: [] };
  if (eq(connection, "ZONE")) return { kind: "zone", include: include ?? [], exclude: exclude ?? [] };
  return { kind: "opaque", include: [], exclude: [] };
}

const isEmptyList = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/**
 * Conditions other than people and network, named when they may narrow the rule. A value that is the
 * documented "any" (or empty) never narrows; anything else, including keys this code does not know, may.
 */
function opaqueConditions(conditions: Record<string, unknown> | null | undefined): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(conditions ?? {})) {
    if (key === "people" || key === "network" || value === null || value === undefined) continue;
    const v = value as Record<string, unknown>;
    if (typeof value !== "object" || Array.isArray(value)) {
      out.push(key);
      continue;
    }
    const always =
      Object.keys(v).length === 0 ||
      (key === "authContext" && eq(v.authType, "ANY")) ||
      (key === "riskScore" && eq(v.level, "ANY")) ||
      (key === "risk" && isEmptyList(v.behaviors)) ||
      (key === "identityProvider" && eq(v.provider, "ANY")) ||
      (key === "userType" && isEmptyList(v.include) && isEmptyList(v.exclude)) ||
      (key === "elCondition" && (v.condition === undefined || v.condition === null || v.condition === "")) ||
      (key === "device" &&
        v.registered !== true &&
        v.managed !== true &&
        isEmptyList((v.assurance as Record<string, unknown> | undefined)?.include)) ||
      (key === "platform" &&
        isEmptyList(v.exclude) &&
        (isEmptyList(v.include) ||
          (Array.isArray(v.include) &&
            v.include.some((i) => {
              const item = i as Record<string, unknown> | null;
              return (
                eq(item?.type, "ANY") && eq((item?.os as Record<string, unknown> | undefined)?.type, "ANY")
              );
            }))));
    if (!always) out.push(key);
  }
  return out;
}

function isActive(status: string | null | undefined): boolean {
  // A missing status is a malformed record; counting it as active never hides a rule.
  return status === undefined || status === null || eq(status, "ACTIVE");
}

function readOutcome(policyType: string, rule: OktaRuleFact): Outcome {
  if (eq(policyType, "OKTA_SIGN_ON")) {
    const parsed = SignOnAction.safeParse(rule.actions?.signon);
    const signon = parsed.success ? parsed.data : undefined;
    if (!signon) {
      return {
        access: "allow",
        mfa: "unknown",
        phishingResistant: false,
        possession: null,
        detail: "no actions.signon",
      };
    }
    if (eq(signon.access, "DENY"))
      return {
        access: "deny",
        mfa: false,
        phishingResistant: false,
        possession: null,
        detail: "denies access",
      };
    const mfa = signon.requireFactor === true;
    return {
      access: "allow",
      mfa,
      phishingResistant: false,
      possession: null,
      detail: mfa ? "requires a second factor" : "does not require a second factor",
    };
  }
  const parsed = AppSignOnAction.safeParse(rule.actions?.appSignOn);
  const action = parsed.success ? parsed.data : undefined;
  if (!action) {
    return {
      access: "allow",
      mfa: "unknown",
      phishingResistant: false,
      possession: null,
      detail: "no readable actions.appSignOn",
    };
  }
  if (eq(action.access, "DENY"))
    return {
      access: "deny",
      mfa: false,
      phishingResistant: false,
      possession: null,
      detail: "denies access",
    };
  const method = action.verificationMethod;
  if (method?.type && !eq(method.type, "ASSURANCE")) {
    return {
      access: "allow",
      mfa: "unknown",
      phishingResistant: false,
      possession: null,
      detail: `verification method ${method.type} is not evaluated by mfasweep`,
    };
  }
  const constraints = method?.constraints ?? [];
  const phishingResistant =
    constraints.length > 0 && constraints.every((c) => eq(c.possession?.phishingResistant, "REQUIRED"));
  const possession = constraints.every((c) => c.possession)
    ? constraints.map((c) => ({
        types: upper(c.possession?.types),
        methods: upper(c.possession?.methods),
        phishingResistant: eq(c.possession?.phishingResistant, "REQUIRED"),
      }))
    : null;
  if (eq(method?.factorMode, "2FA")) {
    return {
      access: "allow",
      mfa: true,
      phishingResistant,
      possession: constraints.length ? possession : null,
      twoTypes: true,
      detail: `factorMode 2FA${phishingResistant ? " with phishing-resistant possession" : ""}`,
    };
  }
  if (eq(method?.factorMode, "1FA"))
    return { access: "allow", mfa: false, phishingResistant, possession: null, detail: "factorMode 1FA" };
  return {
    access: "allow",
    mfa: "unknown",
    phishingResistant: false,
    possession: null,
    detail: `factorMode ${method?.factorMode ?? "missing"}`,
  };
}

function byPriority<T extends { priority?: number | null }>(a: T, b: T): number {
  return (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER);
}

function policyView(policy: OktaPolicyFact): PolicyView {
  const people = readPeople(policy.conditions);
  const opaque = opaqueConditions(policy.conditions);
  if (!isActive(policy.status)) return { policy, people, opaque, rules: [] };
  const rules: RuleView[] =
    policy.rules === null
      ? [
          {
            policy,
            rule: null,
            people: { includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [] },
            network: { kind: "anywhere", include: [], exclude: [] },
            opaque: [],
            outcome: {
              access: "allow",
              mfa: "unknown",
              phishingResistant: false,
              possession: null,
              detail: `rules not read: ${policy.rulesReason ?? "unknown reason"}`,
            },
          },
        ]
      : [...policy.rules]
          .filter((r) => isActive(r.status))
          .sort(byPriority)
          .map((rule) => ({
            policy,
            rule,
            people: readPeople(rule.conditions),
            network: readNetwork(rule.conditions),
            opaque: opaqueConditions(rule.conditions),
            outcome: readOutcome(policy.type, rule),
          }));
  return { policy, people, opaque, rules };
}

// ---------------------------------------------------------------------------------------------------
// Matching one user.

/** Member lists as sets, once per group fact: large groups are checked for every user and rule. */
const memberSets = new WeakMap<object, Set<string>>();

function memberOf(org: OktaOrg, groupId: string, userId: string): boolean | "unknown" {
  const group = org.groups.get(groupId);
  if (!group) return "unknown";
  if (group.everyone) return true;
  if (group.members === null) return "unknown";
  let set = memberSets.get(group);
  if (!set) {
    set = new Set(group.members);
    memberSets.set(group, set);
  }
  return set.has(userId);
}

function matchPeople(org: OktaOrg, people: People, userId: string): Match {
  let uncertain = false;
  if (people.excludeUsers.includes(userId)) return "never";
  for (const g of people.excludeGroups) {
    const m = memberOf(org, g, userId);
    if (m === true) return "never";
    if (m === "unknown") uncertain = true;
  }
  const open = people.includeUsers.length === 0 && people.includeGroups.length === 0;
  const byUser = people.includeUsers.includes(userId);
  let byGroup: boolean | "unknown" = false;
  let unknownFirst = false;
  for (const g of people.includeGroups) {
    const m = memberOf(org, g, userId);
    if (m === true) {
      byGroup = true;
      break;
    }
    if (m === "unknown") unknownFirst = true;
  }
  if (byGroup === false && unknownFirst) byGroup = "unknown";
  // A condition naming both users and groups: whether Okta joins them with OR or AND is confirmed in no
  // page we can reach, so a user named by one of them only may or may not match (never a sure match).
  if (people.includeUsers.length > 0 && people.includeGroups.length > 0 && byUser !== (byGroup === true))
    return byUser || byGroup !== false ? "uncertain" : "never";
  const included = open || byUser || byGroup === true;
  if (!byUser && unknownFirst) uncertain = true;
  if (!included && !uncertain) return "never";
  return uncertain || !included ? "uncertain" : "always";
}

/** A sign-in context: which of the named zones the client IP is in, and whether it is in any other zone. */
interface Context {
  zones: Set<string>;
  otherZone: boolean;
}

function matchNetwork(network: Network, ctx: Context | null): boolean | "maybe" {
  if (network.kind === "anywhere") return true;
  if (network.kind === "opaque" || ctx === null) return "maybe";
  const inAny = ctx.zones.size > 0 || ctx.otherZone;
  const inZone = (z: string) => (z.toUpperCase() === "ALL_ZONES" ? inAny : ctx.zones.has(z));
  if (network.exclude.some(inZone)) return false;
  return network.include.length === 0 || network.include.some(inZone);
}

interface Step {
  view: RuleView;
  /** People match of policy and rule combined. */
  people: Match;
}

interface Walk {
  /** Rules that can decide a sign-in in this context. */
  reachable: Step[];
  /** Some sign-ins in this context match no rule at all. */
  fellThrough: boolean;
}

/**
 * The rules that can decide a sign-in in one context. `certain` mode counts only rules whose match is
 * certain and lets an uncertain rule stop the walk (the least that surely happens); the other mode counts
 * every rule that may match (the most that may happen).
 */
function walk(
  policies: Array<{ view: PolicyView; people: Match; rules: Array<{ view: RuleView; people: Match }> }>,
  ctx: Context | null,
  certain: boolean,
): Walk {
  const reachable: Step[] = [];
  for (const p of policies) {
    if (p.people === "never") continue;
    const policyAlways = p.people === "always" && p.view.opaque.length === 0;
    for (const r of p.rules) {
      if (r.people === "never") continue;
      const net = matchNetwork(r.view.network, ctx);
      if (net === false) continue;
      const contextAlways = net === true && r.view.opaque.length === 0;
      const people: Match = p.people === "always" && r.people === "always" ? "always" : "uncertain";
      const unread = r.view.rule === null;
      if (certain) {
        if (people === "always" && !unread) reachable.push({ view: r.view, people });
        // In certain mode a rule whose match is uncertain is assumed to match: it may stop the walk.
        if (contextAlways && p.view.opaque.length === 0) return { reachable, fellThrough: false };
      } else {
        reachable.push({ view: r.view, people });
        if (contextAlways && policyAlways && people === "always" && !unread)
          return { reachable, fellThrough: false };
      }
    }
  }
  return { reachable, fellThrough: true };
}

// ---------------------------------------------------------------------------------------------------
// Combining the global session with the app, over contexts.

interface Pair {
  session: RuleView;
  app: RuleView | null;
  ctx: Context | null;
}

interface Aggregate {
  anyAllow: boolean;
  bypass: Pair[];
  mfa: Pair[];
  unknownOutcomes: RuleView[];
  uncertainPeople: RuleView[];
  fellThrough: string[];
}

function aggregate(
  contexts: Array<Context | null>,
  session: Parameters<typeof walk>[0],
  app: Parameters<typeof walk>[0] | null,
  certain: boolean,
): Aggregate {
  const out: Aggregate = {
    anyAllow: false,
    bypass: [],
    mfa: [],
    unknownOutcomes: [],
    uncertainPeople: [],
    fellThrough: [],
  };
  const seen = new Set<string>();
  const key = (p: Pair) =>
    `${p.session.rule?.id ?? p.session.policy.id}|${p.app?.rule?.id ?? p.app?.policy.id ?? "-"}`;
  for (const ctx of contexts) {
    const s = walk(session, ctx, certain);
    const a = app ? walk(app, ctx, certain) : null;
    if (s.fellThrough) out.fellThrough.push("global session policies");
    if (a?.fellThrough) out.fellThrough.push("the app's authentication policy");
    for (const step of [...s.reachable, ...(a?.reachable ?? [])]) {
      if (step.people === "uncertain" || step.view.rule === null) out.uncertainPeople.push(step.view);
      if (step.view.outcome.mfa === "unknown" && step.view.outcome.access === "allow")
        out.unknownOutcomes.push(step.view);
    }
    const sessionAllow = s.reachable.filter((x) => x.view.outcome.access === "allow").map((x) => x.view);
    const appAllow = a
      ? a.reachable.filter((x) => x.view.outcome.access === "allow").map((x) => x.view)
      : [null];
    for (const sv of sessionAllow) {
      for (const av of appAllow) {
        out.anyAllow = true;
        const sm = sv.outcome.mfa;
        const am = av ? av.outcome.mfa : false;
        // In certain mode an unreadable outcome proves nothing; otherwise it may go either way.
        const oneFactor = certain ? sm === false && am === false : sm !== true && am !== true;
        const twoFactor = certain ? sm === true || am === true : sm !== false || am !== false;
        const pair = { session: sv, app: av, ctx };
        if (oneFactor && !seen.has(`b${key(pair)}`)) {
          seen.add(`b${key(pair)}`);
          out.bypass.push(pair);
        }
        if (twoFactor && !seen.has(`m${key(pair)}`)) {
          seen.add(`m${key(pair)}`);
          out.mfa.push(pair);
        }
      }
    }
  }
  return out;
}

/** Zones the rules name, for the context enumeration; more than this many are treated as "may match". */
const maxEnumeratedZones = 9;

function contextsFor(views: RuleView[]): Array<Context | null> {
  const named = new Set<string>();
  for (const v of views) {
    if (v.network.kind !== "zone") continue;
    for (const z of [...v.network.include, ...v.network.exclude])
      if (z.toUpperCase() !== "ALL_ZONES") named.add(z);
  }
  const zones = [...named].sort();
  if (zones.length > maxEnumeratedZones) return [null];
  const out: Context[] = [];
  for (let mask = 0; mask < 2 ** (zones.length + 1); mask++) {
    out.push({
      zones: new Set(zones.filter((_, i) => (mask >> i) & 1)),
      otherZone: ((mask >> zones.length) & 1) === 1,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Evidence and words.

function rulesEndpoint(policyId: string): string {
  return `GET /api/v1/policies/${policyId}/rules`;
}

function zoneName(org: OktaOrg, id: string): string {
  if (id.toUpperCase() === "ALL_ZONES") return "any network zone";
  const zone = org.zones.get(id);
  return zone?.name ? `zone '${zone.name}'` : `zone ${id}`;
}

function groupName(org: OktaOrg, id: string): string {
  const g = org.groups.get(id);
  return g?.name ? `'${g.name}'` : id;
}

function ruleLabel(v: RuleView): string {
  const kind = eq(v.policy.type, "OKTA_SIGN_ON") ? "global session policy" : "authentication policy";
  if (!v.rule) return `${kind} '${v.policy.name ?? v.policy.id}' (rules not read)`;
  return `rule '${v.rule.name ?? v.rule.id}' of ${kind} '${v.policy.name ?? v.policy.id}'`;
}

function conditionText(org: OktaOrg, v: RuleView): string {
  const parts: string[] = [];
  if (v.network.kind === "zone") {
    if (v.network.include.length)
      parts.push(`from ${v.network.include.map((z) => zoneName(org, z)).join(" or ")}`);
    if (v.network.exclude.length)
      parts.push(`from outside ${v.network.exclude.map((z) => zoneName(org, z)).join(" and ")}`);
  } else if (v.network.kind === "opaque") parts.push("under a network condition mfasweep cannot read");
  if (v.people.includeGroups.length)
    parts.push(`for group ${v.people.includeGroups.map((g) => groupName(org, g)).join(" or ")}`);
  if (v.people.includeUsers.length) parts.push("for named users");
  if (v.opaque.length) parts.push(`when its ${v.opaque.join(", ")} condition(s) match`);
  return parts.length ? parts.join(" ") : "for every sign-in";
}

function ruleEvidence(org: OktaOrg, v: RuleView, note: string): Evidence {
  const signOn = eq(v.policy.type, "OKTA_SIGN_ON");
  const field = signOn ? "actions.signon" : "actions.appSignOn";
  const value = v.rule ? ((signOn ? v.rule.actions?.signon : v.rule.actions?.appSignOn) ?? null) : null;
  return {
    source: oktaSource,
    connection: org.connection,
    endpoint: rulesEndpoint(v.policy.id),
    objectId: v.rule?.id ?? v.policy.id,
    field,
    value,
    note: `${ruleLabel(v)} ${conditionText(org, v)}: ${v.outcome.detail}${note ? `; ${note}` : ""}`,
  };
}

function uniqueViews(views: Array<RuleView | null>): RuleView[] {
  const seen = new Set<string>();
  const out: RuleView[] = [];
  for (const v of views) {
    if (!v) continue;
    const k = `${v.policy.id}/${v.rule?.id ?? "*"}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The evaluator.

/** The part of a verdict that depends only on which rules match the user, not on their factors. */
interface Structure {
  state: "enforced" | "bypassable" | "none" | "unknown" | "denied";
  reason: string;
  evidence: Evidence[];
  /** For `enforced`: the pairs whose demands set the strength. */
  mfaPairs: Pair[];
}

function unknownVerdict(org: OktaOrg, reason: string, evidence: Evidence[] = []): MfaVerdict {
  return {
    state: "unknown",
    strength: null,
    reason,
    evidence: evidence.length ? evidence : [{ source: oktaSource, connection: org.connection, note: reason }],
  };
}

function readReason(org: OktaOrg, part: keyof OktaOrg["org"]["reads"], what: string): string | undefined {
  const state = org.org.reads[part];
  if (!state) return undefined;
  return state.complete ? undefined : `${what} could not be read (${state.reason ?? "no reason recorded"})`;
}

/** Okta factor type → the authenticator types/methods an ASSURANCE possession constraint names. */
const factorAuthenticator: Record<string, { types: string[]; methods: string[] }> = {
  sms: { types: ["PHONE"], methods: ["SMS"] },
  call: { types: ["PHONE"], methods: ["VOICE"] },
  email: { types: ["EMAIL"], methods: ["EMAIL"] },
  push: { types: ["APP"], methods: ["PUSH"] },
  "token:software:totp": { types: ["APP"], methods: ["TOTP", "OTP"] },
  signed_nonce: { types: ["APP"], methods: ["SIGNED_NONCE"] },
  webauthn: { types: ["SECURITY_KEY"], methods: ["WEBAUTHN"] },
  u2f: { types: ["SECURITY_KEY"], methods: ["WEBAUTHN"] },
  web: { types: ["APP"], methods: ["DUO"] },
};

/** Whether a factor can satisfy a possession constraint; unknown mappings count as able (weaker result). */
function satisfies(factorType: string, c: { types: string[]; methods: string[] }): boolean {
  const known = factorAuthenticator[factorType.toLowerCase()];
  if (!known) return true;
  if (c.types.length && !known.types.some((t) => c.types.includes(t))) return false;
  if (c.methods.length && !known.methods.some((m) => c.methods.includes(m))) return false;
  return true;
}

/** Factor types of the Knowledge type, like the password (help.okta.com OIE, "About MFA authenticators"). */
const knowledgeFactorTypes = new Set(["question"]);

/** The rule of a (session, app) pair whose demand for a second factor sets what is accepted. */
function demandingOf(pair: Pair): RuleView {
  return pair.app && pair.app.outcome.mfa === true ? pair.app : pair.session;
}

/** Whether a rule's demand can be met with a factor of this type (its possession constraints, or any factor). */
function accepts(outcome: Outcome, factorType: string): boolean {
  if (outcome.twoTypes && knowledgeFactorTypes.has(factorType.toLowerCase())) return false;
  const resistant = oktaFactorStrength(factorType) === "phishing-resistant";
  if (!outcome.possession) return !outcome.phishingResistant || resistant;
  return outcome.possession.some((c) => satisfies(factorType, c) && (!c.phishingResistant || resistant));
}

function weakestOf(factorTypes: string[]): FactorStrength | null {
  let weakest: FactorStrength | null | undefined;
  for (const f of factorTypes) {
    const s = oktaFactorStrength(f);
    if (weakest === undefined || rankOrUnknown(s) < rankOrUnknown(weakest)) weakest = s;
  }
  return weakest ?? null;
}

/** What the rule that demands the second factor on one (session, app) pair accepts of a user's factors. */
interface PairFactors {
  demanding: RuleView;
  /** The weakest accepted factor the user holds; null when none is accepted or a hidden one may be weaker. */
  strength: FactorStrength | null;
  /** Listed factors the rule accepts. */
  accepted: string[];
  /** Factor types Okta may not list for this user that the rule would accept. */
  hiddenAccepted: string[];
}

function pairFactors(pair: Pair, factors: string[], hidden: string[]): PairFactors {
  const demanding = demandingOf(pair);
  const accepted = factors.filter((f) => accepts(demanding.outcome, f));
  const hiddenAccepted = hidden.filter((f) => !factors.includes(f) && accepts(demanding.outcome, f));
  const seen = accepted.length ? weakestOf(accepted) : null;
  // An unlisted factor the rule accepts and weaker than every listed one would set the strength: unknown.
  const weaker =
    seen !== null && hiddenAccepted.some((t) => rankOrUnknown(oktaFactorStrength(t)) < rankOrUnknown(seen));
  return { demanding, strength: weaker ? null : seen, accepted, hiddenAccepted };
}

/** Reusable evaluator for one org: memoises the rule structure per distinct set of matching rules. */
export class OktaPolicyEvaluator {
  readonly #sessionPolicies: PolicyView[];
  readonly #accessPolicies = new Map<string, PolicyView>();
  readonly #structures = new Map<string, Structure>();
  readonly #sessionPrepared = new Map<string, Parameters<typeof walk>[0]>();

  constructor(readonly org: OktaOrg) {
    this.#sessionPolicies = org.policies
      .filter((p) => eq(p.type, "OKTA_SIGN_ON") && isActive(p.status))
      .sort(byPriority)
      .map(policyView);
    for (const p of org.policies)
      if (eq(p.type, "ACCESS_POLICY")) this.#accessPolicies.set(p.id, policyView(p));
  }

  /** The app a target names, by id. */
  app(appId: string): OktaAppFact | undefined {
    return this.org.apps.find((a) => a.id === appId);
  }

  /**
   * What Okta demands of `userId` to reach `target` (the global session alone, or an app), as an MFA
   * verdict with the deciding rules as evidence.
   */
  verdict(userId: string, target: OktaTarget): MfaVerdict {
    const org = this.org;
    if (org.invalid.length) return unknownVerdict(org, `Okta facts did not validate: ${org.invalid[0]}`);
    const user = org.users.get(userId);
    if (!user) return unknownVerdict(org, `user ${userId} was not collected from this Okta org`);
    const sessionUnread = readReason(org, "signOnPolicies", "global session policies");
    if (sessionUnread) return unknownVerdict(org, sessionUnread);

    let app: PolicyView | null = null;
    let appFact: OktaAppFact | undefined;
    let appNote: string | undefined;
    if (target.kind === "app") {
      appFact = this.app(target.appId);
      if (!appFact)
        return unknownVerdict(
          org,
          readReason(org, "apps", "apps") ?? `app ${target.appId} was not collected from this Okta org`,
        );
      // Okta refuses a user the app is not assigned to: no way in, so like a rule that denies access it
      // is not a path without MFA (the provider and the delegation linker give such users no path).
      if (oktaAppAssignment(appFact, userId).assigned === false) {
        const label = appFact.label ?? appFact.name;
        return {
          state: "enforced",
          strength: null,
          reason: `not assigned to Okta app '${label}' (directly or through a group): Okta refuses this account's sign-in to it`,
          evidence: [
            {
              source: oktaSource,
              connection: org.connection,
              endpoint: `GET /api/v1/apps/${appFact.id}/users`,
              objectId: appFact.id,
              field: "assigned",
              value: false,
              note: `user ${userId} is not among the app's users`,
            },
          ],
        };
      }
      if (appFact.accessPolicyId === null) {
        appNote = `app '${appFact.label ?? appFact.name}' links no authentication policy (a Classic Engine org keeps app sign-on rules elsewhere)`;
      } else {
        app = this.#accessPolicies.get(appFact.accessPolicyId) ?? null;
        if (!app) {
          return unknownVerdict(
            org,
            readReason(org, "accessPolicies", "authentication policies") ??
              `authentication policy ${appFact.accessPolicyId} of app '${appFact.label ?? appFact.name}' was not returned by the API`,
          );
        }
      }
    }

    const structure = this.#structure(userId, app);
    let verdict: MfaVerdict;
    if (appNote) {
      // Without the app's own rules only a global session that always demands MFA decides the path.
      verdict =
        structure.state === "enforced"
          ? this.#withFactors(structure, user.factors, userId)
          : unknownVerdict(
              org,
              `${appNote}, and the global session policy alone does not require a second factor`,
              [...structure.evidence],
            );
      if (verdict.state === "enforced") verdict = { ...verdict, reason: `${verdict.reason}; ${appNote}` };
    } else if (structure.state === "enforced") verdict = this.#withFactors(structure, user.factors, userId);
    else if (structure.state === "denied")
      verdict = { state: "enforced", strength: null, reason: structure.reason, evidence: structure.evidence };
    else {
      verdict = {
        state: structure.state satisfies MfaState,
        strength: null,
        reason: structure.reason,
        evidence: structure.evidence,
      };
    }
    return verdict;
  }

  #structure(userId: string, app: PolicyView | null): Structure {
    const prepare = (views: PolicyView[]) =>
      views.map((view) => ({
        view,
        people: matchPeople(this.org, view.people, userId),
        rules: view.rules.map((r) => ({ view: r, people: matchPeople(this.org, r.people, userId) })),
      }));
    // The global session part is the same for every target of one user (sign-in, Dashboard, apps).
    let session = this.#sessionPrepared.get(userId);
    if (!session) {
      session = prepare(this.#sessionPolicies);
      this.#sessionPrepared.set(userId, session);
    }
    const appWalk = app ? prepare([app]) : null;
    const signature = [...session, ...(appWalk ?? [])]
      .map((p) => `${p.view.policy.id}:${p.people[0]}${p.rules.map((r) => r.people[0]).join("")}`)
      .join("|");
    const key = `${app?.policy.id ?? "session"}|${signature}`;
    const cached = this.#structures.get(key);
    if (cached) return cached;
    const result = this.#decide(session, appWalk);
    this.#structures.set(key, result);
    return result;
  }

  #decide(session: Parameters<typeof walk>[0], app: Parameters<typeof walk>[0] | null): Structure {
    const org = this.org;
    const views = [...session, ...(app ?? [])].flatMap((p) => p.rules.map((r) => r.view));
    const contexts = contextsFor(views);
    const may = aggregate(contexts, session, app, false);
    const sure = aggregate(contexts, session, app, true);
    const approx = contexts.length === 1 && contexts[0] === null ? " (too many zones to enumerate)" : "";

    if (may.bypass.length === 0) {
      if (may.fellThrough.length) {
        return {
          state: "unknown",
          reason: `some sign-ins match no rule of ${[...new Set(may.fellThrough)].join(" or ")}`,
          evidence: uniqueViews(views)
            .slice(0, 5)
            .map((v) => ruleEvidence(org, v, "")),
          mfaPairs: [],
        };
      }
      const deciding = uniqueViews(may.mfa.flatMap((p) => [p.session, p.app]));
      const demanding = deciding.filter((v) => v.outcome.mfa === true);
      if (!may.anyAllow) {
        const denying = uniqueViews(views).filter((v) => v.outcome.access === "deny");
        return {
          state: "denied",
          reason: "every rule that applies to this account denies access",
          evidence: denying.slice(0, 5).map((v) => ruleEvidence(org, v, "")),
          mfaPairs: [],
        };
      }
      return {
        state: "enforced",
        reason: `every sign-in requires a second factor (${demanding
          .slice(0, 3)
          .map((v) => ruleLabel(v))
          .join("; ")})`,
        evidence: deciding.slice(0, 6).map((v) => ruleEvidence(org, v, "")),
        mfaPairs: may.mfa,
      };
    }
    if (sure.bypass.length > 0) {
      const state = may.mfa.length > 0 ? "bypassable" : "none";
      const first = sure.bypass[0]!;
      const lead = first.app
        ? `${ruleLabel(first.session)} (${conditionText(org, first.session)}) and ${ruleLabel(first.app)} (${conditionText(org, first.app)}) let a sign-in through with one factor`
        : `${ruleLabel(first.session)} allows a session with one factor ${conditionText(org, first.session)}`;
      const reason =
        state === "none"
          ? `no sign-in requires a second factor: ${lead}${approx}`
          : `${lead}, while other sign-ins need a second factor${approx}`;
      const bypassViews = uniqueViews(sure.bypass.flatMap((p) => [p.session, p.app]));
      return {
        state,
        reason,
        evidence: bypassViews.slice(0, 6).map((v) => ruleEvidence(org, v, "allows one factor here")),
        mfaPairs: [],
      };
    }
    const doubts = uniqueViews([...may.uncertainPeople, ...may.unknownOutcomes]);
    const why = doubts.length
      ? doubts
          .slice(0, 3)
          .map((v) => `${ruleLabel(v)}: ${this.#doubt(v)}`)
          .join("; ")
      : [...new Set(may.fellThrough)].join(", ");
    return {
      state: "unknown",
      reason: `whether a second factor is required depends on facts mfasweep could not read (${why})`,
      evidence: doubts.slice(0, 6).map((v) => ruleEvidence(org, v, this.#doubt(v))),
      mfaPairs: [],
    };
  }

  #doubt(v: RuleView): string {
    if (!v.rule) return v.outcome.detail;
    if (v.outcome.mfa === "unknown") return v.outcome.detail;
    const groups = [...v.people.includeGroups, ...v.people.excludeGroups].filter((g) => {
      const fact = this.org.groups.get(g);
      return !fact || (!fact.everyone && fact.members === null);
    });
    if (groups.length) {
      const g = this.org.groups.get(groups[0]!);
      return `members of group ${groupName(this.org, groups[0]!)} not read${g?.reason ? ` (${g.reason})` : ""}`;
    }
    return "its policy's people condition could not be decided";
  }

  #withFactors(structure: Structure, factors: string[] | null, userId: string): MfaVerdict {
    const factorEvidence: Evidence = {
      source: oktaSource,
      connection: this.org.connection,
      endpoint: `GET /api/v1/users/${userId}/factors`,
      objectId: userId,
      field: "factorType",
      value: factors,
      note: "active factors only",
    };
    if (factors === null) {
      return {
        state: "unknown",
        strength: null,
        reason: `${structure.reason}, but this account's enrolled factors could not be read`,
        evidence: [...structure.evidence, factorEvidence],
      };
    }
    if (factors.length === 0) return this.#nothingEnrolled(structure, userId, factorEvidence);
    // Knowledge factors a demanding rule refuses as the second factor type are no second factor there:
    // holding only those is holding none (#18 item 11), not a factor Okta could accept.
    const secondFactors = factors.filter(
      (f) =>
        !knowledgeFactorTypes.has(f.toLowerCase()) ||
        structure.mfaPairs.every((p) => accepts(demandingOf(p).outcome, f)),
    );
    if (secondFactors.length === 0) return this.#nothingEnrolled(structure, userId, factorEvidence, factors);
    const enrollment = this.#enrollment(userId);
    const hidden = enrollment.known ? enrollment.hiddenTypes : allOktaFactorTypes;
    const pairs = structure.mfaPairs.map((pair) => pairFactors(pair, factors, hidden));
    let strength: FactorStrength | null | undefined;
    for (const p of pairs)
      if (strength === undefined || rankOrUnknown(p.strength) < rankOrUnknown(strength))
        strength = p.strength;
    const note = this.#strengthNote(pairs, factors, enrollment);
    return {
      state: "enforced",
      strength: strength ?? null,
      reason: note ? `${structure.reason}; ${note}` : structure.reason,
      evidence: [...structure.evidence, factorEvidence, ...this.#enrollmentEvidence(enrollment)],
    };
  }

  /**
   * MFA demanded, no factor listed (the shared rule, #18 item 11): where the account's enrollment policy
   * lets it enroll a factor a demanding rule accepts, whoever signs in first with the password enrolls it
   * (`bypassable`); where it allows none, the account cannot sign in (`enforced`, strength null). Without
   * the enrollment policies neither is known. `knowledgeOnly`: the account holds only these knowledge
   * factors, which the demanding rule does not accept as the second factor type: the same case.
   */
  #nothingEnrolled(
    structure: Structure,
    userId: string,
    factorEvidence: Evidence,
    knowledgeOnly: string[] = [],
  ): MfaVerdict {
    const enrollment = this.#enrollment(userId);
    const evidence = [...structure.evidence, factorEvidence, ...this.#enrollmentEvidence(enrollment)];
    if (!enrollment.known)
      return {
        state: "unknown",
        strength: null,
        reason: `${structure.reason}, but ${knowledgeOnly.length ? `only ${knowledgeOnly.join(", ")} (a knowledge factor the rule does not accept as the second factor type) is` : "no factor is"} listed for this account and whether it can enroll one at sign-in is not known (${enrollment.reason})`,
        evidence,
      };
    const pairs = structure.mfaPairs.map((pair) => pairFactors(pair, [], enrollment.hiddenTypes));
    const enrollableFor = (p: PairFactors) =>
      enrollment.enrollable.filter((k) =>
        (authenticatorFactorTypes[k] ?? []).some((t) => accepts(p.demanding.outcome, t)),
      );
    // No demanding rule to look at: nothing shows that enrolling is impossible, so the worse case holds.
    const open = pairs.length ? pairs.map(enrollableFor).find((keys) => keys.length > 0) : [];
    const hidden = [...new Set(pairs.flatMap((p) => p.hiddenAccepted))];
    const none = knowledgeOnly.length
      ? `it holds only ${knowledgeOnly.join(", ")} (a knowledge factor, like the password, which the rule does not accept as the second factor type)`
      : "no factor is enrolled";
    const unlisted = hidden.length
      ? ` (unless it holds a ${hidden.join("/")} factor, which Okta does not list because enrollment policy ${enrollment.policies.map((p) => `'${p}'`).join(" or ")} does not allow it)`
      : "";
    if (open)
      return {
        state: "bypassable",
        strength: null,
        reason: `${structure.reason}, but ${none}${unlisted}: ${nothingEnrolled("enroll")}${open.length ? ` (its enrollment policy lets it enroll ${open.join(" or ")} at sign-in)` : ""}`,
        evidence,
      };
    return {
      state: "enforced",
      strength: null,
      reason: `${structure.reason}, but ${none}${unlisted} and its enrollment policy allows none that the rule accepts: ${cannotSignInUntilEnrolled}`,
      evidence,
    };
  }

  /** The authenticator enrollment policies that decide which of `userId`'s factors Okta lists. */
  #enrollment(userId: string): EnrollmentView {
    return enrollmentFor(this.org, (policy) => matchPeople(this.org, readPeople(policy.conditions), userId));
  }

  #enrollmentEvidence(enrollment: EnrollmentView): Evidence[] {
    return [
      {
        source: oktaSource,
        connection: this.org.connection,
        endpoint: "GET /api/v1/policies?type=MFA_ENROLL",
        field: "settings.authenticators",
        value: enrollment.known ? enrollment.hiddenTypes : null,
        note: enrollment.known
          ? `factor types Okta does not list for this account (enrollment policy ${enrollment.policies.map((p) => `'${p}'`).join(" or ")} does not allow them)`
          : `which factors Okta leaves unlisted is not known: ${enrollment.reason}`,
      },
    ];
  }

  /** Why the strength is null, in words: no accepted factor (and what happens at sign-in), or unlisted factors. */
  #strengthNote(pairs: PairFactors[], factors: string[], enrollment: EnrollmentView): string | undefined {
    const unlisted = (types: string[]) =>
      enrollment.known
        ? `Okta does not list its ${types.join("/")} factors (enrollment policy ${enrollment.policies.map((p) => `'${p}'`).join(" or ")} does not allow them)`
        : `which of its factors Okta leaves unlisted is not known (${enrollment.reason})`;
    const none = pairs.find((p) => p.accepted.length === 0);
    if (none) {
      const rule = ruleLabel(none.demanding);
      const held = `none of its factors (${factors.join(", ")}) is one ${rule} accepts`;
      const enrollable = enrollment.known
        ? enrollment.enrollable.filter((k) =>
            (authenticatorFactorTypes[k] ?? []).some((t) => accepts(none.demanding.outcome, t)),
          )
        : [];
      const consequence = enrollable.length
        ? `Okta has the account enroll one (${enrollable.join(" or ")}, which its enrollment policy allows) at its next sign-in`
        : "its enrollment policy allows none it could enroll, so it cannot sign in here";
      return none.hiddenAccepted.length
        ? `${held}, and ${unlisted(none.hiddenAccepted)}: if it holds none, ${consequence}`
        : `${held}: ${consequence}`;
    }
    const unsure = pairs.find((p) => p.strength === null);
    if (unsure?.hiddenAccepted.length)
      return `the weakest accepted factor is not known: ${unlisted(unsure.hiddenAccepted)} and ${ruleLabel(unsure.demanding)} would accept them`;
    if (unsure) return `the strength of its factor(s) ${unsure.accepted.join(", ")} is not known`;
    return undefined;
  }
}

/** One-off evaluation; build an `OktaPolicyEvaluator` once per org when evaluating many users. */
export function evaluateOktaAccess(org: OktaOrg, userId: string, target: OktaTarget): MfaVerdict {
  return new OktaPolicyEvaluator(org).verdict(userId, target);
}

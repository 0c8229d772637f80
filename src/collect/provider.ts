import type { z } from "zod";
import type { Secret } from "../config/secrets.js";
import type { ProviderInventory } from "../model/index.js";
import type { Quota, QuotaDomain, QuotaLimits } from "./quota.js";
import type { AttemptOutcome } from "./retry.js";

/** Progress of one connection's collection, for the CLI's indicator. */
export interface ProgressUpdate {
  tenant: string;
  connection: string;
  step: string;
  done?: number;
  total?: number;
}

/**
 * Everything a provider may use while collecting one (tenant, connection). Providers never read
 * process.env, the clock or the network settings directly: they get them here, so tests and the demo
 * can drive them.
 */
export interface CollectContext<Settings> {
  /** `role: msp` marks the MSP's own tenant (where GDAP relationships are read). */
  tenant: { id: string; name: string; role?: "customer" | "msp" };
  connectionId: string;
  settings: Settings;
  signal: AbortSignal;
  now: Date;
  /** Resolves an `env:`/`file:` reference from the settings. */
  secret(ref: string): Promise<Secret>;
  /**
   * The named quota domain, shared by every connection that names it; `within`, a domain spanning tenants
   * (a vendor's limit per app across all tenants) whose budget each of its requests also spends.
   */
  quota(name: string, limits: QuotaLimits, within?: QuotaDomain): QuotaDomain;
  /**
   * Runs one API request inside `domain`, retrying what `classify` calls throttled or transient, and
   * counts it for coverage. Throws the named error `classify` returns, or Provider(Throttled|Unavailable)Error.
   * `answered`: the first attempt's answer already in hand (a JSON batch's inner answer, sent and counted
   * with its batch): taken instead of sending once, then classified and retried like a sent one.
   */
  request<T>(
    domain: Quota,
    label: string,
    send: () => Promise<T>,
    classify: (err: unknown) => AttemptOutcome,
    answered?: () => Promise<T>,
  ): Promise<T>;
  /** Something could not be read: coverage becomes `partial`, the gap is listed. */
  gap(what: string, reason: string): void;
  /**
   * `count` records were read (one page): counted against the connection's `maxRecords`; throws
   * `RecordLimitError` past it. Page loops call it through `PageGuard`.
   */
  records(label: string, count: number): void;
  /** A record could not be mapped: counted, and listed as a gap. */
  skip(what: string, reason: string): void;
  /** A caveat worth telling the user that does not make coverage partial. */
  note(text: string): void;
  progress(step: string, done?: number, total?: number): void;
  warn(message: string): void;
  /** Waits (aborted with the collection); the injected clock in tests, so pacing is testable without waiting. */
  sleep(ms: number): Promise<void>;
}

export interface DoctorCheck {
  /** What was tried, e.g. `GET admin/directory/v1/users`. */
  check: string;
  ok: boolean;
  /** Permissions/scopes this check showed missing. */
  missing?: string[];
  /**
   * Permissions the credential holds that mfasweep does not need and that allow changes (least privilege):
   * a warning, not a failure, so `ok` stays true.
   */
  excess?: string[];
  /**
   * What the tenant granted the credential (an app-only token's application permissions) against what
   * this connection needs, so doctor can compare consent across tenants. `not-consented`: the tenant does
   * not know the app; `unknown`: no token showed either (`reason`).
   */
  consent?: {
    state: "granted" | "not-consented" | "unknown";
    granted: string[];
    needed: string[];
    reason?: string;
  };
  detail: string;
}

/** Connections the demo adds for the portfolio's tenants, and how to stop their emulator. */
export interface ProviderDemo {
  connections: Array<{ tenant: string; connection: Record<string, unknown> }>;
  /** Values for the `env:` references the demo connections use (emulator tokens, not real secrets). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An adapter for one external system (DESIGN.md §4). A plain object: adding a provider means adding a
 * folder and one line in `providers/index.ts`.
 */
export interface Provider<Settings = unknown> {
  /** Connection `type` in the config, and `subject.source` in results. */
  type: string;
  title: string;
  /** zod schema of this provider's connection in the config (includes `type` and `auth`). */
  connectionSchema: z.ZodType<Settings>;
  /** Documentation shown by `doctor` and in the README: what to grant, read-only. */
  permissions: string[];
  collect(ctx: CollectContext<Settings>): Promise<ProviderInventory>;
  /** Calls each endpoint once and names what is missing. */
  doctor?(ctx: CollectContext<Settings>): Promise<DoctorCheck[]>;
  /** Starts this provider's emulator with the demo portfolio's data. */
  demo?(portfolio: DemoPortfolio): Promise<ProviderDemo>;
}

/** The fictional MSP of the demo: tenants every provider's demo seeds data for. */
export interface DemoPortfolio {
  /** `role: "msp"` marks the MSP's own tenant (judged under the msp-self profile); default customer. */
  tenants: Array<{ id: string; name: string; domain: string; role?: "customer" | "msp" }>;
  /** Changes to the seeds since the first week (`demo --week 2`, src/demo/week-2.ts); none in week 1. */
  revisions?: DemoRevision[];
}

/** One change to a provider's demo seed for one tenant, applied in place before its emulator starts. */
export interface DemoRevision {
  /** The provider's `type`. */
  provider: string;
  tenant: string;
  revise(seed: unknown): void;
}

/** `seed` with the portfolio's revisions for this provider and tenant applied. */
export function revisedSeed<Seed>(
  portfolio: DemoPortfolio,
  provider: string,
  tenant: string,
  seed: Seed,
): Seed {
  for (const r of portfolio.revisions ?? [])
    if (r.provider === provider && r.tenant === tenant) r.revise(seed);
  return seed;
}

/**
 * Type-checks a provider against its own settings type, then erases that type so providers of different
 * settings fit in one registry. Safe: `collect`/`doctor` only ever receive the output of
 * `connectionSchema.parse`, which is the provider's own `Settings`.
 */
export function defineProvider<Settings>(provider: Provider<Settings>): Provider<unknown> {
  return provider as unknown as Provider<unknown>;
}

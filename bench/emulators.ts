import { fork } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type EntraTenantSeed, startEntraEmulator } from "../providers/entra/emulator.js";
import { startGoogleEmulator } from "../providers/google-workspace/emulator.js";
// Limits from the emulator's documented table (identity-apis.md §2.3), not from the client's pacing.
import {
  endpointGroup,
  documented as oktaDocumented,
  startOktaEmulator,
} from "../providers/okta/emulator.js";
import type { RecordedRequest, RunningEmulator } from "../src/emulator/server.js";
import { allTenants, appKinds, type LimitKind } from "./bound.js";
import {
  benchTypes,
  type DirectoryType,
  type EmulatorEndpoints,
  entraSeed,
  googleSeed,
  oktaSeed,
  planPortfolio,
  tokenFor,
} from "./portfolio.js";

/**
 * The emulators of a benchmark run, in their own process: the sweep's peak memory is then the sweep's
 * alone (not the seeded portfolio's), and the two share the machine's cores the way a scanner and the
 * vendors' APIs would not share one event loop. The process rebuilds the portfolio from the same seed,
 * starts the Entra, Okta and Google emulators with the documented limits and a latency, and counts what it
 * served per (tenant, quota domain) and how many answers were throttling refusals.
 */

export const StartArgs = z.object({
  seed: z.number().int(),
  tenants: z.number().int().positive(),
  accountsPerTenant: z.number().int().positive(),
  types: z.array(z.enum(benchTypes)),
  latencyMs: z.number().min(0),
  enforceLimits: z.boolean(),
  /** Only these tenant ids (the naive baseline's sample); default all. */
  only: z.array(z.string()).optional(),
});
export type StartArgs = z.infer<typeof StartArgs>;

/**
 * What one (tenant, quota domain) was served; `tenant` is `allTenants` for a domain whose limit is per app
 * (the same requests are also in their tenant's tally). `steps` counts the listings whose pages are
 * sequential. `innerServed` / `innerThrottled`: of served / throttled, the requests that came inside a
 * JSON batch (Graph throttles each on its own; the `$batch` that carried them is one directory request).
 */
export const Tally = z.object({
  tenant: z.string(),
  provider: z.enum(["entra", "okta", "google-workspace"]),
  kind: z.string(),
  served: z.number(),
  throttled: z.number(),
  /** Other refusals and errors (4xx/5xx that are not throttling). */
  errors: z.number(),
  innerServed: z.number(),
  innerThrottled: z.number(),
  steps: z.record(z.string(), z.number()),
});
export type Tally = z.infer<typeof Tally>;

/** The emulator process's own CPU time and peak RSS (it serves every tenant of the run). */
export const EmulatorUsage = z.object({ cpuS: z.number(), peakRssMb: z.number() });
export type EmulatorUsage = z.infer<typeof EmulatorUsage>;

/** Requests of one domain known before the sweep (see `plannedReports`). */
const Planned = z.object({
  tenant: z.string(),
  provider: z.literal("entra"),
  kind: z.string(),
  requests: z.number(),
});
const Ready = z.object({
  kind: z.literal("ready"),
  plannedReports: z.array(Planned),
  /** Enabled Entra users over all tenants (the naive loop reads each one's methods). */
  entraEnabledUsers: z.number(),
  endpoints: z.object({
    entra: z.object({ url: z.string(), certificate: z.string() }).optional(),
    okta: z.object({ url: z.string() }).optional(),
    "google-workspace": z.object({ url: z.string() }).optional(),
  }),
  seedMs: z.number(),
});
const Stats = z.object({ kind: z.literal("stats"), tallies: z.array(Tally), usage: EmulatorUsage });
const Failed = z.object({ kind: z.literal("failed"), error: z.string() });
const ChildMessage = z.discriminatedUnion("kind", [Ready, Stats, Failed]);

/** The quota domain a request counts against, and the sequential listing it pages (if any). */
export function classify(
  provider: DirectoryType,
  request: Pick<RecordedRequest, "path" | "query">,
): { kind: LimitKind; step?: string } {
  const path = request.path;
  if (provider === "entra") {
    const p = path.replace(/^\/(v1\.0|beta)/, "");
    if (p === "/reports/authenticationMethods/userRegistrationDetails")
      return { kind: "entra:reports", step: "registration" };
    if (/^\/users\/[^/]+\/authentication\/methods$/.test(p)) return { kind: "entra:reports" };
    if (p.startsWith("/identity/conditionalAccess/")) return { kind: "entra:conditional-access" };
    return p === "/users" ? { kind: "entra:directory", step: "users" } : { kind: "entra:directory" };
  }
  if (provider === "okta") {
    const group = endpointGroup(path);
    // The plain user list is the long sequential one; the deprovisioned list runs beside it.
    const step = path === "/api/v1/users" && !request.query.filter ? "users" : undefined;
    return { kind: `okta:${group}`, ...(step ? { step } : {}) };
  }
  if (path.startsWith("/admin/directory/"))
    return path === "/admin/directory/v1/users"
      ? { kind: "google-workspace:directory", step: "users" }
      : { kind: "google-workspace:directory" };
  return { kind: "google-workspace:policy" };
}

/**
 * The inner requests of a Graph JSON batch with their inner statuses (each is throttled on its own), paths
 * under the outer request's version.
 */
export function batchInner(
  request: Pick<RecordedRequest, "path" | "body">,
  answer: unknown,
): Array<{ path: string; query: Record<string, string>; status: number }> {
  const version = request.path.split("/")[1] ?? "v1.0";
  const asked = z
    .object({ requests: z.array(z.object({ id: z.string(), url: z.string() })) })
    .safeParse(safeJson(request.body));
  const answered = z
    .object({ responses: z.array(z.object({ id: z.string(), status: z.number() })) })
    .safeParse(answer);
  if (!asked.success || !answered.success) return [];
  const urls = new Map(asked.data.requests.map((r) => [r.id, r.url]));
  return answered.data.responses.flatMap((r) => {
    const url = urls.get(r.id);
    if (url === undefined) return [];
    const u = new URL(url.replace(/^\/?/, "/"), "http://graph.invalid");
    return [
      { path: `/${version}${u.pathname}`, query: Object.fromEntries(u.searchParams), status: r.status },
    ];
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether an answer was a throttling refusal (Graph/Okta 429, Google 403 userRateLimitExceeded). */
function isThrottle(provider: DirectoryType, status: number): boolean {
  return status === 429 || (provider === "google-workspace" && status === 403);
}

/** The registration report's page (the bench sets it; Graph does not document its `$top`). */
const registrationPage = 500;

/**
 * The Graph reports requests each Entra tenant needs, known from its seed before the sweep: the
 * registration report's pages with P1, or one inner request per enabled user's methods without it (the
 * report is refused first, uncounted); summed across tenants too where the limit is per app.
 */
export function plannedReportRequests(
  tenants: Array<{ id: string; seed: EntraTenantSeed }>,
): Array<z.infer<typeof Planned>> {
  const out: Array<z.infer<typeof Planned>> = [];
  const kind = "entra:reports";
  let total = 0;
  for (const { id, seed } of tenants) {
    const enabled = seed.users.filter((u) => u.accountEnabled).length;
    const requests = seed.licence.p1 ? Math.max(1, Math.ceil(enabled / registrationPage)) : enabled;
    total += requests;
    out.push({ tenant: id, provider: "entra", kind, requests });
  }
  for (const k of appKinds(kind))
    out.push({ tenant: allTenants, provider: "entra", kind: k, requests: total });
  return out;
}

async function serve(args: StartArgs): Promise<void> {
  const started = performance.now();
  const plan = planPortfolio({
    seed: args.seed,
    tenants: args.tenants,
    accountsPerTenant: args.accountsPerTenant,
    types: args.types,
  });
  const tenants = args.only ? plan.tenants.filter((t) => args.only?.includes(t.id)) : plan.tenants;
  const owner = new Map<string, { tenant: string; provider: DirectoryType }>();
  for (const t of tenants)
    for (const d of ["entra", "okta", "google-workspace"] as const)
      if (t.directories[d]) owner.set(tokenFor(plan, t, d), { tenant: t.id, provider: d });

  const tallies = new Map<string, Tally>();
  const add = (
    tenant: string,
    provider: DirectoryType,
    kind: LimitKind,
    status: number,
    inner: boolean,
    step?: string,
  ) => {
    const key = `${tenant}|${kind}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = {
        tenant,
        provider,
        kind,
        served: 0,
        throttled: 0,
        errors: 0,
        innerServed: 0,
        innerThrottled: 0,
        steps: {},
      };
      tallies.set(key, tally);
    }
    if (isThrottle(provider, status)) {
      tally.throttled++;
      if (inner) tally.innerThrottled++;
    } else if (status >= 400) tally.errors++;
    else {
      tally.served++;
      if (inner) tally.innerServed++;
      if (step) tally.steps[step] = (tally.steps[step] ?? 0) + 1;
    }
  };
  /** One request in its tenant's domain and in every domain across tenants that counts it too. */
  const record = (
    tenant: string,
    provider: DirectoryType,
    request: Pick<RecordedRequest, "path" | "query">,
    status: number,
    inner: boolean,
  ) => {
    const { kind, step } = classify(provider, request);
    add(tenant, provider, kind, status, inner, step);
    for (const k of appKinds(kind)) add(allTenants, provider, k, status, inner);
  };
  const count = (provider: DirectoryType) => (request: RecordedRequest, status: number, body?: unknown) => {
    const auth = String(request.headers.authorization ?? "");
    const who = owner.get(auth.replace(/^(Bearer|SSWS) /, ""));
    if (!who) return;
    record(who.tenant, provider, request, status, false);
    if (provider === "entra" && status === 200 && /^\/(v1\.0|beta)\/\$batch$/.test(request.path))
      for (const inner of batchInner(request, body)) record(who.tenant, provider, inner, inner.status, true);
  };

  const running: RunningEmulator[] = [];
  const endpoints: z.infer<typeof Ready>["endpoints"] = {};
  const entraPairs = tenants.flatMap((t) => {
    const seed = entraSeed(plan, t);
    return seed ? [{ id: t.id, seed }] : [];
  });
  const entraTenants = entraPairs.map((p) => p.seed);
  const plannedReports = plannedReportRequests(entraPairs);
  if (entraTenants.length) {
    const e = await startEntraEmulator({
      tenants: entraTenants,
      reportPageSize: registrationPage,
      enforceLimits: args.enforceLimits,
      latencyMs: args.latencyMs,
      onResponse: count("entra"),
    });
    running.push(e);
    endpoints.entra = { url: e.url, certificate: e.certificate ?? "" };
  }
  const orgs = tenants.flatMap((t) => oktaSeed(plan, t) ?? []);
  if (orgs.length) {
    const o = await startOktaEmulator({
      orgs,
      // The "paid" column, which the client assumes by default, and Okta's concurrency limit.
      ...(args.enforceLimits
        ? {
            rateLimits: {
              users: oktaDocumented.perMinuteLimits.users.paid,
              apps: oktaDocumented.perMinuteLimits.apps.paid,
              groups: oktaDocumented.perMinuteLimits.groups.paid,
              other: oktaDocumented.perMinuteLimits.other.paid,
            },
            concurrencyLimit: oktaDocumented.orgConcurrencyLimit,
          }
        : {}),
      latencyMs: args.latencyMs,
      onResponse: count("okta"),
    });
    running.push(o);
    endpoints.okta = { url: o.url };
  }
  const google = tenants.flatMap((t) => googleSeed(plan, t) ?? []);
  if (google.length) {
    const g = await startGoogleEmulator({
      tenants: google,
      enforceLimits: args.enforceLimits,
      latencyMs: args.latencyMs,
      onResponse: count("google-workspace"),
    });
    running.push(g);
    endpoints["google-workspace"] = { url: g.url };
  }
  // The shared server logs every request; the counts above are all a benchmark needs, so keep memory flat.
  const trim = setInterval(() => {
    for (const e of running) e.requests.length = 0;
  }, 1000);
  // CPU from here on is serving the sweep; seeding is reported as seedMs.
  const cpuAtReady = process.cpuUsage();
  const entraEnabledUsers = entraTenants.reduce(
    (n, t) => n + t.users.filter((u) => u.accountEnabled).length,
    0,
  );
  process.send?.({
    kind: "ready",
    endpoints,
    plannedReports,
    entraEnabledUsers,
    seedMs: performance.now() - started,
  });

  process.on("message", (message: unknown) => {
    const m = z.object({ kind: z.enum(["stats", "close"]) }).safeParse(message);
    if (!m.success) return;
    if (m.data.kind === "stats") {
      const cpu = process.cpuUsage(cpuAtReady);
      process.send?.({
        kind: "stats",
        tallies: [...tallies.values()],
        usage: {
          cpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100,
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        },
      });
    } else {
      clearInterval(trim);
      void Promise.all(running.map((e) => e.close())).then(() => process.exit(0));
    }
  });
}

export interface EmulatorProcess {
  endpoints: z.infer<typeof Ready>["endpoints"];
  plannedReports: z.infer<typeof Ready>["plannedReports"];
  entraEnabledUsers: number;
  seedMs: number;
  pid: number;
  stats(): Promise<{ tallies: Tally[]; usage: EmulatorUsage }>;
  close(): Promise<void>;
}

/** Where connections reach the emulators; the Entra emulator's certificate is written to `dir` as a CA bundle. */
export async function connectionEndpoints(
  emulators: EmulatorProcess,
  dir: string,
): Promise<EmulatorEndpoints> {
  const { entra, ...rest } = emulators.endpoints;
  if (!entra) return rest;
  const caBundle = join(dir, "entra-ca.pem");
  await writeFile(caBundle, entra.certificate, { mode: 0o600 });
  return { ...rest, entra: { url: entra.url, caBundle } };
}

/** Forks the emulator process and waits until it listens. */
export async function startEmulatorProcess(args: StartArgs): Promise<EmulatorProcess> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", JSON.stringify(StartArgs.parse(args))], {
    execArgv: ["--import", "tsx", "--max-old-space-size=8192"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>(schema: z.ZodType<T>) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        const parsed = ChildMessage.safeParse(message);
        if (!parsed.success) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (parsed.data.kind === "failed") return reject(new Error(`emulators: ${parsed.data.error}`));
        const wanted = schema.safeParse(parsed.data);
        if (wanted.success) resolve(wanted.data);
        else reject(new Error(`emulators: unexpected message ${parsed.data.kind}`));
      };
      const onExit = (code: number | null) => reject(new Error(`emulator process exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const ready = await next(Ready);
  return {
    endpoints: ready.endpoints,
    plannedReports: ready.plannedReports,
    entraEnabledUsers: ready.entraEnabledUsers,
    seedMs: ready.seedMs,
    pid: child.pid ?? 0,
    stats: async () => {
      const reply = next(Stats);
      child.send({ kind: "stats" });
      const { tallies, usage } = await reply;
      return { tallies, usage };
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send({ kind: "close" });
      }),
  };
}

if (process.argv[2] === "--serve") {
  serve(StartArgs.parse(JSON.parse(process.argv[3] ?? "{}"))).catch((err: unknown) => {
    process.send?.({ kind: "failed", error: (err as Error).stack ?? String(err) });
    process.exit(1);
  });
}

import { fork } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { startEntraEmulator } from "../providers/entra/emulator.js";
import { startGoogleEmulator } from "../providers/google-workspace/emulator.js";
// Limits from the emulator's documented table (identity-apis.md §2.3), not from the client's pacing.
import {
  endpointGroup,
  documented as oktaDocumented,
  startOktaEmulator,
} from "../providers/okta/emulator.js";
import type { RecordedRequest, RunningEmulator } from "../src/emulator/server.js";
import { documentedLimits, type LimitKind } from "./bound.js";
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

/** What one (tenant, quota domain) was served. `steps` counts the listings whose pages are sequential. */
export const Tally = z.object({
  tenant: z.string(),
  provider: z.enum(["entra", "okta", "google-workspace"]),
  kind: z.enum(Object.keys(documentedLimits) as [LimitKind, ...LimitKind[]]),
  served: z.number(),
  throttled: z.number(),
  /** Other refusals and errors (4xx/5xx that are not throttling). */
  errors: z.number(),
  steps: z.record(z.string(), z.number()),
});
export type Tally = z.infer<typeof Tally>;

const Ready = z.object({
  kind: z.literal("ready"),
  endpoints: z.object({
    entra: z.object({ url: z.string(), certificate: z.string() }).optional(),
    okta: z.object({ url: z.string() }).optional(),
    "google-workspace": z.object({ url: z.string() }).optional(),
  }),
  seedMs: z.number(),
});
const Stats = z.object({ kind: z.literal("stats"), tallies: z.array(Tally) });
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

/** Whether an answer was a throttling refusal (Graph/Okta 429, Google 403 userRateLimitExceeded). */
function isThrottle(provider: DirectoryType, status: number): boolean {
  return status === 429 || (provider === "google-workspace" && status === 403);
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
  const count = (provider: DirectoryType) => (request: RecordedRequest, status: number) => {
    const auth = String(request.headers.authorization ?? "");
    const who = owner.get(auth.replace(/^(Bearer|SSWS) /, ""));
    if (!who) return;
    const { kind, step } = classify(provider, request);
    const key = `${who.tenant}|${kind}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { tenant: who.tenant, provider, kind, served: 0, throttled: 0, errors: 0, steps: {} };
      tallies.set(key, tally);
    }
    if (isThrottle(provider, status)) tally.throttled++;
    else if (status >= 400) tally.errors++;
    else {
      tally.served++;
      if (step) tally.steps[step] = (tally.steps[step] ?? 0) + 1;
    }
  };

  const running: RunningEmulator[] = [];
  const endpoints: z.infer<typeof Ready>["endpoints"] = {};
  const entraTenants = tenants.flatMap((t) => entraSeed(plan, t) ?? []);
  if (entraTenants.length) {
    const e = await startEntraEmulator({
      tenants: entraTenants,
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
  process.send?.({ kind: "ready", endpoints, seedMs: performance.now() - started });

  process.on("message", (message: unknown) => {
    const m = z.object({ kind: z.enum(["stats", "close"]) }).safeParse(message);
    if (!m.success) return;
    if (m.data.kind === "stats") process.send?.({ kind: "stats", tallies: [...tallies.values()] });
    else {
      clearInterval(trim);
      void Promise.all(running.map((e) => e.close())).then(() => process.exit(0));
    }
  });
}

export interface EmulatorProcess {
  endpoints: z.infer<typeof Ready>["endpoints"];
  seedMs: number;
  pid: number;
  stats(): Promise<Tally[]>;
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
    seedMs: ready.seedMs,
    pid: child.pid ?? 0,
    stats: async () => {
      const reply = next(Stats);
      child.send({ kind: "stats" });
      return (await reply).tallies;
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

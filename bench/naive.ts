import { admin_directory_v1 } from "@googleapis/admin";
import {
  Client as GraphClient,
  PageIterator,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import okta from "@okta/okta-sdk-nodejs";
import { OAuth2Client } from "google-auth-library";
import { Agent, fetch as undiciFetch } from "undici";
import type { EmulatorProcess } from "./emulators.js";
import { type DirectoryType, type PortfolioPlan, type TenantPlan, tokenFor } from "./portfolio.js";

/**
 * The naive baseline: how the slow peers work. One request at a time within a tenant, per-user calls
 * where a bulk report exists, and the SDKs' own retry defaults, through the same SDKs and emulators as the
 * sweep. Tenants run in parallel (issue #20 item 8): their quotas are separate, so a fair baseline does not
 * make one tenant wait for another.
 * - Entra: list users, then `GET /users/{id}/authentication/methods` for each enabled user (Microsoft
 *   advises against iterating the population this way: it draws on the reports bucket, 5 per 10 s);
 * - Okta: list users, then each user's factors and each user's admin roles;
 * - Google: list users, then `users.get` for each user.
 * It collects nothing the sweep would use; it only measures how long the pattern takes.
 */

export interface NaiveTenantRun {
  tenant: string;
  provider: DirectoryType;
  /** Users the listing returned. */
  users: number;
  /** Users whose per-user calls finished before the time budget ran out. */
  processed: number;
  elapsedMs: number;
  /** Projected time for every user of the tenant, at the measured pace (the loop is sequential). */
  projectedMs: number;
  cutShort: boolean;
  error?: string;
}

/** Per-user calls in order until `deadline`; returns how many finished. */
async function eachUntil<T>(
  items: T[],
  deadline: number,
  call: (item: T) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  for (const item of items) {
    if (performance.now() >= deadline) break;
    await call(item);
    done++;
  }
  return done;
}

async function entraNaive(
  plan: PortfolioPlan,
  t: TenantPlan,
  url: string,
  certificate: string,
  deadline: number,
): Promise<{ users: number; processed: number }> {
  const token = tokenFor(plan, t, "entra");
  const dispatcher = new Agent({ connect: { ca: certificate } });
  try {
    // undici's own fetch with its own Agent: the npm Agent handed to Node's bundled fetch breaks where the
    // two undici versions differ (issue #27).
    // The SDK's own RetryHandler (its defaults: 3 retries, Retry-After honoured) before the fetch, as the
    // SDK's default chain has it; without it the first 429 ended the loop.
    const retry = new RetryHandler(new RetryHandlerOptions());
    retry.setNext({
      async execute(context) {
        const target = typeof context.request === "string" ? context.request : context.request.url;
        const response = await undiciFetch(target, {
          method: context.options?.method ?? "GET",
          headers: {
            ...(context.options?.headers as Record<string, string>),
            authorization: `Bearer ${token}`,
          },
          dispatcher,
        });
        context.response = response as unknown as Response;
      },
    });
    const graph = GraphClient.initWithMiddleware({
      baseUrl: `${url}/`,
      customHosts: new Set([new URL(url).hostname]),
      middleware: retry,
    });
    const users: Array<{ id: string; accountEnabled?: boolean }> = [];
    const first = await graph.api("/users").select("id,userPrincipalName,accountEnabled").top(999).get();
    await new PageIterator(graph, first, (u: { id: string; accountEnabled?: boolean }) => {
      users.push(u);
      return true;
    }).iterate();
    // Refused without P1 (a naive tool reads on without it).
    await graph
      .api("/identity/conditionalAccess/policies")
      .get()
      .catch(() => undefined);
    const enabled = users.filter((u) => u.accountEnabled !== false);
    const processed = await eachUntil(enabled, deadline, (u) =>
      graph.api(`/users/${encodeURIComponent(u.id)}/authentication/methods`).get(),
    );
    return { users: enabled.length, processed };
  } finally {
    await dispatcher.close();
  }
}

async function oktaNaive(
  plan: PortfolioPlan,
  t: TenantPlan,
  url: string,
  deadline: number,
): Promise<{ users: number; processed: number }> {
  const client = new okta.Client({
    orgUrl: url,
    token: tokenFor(plan, t, "okta"),
    cacheMiddleware: null,
  });
  const users: string[] = [];
  for await (const u of await client.userApi.listUsers({ limit: 200 })) if (u?.id) users.push(u.id);
  const processed = await eachUntil(users, deadline, async (userId) => {
    for await (const _ of await client.userFactorApi.listFactors({ userId })) {
      // consume the page
    }
    for await (const _ of await client.roleAssignmentApi.listAssignedRolesForUser({ userId })) {
      // consume the page
    }
  });
  return { users: users.length, processed };
}

async function googleNaive(
  plan: PortfolioPlan,
  t: TenantPlan,
  url: string,
  deadline: number,
): Promise<{ users: number; processed: number }> {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: tokenFor(plan, t, "google-workspace") });
  const directory = new admin_directory_v1.Admin({ auth, rootUrl: `${url}/` });
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await directory.users.list({ customer: "my_customer", maxResults: 500, pageToken });
    for (const u of page.data.users ?? []) if (u.id) ids.push(u.id);
    pageToken = page.data.nextPageToken ?? undefined;
  } while (pageToken);
  const processed = await eachUntil(ids, deadline, (userKey) => directory.users.get({ userKey }));
  return { users: ids.length, processed };
}

/**
 * Runs the naive pattern on every sample tenant at once (tenants in parallel), each directory of a tenant
 * after the other, until `budgetMs` has passed. A tenant cut short by the budget is projected at its
 * measured pace.
 */
export async function runNaive(
  plan: PortfolioPlan,
  sample: TenantPlan[],
  emulators: EmulatorProcess,
  budgetMs: number,
): Promise<NaiveTenantRun[]> {
  const types = (["entra", "okta", "google-workspace"] as const).filter((d) =>
    sample.some((t) => t.directories[d]),
  );
  const deadline = performance.now() + budgetMs;
  const perTenant = await Promise.all(
    sample.map(async (t) => {
      const runs: NaiveTenantRun[] = [];
      for (const provider of types.filter((d) => t.directories[d]))
        runs.push(await naiveRun(plan, t, provider, emulators, deadline));
      return runs;
    }),
  );
  return perTenant.flat();
}

async function naiveRun(
  plan: PortfolioPlan,
  t: TenantPlan,
  provider: DirectoryType,
  emulators: EmulatorProcess,
  deadline: number,
): Promise<NaiveTenantRun> {
  const started = performance.now();
  let outcome: { users: number; processed: number };
  let error: string | undefined;
  try {
    const e = emulators.endpoints;
    outcome =
      provider === "entra" && e.entra
        ? await entraNaive(plan, t, e.entra.url, e.entra.certificate, deadline)
        : provider === "okta" && e.okta
          ? await oktaNaive(plan, t, e.okta.url, deadline)
          : e["google-workspace"]
            ? await googleNaive(plan, t, e["google-workspace"].url, deadline)
            : { users: 0, processed: 0 };
  } catch (err) {
    outcome = { users: t.directories[provider] ?? 0, processed: 0 };
    error = (err as Error).message.split("\n")[0];
  }
  const elapsedMs = performance.now() - started;
  const cutShort = outcome.processed < outcome.users;
  return {
    tenant: t.id,
    provider,
    users: outcome.users,
    processed: outcome.processed,
    elapsedMs,
    projectedMs:
      cutShort && outcome.processed > 0 ? (elapsedMs * outcome.users) / outcome.processed : elapsedMs,
    cutShort,
    ...(error ? { error } : {}),
  };
}

import type { z } from "zod";
import { describeError } from "../../src/errors.js";
import type { EntraFactData, entraFactKinds } from "../../src/model/facts/entra.js";
import { appendAll } from "../../src/util/arrays.js";
import {
  AuthenticationMethod,
  type Endpoint,
  endpoints,
  type GraphUser,
  Page,
  UserRegistrationDetails,
} from "./api.js";
import type { EntraClient } from "./client.js";
import { listAll } from "./list-all.js";
import { attempt, type Ctx, type Read } from "./read.js";
import { methodsRegisteredFrom } from "./transform.js";

// MFA registration: the bulk report (Entra ID P1), or each user's methods when the tenant has no P1.

export function readRegistrationReport(ctx: Ctx, client: EntraClient) {
  return attempt(ctx, "MFA registration details", () =>
    listAll(
      ctx,
      client,
      endpoints.registration,
      endpoints.registration.path,
      UserRegistrationDetails,
      "registration record",
    ),
  );
}

/**
 * Each user's authentication methods through JSON batching: one inner request per user, 5 per `$batch`
 * (the reports window: Graph counts each inner request when the batch arrives).
 * A user whose inner answer is not 200 is unread (a licence or permission refusal ends nothing else).
 */
async function methodsByBatch(
  ctx: Ctx,
  client: EntraClient,
  userIds: string[],
): Promise<{
  status: "read" | "unavailable";
  reason?: string;
  values: Map<string, z.infer<typeof AuthenticationMethod>[]>;
  unread: string[];
  cost: string;
}> {
  const pathOf = (id: string) => endpoints.methods.path.replace("{id}", encodeURIComponent(id));
  const values = new Map<string, z.infer<typeof AuthenticationMethod>[]>();
  const unread: string[] = [];
  let lastError = "";
  let answers: Awaited<ReturnType<EntraClient["batchGet"]>>;
  try {
    answers = await client.batchGet(endpoints.methods, userIds.map(pathOf), "authentication methods");
  } catch (err) {
    const reason = describeError(err);
    ctx.gap("authentication methods", reason);
    return { status: "unavailable", reason, values, unread: userIds, cost: `failed: ${reason}` };
  }
  for (const id of userIds) {
    const answer = answers.answers.get(pathOf(id));
    const page = answer?.status === 200 ? Page.safeParse(answer.body) : undefined;
    if (!page?.success) {
      unread.push(id);
      lastError = `inner status ${answer?.status ?? "missing"}: ${JSON.stringify(answer?.body ?? null).slice(0, 200)}`;
      continue;
    }
    const methods: z.infer<typeof AuthenticationMethod>[] = [];
    for (const [i, raw] of page.data.value.entries()) {
      const parsed = AuthenticationMethod.safeParse(raw);
      if (parsed.success) methods.push(parsed.data);
      else ctx.skip(`authentication method ${i + 1} of ${id}`, parsed.error.issues[0]?.message ?? "invalid");
    }
    const next = page.data["@odata.nextLink"];
    if (next)
      appendAll(
        methods,
        await listAll(
          ctx,
          client,
          endpoints.methods,
          next,
          AuthenticationMethod,
          `authentication method of ${id}`,
        ),
      );
    values.set(id, methods);
  }
  if (unread.length) ctx.gap(`authentication methods of ${unread.length} user(s)`, lastError);
  const { batches, requests, throttled } = answers.stats;
  const cost = `${userIds.length} user(s) in ${batches} $batch request(s) (${requests} inner, ${throttled} throttled and sent again)`;
  return {
    status: values.size || !userIds.length ? "read" : "unavailable",
    ...(values.size || !userIds.length ? {} : { reason: lastError }),
    values,
    unread,
    cost,
  };
}

type RegistrationFact = EntraFactData<typeof entraFactKinds.registration>;

/**
 * The registration fact: from the report when it was read; from each user's methods, 5 users per $batch
 * inside the reports limit, when the tenant has no P1 (unless registrationFallback is none); otherwise
 * the report's status. `endpoint` is where it came from; `fallbackCost` what the fallback cost.
 */
export async function readRegistration(
  ctx: Ctx,
  client: EntraClient,
  report: Read<UserRegistrationDetails[]>,
  enabled: GraphUser[],
): Promise<{ fact: RegistrationFact; endpoint: Endpoint; fallbackCost?: string }> {
  if (report.status === "read")
    return {
      endpoint: endpoints.registration,
      fact: {
        status: "read",
        via: "userRegistrationDetails",
        users: report.data.map((r) => ({
          id: r.id,
          isMfaRegistered: r.isMfaRegistered ?? null,
          isMfaCapable: r.isMfaCapable ?? null,
          isPasswordlessCapable: r.isPasswordlessCapable ?? null,
          isAdmin: r.isAdmin ?? null,
          methodsRegistered: r.methodsRegistered ?? [],
        })),
      },
    };
  if (report.status === "not-licensed" && ctx.settings.registrationFallback !== "none") {
    ctx.progress("authentication methods", 0, enabled.length);
    const r = await methodsByBatch(
      ctx,
      client,
      enabled.map((u) => u.id),
    );
    return {
      endpoint: endpoints.methods,
      fallbackCost: r.cost,
      fact: {
        status: r.status,
        ...(r.reason ? { reason: r.reason } : {}),
        via: "authenticationMethods",
        users: [...r.values].map(([id, methods]) => {
          const names = methodsRegisteredFrom(methods);
          return {
            id,
            isMfaRegistered: names.some(
              (n) => !["email", "temporaryAccessPass", "securityQuestion"].includes(n),
            ),
            isMfaCapable: null,
            isPasswordlessCapable: null,
            isAdmin: null,
            methodsRegistered: names,
          };
        }),
      },
    };
  }
  return {
    endpoint: endpoints.registration,
    fact: {
      status: report.status,
      reason:
        report.status === "not-licensed"
          ? `the registration report needs Entra ID P1 (${report.reason}) and registrationFallback is none, so each user's methods were not read`
          : report.reason,
      via: null,
      users: [],
    },
  };
}

import type { CollectContext } from "../../src/collect/provider.js";
import { describeError, ProviderAuthError, ProviderPermissionError } from "../../src/errors.js";
import { endpoints, type WhatIfAnalysisResult, WhatIfAnswer, type WhatIfRequest } from "./api.js";
import { connect, NotLicensedError } from "./client.js";
import type { EntraSettings } from "./settings.js";

/**
 * Microsoft's own Conditional Access engine, asked through the What If API (`POST
 * /identity/conditionalAccess/evaluate`, v1.0) what applies to one user's sign-in. Knows the request and the
 * answer's shape, nothing about mfasweep's verdicts.
 */

/** One sign-in to ask about. */
export interface WhatIfQuestion {
  userId: string;
  /** The user's Conditional Access guest type (usersignin.md `externalUserType`), when a guest. */
  externalUserType?: string | null;
  /** App ids (applicationContext.includeApplications): What If matches app ids, never app groups. */
  applications: string[];
  clientAppType: WhatIfRequest["signInConditions"]["clientAppType"];
  devicePlatform: WhatIfRequest["signInConditions"]["devicePlatform"];
  ipAddress: string;
  country: string;
}

export type WhatIfOutcome =
  | { userId: string; answered: true; policies: WhatIfAnalysisResult[] }
  /** `stopped`: a refusal that holds for every user (permission, licence, credentials). */
  | { userId: string; answered: false; reason: string; stopped: boolean };

export function whatIfBody(q: WhatIfQuestion): WhatIfRequest {
  return {
    signInIdentity: {
      "@odata.type": "#microsoft.graph.userSignIn",
      userId: q.userId,
      ...(q.externalUserType ? { externalUserType: q.externalUserType } : {}),
    },
    signInContext: {
      "@odata.type": "#microsoft.graph.applicationContext",
      includeApplications: q.applications,
    },
    signInConditions: {
      clientAppType: q.clientAppType,
      devicePlatform: q.devicePlatform,
      ipAddress: q.ipAddress,
      country: q.country,
      signInRiskLevel: "none",
      userRiskLevel: "none",
    },
    // Every policy with its reason, so a disagreement can say why Microsoft left one out.
    appliedPoliciesOnly: false,
  };
}

/**
 * Asks each question in turn through the connection's Conditional Access quota domain (1 request/s per
 * tenant). A refusal that holds for the whole tenant (403 permission or licence, 401) answers every
 * remaining question with the same reason instead of sending more; a throttled or failed request answers
 * only its own question. Never throws for a request that failed.
 */
export async function askWhatIf(
  ctx: CollectContext<EntraSettings>,
  questions: WhatIfQuestion[],
): Promise<WhatIfOutcome[]> {
  const outcomes: WhatIfOutcome[] = [];
  let connection: Awaited<ReturnType<typeof connect>>;
  try {
    connection = await connect(ctx);
  } catch (err) {
    return questions.map((q) => ({
      userId: q.userId,
      answered: false,
      reason: describeError(err),
      stopped: true,
    }));
  }
  const { client } = connection;
  try {
    let stop: string | undefined;
    for (const [i, q] of questions.entries()) {
      if (stop) {
        outcomes.push({ userId: q.userId, answered: false, reason: stop, stopped: true });
        continue;
      }
      ctx.progress("What If", i, questions.length);
      try {
        const raw = await client.post(
          endpoints.whatIf,
          whatIfBody(q),
          `${endpoints.whatIf.label} (user ${q.userId})`,
        );
        const answer = WhatIfAnswer.safeParse(raw);
        if (!answer.success) {
          const issue = answer.error.issues[0];
          outcomes.push({
            userId: q.userId,
            answered: false,
            reason: `${endpoints.whatIf.label}: the answer does not match whatIfAnalysisResult (${issue?.message ?? "invalid"} at ${issue?.path.join(".") ?? "?"})`,
            stopped: false,
          });
        } else if (answer.data["@odata.nextLink"]) {
          // No paging is documented for this action: a partial list must not read as the whole answer.
          outcomes.push({
            userId: q.userId,
            answered: false,
            reason: `${endpoints.whatIf.label}: the answer is paged, which is not documented; not followed`,
            stopped: false,
          });
        } else outcomes.push({ userId: q.userId, answered: true, policies: answer.data.value });
      } catch (err) {
        const reason = describeError(err);
        const whole =
          err instanceof ProviderPermissionError ||
          err instanceof NotLicensedError ||
          err instanceof ProviderAuthError;
        if (whole) stop = reason;
        outcomes.push({ userId: q.userId, answered: false, reason, stopped: whole });
        if (ctx.signal.aborted) stop ??= reason;
      }
    }
    ctx.progress("What If", questions.length, questions.length);
  } finally {
    await client.close();
  }
  return outcomes;
}

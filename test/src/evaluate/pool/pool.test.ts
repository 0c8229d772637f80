import { afterEach, describe, expect, it } from "vitest";
import { policies } from "../../../../policies/index.js";
import {
  EvaluationError,
  EvaluationPool,
  linkAndEvaluate,
  type TenantJob,
} from "../../../../src/evaluate/pool/index.js";
import { emptyInventory, type TenantInventory } from "../../../../src/model/index.js";
import { coverage, now } from "../../queue/fixtures.js";

/**
 * The evaluation threads (#20 item 4) on their own: a tenant's results come back as the main thread would
 * compute them, and a thread that fails, exits or answers nonsense fails that tenant by name, never the
 * pool: the next job runs on a new thread. A failed Google connection yields one `unknown` per policy that
 * judges Google, so every job here has results to compare.
 */
const standIn = new URL("./stand-in-thread.ts", import.meta.url);

function job(id: string, status: "complete" | "failed" = "failed"): TenantJob {
  const inventory: TenantInventory = {
    tenant: { id, name: id, role: "customer" },
    ...emptyInventory(),
    coverage: [coverage("google", status, id)],
  };
  return { inventory, exceptions: [], now };
}

let pool: EvaluationPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("evaluation threads", { timeout: 60_000 }, () => {
  it("return the results the main thread computes for the same job", async () => {
    pool = new EvaluationPool({ threads: 1 });
    const expected = linkAndEvaluate(job("acme"), policies);
    expect(expected.length).toBeGreaterThan(0);
    expect(await pool.evaluate(job("acme"))).toEqual(expected);
  });

  it("run a job the real thread cannot evaluate as that tenant's failure, and serve the next", async () => {
    pool = new EvaluationPool({ threads: 1 });
    const broken = job("broken");
    // Not an inventory any merge yields: reading its coverage throws inside the thread.
    (broken.inventory as { coverage: unknown }).coverage = null;
    expect(() => linkAndEvaluate(broken, policies)).toThrow(TypeError);
    const failed = await pool.evaluate(broken).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(EvaluationError);
    expect(failed).toMatchObject({ tenant: "broken" });
    expect((failed as Error).message).toMatch(/^tenant 'broken' could not be evaluated: internal error: /);
    expect(await pool.evaluate(job("acme"))).toEqual(linkAndEvaluate(job("acme"), policies));
  });

  it.each([
    ["exits", "exits", /^tenant 'exits' could not be evaluated: the evaluation thread exited with code 3$/],
    [
      "uncaught",
      "throws outside a job",
      /^tenant 'uncaught' could not be evaluated: the evaluation thread failed \(.*the thread broke outside any job\)$/,
    ],
    [
      "garbled",
      "answers nonsense",
      /^tenant 'garbled' could not be evaluated: the evaluation thread answered something else than results$/,
    ],
    [
      "not-a-list",
      "answers JSON that is no list",
      /^tenant 'not-a-list' could not be evaluated: the evaluation thread answered something else than results$/,
    ],
  ])("fail tenant %s by name when its thread %s, and replace the thread", async (tenant, _how, message) => {
    pool = new EvaluationPool({ threads: 1, entry: standIn });
    const [broken, next] = await Promise.allSettled([pool.evaluate(job(tenant)), pool.evaluate(job("beta"))]);
    expect(broken.status).toBe("rejected");
    const reason = (broken as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(EvaluationError);
    expect((reason as Error).message).toMatch(message);
    // The job queued behind it ran on a thread started in its place (one thread at most).
    expect(next).toEqual({ status: "fulfilled", value: linkAndEvaluate(job("beta"), policies) });
  });

  it("refuse an inventory that cannot be sent to a thread, and keep the thread", async () => {
    pool = new EvaluationPool({ threads: 1 });
    const odd = job("odd");
    (odd.inventory as unknown as { extra: unknown }).extra = () => "a function";
    await expect(pool.evaluate(odd)).rejects.toThrow(
      /^tenant 'odd' could not be evaluated: its inventory cannot be sent to a thread/,
    );
    expect(await pool.evaluate(job("acme"))).toEqual(linkAndEvaluate(job("acme"), policies));
  });

  it("reject jobs once closed, and jobs still waiting when closed", async () => {
    pool = new EvaluationPool({ threads: 1 });
    const running = pool.evaluate(job("a")).catch((err: unknown) => err);
    const waiting = pool.evaluate(job("b")).catch((err: unknown) => err);
    await pool.close();
    expect(await waiting).toMatchObject({
      message: "tenant 'b' could not be evaluated: the evaluation threads were closed",
    });
    expect(await running).toBeInstanceOf(EvaluationError);
    await expect(pool.evaluate(job("c"))).rejects.toThrow(/the evaluation threads were closed/);
  });
});

import { Worker } from "node:worker_threads";
import { describeError, MfasweepError } from "../../errors.js";
import type { Result } from "../../model/index.js";
import { ThreadReply } from "./protocol.js";
import type { TenantJob } from "./tenant.js";

/** One tenant's link + evaluate could not be done; names the tenant. Nothing of it is reconciled. */
export class EvaluationError extends MfasweepError {
  override name = "EvaluationError";
  constructor(
    readonly tenant: string,
    reason: string,
  ) {
    super(`tenant '${tenant}' could not be evaluated: ${reason}`);
  }
}

/** Links and evaluates one tenant somewhere (a worker thread), while the caller's thread goes on collecting. */
export interface Evaluator {
  evaluate(job: TenantJob): Promise<Result[]>;
  close(): Promise<void>;
}

interface Task {
  job: TenantJob;
  resolve: (results: Result[]) => void;
  reject: (err: EvaluationError) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

export interface EvaluationPoolOptions {
  threads: number;
  /** The thread's entry module (default ./thread); tests start stand-ins that throw or exit. */
  entry?: URL;
}

/**
 * Worker threads that link and evaluate tenants (#20 item 4): CPU-heavy and pure, so one tenant's
 * evaluation no longer stalls the collection of the others. The store stays with the caller. A job runs
 * on one thread at a time; jobs wait in order for a free thread, so how many tenants are held at once is
 * the caller's bound (the sweep's tenants in flight), not the pool's. Threads start when first needed.
 * A thread that fails or exits fails its tenant with the reason and is replaced for the next job.
 */
export class EvaluationPool implements Evaluator {
  readonly #threads: number;
  readonly #entry: URL;
  readonly #slots = new Set<Slot>();
  readonly #waiting: Task[] = [];
  #closed = false;

  constructor(options: EvaluationPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new RangeError(`an evaluation pool needs at least one thread (got ${options.threads})`);
    this.#threads = options.threads;
    this.#entry = options.entry ?? threadEntry();
  }

  evaluate(job: TenantJob): Promise<Result[]> {
    const tenant = job.inventory.tenant.id;
    if (this.#closed)
      return Promise.reject(new EvaluationError(tenant, "the evaluation threads were closed"));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ job, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#waiting.splice(0))
      task.reject(new EvaluationError(task.job.inventory.tenant.id, "the evaluation threads were closed"));
    await Promise.all([...this.#slots].map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      const slot = [...this.#slots].find((s) => !s.task) ?? this.#start();
      if (!slot) return;
      const task = this.#waiting.shift() as Task;
      slot.task = task;
      slot.worker.ref();
      try {
        slot.worker.postMessage(task.job);
      } catch (err) {
        // Not cloneable (a function or class instance in the inventory): this tenant fails, the thread stays.
        this.#settle(slot, (t) =>
          t.reject(failure(t, `its inventory cannot be sent to a thread (${describeError(err)})`)),
        );
      }
    }
  }

  #start(): Slot | undefined {
    if (this.#slots.size >= this.#threads) return undefined;
    const worker = startThread(this.#entry);
    const slot: Slot = { worker };
    this.#slots.add(slot);
    worker.on("message", (message: unknown) => {
      const reply = ThreadReply.safeParse(message);
      const results = reply.success && reply.data.ok ? parseResults(reply.data.results) : undefined;
      this.#settle(slot, (task) => {
        if (results) task.resolve(results);
        else if (reply.success && !reply.data.ok) task.reject(failure(task, reply.data.error));
        else task.reject(failure(task, "the evaluation thread answered something else than results"));
      });
    });
    worker.on("messageerror", (err) =>
      this.#settle(slot, (task) =>
        task.reject(failure(task, `its results could not be received (${describeError(err)})`)),
      ),
    );
    // An uncaught error ends the thread ('exit' follows): its tenant fails with that error, not the exit code.
    worker.on("error", (err) => this.#lose(slot, `the evaluation thread failed (${describeError(err)})`));
    worker.on("exit", (code) => this.#lose(slot, `the evaluation thread exited with code ${code}`));
    return slot;
  }

  /** Ends the slot's task and frees the slot for the next job. */
  #settle(slot: Slot, end: (task: Task) => void): void {
    const task = slot.task;
    slot.task = undefined;
    // An idle thread does not keep the process alive (a caller that forgets close() still exits).
    slot.worker.unref();
    if (task) end(task);
    this.#dispatch();
  }

  /** The thread is gone: its tenant fails with the reason, and a new thread takes the next job. */
  #lose(slot: Slot, reason: string): void {
    if (!this.#slots.delete(slot)) return;
    const task = slot.task;
    slot.task = undefined;
    if (task) task.reject(failure(task, reason));
    if (!this.#closed) this.#dispatch();
  }
}

/** The thread's JSON text of results (our own serialisation), or undefined if it is not a list. */
function parseResults(text: string): Result[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as Result[]) : undefined;
  } catch {
    return undefined;
  }
}

function failure(task: Task, reason: string): EvaluationError {
  return new EvaluationError(task.job.inventory.tenant.id, reason);
}

/** thread.js beside this module when built; thread.ts when run from source (tsx, vitest). */
function threadEntry(): URL {
  const fromSource = import.meta.url.endsWith(".ts");
  return new URL(fromSource ? "./thread.ts" : "./thread.js", import.meta.url);
}

function startThread(entry: URL): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry);
  return new Worker(new URL("./source-thread.mjs", import.meta.url), { workerData: { entry: entry.href } });
}

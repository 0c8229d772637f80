import { parentPort } from "node:worker_threads";
import { policies } from "../../../../policies/index.js";
import type { TenantJob } from "../../../../src/evaluate/pool/index.js";
import { linkAndEvaluate } from "../../../../src/evaluate/pool/index.js";

// An evaluation thread that misbehaves for chosen tenants (pool.test.ts, sweep.test.ts) and evaluates the
// others as the real one does. The tenant's name says how it breaks.
const port = parentPort;
if (!port) throw new Error("start me as a worker thread");
port.on("message", (job: TenantJob) => {
  switch (job.inventory.tenant.name) {
    case "exits":
      process.exit(3);
      break;
    case "uncaught":
      throw new Error("the thread broke outside any job");
    case "garbled":
      port.postMessage({ results: "not a list" });
      return;
    case "not-a-list":
      port.postMessage({ ok: true, results: '{"results":[]}' });
      return;
    default:
      port.postMessage({ ok: true, results: JSON.stringify(linkAndEvaluate(job, policies)) });
  }
});

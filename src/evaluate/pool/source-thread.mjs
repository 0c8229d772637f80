// Only when mfasweep runs from its TypeScript source (tsx, vitest): a worker thread does not inherit the
// parent's TypeScript loader, and `--import tsx` in a worker's execArgv does not reach its entry on Node 20,
// so the thread registers tsx itself, then loads the entry (workerData.entry, a .ts URL). The built package
// starts thread.js directly and never loads this file.
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.entry);

export { QueueCollector, type QueueCollectorOptions } from "./central.js";
export {
  CollectJob,
  DistributeError,
  defaultMaxResultBytes,
  defaultPrefix,
  jobId,
  queueName,
  queueUrl,
  siteOf,
} from "./jobs.js";
export { differingSettings, JobRefusedError, localConnection, maskSecrets } from "./trust.js";
export {
  checkQueue,
  dropQueuePrefix,
  listWorkers,
  type RunningWorker,
  startWorker,
  type WorkerInfo,
  type WorkerOptions,
} from "./worker.js";

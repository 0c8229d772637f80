import { policies } from "../../../policies/index.js";
import { serveJobs } from "./protocol.js";
import { linkAndEvaluate } from "./tenant.js";

// The entry of an evaluation thread (pool.ts starts it). The registries are the modules the main thread
// loads too, so a thread judges with the same policies and linkers; a tenant's options arrive as data.
serveJobs((job) => linkAndEvaluate(job, policies));

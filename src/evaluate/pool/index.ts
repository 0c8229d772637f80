export { EvaluationError, EvaluationPool, type Evaluator } from "./pool.js";
export { linkAndEvaluate, type TenantJob } from "./tenant.js";

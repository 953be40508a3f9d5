// The estimate command (Node side): worker threads for replications, and `check`'s sequential probability test.
export { checkProbabilities, type ProbabilityRow } from './check.js';
export { estimateCommand } from './command.js';
export { type PoolRequest, runReplications } from './pool.js';

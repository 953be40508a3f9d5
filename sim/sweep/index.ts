// The pure half of sweeps: the plan (parameters × seeds), shards, parameter paths and values, per-run records, the
// aggregate over runs, and the results header. Runs in Node and in the browser; worker threads and files are in
// sim/cli/sweep.
export {
  type Gathered,
  gather,
  type MetricCell,
  type MetricSummary,
  type SweepSummary,
  summarizeSweep,
  toJson,
  type Unit,
} from './aggregate.js';
export { EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, parseIntFlag, UserError } from './errors.js';
export {
  describeDifference,
  headerProblem,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type SweepHeader,
  type SweepIdentity,
  shardText,
} from './header.js';
export {
  type Combination,
  combinations,
  formatValue,
  type ParamValue,
  type PathSegment,
  parseSets,
  type SetSpec,
} from './params.js';
export { inShard, makePlan, type RunTask, type Shard, type SweepPlan, shardRuns, taskOf } from './plan.js';
export { errorRecordOf, type RunRecord, recordOf } from './record.js';
export { type ResolvedShard, resolveShard } from './shard.js';
export { closest } from './suggest.js';

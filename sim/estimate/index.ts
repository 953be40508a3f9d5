/**
 * Rare-event estimation (`fabricsim estimate`): the probability that an event happens within a run, by crude
 * Monte Carlo or by fixed-effort importance splitting, with confidence intervals, and a sequential test for
 * `probability` expectations. Pure and browser-safe: the command line adds files and worker threads.
 */
export { kOfNHitProbability, kOfNUnavailability } from './analytic.js';
export { type Arg, type CompareOp, type Expr, ExprError, parseExpr } from './expr.js';
export { type Compiled, compileEvent, compileImportance, FUNCTIONS } from './functions.js';
export { deriveLevels, type Levels, namedLevels } from './importance.js';
export { DEFAULT_EFFORT, type EstimateOptions, prepareEstimate } from './prepare.js';
export { type EstimateKey, type EstimateReport, type Method, reportOf } from './report.js';
export {
  decideProbability,
  estimateSequentially,
  type ProbabilityDecision,
  type SequentialOptions,
} from './sequential.js';
export { type EstimateSetup, type ReplicationResult, runReplication } from './splitting.js';
export {
  type Interval,
  meanInterval,
  normalQuantile,
  ruleOfThree,
  splittingInterval,
  tQuantile,
  wilsonInterval,
} from './stats.js';

/**
 * Exploring the fault space and shrinking failures (issue 13): checked runs with invariants and coverage, failure
 * fingerprints, the shrinker, fault-schedule strategies and scenario emission. Pure and browser-safe: no Node
 * imports; the command line (sim/cli/explore/) adds files, workers and progress.
 */
export {
  type CheckedRun,
  type CheckOptions,
  INVARIANTS,
  type InvariantViolation,
  readyOnDeadNodes,
  runChecked,
} from './check.js';
export {
  addMerged,
  type Coverage,
  type CoverageSection,
  coverageOfSummary,
  coverageSections,
  formatCoverage,
  INSTANCE_STATES,
  judgeSometimes,
  LADDER,
  type MergedCoverage,
  mergeCoverage,
  NODE_STATES,
  type SometimesResult,
} from './coverage.js';
export { compactTopology, emitScenario, type HeaderInfo, shrunkHeader } from './emit.js';
export { type Failure, failuresOf } from './fingerprint.js';
export { type ExploreOutcome, exploreOutcome, type FoundFailure } from './result.js';
export {
  type Evaluation,
  evaluateFile,
  NothingToShrink,
  type ShrinkOptions,
  type ShrinkResult,
  scenarioSize,
  shrinkScenario,
} from './shrink.js';
export {
  type ExploreConfig,
  ExploreConfigError,
  exploreConfig,
  type FaultSpace,
  STRATEGIES,
  type Strategy,
} from './space.js';
export {
  type DrawnFault,
  type ExploreContext,
  exploreRun,
  LaneState,
  laneRuns,
  type RunRecord,
  scenarioWith,
  scheduleFor,
} from './strategy.js';
export { roundings, UNITS, unitOf } from './time-grid.js';

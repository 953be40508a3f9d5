/**
 * fabricsim's public surface: load a scenario, run it, read the results. Runs unchanged in Node and in the browser.
 *
 *   const scenario = loadScenario(text, { fileName: 'node-crash.yaml' });
 *   const { summary, timeline } = runScenario(scenario, { seed: 7 });
 */

export { type CheckableRun, type CheckResult, checkRun, ExpectationInputError } from './check/index.js';
export { DurationError, formatDuration, parseDuration } from './engine/index.js';
export {
  type ChunkSink,
  EXPORT_FORMATS,
  ExportError,
  type ExportFormat,
  exportFileName,
  exportTimeline,
} from './export/index.js';
export type { Detector, ExpectationResult, FaultResult, RoleResult, RunSummary } from './metrics/index.js';
export { BUILT_IN_POLICIES, isModulePath, type PluginModules, POLICY_PATHS, PolicyError } from './model/index.js';
export { createSimulation, type RunOptions } from './run.js';
export { loadScenario, type RunResult, runScenario, type Scenario } from './runner/index.js';
export type { ExpectationFile, LoadOptions, ScenarioFile } from './scenario/index.js';
export { assertExpectations, ExpectationFailure, ScenarioError } from './scenario/index.js';
export type {
  FailureDetector,
  HeartbeatView,
  PlacementNode,
  PlacementPolicy,
  PlacementRequest,
  PolicyChoice,
  PolicyChoices,
  PolicyEnv,
  PolicyFactory,
  PolicyParams,
  PolicyPoint,
  TrafficKind,
  UpgradeWalk,
  WalkView,
  World,
} from './spec/index.js';
export {
  readTimeline,
  TIMELINE_FILE_VERSION,
  type Timeline,
  TimelineError,
  type TimelineEvent,
  TOPICS,
  writeTimeline,
} from './trace/index.js';
export { VERSION } from './version.js';
export { explainWall, type WallKind, type WallQuery, type WallRule, type WallTable } from './walls/index.js';

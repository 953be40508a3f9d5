/**
 * fabricsim's public surface: load a scenario, run it, read the results. Runs unchanged in Node and in the browser.
 *
 *   const scenario = loadScenario(text, { fileName: 'node-crash.yaml' });
 *   const { summary, timeline } = runScenario(scenario, { seed: 7 });
 */
import type { RunSummary } from './metrics/index.js';
import type { PluginModules } from './model/index.js';
import { type RunOptions, runResolved } from './run.js';
import type { ScenarioFile } from './scenario/index.js';
import { type LoadOptions, parseScenario, resolveScenario, ScenarioIssue } from './scenario/index.js';
import type { ResolvedScenario } from './spec/index.js';
import type { Timeline } from './trace/index.js';

export interface Scenario {
  readonly name: string;
  readonly fileName: string;
  /** Default seed (from the file, else 1). */
  readonly seed: number;
  readonly durationUs: number;
  /** Hash of the merged, validated file. */
  readonly hash: string;
  readonly file: ScenarioFile;
  readonly resolved: ResolvedScenario;
  /** Plug-in modules loaded for this scenario (the command line sets them; `runScenario`'s `plugins` come first). */
  readonly plugins?: PluginModules;
}

function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  return last.replace(/\.(ya?ml|json)$/i, '');
}

/**
 * Parses, validates and resolves a scenario. Throws `ScenarioError` — one line: file, line, column, path, what was
 * expected and what was found — on any mistake, including references to nodes, racks or roles that do not exist.
 */
export function loadScenario(text: string, opts: LoadOptions = {}): Scenario {
  const parsed = parseScenario(text, opts);
  let resolved: ResolvedScenario;
  try {
    resolved = resolveScenario(parsed.file, baseName(parsed.fileName));
  } catch (e) {
    if (e instanceof ScenarioIssue) throw parsed.error(e);
    throw e;
  }
  return {
    name: resolved.name,
    fileName: parsed.fileName,
    seed: resolved.seed,
    durationUs: resolved.durationUs,
    hash: parsed.hash,
    file: parsed.file,
    resolved,
  };
}

export interface RunResult {
  readonly summary: RunSummary;
  /** The timeline, or null when `record: false`. */
  readonly timeline: Timeline | null;
  /** The scenario that ran (so that the run can be checked further: `checkRun`, `fabricsim/vitest`). */
  readonly scenario: Scenario;
}

/** Runs a loaded scenario. Same scenario and seed ⇒ the same trace hash, with recording on or off, anywhere. */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): RunResult {
  const plugins = opts.plugins ?? scenario.plugins;
  const { summary, timeline } = runResolved(scenario.resolved, plugins === undefined ? opts : { ...opts, plugins });
  return { summary, timeline, scenario };
}

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

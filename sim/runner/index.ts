/**
 * Loading and running a scenario: what the command line's `run`, `check` and `validate` and each sweep worker need,
 * without the rest of the public surface (`sim/index.ts` re-exports all of it). Importing this does not load the
 * exporters (protobufjs among them: about 10 MB and 30 ms at start-up).
 */
import type { RunSummary } from '../metrics/index.js';
import type { PluginModules } from '../model/index.js';
import { type RunOptions, runResolved } from '../run.js';
import type { ScenarioFile } from '../scenario/index.js';
import { type LoadOptions, parseScenario, resolveScenario, ScenarioIssue } from '../scenario/index.js';
import type { ResolvedScenario } from '../spec/index.js';
import type { Timeline } from '../trace/index.js';

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

export { VERSION } from '../version.js';

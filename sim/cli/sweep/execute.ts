/**
 * Doing one run: what a worker thread (or the main thread, in-process) does with a task. Each combination's
 * scenario is loaded once per thread, on first use, from the texts the main thread prepared.
 */

import type { ResolvedScenario } from '../../spec/index.js';
import type { ParamValue, RunTask } from '../../sweep/index.js';
import { errorRecordOf, recordOf, UserError } from '../../sweep/index.js';
import { CliError } from '../errors.js';
import { loadPluginModules, pluginFiles } from '../plugins.js';
import type { Runner } from './runner.js';
import { type ExtendsFile, recordedExtendsReader } from './scenario-source.js';

/** Everything a worker needs, sent once as `workerData` (structured-clonable). */
export interface WorkerInit {
  readonly runnerUrl: string;
  readonly combos: readonly {
    readonly text: string;
    readonly fileName: string;
    readonly params: Readonly<Record<string, ParamValue>>;
  }[];
  readonly extendsFiles: readonly ExtendsFile[];
  /** The folder the scenario's file name is relative to (policy modules are found beside the scenario). */
  readonly cwd?: string;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly run: number; readonly line: string };

/**
 * Imports the policy modules each combination's scenario names (docs/policies.md), by combination index. A module
 * that does not load is a UserError (one line, exit 2) before any run; a scenario that does not load is left to its
 * runs, which record the error.
 */
export async function loadComboPlugins(
  init: WorkerInit,
  runner: Runner,
): Promise<Map<number, Record<string, unknown>>> {
  const readExtends = recordedExtendsReader(init.extendsFiles);
  const out = new Map<number, Record<string, unknown>>();
  for (let i = 0; i < init.combos.length; i++) {
    const combo = init.combos[i]!;
    let resolved: ResolvedScenario | undefined;
    try {
      resolved = (
        runner.loadScenario(combo.text, { fileName: combo.fileName, readExtends }) as { resolved?: ResolvedScenario }
      ).resolved;
    } catch {
      continue;
    }
    if (resolved === undefined) continue;
    const sc = { fileName: combo.fileName, resolved };
    if (pluginFiles(sc, init.cwd).size === 0) continue;
    try {
      out.set(i, await loadPluginModules(sc, init.cwd));
    } catch (e) {
      if (e instanceof CliError) throw new UserError(e.message);
      throw e;
    }
  }
  return out;
}

/** A function from task to its results line (JSON, no newline). Never throws for a failing run: it records it. */
export function makeExecutor(
  init: WorkerInit,
  runner: Runner,
  plugins: ReadonlyMap<number, Record<string, unknown>> = new Map(),
): (task: RunTask) => string {
  const readExtends = recordedExtendsReader(init.extendsFiles);
  const loaded = new Map<number, unknown>();
  return (task) => {
    const combo = init.combos[task.combo];
    if (combo === undefined) throw new Error(`no combination ${task.combo}`);
    try {
      let scenario = loaded.get(task.combo);
      if (scenario === undefined) {
        scenario = runner.loadScenario(combo.text, { fileName: combo.fileName, readExtends });
        loaded.set(task.combo, scenario);
      }
      const mods = plugins.get(task.combo);
      const { summary } = runner.runScenario(scenario, {
        seed: task.seed,
        record: false,
        // Every seed of a combination starts from the same built world: build it once per thread.
        reuseWorld: true,
        ...(mods === undefined ? {} : { plugins: mods }),
      });
      return JSON.stringify(recordOf(task, combo.params, summary));
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return JSON.stringify(errorRecordOf(task, combo.params, message));
    }
  };
}

/**
 * Doing one run: what a worker thread (or the main thread, in-process) does with a task. Each combination's
 * scenario is loaded once per thread, on first use, from the texts the main thread prepared.
 */
import type { ParamValue, RunTask } from '../../sweep/index.js';
import { errorRecordOf, recordOf } from '../../sweep/index.js';
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
}

/** Messages from a worker. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly run: number; readonly line: string };

/** A function from task to its results line (JSON, no newline). Never throws for a failing run: it records it. */
export function makeExecutor(init: WorkerInit, runner: Runner): (task: RunTask) => string {
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
      const { summary } = runner.runScenario(scenario, { seed: task.seed, record: false });
      return JSON.stringify(recordOf(task, combo.params, summary));
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return JSON.stringify(errorRecordOf(task, combo.params, message));
    }
  };
}

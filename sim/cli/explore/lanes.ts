/**
 * Running an exploration's lanes: on worker threads (one lane per thread at a time, the next lane handed out as each
 * finishes) or on this thread. Each fresh run's record comes back as a JSON line the moment it is done, so the
 * caller can append it to the results file; an interrupted or killed exploration loses at most the runs in flight.
 *
 * Interruption: the first request lets each thread finish its current run and stop; a second terminates them.
 * A wall-clock deadline (`--time`) stops each lane before its next run.
 */
import { Worker } from 'node:worker_threads';
import { type ExploreContext, exploreConfig, laneRuns, type RunRecord } from '../../explore/index.js';
import type { ScenarioFile } from '../../scenario/index.js';
import { resolveScenario } from '../../scenario/index.js';
import { loadPluginModules, pluginFiles } from '../plugins.js';
import type { Interrupt, WorkerSpec } from '../sweep/index.js';

/** Everything a thread needs to run lanes (structured-clonable). */
export interface LanesInit {
  /** The merged, validated scenario file, with its `explore:` section. */
  readonly file: ScenarioFile;
  readonly name: string;
  readonly runSeed: number;
  readonly exploreSeed: number;
  /** Runs below this index (lanes stop at it). */
  readonly total: number;
  /** Epoch ms after which no new run starts, or null. */
  readonly deadline: number | null;
  /** The scenario's file and the folder it is relative to: its policy modules are loaded from beside it. */
  readonly fileName?: string;
  readonly cwd?: string;
}

export type LaneMessage =
  | { readonly type: 'lane'; readonly lane: number; readonly done: readonly RunRecord[] }
  | { readonly type: 'stop' };

export type LaneReply =
  | { readonly type: 'ready' }
  | { readonly type: 'record'; readonly line: string }
  | { readonly type: 'lane-done'; readonly lane: number };

/**
 * The exploration context from the init data (the explore config holds functions and modules cannot be sent, so
 * each thread builds its own and imports the scenario's policy modules itself).
 */
export async function contextOf(init: LanesInit): Promise<ExploreContext> {
  const sc = resolveScenario(init.file, init.name);
  const base = { ...init.file } as ScenarioFile & { explore?: unknown };
  delete base.explore;
  const scenario = { fileName: init.fileName ?? '', resolved: sc };
  const plugins =
    init.fileName !== undefined && pluginFiles(scenario, init.cwd).size > 0
      ? await loadPluginModules(scenario, init.cwd)
      : undefined;
  return {
    base,
    name: init.name,
    runSeed: init.runSeed,
    exploreSeed: init.exploreSeed,
    config: exploreConfig(init.file, sc),
    ...(plugins === undefined ? {} : { plugins }),
  };
}

/**
 * Runs one lane, yielding to the event loop between runs (so that stop messages and signals get through). Calls
 * `onRecord` with each fresh run's JSON line. Returns false if it stopped early (stop requested or deadline).
 */
export async function runLane(
  ctx: ExploreContext,
  init: LanesInit,
  lane: number,
  done: ReadonlyMap<number, RunRecord>,
  onRecord: (line: string) => void,
  stopped: () => boolean,
): Promise<boolean> {
  const it = laneRuns(ctx, lane, init.total, done);
  for (;;) {
    // Before each new run: a stop request or the deadline ends the lane (recorded runs replay regardless).
    let next: number | null = null;
    for (let r = lane; r < init.total; r += ctx.config.lanes) {
      if (!done.has(r)) {
        next = r;
        break;
      }
    }
    if (next !== null && (stopped() || (init.deadline !== null && Date.now() >= init.deadline))) return false;
    const step = it.next();
    if (step.done) return true;
    if (step.value.fresh) {
      onRecord(JSON.stringify(step.value.record));
      (done as Map<number, RunRecord>).set(step.value.record.run, step.value.record);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

export interface LanesOptions {
  readonly init: LanesInit;
  readonly lanes: readonly number[];
  /** Records already done, by run index (resume). */
  readonly done: ReadonlyMap<number, RunRecord>;
  readonly workers: number;
  readonly worker: WorkerSpec | 'inProcess';
  readonly interrupt: Interrupt;
  readonly onRecord: (line: string) => void;
}

/** Runs the lanes; resolves with whether it was interrupted. */
export async function runLanes(opts: LanesOptions): Promise<{ interrupted: boolean }> {
  if (opts.worker === 'inProcess') {
    const ctx = await contextOf(opts.init);
    const done = new Map(opts.done);
    for (const lane of opts.lanes) {
      await runLane(ctx, opts.init, lane, done, opts.onRecord, () => opts.interrupt.level > 0);
      if (opts.interrupt.level > 0) return { interrupted: true };
    }
    return { interrupted: false };
  }
  return runThreads(opts, opts.worker);
}

function doneOfLane(done: ReadonlyMap<number, RunRecord>, lane: number, lanes: number): RunRecord[] {
  return [...done.values()].filter((r) => r.run % lanes === lane);
}

function runThreads(opts: LanesOptions, spec: WorkerSpec): Promise<{ interrupted: boolean }> {
  const lanesCount = exploreConfig(opts.init.file, resolveScenario(opts.init.file, opts.init.name)).lanes;
  return new Promise((resolve, reject) => {
    const queue = [...opts.lanes];
    const live = new Set<Worker>();
    const busy = new Map<Worker, number | null>();
    let settled = false;
    const finish = (err: unknown, interrupted: boolean): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      void Promise.allSettled([...live].map((w) => w.terminate())).then(() =>
        err === null ? resolve({ interrupted }) : reject(err),
      );
    };
    const maybeDone = (): void => {
      const anyBusy = [...busy.values()].some((l) => l !== null);
      if (!anyBusy && (queue.length === 0 || opts.interrupt.level > 0)) finish(null, opts.interrupt.level > 0);
    };
    const dispatch = (w: Worker): void => {
      const lane = opts.interrupt.level > 0 ? undefined : queue.shift();
      if (lane === undefined) {
        busy.set(w, null);
        maybeDone();
        return;
      }
      busy.set(w, lane);
      w.postMessage({
        type: 'lane',
        lane,
        done: doneOfLane(opts.done, lane, lanesCount),
      } satisfies LaneMessage);
    };
    const count = Math.max(1, Math.min(opts.workers, queue.length));
    if (queue.length === 0) {
      finish(null, false);
      return;
    }
    for (let i = 0; i < count; i++) {
      const w = new Worker(spec.url, {
        workerData: opts.init,
        execArgv: spec.execArgv === undefined ? undefined : [...spec.execArgv],
        stdout: false,
        stderr: false,
      });
      live.add(w);
      w.on('message', (msg: LaneReply) => {
        if (settled) return;
        if (msg.type === 'ready' || msg.type === 'lane-done') {
          dispatch(w);
          return;
        }
        try {
          opts.onRecord(msg.line);
        } catch (err) {
          finish(err, false);
        }
      });
      w.on('error', (err) => finish(new Error(`explore worker failed: ${err.message}`), false));
      w.on('exit', (code) => {
        live.delete(w);
        if (!settled && code !== 0) finish(new Error(`explore worker exited with code ${code}`), false);
      });
    }
    const unsubscribe = opts.interrupt.onRequest((level) => {
      if (settled) return;
      if (level === 1) {
        for (const w of live) w.postMessage({ type: 'stop' } satisfies LaneMessage);
        maybeDone();
      } else finish(null, true);
    });
  });
}

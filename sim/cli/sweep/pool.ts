/**
 * Runs tasks on a pool of worker threads, one task per worker at a time, handing out the next task in run order
 * as each finishes (so results arrive in whatever order the runs finish; callers key them by run index).
 *
 * Interruption: the first request stops handing out tasks and lets the in-flight runs finish; a second one
 * abandons them (the workers are terminated; the abandoned runs were not written, so a resume does them again).
 */
import { Worker } from 'node:worker_threads';
import type { RunTask } from '../../sweep/index.js';
import { makeExecutor, type WorkerInit, type WorkerMessage } from './execute.js';
import type { Runner } from './runner.js';

/** Interrupt requests (SIGINT): `level` 1 = finish in-flight runs then stop, 2 = stop now. */
export class Interrupt {
  level = 0;
  private readonly listeners: ((level: number) => void)[] = [];

  request(): void {
    this.level++;
    for (const fn of [...this.listeners]) fn(this.level);
  }

  onRequest(fn: (level: number) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}

/** How to start a worker: the compiled worker module by default; tests pass the .ts one with a loader. */
export interface WorkerSpec {
  readonly url: URL;
  readonly execArgv?: readonly string[];
}

export interface PoolOptions {
  readonly tasks: readonly RunTask[];
  readonly workers: number;
  readonly init: WorkerInit;
  /** Worker threads to start; or `inProcess` with a runner to run on this thread (tests, debugging). */
  readonly worker: WorkerSpec | { readonly inProcess: Runner };
  readonly interrupt: Interrupt;
  /** Called once per finished run, in completion order. May throw (e.g. a full disk): the pool then stops. */
  readonly onResult: (task: RunTask, line: string) => void;
  /** Called when the first interrupt arrives, with the number of runs in flight. */
  readonly onDraining?: (inFlight: number) => void;
}

export interface PoolOutcome {
  readonly finished: number;
  /** Runs that were in flight when a second interrupt abandoned them. */
  readonly abandoned: number;
  readonly interrupted: boolean;
}

export function runPool(opts: PoolOptions): Promise<PoolOutcome> {
  if ('inProcess' in opts.worker) return runInProcess(opts, opts.worker.inProcess);
  return runThreads(opts, opts.worker);
}

async function runInProcess(opts: PoolOptions, runner: Runner): Promise<PoolOutcome> {
  const execute = makeExecutor(opts.init, runner);
  let finished = 0;
  let drainingSaid = false;
  for (const task of opts.tasks) {
    // Yield between runs so that interrupts (signals, timers) get through.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.interrupt.level > 0) {
      if (!drainingSaid) opts.onDraining?.(0);
      drainingSaid = true;
      return { finished, abandoned: 0, interrupted: true };
    }
    opts.onResult(task, execute(task));
    finished++;
  }
  return { finished, abandoned: 0, interrupted: opts.interrupt.level > 0 };
}

function runThreads(opts: PoolOptions, spec: WorkerSpec): Promise<PoolOutcome> {
  return new Promise<PoolOutcome>((resolve, reject) => {
    const queue = opts.tasks;
    let next = 0;
    let finished = 0;
    let settled = false;
    const inFlight = new Map<Worker, RunTask | null>();
    const live = new Set<Worker>();

    const finish = (err: unknown, outcome?: PoolOutcome): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      const stops = [...live].map((w) => w.terminate());
      void Promise.allSettled(stops).then(() => (err === null ? resolve(outcome!) : reject(err)));
    };

    const maybeDone = (): void => {
      const busy = [...inFlight.values()].some((t) => t !== null);
      const draining = opts.interrupt.level > 0;
      if (!busy && (draining || next >= queue.length)) {
        finish(null, { finished, abandoned: 0, interrupted: draining });
      }
    };

    const dispatch = (w: Worker): void => {
      if (opts.interrupt.level > 0 || next >= queue.length) {
        inFlight.set(w, null);
        maybeDone();
        return;
      }
      const task = queue[next++]!;
      inFlight.set(w, task);
      w.postMessage(task);
    };

    const start = (): void => {
      const w = new Worker(spec.url, {
        workerData: opts.init,
        execArgv: spec.execArgv === undefined ? undefined : [...spec.execArgv],
        stdout: false,
        stderr: false,
      });
      live.add(w);
      w.on('message', (msg: WorkerMessage) => {
        if (settled) return;
        if (msg.type === 'ready') {
          dispatch(w);
          return;
        }
        const task = inFlight.get(w);
        if (task == null || task.run !== msg.run) {
          finish(new Error(`sweep worker answered run ${msg.run}, expected ${task?.run ?? 'none'}`));
          return;
        }
        try {
          opts.onResult(task, msg.line);
        } catch (err) {
          finish(err);
          return;
        }
        finished++;
        dispatch(w);
      });
      w.on('error', (err) => {
        if (settled) return;
        const task = inFlight.get(w);
        // A worker that dies before it is ready cannot run anything: the runner itself fails to load.
        finish(task == null ? err : new Error(`sweep worker died during run ${task.run}: ${err.message}`));
      });
      w.on('exit', (code) => {
        live.delete(w);
        if (!settled && code !== 0) finish(new Error(`sweep worker exited with code ${code}`));
      });
    };

    const unsubscribe = opts.interrupt.onRequest((level) => {
      if (settled) return;
      if (level === 1) {
        const busy = [...inFlight.values()].filter((t) => t !== null).length;
        opts.onDraining?.(busy);
        maybeDone();
      } else {
        const abandoned = [...inFlight.values()].filter((t) => t !== null).length;
        finish(null, { finished, abandoned, interrupted: true });
      }
    });

    const count = Math.max(1, Math.min(opts.workers, queue.length));
    if (queue.length === 0) {
      finish(null, { finished: 0, abandoned: 0, interrupted: opts.interrupt.level > 0 });
      return;
    }
    for (let i = 0; i < count; i++) start();
  });
}

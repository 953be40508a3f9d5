/**
 * Runs the replications of an estimate on this thread or on worker threads. Each worker loads the scenario and
 * prepares the estimate once, then runs the replication indices it is handed, one at a time. A replication depends
 * only on (scenario, options, index), so the results are the same whatever the number of workers.
 *
 * (The sweep's pool, sim/cli/sweep/pool.ts, hands out sweep runs and writes sweep records; an estimate's unit of
 * work and result differ, so it has this small pool of its own with the same hand-out-as-each-finishes policy.)
 */
import { Worker } from 'node:worker_threads';
import { type EstimateOptions, prepareEstimate, type ReplicationResult, runReplication } from '../../estimate/index.js';
import { withPlugins } from '../plugins.js';
import { loadScenarioFile } from '../scenario.js';

export interface PoolRequest {
  readonly fileName: string;
  readonly options: EstimateOptions;
  readonly workers: number;
  /** The replications to run; null: 0, 1, 2 … until `enough` says stop. */
  readonly indices: readonly number[] | null;
  /** Given the results 0 … r in order, a reason to stop, or null to go on. */
  readonly enough?: (prefix: readonly ReplicationResult[]) => string | null;
}

export type WorkerReply = { readonly r: number; readonly result: ReplicationResult } | { readonly error: string };

export async function runReplications(req: PoolRequest): Promise<ReplicationResult[]> {
  if (req.workers <= 1) return runHere(req);
  return runOnWorkers(req);
}

async function runHere(req: PoolRequest): Promise<ReplicationResult[]> {
  const scenario = await withPlugins(loadScenarioFile(req.fileName));
  const { setup } = prepareEstimate(scenario.resolved, req.options, scenario.plugins);
  if (req.indices !== null) return req.indices.map((r) => runReplication(setup, r));
  const out: ReplicationResult[] = [];
  for (let r = 0; ; r++) {
    out.push(runReplication(setup, r));
    if (req.enough?.(out) != null) return out;
  }
}

function runOnWorkers(req: PoolRequest): Promise<ReplicationResult[]> {
  const url = new URL('./worker.js', import.meta.url);
  const done = new Map<number, ReplicationResult>();
  const ordered: ReplicationResult[] = [];
  let next = 0;
  let stopAt = req.indices === null ? Number.POSITIVE_INFINITY : req.indices.length;
  const indexAt = (i: number): number => (req.indices === null ? i : req.indices[i]!);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let busy = 0;
    let failed = false;
    const finish = (): void => {
      for (const w of pool) void w.terminate();
      resolve(req.indices === null ? ordered : req.indices.map((r) => done.get(r)!));
    };
    const feed = (w: Worker): void => {
      if (next >= stopAt) {
        if (busy === 0) finish();
        return;
      }
      busy++;
      w.postMessage(indexAt(next++));
    };
    for (let k = 0; k < req.workers; k++) {
      const w = new Worker(url, { workerData: { fileName: req.fileName, options: req.options } });
      pool.push(w);
      w.on('message', (msg: WorkerReply) => {
        busy--;
        if ('error' in msg) {
          if (!failed) {
            failed = true;
            for (const x of pool) void x.terminate();
            reject(new Error(msg.error));
          }
          return;
        }
        done.set(msg.r, msg.result);
        if (req.indices === null) {
          // Extend the in-order prefix and ask whether it is enough.
          while (done.has(ordered.length) && ordered.length < stopAt) {
            ordered.push(done.get(ordered.length)!);
            if (req.enough?.(ordered) != null) stopAt = ordered.length;
          }
        }
        feed(w);
      });
      w.on('error', (e) => {
        if (!failed) {
          failed = true;
          for (const x of pool) void x.terminate();
          reject(e);
        }
      });
      feed(w);
    }
  });
}

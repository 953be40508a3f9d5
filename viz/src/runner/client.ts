/** The page's side of the run worker: one worker, requests answered in order, with progress. */
import type { Timeline } from '../../../sim/trace/index.js';
import { unpack } from '../loader/pack.js';
import { failPending } from '../worker-client.js';
import type { RunRequest, RunResponse } from './protocol.js';

type Pending = {
  resolve: (r: { timeline: Timeline; elapsedMs: number }) => void;
  reject: (e: Error) => void;
  onProgress: ((f: number) => void) | undefined;
};

/** Omit over a union keeps each member's own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RunSpec = DistributiveOmit<RunRequest, 'id'>;

export class RunClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (ev: MessageEvent<RunResponse>) => {
      const msg = ev.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') p.onProgress?.(msg.fraction);
      else {
        this.pending.delete(msg.id);
        if (msg.type === 'error') p.reject(new Error(msg.message));
        else {
          try {
            p.resolve({ timeline: unpack(msg.packed), elapsedMs: msg.elapsedMs });
          } catch (e) {
            p.reject(e instanceof Error ? e : new Error(String(e)));
          }
        }
      }
    };
    w.onerror = (ev) => {
      failPending(this.pending, 'run', ev);
      this.worker?.terminate();
      this.worker = null;
    };
    this.worker = w;
    return w;
  }

  run(spec: RunSpec, onProgress?: (fraction: number) => void): Promise<{ timeline: Timeline; elapsedMs: number }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.ensure().postMessage({ ...spec, id } as RunRequest);
    });
  }
}

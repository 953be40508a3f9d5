/**
 * CPU time per thread of this process, from Linux's /proc/self/task (null elsewhere): what the sweep benches use to
 * split a side's CPU into the main thread, the worker threads and the rest — V8's own helper threads (concurrent
 * compilation, parallel and concurrent garbage collection) and libuv's pool. Threads that exist before the side
 * starts are the main thread and those helpers; threads that appear during it are its worker threads. A worker's
 * CPU after the last sample is lost (sampled every 100 ms).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TASKS = '/proc/self/task';
/** USER_HZ: the unit of utime and stime in /proc (100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

function threadCpu(): Map<string, number> | null {
  let tids: string[];
  try {
    tids = readdirSync(TASKS);
  } catch {
    return null;
  }
  const out = new Map<string, number>();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

export interface ThreadSplit {
  /** CPU seconds of the main thread, the worker threads, and every other thread (V8 and libuv helpers). */
  readonly main: number;
  readonly workers: number;
  readonly helpers: number;
}

/** Starts sampling; `stop()` returns the split of the CPU used since, or null where /proc is not there. */
export function sampleThreads(): { stop(): ThreadSplit | null } {
  const before = threadCpu();
  if (before === null) return { stop: () => null };
  const last = new Map<string, number>();
  const take = (): void => {
    for (const [tid, cpu] of threadCpu() ?? []) last.set(tid, cpu);
  };
  const timer = setInterval(take, 100);
  return {
    stop() {
      clearInterval(timer);
      take();
      const main = String(process.pid);
      let m = 0;
      let w = 0;
      let h = 0;
      for (const [tid, cpu] of last) {
        const used = cpu - (before.get(tid) ?? 0);
        if (tid === main) m += used;
        else if (before.has(tid)) h += used;
        else w += used;
      }
      return { main: m, workers: w, helpers: h };
    },
  };
}

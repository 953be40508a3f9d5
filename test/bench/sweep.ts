/**
 * Sweep: 1,000 seeds of scenarios/sweep-bench.yaml (≥ 50 ms a run) through `fabricsim sweep`, once on 1 worker
 * thread and once on 2, recording off and no results file. Reports runs/s of each and the speed-up (target ≥ 1.8×
 * on 2 idle cores). The two summaries must be byte-identical (the sweep's determinism across worker counts), or the
 * bench exits 1.
 *
 * Flags: `--seeds N` (default 1000), `--workers K` for the parallel side (default 2), `--scenario FILE`.
 * Wall-clock time of the whole command (planning, worker start-up and the runs) is what is measured, and the CPU
 * time of the process per run on each side (the fair figure on a shared machine).
 *
 * The JSON line also gives the ceiling the 1-worker side sets (`ceiling` = cores ÷ `baselineCoresBusy`): on C cores
 * the other side cannot finish in less than its CPU ÷ C, and it needs at least the 1-worker side's CPU. Where the
 * 1-worker side keeps more than one core busy (V8 compiles and collects garbage on helper threads beside the worker),
 * that ceiling is below C. See docs/sweeps.md.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sweepCommand } from '../../sim/cli/sweep/command.js';
import { sampleThreads, type ThreadSplit } from './threads.js';

// From dist/test/bench/sweep.js (or test/bench/sweep.ts) up to the project root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url).href.replace(/\/dist\/$/, '/'));

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function timedSweep(
  scenario: string,
  seeds: number,
  workers: number,
): Promise<{ seconds: number; cpuSeconds: number; json: string; code: number; threads: ThreadSplit | null }> {
  let json = '';
  const sampler = sampleThreads();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await sweepCommand([scenario, '--seeds', String(seeds), '--workers', String(workers), '--json'], {
    cwd: ROOT,
    stdout: { write: (t: string) => (json += t) },
    stderr: { write: (t: string) => process.stderr.write(t), isTTY: false },
    tty: false,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const threads = sampler.stop();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, json, code, threads };
}

/**
 * CPU time of the whole process (all its threads) over wall time: how many cores the side actually got. On a busy
 * machine the parallel side gets fewer than it has workers, and the speed-up shows the machine, not the sweep.
 */
function cores(r: { seconds: number; cpuSeconds: number }): string {
  return `(${r.cpuSeconds.toFixed(1)} s CPU: ${(r.cpuSeconds / r.seconds).toFixed(2)} cores busy)`;
}

/**
 * Where a side's CPU went: the main thread (planning, results, the summary), the worker threads (the runs) and V8's
 * helper threads. Helpers that keep a second core busy beside a single worker cap the speed-up of K workers on K
 * cores at about K × workers / (workers + helpers), whatever the sweep does.
 */
function split(r: { threads: ThreadSplit | null }): string {
  const t = r.threads;
  if (t === null) return '';
  return `\n             threads: main ${t.main.toFixed(1)} s, workers ${t.workers.toFixed(1)} s, V8/libuv helpers ${t.helpers.toFixed(1)} s`;
}

function helperShare(t: ThreadSplit | null): number | null {
  if (t === null) return null;
  const all = t.main + t.workers + t.helpers;
  return all > 0 ? round(t.helpers / all, 3) : null;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function run(
  args: string[],
  bench = 'sweep',
  defaults: { seeds: number; scenario: string } = { seeds: 1000, scenario: 'scenarios/sweep-bench.yaml' },
): Promise<number> {
  const seeds = Number(flag(args, 'seeds') ?? defaults.seeds);
  const workers = Number(flag(args, 'workers') ?? 2);
  const scenario = flag(args, 'scenario') ?? defaults.scenario;
  console.log(
    `${bench}: ${seeds} seeds of ${scenario}, 1 worker thread then ${workers}; ${availableParallelism()} cores`,
  );
  const base = await timedSweep(scenario, seeds, 1);
  if (base.code !== 0) return base.code;
  console.log(
    `  1 worker:  ${seeds} runs in ${base.seconds.toFixed(2)} s  ${(seeds / base.seconds).toFixed(2)} runs/s  ${cores(base)}${split(base)}`,
  );
  const par = await timedSweep(scenario, seeds, workers);
  if (par.code !== 0) return par.code;
  console.log(
    `  ${workers} workers: ${seeds} runs in ${par.seconds.toFixed(2)} s  ${(seeds / par.seconds).toFixed(2)} runs/s  ${cores(par)}${split(par)}`,
  );
  if (par.json !== base.json) {
    console.error('sweep: SUMMARY MISMATCH between 1 and ' + workers + ' workers');
    return 1;
  }
  const runsPerSec = seeds / par.seconds;
  const baselineRunsPerSec = seeds / base.seconds;
  const summary = {
    bench,
    runs: seeds,
    seconds: round(par.seconds, 3),
    runsPerSec: round(runsPerSec, 2),
    baselineRunsPerSec: round(baselineRunsPerSec, 2),
    ratio: round(runsPerSec / baselineRunsPerSec, 3),
    runsPerMinute: round(60 * runsPerSec, 1),
    // CPU seconds of the whole process per run, each side: what a run costs whatever else the machine is doing. On K
    // idle cores the wall speed-up can reach K × baselineCpuPerRun / cpuPerRun.
    cpuPerRun: round(par.cpuSeconds / seeds, 3),
    baselineCpuPerRun: round(base.cpuSeconds / seeds, 3),
    cpuRatio: round(base.cpuSeconds / par.cpuSeconds, 3),
    // Share of each side's CPU on threads other than the main and worker threads (V8's compiler and GC helpers);
    // null where /proc/self/task is not there.
    helperShare: helperShare(par.threads),
    baselineHelperShare: helperShare(base.threads),
    baselineMainSeconds: base.threads === null ? null : round(base.threads.main, 2),
    // The ceiling on the speed-up that the 1-worker side sets by itself: with C cores the other side's wall time is at
    // least its CPU ÷ C, and its CPU is at least the 1-worker side's (the same runs, and one more warm-up per worker:
    // cpuRatio ≤ 1), so speed-up ≤ C × seconds ÷ CPU seconds of the 1-worker side = C ÷ baselineCoresBusy.
    cores: availableParallelism(),
    baselineCoresBusy: round(base.cpuSeconds / base.seconds, 2),
    ceiling: round((availableParallelism() * base.seconds) / base.cpuSeconds, 3),
    rssMB: round(process.resourceUsage().maxRSS / 1024, 1),
  };
  console.log(`summaries identical; speed-up ${summary.ratio}× with ${workers} workers`);
  console.log(
    `  ceiling: ${summary.cores} cores × ${base.seconds.toFixed(2)} s ÷ ${base.cpuSeconds.toFixed(1)} s CPU of the 1-worker side = ${summary.ceiling}× — that side already keeps ${summary.baselineCoresBusy} cores busy (V8's helper threads and the main thread beside its worker), so a sweep that costs as much CPU cannot go faster on ${summary.cores} cores`,
  );
  console.log(JSON.stringify(summary));
  return 0;
}

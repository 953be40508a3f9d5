/**
 * Child process of the sweep-jit bench: runs N seeds of one scenario one after the other in this thread, the way a
 * sweep worker does (`runScenario(…, { reuseWorld: true })`), and prints a marker line before each run and a JSON line
 * after it with the run's CPU split by thread (this thread, V8's helper threads) and its trace hash. The parent runs
 * it once plain (CPU) and once under `--trace-opt --trace-deopt` (V8's lines fall between the markers).
 *
 * Usage: node sweep-jit-child.js SCENARIO SEEDS
 */
import { readFileSync } from 'node:fs';
import { loadScenario, runScenario } from '../../sim/runner/index.js';
import { sampleThreads } from './threads.js';

export const RUN_MARK = '@@sweep-jit run ';
export const DONE_MARK = '@@sweep-jit done ';

export interface ChildRun {
  readonly run: number;
  readonly seed: number;
  /** CPU seconds of the thread running the simulation, and of every other thread (V8's helpers), or null. */
  readonly main: number | null;
  readonly helpers: number | null;
  readonly traceHash: string;
}

function main(argv: string[]): void {
  const [file, seedsText] = argv;
  if (file === undefined) throw new Error('usage: sweep-jit-child SCENARIO SEEDS');
  const seeds = Number(seedsText ?? 8);
  const scenario = loadScenario(readFileSync(file, 'utf8'), { fileName: file });
  for (let i = 1; i <= seeds; i++) {
    console.log(`${RUN_MARK}${i}`);
    const sampler = sampleThreads();
    const { summary } = runScenario(scenario, { seed: i, record: false, reuseWorld: true });
    const t = sampler.stop();
    const out: ChildRun = {
      run: i,
      seed: i,
      main: t === null ? null : t.main,
      helpers: t === null ? null : t.helpers + t.workers,
      traceHash: summary.traceHash,
    };
    console.log(`${DONE_MARK}${JSON.stringify(out)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main(process.argv.slice(2));
}

/**
 * sweep-jit: what a sweep worker's later runs cost V8, at region scale. Runs `--seeds N` (default 8) seeds of
 * scenarios/bench/region-day.yaml one after the other in one child process, as one worker thread of `fabricsim
 * sweep` does (the world built once and reused), twice: plainly, for each run's CPU split into the simulating thread
 * and V8's helper threads (concurrent compilation and GC; from /proc, Linux only), and under `--trace-opt
 * --trace-deopt`, for the number of functions V8 optimises and deoptimises during each run. A worker whose later
 * runs keep being re-optimised pays for it on the helper threads, which is CPU that 2 workers on 2 cores compete for
 * (docs/sweeps.md). Both children must produce the same trace hash for every seed.
 *
 * The JSON line reports, over the later runs (2…N, the first one builds the world): mean CPU per run (`cpuPerRun`,
 * all threads), its helper part (`helperCpuPerRun`, `helperShare`), and mean optimisations and deoptimisations per
 * run (`optsPerRun`, `deoptsPerRun`; `opts`, `deopts` list every run). Flags: `--seeds N`, `--scenario FILE`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildRun, DONE_MARK, RUN_MARK } from './sweep-jit-child.js';

// From dist/test/bench/ up to the project root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url).href.replace(/\/dist\/$/, '/'));
const CHILD = fileURLToPath(new URL('./sweep-jit-child.js', import.meta.url));

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

interface ChildOutput {
  readonly runs: ChildRun[];
  readonly opts: number[];
  readonly deopts: number[];
}

/** Runs the child with `v8Flags`; counts V8's optimisation and deoptimisation lines between the run markers. */
function child(v8Flags: readonly string[], scenario: string, seeds: number): ChildOutput {
  const r = spawnSync(process.execPath, [...v8Flags, CHILD, scenario, String(seeds)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`sweep-jit child failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const runs: ChildRun[] = [];
  const opts: number[] = [];
  const deopts: number[] = [];
  let cur = -1;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith(RUN_MARK)) {
      cur = opts.length;
      opts.push(0);
      deopts.push(0);
    } else if (line.startsWith(DONE_MARK)) {
      runs.push(JSON.parse(line.slice(DONE_MARK.length)) as ChildRun);
      cur = -1;
    } else if (cur >= 0) {
      if (line.startsWith('[completed optimizing')) opts[cur]!++;
      else if (line.startsWith('[bailout (kind: deopt')) deopts[cur]!++;
    }
  }
  if (runs.length !== seeds) throw new Error(`sweep-jit child reported ${runs.length} runs of ${seeds}`);
  return { runs, opts, deopts };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function run(args: string[]): number {
  const seeds = Number(flag(args, 'seeds') ?? 8);
  const scenario = flag(args, 'scenario') ?? 'scenarios/bench/region-day.yaml';
  if (!Number.isInteger(seeds) || seeds < 2) {
    console.error('sweep-jit: --seeds must be an integer ≥ 2');
    return 2;
  }
  console.log(`sweep-jit: ${seeds} seeds of ${scenario} in one thread, reusing the built world`);
  const plain = child([], scenario, seeds);
  const traced = child(['--trace-opt', '--trace-deopt'], scenario, seeds);
  for (let i = 0; i < seeds; i++) {
    const p = plain.runs[i]!;
    const t = traced.runs[i]!;
    if (p.traceHash !== t.traceHash) {
      console.error(`sweep-jit: seed ${p.seed}: trace hash ${p.traceHash} plain, ${t.traceHash} traced`);
      return 1;
    }
    const cpu = p.main === null ? '' : `  main ${p.main.toFixed(2)} s, helpers ${p.helpers!.toFixed(2)} s`;
    console.log(
      `  run ${p.run} (seed ${p.seed}): ${traced.opts[i]} optimised, ${traced.deopts[i]} deoptimised${cpu}  ${p.traceHash}`,
    );
  }
  const later = plain.runs.slice(1);
  const haveCpu = later.every((r) => r.main !== null);
  const main = haveCpu ? mean(later.map((r) => r.main!)) : null;
  const helpers = haveCpu ? mean(later.map((r) => r.helpers!)) : null;
  const summary = {
    bench: 'sweep-jit',
    runs: seeds,
    optsPerRun: round(mean(traced.opts.slice(1)), 1),
    deoptsPerRun: round(mean(traced.deopts.slice(1)), 1),
    firstRunOpts: traced.opts[0],
    cpuPerRun: main === null ? null : round(main + helpers!, 3),
    mainCpuPerRun: main === null ? null : round(main, 3),
    helperCpuPerRun: helpers === null ? null : round(helpers, 3),
    helperShare: main === null || main + helpers! === 0 ? null : round(helpers! / (main + helpers!), 3),
    firstRunCpu: plain.runs[0]!.main === null ? null : round(plain.runs[0]!.main + plain.runs[0]!.helpers!, 2),
    opts: traced.opts,
    deopts: traced.deopts,
  };
  console.log(JSON.stringify(summary));
  return 0;
}

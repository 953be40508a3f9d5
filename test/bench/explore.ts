/**
 * Explore: 1,000 runs of scenarios/explore/robust-spread.yaml (three web instances over four fault domains; the
 * quickstart's size) through `fabricsim explore`, once on 1 worker thread and once on 2, plus plain `runScenario`
 * runs of the same scenario as the baseline (what checking invariants and collecting coverage at every step costs).
 * The robust scenario must show no failure in 1,000 runs, and both reports must be byte-identical, or the bench
 * exits 1. Then shrink time for the planted-fault scenarios (k = 1, 2, 3 among 20 harmless faults; target < 60 s).
 *
 * Reports runs/s on each side and the wall-clock speed-up, and — because a shared machine gives the sides whatever
 * cores it has free — runs per CPU-second on each side, their ratio (parallel efficiency) and the speed-up that
 * implies on free cores.
 *
 * Flags: `--runs N` (default 1000), `--workers K` for the parallel side (default 2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { exploreCommand } from '../../sim/cli/explore/command.js';
import { shrinkScenario } from '../../sim/explore/index.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import { planted } from '../explore/planted.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url).href.replace(/\/dist\/$/, '/'));
const SCENARIO = join(ROOT, 'scenarios', 'explore', 'robust-spread.yaml');

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function timedExplore(runs: number, workers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'explore-bench-'));
  let out = '';
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await exploreCommand(
    [SCENARIO, '--runs', String(runs), '--workers', String(workers), '--out', dir, '--json'],
    { out: (s) => void (out += s), err: () => {}, now: () => performance.now() },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  rmSync(dir, { recursive: true, force: true });
  // CPU time of all threads over wall time: how many cores the side actually got on a shared machine.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { code, seconds, json: out, cpuSeconds, cores: cpuSeconds / seconds };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function run(args: string[]): Promise<number> {
  const runs = Number(flag(args, 'runs') ?? 1000);
  const workers = Number(flag(args, 'workers') ?? 2);
  const { readFileSync } = await import('node:fs');
  const sc = loadScenario(readFileSync(SCENARIO, 'utf8'), { fileName: SCENARIO });
  const baseRuns = 200;
  const b0 = performance.now();
  for (let i = 0; i < baseRuns; i++) runScenario(sc, { seed: i, record: false });
  const baseline = baseRuns / ((performance.now() - b0) / 1000);
  console.log(`baseline: plain runScenario of robust-spread ${round(baseline)} runs/s`);
  const one = await timedExplore(runs, 1);
  const two = await timedExplore(runs, workers);
  const r1 = runs / one.seconds;
  const r2 = runs / two.seconds;
  const report = JSON.parse(one.json) as { failures: unknown[]; runs: number };
  console.log(
    `explore ${runs} runs: 1 worker ${round(r1)} runs/s (${round(one.cores, 2)} cores busy), ${workers} workers ${round(r2)} runs/s (${round(two.cores, 2)} cores busy)`,
  );
  console.log(`  speed-up ${round(r2 / r1, 2)}×; explored runs at ${round(r1 / baseline, 2)}× the plain-run baseline`);
  // On a shared machine the wall-clock speed-up says how many cores the second side got, not how well explore
  // scales: runs per CPU-second on each side (all threads of the process) show what the threads cost. Their ratio
  // is the parallel efficiency; times the workers, it is the speed-up to expect with that many free cores.
  const perCpu1 = runs / one.cpuSeconds;
  const perCpu2 = runs / two.cpuSeconds;
  const efficiency = perCpu2 / perCpu1;
  console.log(
    `  per CPU-second: 1 worker ${round(perCpu1)} runs, ${workers} workers ${round(perCpu2)} runs; efficiency ${round(efficiency, 2)}, so about ${round(workers * efficiency, 2)}× on ${workers} free cores`,
  );
  console.log(`  failures found in ${report.runs} runs: ${report.failures.length}`);
  const same = one.json === two.json;
  if (!same) console.log('  ✗ the reports on 1 and 2 workers differ');

  const shrinks: Record<string, number> = {};
  for (const k of [1, 2, 3]) {
    const p = planted(k);
    const s = loadScenario(p.text, { fileName: `planted-${k}.yaml` });
    const t0 = performance.now();
    const r = shrinkScenario(s.file, { seed: 21 });
    shrinks[`k${k}`] = round((performance.now() - t0) / 1000, 2);
    console.log(
      `shrink planted k = ${k}: ${shrinks[`k${k}`]} s, ${r.tried} candidate runs, ${r.file.faults?.length} faults kept`,
    );
  }
  const ok = same && report.failures.length === 0 && one.code === 0 && Object.values(shrinks).every((s) => s < 60);
  console.log(
    JSON.stringify({
      bench: 'explore',
      runs,
      baselineRunsPerSec: round(baseline),
      runsPerSec1: round(r1),
      [`runsPerSec${workers}`]: round(r2),
      speedup: round(r2 / r1, 2),
      coresBusy: [round(one.cores, 2), round(two.cores, 2)],
      runsPerCpuSec: [round(perCpu1), round(perCpu2)],
      efficiency: round(efficiency, 2),
      speedupOnFreeCores: round(workers * efficiency, 2),
      vsBaseline: round(r1 / baseline, 2),
      failures: report.failures.length,
      identical: same,
      shrinkSeconds: shrinks,
      ok,
    }),
  );
  return ok ? 0 : 1;
}

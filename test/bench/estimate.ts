/**
 * Estimate: importance splitting against crude Monte Carlo at the same relative error, on scenarios with a closed-
 * form answer (test/estimate/fixtures). Cost is counted in simulated (scheduler) events, re-executed prefixes
 * included — the figure the "≥ 100× fewer" is about — and CPU seconds are printed beside it.
 *
 * - rare: P(8 of 20 SQL replicas down at once within 1 h) = 1.73e-7. Splitting runs to the target relative error
 *   (default 0.2). Crude Monte Carlo cannot (it would need ~1e8 runs): it runs `--crude-runs` runs (default 20,000)
 *   to measure its events per run, and its cost at the target is that × the runs the binomial formula asks for,
 *   n = (1 − p) / (p · RE²), with the analytic p.
 * - moderate: P(2 of 3 down within a day) = 9.2e-3, where both methods run to the target relative error (0.1).
 *
 * Flags: `--relative-error R` (rare case), `--crude-runs N`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  estimateSequentially,
  kOfNHitProbability,
  prepareEstimate,
  reportOf,
  runReplication,
} from '../../sim/estimate/index.js';
import { loadScenario } from '../../sim/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url).href.replace(/\/dist\/$/, '/'));
const HOUR = 3600e6;

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function load(name: string) {
  const file = join(ROOT, 'test', 'estimate', 'fixtures', name);
  return loadScenario(readFileSync(file, 'utf8'), { fileName: file }).resolved;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Side {
  estimate: number;
  relativeError: number;
  runs: number;
  events: number;
  cpuSeconds: number;
}

function sequential(
  sc: ReturnType<typeof load>,
  event: string,
  method: 'crude' | 'splitting',
  effort: number,
  re: number,
): Side {
  const t0 = cpuSeconds();
  const { setup, key } = prepareEstimate(sc, { event, method, effort });
  const { report } = estimateSequentially(setup, key, { relativeError: re, maxEvents: 1e12 });
  return {
    estimate: report.estimate,
    relativeError: report.relativeError,
    runs: report.runs,
    events: report.events,
    cpuSeconds: cpuSeconds() - t0,
  };
}

export function run(args: string[]): number {
  const re = Number(flag(args, 'relative-error') ?? 0.2);
  const crudeRuns = Number(flag(args, 'crude-runs') ?? 20_000);

  // Rare: splitting to the target; crude measured per run and scaled by the binomial formula.
  const rare = load('sql-8-of-20.yaml');
  const pRare = kOfNHitProbability(20, 8, 1 / (20 * HOUR), 1 / HOUR, HOUR);
  const split = sequential(rare, 'replicasDown(db0) >= 8', 'splitting', 100, re);
  const t0 = cpuSeconds();
  const c = prepareEstimate(rare, { event: 'replicasDown(db0) >= 8', method: 'crude', effort: crudeRuns });
  const crudeRep = reportOf(c.key, [runReplication(c.setup, 0)]);
  const crudeCpu = cpuSeconds() - t0;
  const eventsPerRun = crudeRep.events / crudeRep.runs;
  const runsNeeded = (1 - pRare) / (pRare * re * re);
  const crudeEvents = runsNeeded * eventsPerRun;
  const rareRatio = crudeEvents / split.events;
  console.log(`rare: P(8 of 20 replicas down within 1h) = ${pRare.toExponential(3)} (analytic)`);
  console.log(
    `  splitting  estimate ${split.estimate.toExponential(3)}, relative error ${split.relativeError.toFixed(3)}: ${split.runs} runs, ${split.events} events, ${split.cpuSeconds.toFixed(1)} s CPU`,
  );
  console.log(
    `  crude      ${crudeRep.runs} runs measured (${crudeRep.hits[0]} hits), ${eventsPerRun.toFixed(2)} events/run (${((crudeCpu / crudeRep.runs) * 1e3).toFixed(3)} ms CPU/run); relative error ${re} needs ${runsNeeded.toExponential(2)} runs = ${crudeEvents.toExponential(2)} events`,
  );
  console.log(`  crude / splitting events at relative error ${re}: ${rareRatio.toFixed(0)}×`);

  // Moderate: both methods measured to relative error 0.1.
  const moderate = load('sql-2-of-3.yaml');
  const pMod = kOfNHitProbability(3, 2, 1 / (120 * HOUR), 1 / HOUR, 24 * HOUR);
  const ms = sequential(moderate, 'replicasDown(db0) >= 2', 'splitting', 500, 0.1);
  const mc = sequential(moderate, 'replicasDown(db0) >= 2', 'crude', 2000, 0.1);
  const modRatio = mc.events / ms.events;
  console.log(`moderate: P(2 of 3 replicas down within 1d) = ${pMod.toExponential(3)} (analytic)`);
  for (const [name, s] of [
    ['splitting', ms],
    ['crude    ', mc],
  ] as const) {
    console.log(
      `  ${name}  estimate ${s.estimate.toExponential(3)}, relative error ${s.relativeError.toFixed(3)}: ${s.runs} runs, ${s.events} events, ${s.cpuSeconds.toFixed(1)} s CPU`,
    );
  }
  console.log(`  crude / splitting events at relative error 0.1: ${modRatio.toFixed(1)}×`);

  console.log(
    JSON.stringify({
      bench: 'estimate',
      rare: {
        analytic: pRare,
        relativeError: re,
        splitting: split,
        crude: {
          measuredRuns: crudeRep.runs,
          hits: crudeRep.hits[0],
          eventsPerRun,
          runsNeeded,
          eventsNeeded: crudeEvents,
        },
        ratio: rareRatio,
      },
      moderate: { analytic: pMod, splitting: ms, crude: mc, ratio: modRatio },
    }),
  );
  return 0;
}

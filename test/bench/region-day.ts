/**
 * region-day: `runScenario` on the committed scenarios/bench/region-day.yaml — 10 clusters × 1,000 nodes, 100,000
 * role instances, 24 simulated hours under random faults at the default rates — with the network, metrics and the
 * trace hash on and recording off. Prints events, events/s, wall seconds and peak memory; the baseline is the same
 * run with routine-poll elision off for one simulated hour (scaled to a day), so the ratio shows what elision buys.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runResolved } from '../../sim/run.js';
import { loadScenario } from '../../sim/runner/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function load(overrides = '') {
  const path = join(ROOT, 'scenarios', 'bench', 'region-day.yaml');
  return loadScenario(readFileSync(path, 'utf8') + overrides, { fileName: path });
}

export function run(args: string[]): number {
  const quick = args.includes('--quick');
  console.log('region-day: 10 clusters × 1,000 nodes, 100,000 instances, 24 h of random faults at default rates');
  const t0 = performance.now();
  const sc = load();
  const tLoad = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const { summary, sim } = runResolved(sc.resolved, { record: false, ...(quick ? { untilUs: 3_600_000_000 } : {}) });
  const engineEvents = sim.sched.eventsRun;
  const seconds = (performance.now() - t1) / 1000;
  const rssMB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `load ${tLoad.toFixed(2)} s; run ${seconds.toFixed(2)} s; ${engineEvents} engine events, ${summary.events} recorded events, ${summary.faults.length} faults; trace ${summary.traceHash}`,
  );
  // Baseline: every poll simulated (no elision) for 10 simulated minutes, scaled to the same span of simulated time.
  const hour = 3_600_000_000;
  const span = quick ? hour : sc.durationUs;
  const sample = 600_000_000;
  const t2 = performance.now();
  const full = runResolved(load('\npolicies:\n  network: { elideRoutine: false }\n').resolved, {
    record: false,
    untilUs: sample,
  });
  const fullSeconds = ((performance.now() - t2) / 1000) * (span / sample);
  console.log(
    `baseline (every poll simulated): ${full.sim.sched.eventsRun} engine events in 10 simulated minutes; ${fullSeconds.toFixed(0)} s projected for the same span`,
  );
  const simulatedPerSec = span / 1e6 / seconds;
  console.log(
    `${(simulatedPerSec / 3600).toFixed(1)} simulated hours per wall second; peak RSS ${rssMB.toFixed(0)} MB`,
  );
  const out = {
    bench: 'region-day',
    events: engineEvents,
    recordedEvents: summary.events,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(engineEvents / seconds),
    rssMB: Math.round(rssMB),
    baselineEventsPerSec: null,
    baselineSeconds: Number(fullSeconds.toFixed(3)),
    ratio: Number((fullSeconds / seconds).toFixed(2)),
  };
  console.log(JSON.stringify(out));
  return 0;
}

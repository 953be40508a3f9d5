/**
 * setup: how long the region (scenarios/bench/region-day.yaml: 10 clusters × 1,000 nodes, 100,000 instances, rule
 * engines on) takes from its text to the first event ready to run — parse and validate, resolve, build the world and
 * its indexes, schedule the random faults, attach the security model — and the peak memory of doing so.
 * Targets: under 1 s and 200 MB (quiet machine).
 *
 * The first set-up in a fresh process is what `fabricsim run` pays (module loading and a cold JIT included); it is
 * reported, then `--repeat N` more (default 2), whose median shows the warm figure. CPU time is the headline (the
 * machine may be shared); wall time is printed beside it.
 */
import { createSimulation } from '../../sim/run.js';
import { flag, loadBenchScenario, peakRssMB, round, stopwatch } from './region.js';

function once(): { load: number; create: number; wall: number; pending: number } {
  const w = stopwatch();
  const sc = loadBenchScenario('scenarios/bench/region-day.yaml');
  const load = w.read().cpu;
  const sim = createSimulation(sc.resolved, { record: false });
  const total = w.read();
  return { load, create: total.cpu - load, wall: total.wall, pending: sim.sched.pending };
}

export function run(args: string[]): number {
  const repeat = Number(flag(args, 'repeat') ?? 2);
  console.log('setup: region-day (100,000 instances) from its text to the first event ready');
  const first = once();
  const rssMB = peakRssMB();
  const line = (label: string, r: ReturnType<typeof once>) =>
    console.log(
      `  ${label.padEnd(7)} load+resolve ${r.load.toFixed(2)} s  build+schedule+security ${r.create.toFixed(2)} s  total cpu ${(r.load + r.create).toFixed(2)} s  wall ${r.wall.toFixed(2)} s  ${r.pending} events pending`,
    );
  line('cold', first);
  console.log(`  peak RSS after the cold set-up: ${rssMB} MB`);
  const warm: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = once();
    line(`warm ${i + 1}`, r);
    warm.push(r.load + r.create);
  }
  warm.sort((a, b) => a - b);
  const out = {
    bench: 'setup',
    seconds: round(first.load + first.create, 3),
    loadSeconds: round(first.load, 3),
    buildSeconds: round(first.create, 3),
    wallSeconds: round(first.wall, 3),
    warmSeconds: warm.length > 0 ? round(warm[warm.length >> 1]!, 3) : null,
    pendingEvents: first.pending,
    rssMB,
  };
  console.log(JSON.stringify(out));
  return 0;
}

/**
 * Shared measuring for benches that race the engine against a bare, hand-written baseline doing the same work.
 *
 * Method: one warm-up run of each side (JIT), then five rounds alternating engine and baseline (the order flips
 * every round); each side's figure is the median of its five. Every run returns a checksum of the work done: all
 * runs of both sides must agree, or the bench prints the mismatch and returns exit code 1.
 *
 * Time is the process's CPU time (user + system) over the run, not wall-clock time: the benches are single-threaded
 * and the machines they run on are shared, so CPU time is the figure that does not swing with other people's jobs.
 * On an idle machine the two agree within a few percent; the wall-clock figures are printed too.
 * Wall-clock and CPU time are read here only, never under sim/.
 */
import { performance } from 'node:perf_hooks';

/** What one run did: events executed and a checksum of the simulated work (must match between the two sides). */
export interface WorkResult {
  events: number;
  checksum: string;
}

export interface RaceSpec {
  name: string;
  /** One line describing the workload. */
  describe: string;
  engine: () => WorkResult;
  baseline: () => WorkResult;
}

/** The bench's machine-readable summary; printed as the last line of its output. */
export interface BenchSummary {
  bench: string;
  events: number;
  /** Median CPU seconds of one engine run. */
  seconds: number;
  eventsPerSec: number;
  /** Peak resident set size of the whole process (both sides), MB. */
  rssMB: number;
  baselineEventsPerSec: number;
  /** eventsPerSec / baselineEventsPerSec. */
  ratio: number;
}

const ROUNDS = 5;

type Side = 'engine' | 'baseline';

interface Timed extends WorkResult {
  cpuSeconds: number;
  wallSeconds: number;
}

function timed(fn: () => WorkResult): Timed {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = fn();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { events: r.events, checksum: r.checksum, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function mevs(events: number, seconds: number): string {
  return (events / seconds / 1e6).toFixed(2) + ' M events/s';
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Races engine against baseline; prints human lines, then one JSON line. Returns the process exit code. */
export function race(spec: RaceSpec): number {
  console.log(`${spec.name}: ${spec.describe}`);
  console.log(`method: 1 warm-up each, then ${ROUNDS} alternating rounds; median of ${ROUNDS} per side, CPU time`);
  const runs: { side: Side; r: Timed; measured: boolean }[] = [];
  const record = (side: Side, label: string, measured: boolean): void => {
    const r = timed(side === 'engine' ? spec.engine : spec.baseline);
    runs.push({ side, r, measured });
    console.log(
      `  ${label.padEnd(7)} ${side.padEnd(8)} ${r.events} events  cpu ${r.cpuSeconds.toFixed(3)} s  wall ${r.wallSeconds.toFixed(3)} s  ${mevs(r.events, r.cpuSeconds)}  [${r.checksum}]`,
    );
  };
  record('engine', 'warm-up', false);
  record('baseline', 'warm-up', false);
  for (let i = 1; i <= ROUNDS; i++) {
    const order: Side[] = i % 2 === 1 ? ['engine', 'baseline'] : ['baseline', 'engine'];
    for (const side of order) record(side, `round ${i}`, true);
  }
  const first = runs[0]!.r;
  const mismatch = runs.find(({ r }) => r.checksum !== first.checksum || r.events !== first.events);
  if (mismatch) {
    console.error(
      `${spec.name}: CHECKSUM MISMATCH: ${mismatch.side} gave ${mismatch.r.events} events [${mismatch.r.checksum}], expected ${first.events} [${first.checksum}]`,
    );
    return 1;
  }
  const med = (side: Side, key: 'cpuSeconds' | 'wallSeconds'): number =>
    median(runs.filter((x) => x.measured && x.side === side).map((x) => x.r[key]));
  const engineCpu = med('engine', 'cpuSeconds');
  const baselineCpu = med('baseline', 'cpuSeconds');
  const engineWall = med('engine', 'wallSeconds');
  const baselineWall = med('baseline', 'wallSeconds');
  const eventsPerSec = first.events / engineCpu;
  const baselineEventsPerSec = first.events / baselineCpu;
  const summary: BenchSummary = {
    bench: spec.name,
    events: first.events,
    seconds: round(engineCpu, 4),
    eventsPerSec: Math.round(eventsPerSec),
    rssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    baselineEventsPerSec: Math.round(baselineEventsPerSec),
    ratio: round(eventsPerSec / baselineEventsPerSec, 3),
  };
  console.log(
    `checksums match. cpu: engine ${mevs(first.events, engineCpu)}, baseline ${mevs(first.events, baselineCpu)}, ratio ${summary.ratio}` +
      ` | wall: engine ${mevs(first.events, engineWall)}, baseline ${mevs(first.events, baselineWall)}, ratio ${(baselineWall / engineWall).toFixed(3)}` +
      ` | peak RSS ${summary.rssMB} MB`,
  );
  console.log(JSON.stringify(summary));
  return 0;
}

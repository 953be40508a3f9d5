/**
 * growth: how cost grows with the size of the region. Regions in region-day's shape (services of 100 instances, 10
 * instances a node, default fault rates, rule engines on) of 100, 1,000, 10,000 and 100,000 instances, each run for
 * the same simulated time (`--duration`, default 24h) in its own process, so each peak RSS is its own. Reports set-up
 * and run CPU seconds, engine events, CPU µs per instance-hour and per engine event, and peak RSS.
 *
 * Then 1,000,000 instances: its peak memory is estimated first as ten times the 100,000 point's (memory is
 * proportional to instances at that size; measured under load, 24 h: 1,938 MB against an estimate of 2,740 since the
 * kernel stopped copying a cluster's instance array per change, 3,650 MB before); the point is refused, with the
 * estimate, when that exceeds half this machine's memory, or run like the others otherwise (`--no-million` skips it).
 * Run CPU per engine event, 24 h, same run: 0.70 µs at 100,000 instances, 2.59 µs at 1,000,000 (was 1.6 and 10.1).
 *
 * One point alone: `--point N` (what the parent runs in each child process).
 */
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../../sim/engine/time.js';
import { createSimulation, summarize } from '../../sim/run.js';
import { loadScenario } from '../../sim/runner/index.js';
import { flag, peakRssMB, regionYaml, round, stopwatch } from './region.js';

interface Point {
  instances: number;
  setupSeconds: number;
  runSeconds: number;
  wallSeconds: number;
  events: number;
  faults: number;
  rssMB: number;
}

function runPoint(instances: number, duration: string): Point {
  const w = stopwatch();
  const sc = loadScenario(regionYaml(instances, duration), { fileName: `region-${instances}.yaml` });
  const sim = createSimulation(sc.resolved, { record: false });
  const setup = w.read().cpu;
  sim.sched.run({ until: sc.durationUs });
  const summary = summarize(sim, sc.resolved, sc.seed, sc.durationUs);
  const t = w.read();
  return {
    instances,
    setupSeconds: round(setup, 3),
    runSeconds: round(t.cpu - setup, 3),
    wallSeconds: round(t.wall, 3),
    events: sim.sched.eventsRun,
    faults: summary.faults.length,
    rssMB: peakRssMB(),
  };
}

function inChild(instances: number, duration: string): Point | null {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const r = spawnSync(process.execPath, [main, 'growth', '--point', String(instances), '--duration', duration], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    return null;
  }
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Point;
}

function row(p: Point, hours: number): string {
  const perInstHour = ((p.setupSeconds + p.runSeconds) * 1e6) / (p.instances * hours);
  const perEvent = (p.runSeconds * 1e6) / Math.max(1, p.events);
  return `| ${p.instances.toLocaleString('en')} | ${p.setupSeconds.toFixed(2)} | ${p.runSeconds.toFixed(2)} | ${p.events.toLocaleString('en')} | ${p.faults.toLocaleString('en')} | ${perInstHour.toFixed(2)} | ${perEvent.toFixed(2)} | ${p.rssMB} |`;
}

export function run(args: string[]): number {
  const duration = flag(args, 'duration') ?? '24h';
  const point = flag(args, 'point');
  if (point !== undefined) {
    console.log(JSON.stringify(runPoint(Number(point), duration)));
    return 0;
  }
  const hours = parseDuration(duration) / 3_600_000_000;
  console.log(`growth: regions of 100 to 1,000,000 instances, ${duration} simulated each, one process a point`);
  console.log(
    '| instances | set-up cpu s | run cpu s | engine events | faults | cpu µs / instance-hour | run cpu µs / event | peak RSS MB |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  const points: Point[] = [];
  for (const n of [100, 1_000, 10_000, 100_000]) {
    const p = inChild(n, duration);
    if (p === null) return 1;
    points.push(p);
    console.log(row(p, hours));
  }
  const estimateMB = Math.round(points[3]!.rssMB * 10);
  const limitMB = Math.round(totalmem() / 2 / 2 ** 20);
  let million: Point | null = null;
  let refused: string | null = null;
  if (estimateMB > limitMB) {
    refused = `1,000,000 instances refused: estimated peak ${estimateMB} MB is more than half this machine's ${Math.round(totalmem() / 2 ** 20)} MB`;
    console.log(refused);
  } else if (args.includes('--no-million')) {
    console.log(`1,000,000 instances skipped (--no-million); estimated peak ${estimateMB} MB`);
  } else {
    console.log(`1,000,000 instances: estimated peak ${estimateMB} MB (under half of this machine's memory): running`);
    million = inChild(1_000_000, duration);
    if (million === null) return 1;
    console.log(row(million, hours));
  }
  console.log(
    JSON.stringify({
      bench: 'growth',
      duration,
      points: million === null ? points : [...points, million],
      millionEstimateMB: estimateMB,
      millionRefused: refused,
    }),
  );
  return 0;
}

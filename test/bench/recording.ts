/**
 * recording: region-day with the timeline recorded, as `fabricsim run scenarios/bench/region-day.yaml --out FILE`
 * does it — streamed to a temporary file as the run makes it (timeline version 2, events in columns), renamed at the
 * end. Reports CPU and wall seconds, peak
 * RSS and the file's size, and the same run with recording off in this process as the baseline (ratio = the cost of
 * recording). Targets (quiet machine): under 15 s and 1 GB peak. The file is deleted afterwards.
 *
 * The recorded run goes first, so the peak RSS printed is the recording's own.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAtomicWriter } from '../../sim/cli/files.js';
import { runResolved, runStreamed } from '../../sim/run.js';
import { TIMELINE_FILE_VERSION } from '../../sim/trace/format.js';
import { timelineWriter } from '../../sim/trace/stream.js';
import { loadBenchScenario, peakRssMB, round, stopwatch } from './region.js';

export function run(_args: string[]): number {
  console.log('recording: region-day (100,000 instances, 24 h) with --out, streamed to a temporary file');
  const path = join(tmpdir(), `fabricsim-recording-bench-${process.pid}.timeline.json`);
  try {
    const w = stopwatch();
    const sc = loadBenchScenario('scenarios/bench/region-day.yaml');
    const writer = openAtomicWriter(path);
    const rec = runStreamed(sc.resolved, timelineWriter(writer.write, TIMELINE_FILE_VERSION));
    const bytes = writer.commit();
    const t = w.read();
    const rssMB = peakRssMB();
    console.log(
      `  recorded: ${rec.summary.events} events, ${(bytes / 1e6).toFixed(1)} MB written; cpu ${t.cpu.toFixed(2)} s, wall ${t.wall.toFixed(2)} s; peak RSS ${rssMB} MB; trace ${rec.summary.traceHash}`,
    );
    const w2 = stopwatch();
    const plain = runResolved(loadBenchScenario('scenarios/bench/region-day.yaml').resolved, { record: false });
    const t2 = w2.read();
    console.log(`  recording off: cpu ${t2.cpu.toFixed(2)} s, wall ${t2.wall.toFixed(2)} s`);
    if (plain.summary.traceHash !== rec.summary.traceHash) {
      console.error('recording: TRACE HASH MISMATCH between recording on and off');
      return 1;
    }
    const out = {
      bench: 'recording',
      events: rec.summary.events,
      bytes,
      seconds: round(t.cpu, 3),
      wallSeconds: round(t.wall, 3),
      rssMB,
      baselineSeconds: round(t2.cpu, 3),
      ratio: round(t.cpu / t2.cpu, 3),
    };
    console.log(JSON.stringify(out));
    return 0;
  } finally {
    rmSync(path, { force: true });
  }
}

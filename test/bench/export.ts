/**
 * The export benchmark: the timeline of test/bench/viz-replay.yaml (10,000 instances, about a million events)
 * written in each format exactly as `fabricsim export` writes it — streamed in pieces into a temporary file that is
 * renamed into place — against a baseline measured in the same run: the same events written one JSON line each
 * through the same streaming writer (the bare cost of putting a million events on disk).
 *
 * Time is CPU time (user + system) of the process for each export, as in harness.ts: the machines are shared and
 * CPU time does not swing with other people's jobs; wall-clock time is printed too. Reading the timeline file
 * (`readTimeline` of its text, which the command also does) is measured separately.
 *
 * `npm run bench -- export [--timeline FILE]` (FILE: an already written timeline, to skip the run). Prints one
 * JSON line. The target is under 10 s per format for a million events.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeChunksAtomic } from '../../sim/cli/export/index.js';
import { projectRoot } from '../../sim/cli/serve.js';
import { TextChunker } from '../../sim/export/chunks.js';
import { EXPORT_FORMATS, type ExportFormat, exportTimeline } from '../../sim/export/index.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import { readTimeline, type Timeline } from '../../sim/trace/format.js';

const TARGET_SECONDS = 10;

interface Measured {
  cpuSeconds: number;
  wallSeconds: number;
  bytes: number;
}

function measure(fn: () => number): Measured {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const bytes = fn();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds, bytes };
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The baseline: each event as one JSON line, through the same chunking and atomic file writing. */
function baseline(timeline: Timeline, path: string): number {
  return writeChunksAtomic(path, (sink) => {
    const out = new TextChunker(sink);
    for (const e of timeline.events) out.push(`${JSON.stringify(e)}\n`);
    out.flush();
  });
}

export async function run(args: string[]): Promise<number> {
  const at = args.indexOf('--timeline');
  const work = mkdtempSync(join(tmpdir(), 'fabricsim-exportbench-'));
  try {
    let timeline: Timeline;
    let read: Measured | null = null;
    let runSeconds: number | null = null;
    if (at >= 0 && args[at + 1]) {
      const text = readFileSync(args[at + 1]!, 'utf8');
      let t: Timeline | undefined;
      read = measure(() => {
        t = readTimeline(text);
        return Buffer.byteLength(text);
      });
      timeline = t!;
    } else {
      const file = join(projectRoot(), 'test', 'bench', 'viz-replay.yaml');
      const sc = loadScenario(readFileSync(file, 'utf8'), { fileName: 'viz-replay.yaml' });
      const t0 = performance.now();
      timeline = runScenario(sc, { record: true }).timeline!;
      runSeconds = (performance.now() - t0) / 1000;
      const text = JSON.stringify(timeline);
      read = measure(() => {
        readTimeline(text);
        return Buffer.byteLength(text);
      });
    }
    const events = timeline.events.length;
    console.log(`export: ${events} events of ${timeline.scenario.name}; CPU time (wall time) per export`);

    const base = measure(() => baseline(timeline, join(work, 'baseline.jsonl')));
    console.log(
      `  baseline (JSON lines)  cpu ${base.cpuSeconds.toFixed(2)} s  wall ${base.wallSeconds.toFixed(2)} s  ${base.bytes} bytes`,
    );
    const formats: Record<string, unknown> = {};
    for (const format of Object.keys(EXPORT_FORMATS) as ExportFormat[]) {
      const out = join(work, `out${EXPORT_FORMATS[format].extension}`);
      const m = measure(() => writeChunksAtomic(out, (sink) => exportTimeline(timeline, format, sink)));
      rmSync(out, { force: true });
      formats[format] = {
        cpuSeconds: round(m.cpuSeconds),
        wallSeconds: round(m.wallSeconds),
        bytes: m.bytes,
        bytesPerEvent: round(m.bytes / events, 1),
        eventsPerSec: Math.round(events / m.cpuSeconds),
        ratioToBaseline: round(m.cpuSeconds / base.cpuSeconds, 2),
        underTarget: m.cpuSeconds < TARGET_SECONDS,
      };
      console.log(
        `  ${format.padEnd(22)} cpu ${m.cpuSeconds.toFixed(2)} s  wall ${m.wallSeconds.toFixed(2)} s  ${m.bytes} bytes  ×${(m.cpuSeconds / base.cpuSeconds).toFixed(2)} the baseline`,
      );
    }
    console.log(
      JSON.stringify({
        bench: 'export',
        scenario: 'test/bench/viz-replay.yaml',
        events,
        engineRunSeconds: runSeconds === null ? null : round(runSeconds, 1),
        readTimeline: read
          ? { cpuSeconds: round(read.cpuSeconds), wallSeconds: round(read.wallSeconds), bytes: read.bytes }
          : null,
        baseline: { cpuSeconds: round(base.cpuSeconds), wallSeconds: round(base.wallSeconds), bytes: base.bytes },
        formats,
        targetSeconds: TARGET_SECONDS,
        rssMB: round(process.resourceUsage().maxRSS / 1024, 1),
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

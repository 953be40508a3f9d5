/**
 * Sweep progress on stderr: a bar with rate and ETA (cli-progress) on a terminal; otherwise a plain line every
 * `intervalMs` (and one at the end), so that logs of batch jobs stay readable. Wall-clock time is read here, in
 * the command line, never under the simulation.
 */
import { performance } from 'node:perf_hooks';
import { Presets, SingleBar } from 'cli-progress';
import { formatDurationUs } from './format.js';

export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Progress {
  /** One more run finished. */
  tick(): void;
  /** Stops the bar / prints the last line. */
  stop(): void;
}

export interface ProgressOptions {
  /** Runs to do in this process (excluding those resumed from the file). */
  readonly total: number;
  /** Runs already in the results file. */
  readonly resumed: number;
  readonly stream: ProgressSink;
  /** Force the plain-line mode (or the bar). Default: the bar when the stream is a TTY. */
  readonly tty?: boolean;
  /** Plain mode: at most one line per this many ms (default 10 s). */
  readonly intervalMs?: number;
}

function rateText(done: number, seconds: number): string {
  return seconds > 0 ? (done / seconds).toFixed(done / seconds >= 10 ? 1 : 2) : '–';
}

export function createProgress(opts: ProgressOptions): Progress {
  const t0 = performance.now();
  let done = 0;
  const tty = opts.tty ?? opts.stream.isTTY === true;
  if (opts.total === 0) return { tick() {}, stop() {} };
  if (tty) {
    const bar = new SingleBar(
      {
        format: 'sweep {bar} {percentage}% | {value}/{total} runs | {rate} runs/s | ETA {eta_formatted}',
        stream: opts.stream as NodeJS.WritableStream,
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    bar.start(opts.total, 0, { rate: '–' });
    return {
      tick() {
        done++;
        bar.update(done, { rate: rateText(done, (performance.now() - t0) / 1000) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const interval = opts.intervalMs ?? 10_000;
  let lastLine = t0;
  const line = (): void => {
    const seconds = (performance.now() - t0) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = opts.total - done;
    const resumed = opts.resumed > 0 ? ` (+${opts.resumed} resumed)` : '';
    const pct = opts.total === 0 ? 100 : Math.floor((done / opts.total) * 100);
    const when =
      left === 0
        ? `done in ${formatDurationUs(Math.round(seconds * 1e6))}`
        : `ETA ${rate > 0 ? formatDurationUs(Math.round((left / rate) * 1e6)) : '–'}`;
    opts.stream.write(
      `sweep: ${done}/${opts.total} runs${resumed} (${pct}%), ${rateText(done, seconds)} runs/s, ${when}\n`,
    );
  };
  return {
    tick() {
      done++;
      const now = performance.now();
      if (now - lastLine >= interval && done < opts.total) {
        lastLine = now;
        line();
      }
    },
    stop() {
      line();
    },
  };
}

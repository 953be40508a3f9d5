/**
 * Where the command line writes, and its wall clock: the process's by default, captured in tests.
 */
import { performance } from 'node:perf_hooks';

export interface CliIO {
  /** Writes to standard output (text includes its newlines). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Wall-clock milliseconds, only for reporting how long a run took. */
  now(): number;
}

let stdoutBroken = false;
let stdoutWatched = false;

/**
 * Once stdout's reader has gone (`fabricsim check … | head`), further output is dropped instead of crashing with an
 * unhandled EPIPE: the command still finishes and returns its own exit code.
 */
function watchStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (!stdoutBroken && e.code !== 'EPIPE')
      process.stderr.write(`fabricsim: cannot write to standard output: ${e.message}\n`);
    stdoutBroken = true;
  });
}

export const processIO: CliIO = {
  out: (text) => {
    watchStdout();
    if (!stdoutBroken) process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
  now: () => performance.now(),
};

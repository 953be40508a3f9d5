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

export const processIO: CliIO = {
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
  now: () => performance.now(),
};

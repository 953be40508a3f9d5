/**
 * How the sweep commands meet the outside: where they write, which runner and workers they use, and how errors become
 * exit codes — a user's mistake one line and exit 2, anything else a bug report and exit 3.
 */

import { EXIT_BUG, EXIT_USAGE, UserError } from '../../sweep/index.js';
import { fsReason } from '../files.js';
import type { CliIO } from '../io.js';
import type { Interrupt, WorkerSpec } from './pool.js';
import type { ProgressSink } from './progress.js';
import { isScenarioError } from './runner.js';

/** Where a command reads and writes; every field defaults to the process's own. Tests pass their own. */
export interface CommandIo {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: ProgressSink;
  readonly stderr?: ProgressSink;
  /** Default: a fresh Interrupt fed by SIGINT while the command runs. */
  readonly interrupt?: Interrupt;
  /** Module exporting loadScenario / runScenario / VERSION (default sim/index.js). */
  readonly runnerUrl?: string;
  /** Worker threads to start (default the compiled worker.js next to this file), or `inProcess` for none. */
  readonly worker?: WorkerSpec | 'inProcess';
  /** Force the progress bar on or off (default: on when stderr is a TTY). */
  readonly tty?: boolean;
  /** Plain progress lines at most this often (default 10 s). */
  readonly progressIntervalMs?: number;
}

/**
 * The command line's CliIO (`out`, `err`) as a CommandIo. The progress bar needs a real terminal stream, so on a
 * TTY it draws on process.stderr directly.
 */
export function asCommandIo(io: CommandIo | CliIO): CommandIo {
  if (!('out' in io) || typeof io.out !== 'function') return io as CommandIo;
  const cli = io as CliIO;
  return {
    stdout: { write: (t: string) => cli.out(t), isTTY: false },
    stderr: process.stderr.isTTY ? process.stderr : { write: (t: string) => cli.err(t), isTTY: false },
  };
}

/** Runs `body`, turning user errors into one line and exit 2, and anything else into a bug report and exit 3. */
export async function guarded(command: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  try {
    return await body();
  } catch (err) {
    if (err instanceof UserError || isScenarioError(err)) {
      stderr.write(`fabricsim ${command}: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    stderr.write(
      `fabricsim ${command}: internal error: ${err instanceof Error ? err.message : String(err)}\n` +
        'this is a bug in fabricsim; please report it with the command line and the scenario file\n' +
        `${err instanceof Error ? (err.stack ?? '') : ''}\n`,
    );
    return EXIT_BUG;
  }
}

/** Runs a file write; a file-system failure (no such folder, read-only…) is the user's: exit 2 naming the file. */
export function writable<T>(fileName: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UserError(`cannot write ${fileName}: ${fsReason(err)}`);
    throw err;
  }
}

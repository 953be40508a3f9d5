/**
 * The command line: `fabricsim <command> [options]`. `bin/fabricsim.js` calls `main(process.argv.slice(2))` and exits
 * with the code it returns.
 *
 * Exit codes: 0 ok; 1 an expectation failed or timelines differ; 2 a user's mistake (one line on stderr, never a
 * stack trace); 3 a bug (message, "this is a bug", stack).
 */
import { didYouMean, ScenarioError } from '../scenario/index.js';
import { TimelineError } from '../trace/index.js';
import { VERSION } from '../version.js';
import {
  checkCommand,
  diffCommand,
  runCommand,
  schemaCommand,
  serveCommand,
  startCommand,
  validateCommand,
} from './commands/index.js';
import { CliError, EXIT_BUG, EXIT_OK, EXIT_USER_ERROR, UsageError } from './errors.js';
import { type CliIO, processIO } from './io.js';
import { MAIN_HELP, usageLine } from './usage.js';

type Command = (argv: readonly string[], io: CliIO) => number | Promise<number>;

/**
 * The commands, by name. A new command is one more entry here and a line in MAIN_HELP. Sweeps, explore, estimate and
 * export are loaded only when asked for: they bring worker threads, report writers and (export) protobufjs, which the
 * other commands do not need.
 */
const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  check: checkCommand,
  diff: diffCommand,
  export: async (argv, io) => (await import('./export/index.js')).exportCommand(argv, io),
  schema: schemaCommand,
  start: startCommand,
  serve: serveCommand,
  validate: validateCommand,
  sweep: async (argv, io) => (await import('./sweep/index.js')).sweepCommand(argv, io),
  merge: async (argv, io) => (await import('./explore/index.js')).mergeDispatch(argv, io),
  estimate: async (argv, io) => (await import('./estimate/index.js')).estimateCommand(argv, io),
  shrink: async (argv, io) => (await import('./explore/index.js')).shrinkCommand(argv, io),
  explore: async (argv, io) => (await import('./explore/index.js')).exploreCommand(argv, io),
};

function isUserError(e: unknown): e is Error {
  return e instanceof ScenarioError || e instanceof CliError || e instanceof TimelineError;
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command', usageLine(MAIN_HELP));
  if (first === '--help' || first === '-h' || first === 'help') {
    io.out(MAIN_HELP);
    return EXIT_OK;
  }
  if (first === '--version') {
    io.out(`fabricsim ${VERSION}\n`);
    return EXIT_OK;
  }
  if (first.startsWith('-')) {
    throw new UsageError(
      `unknown option ${first}${didYouMean(first, ['--help', '--version'], '')}`,
      usageLine(MAIN_HELP),
    );
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) {
    throw new UsageError(
      `unknown command ${JSON.stringify(first)}${didYouMean(first, Object.keys(COMMANDS))}`,
      usageLine(MAIN_HELP),
    );
  }
  return command(rest, io);
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`fabricsim: ${e.message}\n${e.usage}\n`);
      return EXIT_USER_ERROR;
    }
    if (isUserError(e)) {
      io.err(`fabricsim: ${e.message}\n`);
      return EXIT_USER_ERROR;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(
      `fabricsim: internal error: ${err.message}\n` +
        'this is a bug in fabricsim; please report it with the command line and the scenario file\n' +
        `${err.stack ?? ''}\n`,
    );
    return EXIT_BUG;
  }
}

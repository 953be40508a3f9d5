/**
 * `fabricsim serve [--timeline FILE] [--compare FILE] [--at T] [--tour NAME] [--port P] [--open]`: the replay app,
 * behind `npm run viz`.
 */
import { existsSync } from 'node:fs';
import { parseDuration } from '../../engine/index.js';
import { expectPositionals, HELP_OPTION, parseFlags } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { SERVE_HELP, usageLine } from '../usage.js';
import { parsePort, serveOrExplain, untilInterrupted } from './start.js';

const OPTIONS = {
  ...HELP_OPTION,
  timeline: { type: 'string' },
  at: { type: 'string' },
  tour: { type: 'string' },
  compare: { type: 'string' },
  port: { type: 'string' },
  open: { type: 'boolean' },
} as const;

function parseAt(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--at takes µs or a duration such as "20m", found "${text}"`, usageLine(SERVE_HELP));
  }
}

export async function serveCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, SERVE_HELP);
  if (values.help) {
    io.out(SERVE_HELP);
    return EXIT_OK;
  }
  expectPositionals(positionals, [], SERVE_HELP);
  const timeline = typeof values.timeline === 'string' ? values.timeline : undefined;
  if (timeline !== undefined && !existsSync(timeline)) throw new CliError(`cannot read ${timeline}: no such file`);
  const compare = typeof values.compare === 'string' ? values.compare : undefined;
  if (compare !== undefined && timeline === undefined)
    throw new UsageError('--compare needs --timeline: it names the second of two runs', usageLine(SERVE_HELP));
  if (compare !== undefined && !existsSync(compare)) throw new CliError(`cannot read ${compare}: no such file`);
  const atUs = typeof values.at === 'string' ? parseAt(values.at) : undefined;
  const tour = typeof values.tour === 'string' ? values.tour : undefined;
  if (tour !== undefined && !/^[a-z][a-z0-9-]*$/.test(tour))
    throw new UsageError(`--tour takes a tour name such as "failure", found "${tour}"`, usageLine(SERVE_HELP));
  if (tour !== undefined && timeline === undefined)
    throw new UsageError('--tour needs --timeline: a tour follows a run', usageLine(SERVE_HELP));
  const port = typeof values.port === 'string' ? parsePort(values.port, SERVE_HELP) : undefined;
  const server = await serveOrExplain({
    ...(timeline === undefined ? {} : { timelinePath: timeline }),
    ...(atUs === undefined ? {} : { atUs }),
    ...(tour === undefined ? {} : { tour }),
    ...(compare === undefined ? {} : { comparePath: compare }),
    ...(port === undefined ? {} : { port }),
    open: values.open === true,
  });
  io.out(`Replay app: ${server.url}\n(Ctrl-C to stop)\n`);
  return untilInterrupted(server.close);
}

/**
 * Flag parsing on top of node:util `parseArgs` (strict): its errors are reworded as one line, with a suggestion
 * for a misspelt flag, and thrown as UsageError (which prints the usage line and exits 2).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DurationError, parseDuration } from '../engine/index.js';
import { didYouMean } from '../scenario/index.js';
import { UsageError } from './errors.js';
import { usageLine } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedFlags {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** The options every command takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

/**
 * Parses `argv` (the arguments after the command name) against `options`. Unknown flags, missing values and
 * values given to boolean flags are UsageErrors naming the flag.
 */
export function parseFlags(argv: readonly string[], options: Options, help: string): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedFlags['values'], positionals };
  } catch (e) {
    throw new UsageError(reword(e, options), usageLine(help));
  }
}

function reword(e: unknown, options: Options): string {
  const err = e as { code?: string; message?: string };
  const message = err.message ?? String(e);
  const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  const flags = Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag}${didYouMean(flag, flags, '')}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return `option ${flag} takes no value`;
      return `option ${flag} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${flag || message}`;
    default:
      return (message.split(/(?<=\.)\s/)[0] ?? message).replace(/\.$/, '');
  }
}

/** Exactly `count` positional arguments, named by `names` for the messages. */
export function expectPositionals(positionals: readonly string[], names: readonly string[], help: string): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(positionals.length).join(' and ')}`, usageLine(help));
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}`, usageLine(help));
  }
  return [...positionals];
}

/** `--seed`: a whole number in [0, 2^32). */
export function parseSeed(text: string, help: string): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n <= 0xffffffff)) {
    throw new UsageError(
      `--seed: expected a whole number from 0 to 4294967295, found ${JSON.stringify(text)}`,
      usageLine(help),
    );
  }
  return n;
}

/** `--until`: a duration such as "30m", in µs. */
export function parseUntil(text: string, help: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
    throw new UsageError(
      `--until: expected a duration such as "250ms", "15s", "10m", "1h30m" or "2d", found ${JSON.stringify(text)}`,
      usageLine(help),
    );
  }
}

/**
 * Command-line flags of `sweep` and `merge`: `--name value` or `--name=value`; booleans take no value; `--set` may
 * repeat. An unknown flag is a UserError that names the closest known one.
 */
import { closest, UserError } from '../../sweep/index.js';

export const SWEEP_USAGE = `usage: fabricsim sweep FILE --seeds N [--seed-start S] [--set path=v1,v2,…]… [--workers K]
                       [--out results.jsonl] [--report report.html] [--json]
                       [--shard i/N | --shard auto | --shards N]`;

export const MERGE_USAGE = 'usage: fabricsim merge RESULTS.jsonl… [--json] [--report report.html]';

interface FlagSpec {
  readonly kind: 'string' | 'boolean' | 'list';
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly strings: Map<string, string>;
  readonly lists: Map<string, string[]>;
  readonly booleans: Set<string>;
}

/** Parses `argv` against `flags` (names without the leading `--`). `--` ends the flags. */
export function parseFlags(argv: readonly string[], flags: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const out: ParsedArgs = { positionals: [], strings: new Map(), lists: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-') {
        throw new UserError(`unknown flag ${arg}${hint(arg.replace(/^-+/, ''), flags)}`);
      }
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (spec === undefined) throw new UserError(`unknown flag --${name}${hint(name, flags)}`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UserError(`--${name} takes no value`);
      out.booleans.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UserError(`--${name} needs a value`);
      }
      value = next;
      i++;
    }
    if (spec.kind === 'list') {
      const list = out.lists.get(name) ?? [];
      list.push(value);
      out.lists.set(name, list);
    } else {
      if (out.strings.has(name)) throw new UserError(`--${name} given twice`);
      out.strings.set(name, value);
    }
  }
  return out;
}

function hint(name: string, flags: Readonly<Record<string, FlagSpec>>): string {
  const best = closest(name, Object.keys(flags));
  return best === null ? '' : ` (did you mean --${best}?)`;
}

export const SWEEP_FLAGS: Readonly<Record<string, FlagSpec>> = {
  seeds: { kind: 'string' },
  'seed-start': { kind: 'string' },
  set: { kind: 'list' },
  workers: { kind: 'string' },
  out: { kind: 'string' },
  report: { kind: 'string' },
  json: { kind: 'boolean' },
  shard: { kind: 'string' },
  shards: { kind: 'string' },
  help: { kind: 'boolean' },
};

export const MERGE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  json: { kind: 'boolean' },
  report: { kind: 'string' },
  help: { kind: 'boolean' },
};

/**
 * `fabricsim shrink FILE [--seed N] [--out MIN.yaml] [--fingerprint KEY] [--json]`: shrinks a scenario that fails
 * with that seed to a minimal, self-contained scenario file that fails the same way (sim/explore/shrink.ts), and
 * writes it atomically with a comment header. Exit 0 when written; 2 when the input is not a valid scenario or does
 * not fail (nothing to shrink).
 */
import { dirname, join } from 'node:path';
import { parseDuration } from '../../engine/index.js';
import {
  emitScenario,
  evaluateFile,
  NothingToShrink,
  type ShrinkResult,
  shrinkScenario,
  shrunkHeader,
} from '../../explore/index.js';
import { loadScenario } from '../../runner/index.js';
import { expectPositionals, HELP_OPTION, parseFlags, parseSeed } from '../args.js';
import { CliError, EXIT_OK } from '../errors.js';
import { checkWritable, writeFileAtomic } from '../files.js';
import { type CliIO, processIO } from '../io.js';
import { rebasePolicyModules, renamePlugins, withPlugins } from '../plugins.js';
import { loadScenarioFile, withScenarioErrors } from '../scenario.js';
import { SHRINK_HELP } from '../usage.js';
import { viewerCommand } from '../viewer.js';

const OPTIONS = {
  ...HELP_OPTION,
  seed: { type: 'string' },
  out: { type: 'string' },
  fingerprint: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Default output: next to the input, "<name>.min.yaml". */
export function defaultShrinkOut(file: string): string {
  const base = file
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(ya?ml|json)$/i, '');
  return join(dirname(file), `${base}.min.yaml`);
}

/**
 * Where the viewer should open a shrunk scenario: when the failure happened if known, else when its first fault
 * starts (an availability or metric failure has no single moment; the first fault is where the story begins).
 */
export function failingMoment(r: ShrinkResult): number | null {
  if (r.failure.atUs !== null) return r.failure.atUs;
  const starts = (r.file.faults ?? []).flatMap((f) =>
    'at' in f && typeof f.at === 'string' ? [parseDuration(f.at)] : [],
  );
  return starts.length === 0 ? null : Math.min(...starts);
}

export interface ShrunkFile {
  readonly text: string;
  readonly result: ShrinkResult;
}

/**
 * Shrinks and renders; checks that the rendered text, read back, still fails with the same fingerprint (a bug
 * otherwise). Shared by `shrink` and `explore`.
 */
export function shrinkToText(
  file: Parameters<typeof shrinkScenario>[0],
  opts: Parameters<typeof shrinkScenario>[1] & { from: string; out: string; sourceFile?: string },
): ShrunkFile {
  const result = shrinkScenario(file, opts);
  // Policy modules named by relative path are found from the written file's folder.
  const { file: written, renames } =
    opts.sourceFile === undefined
      ? { file: result.file, renames: new Map<string, string>() }
      : rebasePolicyModules(result.file, opts.sourceFile, opts.out);
  const text = emitScenario(
    written,
    shrunkHeader({
      from: opts.from,
      seed: opts.seed,
      out: opts.out,
      failure: result.failure,
      measured: result.failure.measured,
      bound: result.failure.bound,
      tried: result.tried,
      sizeBefore: result.sizeBefore,
      sizeAfter: result.sizeAfter,
    }),
  );
  const again = loadScenario(text, { fileName: opts.out });
  const key = result.failure.key;
  const ev = evaluateFile(
    again.file,
    opts.seed,
    key.startsWith('invariant '),
    again.name,
    renamePlugins(opts.plugins as Record<string, unknown> | undefined, renames),
  );
  if (!ev?.some((f) => f.key === key))
    throw new Error(`shrink: the written file does not fail as "${result.failure.key}" (this is a bug)`);
  return { text, result };
}

export async function shrinkCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, SHRINK_HELP);
  if (values.help) {
    io.out(SHRINK_HELP);
    return EXIT_OK;
  }
  const [file] = expectPositionals(positionals, ['FILE'], SHRINK_HELP) as [string];
  const out = typeof values.out === 'string' ? values.out : defaultShrinkOut(file);
  checkWritable(out);
  const scenario = loadScenarioFile(file);
  const { plugins } = await withPlugins(scenario);
  const seed = typeof values.seed === 'string' ? parseSeed(values.seed, SHRINK_HELP) : scenario.seed;
  const tty = io === processIO && process.stderr.isTTY === true;
  let lastDraw = 0;
  const onProgress = (p: { tried: number; size: number }): void => {
    if (!tty) return;
    const now = io.now();
    if (now - lastDraw < 100) return;
    lastDraw = now;
    io.err(`\rshrink: ${p.tried} candidates tried, size ${p.size}   `);
  };
  let shrunk: ShrunkFile;
  try {
    shrunk = withScenarioErrors(file, () =>
      shrinkToText(scenario.file, {
        seed,
        name: scenario.name,
        from: file,
        out,
        sourceFile: file,
        onProgress,
        ...(plugins === undefined ? {} : { plugins }),
        ...(typeof values.fingerprint === 'string' ? { fingerprint: values.fingerprint } : {}),
      }),
    );
  } catch (e) {
    if (e instanceof NothingToShrink) throw new CliError(`${file}: nothing to shrink: ${e.message}`);
    throw e;
  } finally {
    if (tty) io.err('\r\x1b[K');
  }
  writeFileAtomic(out, shrunk.text);
  const r = shrunk.result;
  if (values.json) {
    io.out(
      `${JSON.stringify(
        {
          input: file,
          output: out,
          seed,
          fingerprint: {
            key: r.failure.key,
            expectation: r.failure.what,
            target: r.failure.target,
            direction: r.failure.direction,
          },
          measured: r.failure.measured,
          bound: r.failure.bound,
          tried: r.tried,
          sizeBefore: r.sizeBefore,
          sizeAfter: r.sizeAfter,
          faults: r.file.faults ?? [],
          steps: r.steps,
        },
        null,
        2,
      )}\n`,
    );
    return EXIT_OK;
  }
  const faults = r.file.faults ?? [];
  io.out(
    `shrunk ${file} (seed ${seed}): size ${r.sizeBefore} → ${r.sizeAfter} after ${r.tried} candidate runs\n` +
      `  fails: ${r.failure.what} — ${r.failure.direction} (${r.failure.target}), measured ${r.failure.measured}\n` +
      `  ${faults.length} fault${faults.length === 1 ? '' : 's'} left:\n` +
      faults.map((f) => `    ${JSON.stringify(f)}\n`).join('') +
      `  wrote ${out}\n  replay: npx fabricsim check ${out}\n` +
      `  view:   ${viewerCommand(out, seed, failingMoment(r))}\n`,
  );
  return EXIT_OK;
}

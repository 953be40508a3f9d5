/**
 * `fabricsim run FILE [--seed N] [--out timeline.json [--timeline-version 1|2|3]] [--json] [--until T]`
 */

import type { RunSummary } from '../../metrics/index.js';
import { runStreamed } from '../../run.js';
import { runScenario } from '../../runner/index.js';
import { TIMELINE_FILE_VERSION, type TimelineFileVersion, timelineWriter } from '../../trace/index.js';
import { expectPositionals, HELP_OPTION, parseFlags, parseSeed, parseUntil } from '../args.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { checkWritable, openAtomicWriter } from '../files.js';
import { groupDigits } from '../format.js';
import type { CliIO } from '../io.js';
import { withPlugins } from '../plugins.js';
import { loadScenarioFile, withScenarioErrors } from '../scenario.js';
import { bytesPerEvent, formatRunReport } from '../summary.js';
import { RUN_HELP, usageLine } from '../usage.js';

const OPTIONS = {
  ...HELP_OPTION,
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  until: { type: 'string' },
  'timeline-version': { type: 'string' },
} as const;

export async function runCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, RUN_HELP);
  if (values.help) {
    io.out(RUN_HELP);
    return EXIT_OK;
  }
  const [file] = expectPositionals(positionals, ['FILE'], RUN_HELP) as [string];
  const seed = typeof values.seed === 'string' ? parseSeed(values.seed, RUN_HELP) : undefined;
  const untilUs = typeof values.until === 'string' ? parseUntil(values.until, RUN_HELP) : undefined;
  const out = typeof values.out === 'string' ? values.out : undefined;
  const version = parseTimelineVersion(values['timeline-version'], out !== undefined);
  // Fail before a long run, not after it.
  if (out !== undefined) checkWritable(out);

  const scenario = await withPlugins(loadScenarioFile(file));
  const started = io.now();
  const runOpts = { ...(seed === undefined ? {} : { seed }), ...(untilUs === undefined ? {} : { untilUs }) };
  let summary: RunSummary;
  let written: { path: string; bytes: number } | undefined;
  if (out === undefined) {
    summary = withScenarioErrors(file, () => runScenario(scenario, { ...runOpts, record: false })).summary;
  } else {
    // The timeline goes to disk as the run makes it (never whole in memory), under a temporary name until done.
    const writer = openAtomicWriter(out);
    try {
      summary = withScenarioErrors(file, () =>
        runStreamed(
          scenario.resolved,
          timelineWriter(writer.write, version),
          scenario.plugins === undefined ? runOpts : { ...runOpts, plugins: scenario.plugins },
        ),
      ).summary;
    } catch (e) {
      writer.abort();
      throw e;
    }
    written = { path: out, bytes: writer.commit() };
  }
  const wallMs = io.now() - started;

  if (values.json) {
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    if (written) {
      io.err(
        `timeline: ${written.path} (${groupDigits(written.bytes)} bytes, ${bytesPerEvent(written.bytes, summary.events)} bytes/event)\n`,
      );
    }
  } else {
    io.out(formatRunReport({ summary, file, wallMs, timeline: written }));
  }
  return EXIT_OK;
}

/** `--timeline-version`: 1, 2 or 3, and only with `--out`. */
function parseTimelineVersion(value: string | boolean | undefined, hasOut: boolean): TimelineFileVersion {
  if (value === undefined) return TIMELINE_FILE_VERSION;
  if (!hasOut) throw new UsageError('--timeline-version needs --out', usageLine(RUN_HELP));
  if (value === '1' || value === '2' || value === '3') return Number(value) as TimelineFileVersion;
  throw new UsageError(`--timeline-version must be 1, 2 or 3, not ${JSON.stringify(value)}`, usageLine(RUN_HELP));
}

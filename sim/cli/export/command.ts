/**
 * `fabricsim export TIMELINE --format perfetto|chrome-json|shiviz [--out FILE]`: writes a recorded run in a format
 * that Perfetto, chrome://tracing or ShiViz opens. The export itself is sim/export (pure); this file reads the
 * timeline and streams the pieces to a temporary file that is renamed over FILE only once complete.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type ChunkSink,
  EXPORT_FORMATS,
  ExportError,
  type ExportFormat,
  exportTimeline,
  isExportFormat,
} from '../../export/index.js';
import { didYouMean } from '../../scenario/index.js';
import { expectPositionals, HELP_OPTION, parseFlags } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../errors.js';
import { checkWritable, openAtomicWriter, readTimelineArg, type StreamFs } from '../files.js';
import { groupDigits } from '../format.js';
import type { CliIO } from '../io.js';
import { EXPORT_HELP, usageLine } from '../usage.js';

const OPTIONS = {
  ...HELP_OPTION,
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

export type { StreamFs } from '../files.js';

/**
 * Streams what `produce` writes to `path` atomically (`openAtomicWriter`): into `path.tmp-<pid>`, flushed, then
 * renamed over `path`. On any failure (of the file system or of `produce`) the temporary file is removed and an
 * existing `path` is left as it was. Returns the number of bytes written.
 */
export function writeChunksAtomic(path: string, produce: (sink: ChunkSink) => void, fs: StreamFs = nodeFs): number {
  const writer = openAtomicWriter(path, fs);
  try {
    produce((chunk) => writer.write(chunk));
  } catch (e) {
    writer.abort();
    throw e;
  }
  return writer.commit();
}

/** The default output: beside the timeline, its name with the format's ending ("run.timeline.json" → "run.pftrace"). */
export function defaultOutPath(timelinePath: string, format: ExportFormat): string {
  const base = basename(timelinePath).replace(/(\.timeline)?\.json$/i, '');
  return join(dirname(timelinePath), `${base}${EXPORT_FORMATS[format].extension}`);
}

export function exportCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseFlags(argv, OPTIONS, EXPORT_HELP);
  if (values.help) {
    io.out(EXPORT_HELP);
    return EXIT_OK;
  }
  const [file] = expectPositionals(positionals, ['TIMELINE'], EXPORT_HELP) as [string];
  const formats = Object.keys(EXPORT_FORMATS);
  if (typeof values.format !== 'string') {
    throw new UsageError(`missing --format: one of ${formats.join(', ')}`, usageLine(EXPORT_HELP));
  }
  const format = values.format;
  if (!isExportFormat(format)) {
    throw new UsageError(
      `--format: unknown format ${JSON.stringify(format)}${didYouMean(format, formats)}; expected one of ${formats.join(', ')}`,
      usageLine(EXPORT_HELP),
    );
  }
  const out = typeof values.out === 'string' ? values.out : defaultOutPath(file, format);
  if (out === file) throw new CliError(`--out ${out}: would overwrite the timeline it reads`);
  checkWritable(out);
  const timeline = readTimelineArg(file);
  const started = io.now();
  let bytes: number;
  try {
    bytes = writeChunksAtomic(out, (sink) => exportTimeline(timeline, format, sink));
  } catch (e) {
    // A timeline the format cannot hold: the user's, one line (the exporters are loaded only for this command, so the
    // command line's error handling does not know ExportError).
    if (e instanceof ExportError) throw new CliError(e.message);
    throw e;
  }
  const seconds = (io.now() - started) / 1000;
  io.out(
    `${EXPORT_FORMATS[format].label}: ${out} (${groupDigits(bytes)} bytes, ${groupDigits(timeline.events.length)} events, ${seconds.toFixed(1)} s)\n`,
  );
  return EXIT_OK;
}

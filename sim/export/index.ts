/**
 * Exports a timeline to the trace tools people already use: Perfetto (its protobuf TrackEvent format), the Chrome
 * JSON trace-event format (Perfetto, chrome://tracing, DevTools) and ShiViz logs with vector clocks.
 *
 * Pure and browser-safe: the output goes to a callback in pieces (strings or bytes), never as one giant string. The
 * command line writes the pieces to a file (`fabricsim export`), the viewer to a Blob it downloads ("Export…").
 */
import type { Timeline } from '../trace/format.js';
import { writeChromeJson } from './chrome.js';
import type { ChunkSink } from './chunks.js';
import { writePerfetto } from './perfetto.js';
import { writeShiViz } from './shiviz.js';

export type { ChunkSink } from './chunks.js';
export { ExportError } from './errors.js';
export { SHIVIZ_REGEX } from './shiviz.js';

export type ExportFormat = 'perfetto' | 'chrome-json' | 'shiviz';

export interface FormatInfo {
  readonly format: ExportFormat;
  /** What the tool that opens it is called, for menus and messages. */
  readonly label: string;
  /** File name ending, with its dot. */
  readonly extension: string;
  readonly mimeType: string;
  /** True when the output is bytes (Uint8Array pieces), false for text. */
  readonly binary: boolean;
}

export const EXPORT_FORMATS: Readonly<Record<ExportFormat, FormatInfo>> = {
  perfetto: {
    format: 'perfetto',
    label: 'Perfetto (protobuf)',
    extension: '.pftrace',
    mimeType: 'application/octet-stream',
    binary: true,
  },
  'chrome-json': {
    format: 'chrome-json',
    label: 'Chrome trace JSON',
    extension: '.trace.json',
    mimeType: 'application/json',
    binary: false,
  },
  shiviz: { format: 'shiviz', label: 'ShiViz log', extension: '.shiviz.log', mimeType: 'text/plain', binary: false },
};

export function isExportFormat(name: string): name is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, name);
}

/** Writes `timeline` in `format` to `sink`, piece by piece, in order. */
export function exportTimeline(timeline: Timeline, format: ExportFormat, sink: ChunkSink): void {
  switch (format) {
    case 'perfetto':
      writePerfetto(timeline, sink);
      return;
    case 'chrome-json':
      writeChromeJson(timeline, sink);
      return;
    case 'shiviz':
      writeShiViz(timeline, sink);
      return;
  }
}

/** The usual file name for an export of a run of `scenario`: "quickstart.pftrace". */
export function exportFileName(scenario: string, format: ExportFormat): string {
  const base = scenario.replace(/[^\w.-]+/g, '_') || 'fabricsim';
  return `${base}${EXPORT_FORMATS[format].extension}`;
}

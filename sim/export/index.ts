/**
 * Exports a timeline to the trace tools people already use: Perfetto (its protobuf TrackEvent format), the Chrome
 * JSON trace-event format (Perfetto, chrome://tracing, DevTools) and ShiViz logs with vector clocks.
 *
 * Pure and browser-safe: the output goes to a callback in pieces (strings or bytes), never as one giant string. The
 * command line writes the pieces to a file (`fabricsim export`), the viewer to a Blob it downloads ("Export…").
 */
import type { Timeline } from '../trace/index.js';
import { writeChromeJson } from './chrome.js';
import type { ChunkSink } from './chunks.js';
import type { ExportFormat } from './formats.js';
import { writePerfetto } from './perfetto.js';
import { writeShiViz } from './shiviz.js';

export type { ChunkSink } from './chunks.js';
export { ExportError } from './errors.js';
export { EXPORT_FORMATS, type ExportFormat, exportFileName, type FormatInfo, isExportFormat } from './formats.js';
export { SHIVIZ_REGEX } from './shiviz.js';

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

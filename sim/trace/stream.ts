/**
 * Writing a timeline as a stream, piece by piece while the run goes — the head (everything before the events) when
 * the run starts, the events once the recorder lets them go, the summary at the end. Neither the events nor the text
 * are ever held whole, so recording a region costs the disk, not the memory. `readTimeline` and the viewer read the
 * result like any other timeline.
 *
 * Version 1 (the default here) is the document `JSON.stringify(timeline) + '\n'` would give, byte for byte; version
 * 2 holds the events in blocks of columns (sim/trace/columns.ts), one block at a time; version 3 (what `run --out`
 * writes) the same blocks with their numeric columns packed into one string each.
 *
 * Pure: the caller supplies `write` (a file descriptor, a socket, a string builder in tests).
 */
import type { RunSummary } from '../metrics/index.js';
import { ColumnEncoder, packColumns } from './columns.js';
import type { Timeline, TimelineEvent, TimelineFileVersion } from './format.js';

/** Everything in a timeline before its events, in the document's key order. */
export type TimelineHead = Omit<Timeline, 'events' | 'summary' | 'traceHash'>;

/** What a streaming run feeds: the head once, then every event in order, then the end. */
export interface TimelineSink {
  begin(head: TimelineHead): void;
  event(e: TimelineEvent): void;
  end(summary: RunSummary, traceHash: string): void;
}

/** Size, in UTF-16 code units, at which buffered text is handed to `write`. */
const CHUNK = 1 << 20;

/** Events in a block of a version-2 or -3 file: small enough to hold, large enough that each column is a long list. */
export const BLOCK_EVENTS = 4096;

/**
 * A sink that writes the timeline's JSON text, in `version` (1 unless told), to `write` in pieces of about a
 * megabyte. Returns the sink.
 */
export function timelineWriter(write: (text: string) => void, version: TimelineFileVersion = 1): TimelineSink {
  return version === 1 ? objectsWriter(write) : columnsWriter(write, version);
}

/** Buffers text and hands it to `write` in pieces of about CHUNK. */
function chunker(write: (text: string) => void): { put(s: string): void; end(): void } {
  let parts: string[] = [];
  let size = 0;
  return {
    put(s) {
      parts.push(s);
      size += s.length;
      if (size >= CHUNK) {
        write(parts.join(''));
        parts = [];
        size = 0;
      }
    },
    end() {
      if (size > 0) write(parts.join(''));
      parts = [];
      size = 0;
    },
  };
}

/**
 * Versions 2 and 3: the head with its `"version"`, then `"blocks":[…]` of columns (version 3: `n`, `str`, `pv` and the
 * other columns packed in `b`), `"eventCount"`, the summary and hash.
 */
function columnsWriter(write: (text: string) => void, version: 2 | 3): TimelineSink {
  const out = chunker(write);
  const enc = new ColumnEncoder();
  let blocks = 0;
  let count = 0;
  const flush = (): void => {
    const block = enc.flush();
    const text =
      version === 2
        ? JSON.stringify(block)
        : `{"n":${block.n},"str":${JSON.stringify(block.str)},"pv":${JSON.stringify(block.pv)},"b":"${packColumns(block)}"}`;
    out.put(`${blocks++ === 0 ? '' : ','}${text}`);
  };
  return {
    begin(head) {
      const text = JSON.stringify({ ...head, version });
      out.put(`${text.slice(0, -1)},"blocks":[`);
    },
    event(e) {
      enc.add(e);
      count++;
      if (enc.pending >= BLOCK_EVENTS) flush();
    },
    end(summary, traceHash) {
      if (enc.pending > 0) flush();
      out.put(
        `],"eventCount":${count},"summary":${JSON.stringify(summary)},"traceHash":${JSON.stringify(traceHash)}}\n`,
      );
      out.end();
    },
  };
}

/** Version 1: `JSON.stringify(timeline) + '\n'`, byte for byte. */
function objectsWriter(write: (text: string) => void): TimelineSink {
  const out = chunker(write);
  let first = true;
  return {
    begin(head) {
      const text = JSON.stringify(head);
      // The head is a non-empty object: its text ends with '}', which the events and the summary follow.
      out.put(`${text.slice(0, -1)},"events":[`);
    },
    event(e) {
      out.put(first ? JSON.stringify(e) : `,${JSON.stringify(e)}`);
      first = false;
    },
    end(summary, traceHash) {
      out.put(`],"summary":${JSON.stringify(summary)},"traceHash":${JSON.stringify(traceHash)}}\n`);
      out.end();
    },
  };
}

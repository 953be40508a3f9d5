/**
 * Writing a timeline as a stream: the document `JSON.stringify(timeline) + '\n'` would give, byte for byte, produced
 * piece by piece while the run goes — the head (everything before the events) when the run starts, each event once
 * the recorder lets it go, the summary at the end. Neither the events nor the text are ever held whole, so recording
 * a region costs the disk, not the memory. `readTimeline` and the viewer read the result like any other timeline.
 *
 * Pure: the caller supplies `write` (a file descriptor, a socket, a string builder in tests).
 */
import type { RunSummary } from '../metrics/index.js';
import type { Timeline, TimelineEvent } from './format.js';

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

/** A sink that writes the timeline's JSON text to `write` in pieces of about a megabyte. Returns the sink. */
export function timelineWriter(write: (text: string) => void): TimelineSink {
  let parts: string[] = [];
  let size = 0;
  let first = true;
  const put = (s: string): void => {
    parts.push(s);
    size += s.length;
    if (size >= CHUNK) {
      write(parts.join(''));
      parts = [];
      size = 0;
    }
  };
  return {
    begin(head) {
      const text = JSON.stringify(head);
      // The head is a non-empty object: its text ends with '}', which the events and the summary follow.
      put(`${text.slice(0, -1)},"events":[`);
    },
    event(e) {
      put(first ? JSON.stringify(e) : `,${JSON.stringify(e)}`);
      first = false;
    },
    end(summary, traceHash) {
      put(`],"summary":${JSON.stringify(summary)},"traceHash":${JSON.stringify(traceHash)}}\n`);
      if (size > 0) write(parts.join(''));
      parts = [];
      size = 0;
    },
  };
}

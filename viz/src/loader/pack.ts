/**
 * Packing and unpacking a timeline for the trip from the load worker to the page: the document without its events,
 * and the events in columns whose typed arrays are transferred, not copied. Every file version packs the same way,
 * so the page rebuilds the same events from either.
 */
import {
  encodeColumns,
  joinColumns,
  parseTimelineText,
  type Timeline,
  timelineFromColumns,
} from '../../../sim/trace/index.js';
import type { PackedTimeline } from './protocol.js';

/**
 * Parses and checks a timeline file's text (any version) and packs it, with the version it was in: what the load
 * worker does with a file not read as it came (`StreamEnd` 'whole'). Throws TimelineError when it is not a timeline.
 */
export function pack(text: string): PackedTimeline {
  const parsed = parseTimelineText(text);
  if (parsed.events.kind === 'columns') {
    return { head: parsed.head, columns: parsed.events.columns, version: parsed.events.version };
  }
  return packTimeline(parsed.head as Timeline, 1);
}

/** A timeline in memory, packed (the run worker hands its runs over this way too). */
export function packTimeline(timeline: Timeline, version: 1 | 2 = 2): PackedTimeline {
  const { events, ...head } = timeline;
  return { head, columns: joinColumns([encodeColumns(events)]), version };
}

/** The timeline a packed one holds, its events rebuilt (and checked). */
export function unpack(packed: PackedTimeline): Timeline {
  return timelineFromColumns(packed.head, packed.columns);
}

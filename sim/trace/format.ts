/**
 * The timeline: what `fabricsim run --out` writes and the browser viewer reads (docs/timeline.md).
 *
 * In memory a timeline is the version-1 document: one object whose `events` are objects with short keys (event.ts,
 * docs/timeline.md); an event's id is its index in `events`, and `c` (cause) is the id of the event that led to it,
 * or -1 for a root (a fault, a script step). Files are written in version 3, the same document with the events in
 * columns packed into one string per block (sim/trace/columns.ts); version 2 has the columns as lists of numbers.
 * `readTimeline` reads all three into the same object.
 */
import type { RunSummary } from '../metrics/index.js';
import type { World } from '../spec/index.js';
import { decodeColumns, type EventColumns, joinColumns } from './columns.js';
import { TimelineError } from './error.js';
import type { Deadline, MessageInfo, Patch, TimelineEvent } from './event.js';

export { TimelineError };

export const TIMELINE_FORMAT = 'fabricsim.timeline';
/** The version of the in-memory object (events as objects), and of files written with `version: 1`. */
export const TIMELINE_VERSION = 1;
/** The version files are written in by default: events in columns, packed. */
export const TIMELINE_FILE_VERSION = 3;
/** The versions `readTimeline` reads. */
export const TIMELINE_VERSIONS = [1, 2, 3] as const;
export type TimelineFileVersion = (typeof TIMELINE_VERSIONS)[number];

export type { Deadline, MessageInfo, Patch, TimelineEvent };

export interface Timeline {
  readonly format: typeof TIMELINE_FORMAT;
  readonly version: typeof TIMELINE_VERSION;
  readonly fabricsim: string;
  /** The scenario as resolved (defaults filled in), and its source text's name. */
  readonly scenario: { readonly name: string; readonly file?: string; readonly resolved: unknown };
  readonly seed: number;
  readonly durationUs: number;
  readonly initial: World;
  readonly events: readonly TimelineEvent[];
  readonly summary: RunSummary;
  readonly traceHash: string;
}

/** The parts of the seed document that events illustrate. */
export const TOPICS = {
  'role-monitoring': 'Role instance monitoring and restart',
  'service-healing': 'Role instance monitoring and restart (moving instances off a failed node)',
  'compute-connectivity': 'Compute connectivity',
  'software-installation': 'Software installation',
  'virus-scans': 'Virus scans on builds',
  'closed-environment': 'Closed and locked environment',
  'sql-authentication': 'Azure SQL Database authentication',
  'corpnet-acls': 'ACLs and firewalls between the corporate network and a cluster',
  'sql-node-acls': 'ACLs and firewalls between nodes in a SQL Database cluster',
  watchdogs: 'Custom monitoring agents (watchdogs)',
  'change-management': 'Software installation (change and release management)',
} as const;
export type Topic = keyof typeof TOPICS;

/**
 * Parses and checks a timeline document of any version. Refuses anything that is not a fabricsim timeline of a
 * version this fabricsim reads, or that is damaged, with a message a person can act on. Returns the in-memory
 * timeline (version 1's shape whichever version the text was).
 */
export function readTimeline(text: string): Timeline {
  const { head, events } = parseTimelineText(text);
  if (events.kind === 'objects') return head as Timeline;
  return timelineFromColumns(head, events.columns);
}

/** A parsed document, its events still in whatever form the file held them. */
export interface ParsedTimeline {
  /** The document without its events (`events`, or the `blocks` and `eventCount` of versions 2 and 3), `version` set to 1. */
  readonly head: Omit<Timeline, 'events'>;
  readonly events:
    | { readonly kind: 'objects'; readonly version: 1 }
    | {
        readonly kind: 'columns';
        readonly version: 2 | 3;
        readonly columns: EventColumns<Float64Array | Int32Array>;
      };
}

/**
 * Parses a document and checks its frame (format, version, fields). A version-1 document's events are checked and
 * stay where they are (`head` is then the whole timeline); the blocks of versions 2 and 3 are joined into one set of columns
 * (typed arrays, which the viewer's worker transfers to the page), checked when decoded.
 */
export function parseTimelineText(text: string): ParsedTimeline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new TimelineError(`not a timeline: the file is not valid JSON (${detail}); is it truncated?`);
  }
  return parseTimelineDocument(doc);
}

/** `parseTimelineText` for a document already parsed from JSON. */
export function parseTimelineDocument(doc: unknown): ParsedTimeline {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new TimelineError('not a timeline: expected a JSON object');
  }
  const o = doc as Record<string, unknown>;
  if (o.format !== TIMELINE_FORMAT) {
    throw new TimelineError(`not a timeline: "format" is ${JSON.stringify(o.format)}, expected "${TIMELINE_FORMAT}"`);
  }
  if (!(TIMELINE_VERSIONS as readonly unknown[]).includes(o.version)) {
    throw new TimelineError(
      `unsupported timeline version ${JSON.stringify(o.version)}: this fabricsim reads versions ${TIMELINE_VERSIONS.slice(0, -1).join(', ')} and ${TIMELINE_VERSIONS.at(-1)}`,
    );
  }
  const eventsKey = o.version === 1 ? 'events' : 'blocks';
  for (const key of [eventsKey, 'initial', 'summary', 'traceHash', 'durationUs', 'seed'] as const) {
    if (!(key in o)) throw new TimelineError(`damaged timeline: missing "${key}"`);
  }
  if (!Array.isArray(o[eventsKey])) throw new TimelineError(`damaged timeline: "${eventsKey}" is not a list`);
  if (o.version === 1) return { head: checkEvents(o as unknown as Timeline), events: { kind: 'objects', version: 1 } };
  const version = o.version as 2 | 3;
  const columns = joinColumns(o.blocks as unknown[], version);
  if (o.eventCount !== columns.n) {
    throw new TimelineError(
      `damaged timeline: the blocks hold ${columns.n} events, the file says ${JSON.stringify(o.eventCount)}`,
    );
  }
  const { blocks: _b, eventCount: _n, ...rest } = o;
  return {
    head: { ...rest, version: TIMELINE_VERSION } as unknown as Omit<Timeline, 'events'>,
    events: { kind: 'columns', version, columns },
  };
}

/** The timeline whose events are in `columns` (decoded and checked), with the rest of the document from `head`. */
export function timelineFromColumns(head: Omit<Timeline, 'events'>, columns: EventColumns): Timeline {
  const events: TimelineEvent[] = [];
  decodeColumns(columns, [], events);
  // Key order as in a version-1 document: the events where a version-1 document has them.
  const { summary, traceHash, ...front } = head;
  return { ...front, events, summary, traceHash } as Timeline;
}

/** Checks a version-1 document's events: fields present, time never going back, causes before their event. */
function checkEvents(doc: Timeline): Timeline {
  const events = doc.events as unknown[];
  let last = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Partial<TimelineEvent> | null;
    if (
      !e ||
      typeof e.t !== 'number' ||
      typeof e.k !== 'string' ||
      typeof e.s !== 'string' ||
      typeof e.c !== 'number'
    ) {
      throw new TimelineError(`damaged timeline: event ${i} lacks t, k, s or c`);
    }
    if (e.t < last) throw new TimelineError(`damaged timeline: event ${i} goes back in time`);
    if (e.c >= i) throw new TimelineError(`damaged timeline: event ${i} names a cause (${e.c}) that is not before it`);
    last = e.t;
  }
  return doc;
}

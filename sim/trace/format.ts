/**
 * Timeline format, version 1: what `fabricsim run --out` writes and the browser viewer reads.
 *
 * One JSON document. Events are compact (short keys, documented below and in docs/timeline.md); an event's id is its
 * index in `events`, and `c` (cause) is the id of the event that led to it, or -1 for a root (a fault, a script step).
 */
import type { RunSummary } from '../metrics/index.js';
import type { World } from '../spec/index.js';

export const TIMELINE_FORMAT = 'fabricsim.timeline';
export const TIMELINE_VERSION = 1;

/** An immer patch (JSON-Patch-like, with array paths). */
export interface Patch {
  readonly op: 'replace' | 'add' | 'remove';
  readonly path: readonly (string | number)[];
  readonly value?: unknown;
}

/** A message shown in flight by the viewer. Routine successful polls on healthy links are not recorded. */
export interface MessageInfo {
  /** Sending actor, e.g. "fc:c0", "ha:c0-r1-n3", "lb:shop.web", "internet:203.0.113.9". */
  readonly from: string;
  readonly to: string;
  /** Arrival time in µs (equal to `t` for a message dropped at once). */
  readonly at: number;
  /** Delivered (true) or dropped / denied (false). */
  readonly ok: boolean;
}

/** A deadline armed by an event (a timeout, a scheduled retry), shown ahead of the playhead. */
export interface Deadline {
  readonly t: number;
  readonly k: string;
  readonly s: string;
}

export interface TimelineEvent {
  /** Simulated time, µs since the start of the run. */
  readonly t: number;
  /** Kind, e.g. "fault.start", "node.silent", "instance.state", "msg.poll". */
  readonly k: string;
  /** Subject: the id of the entity or actor the event is about. */
  readonly s: string;
  /** Cause: id (index) of the event that led to this one, -1 for none. */
  readonly c: number;
  /** The rule or policy that decided it, where one did (e.g. "fc.missedPolls=4", "nsg:65500:DenyAllInBound"). */
  readonly r?: string;
  /** Topic: the part of the seed document this event illustrates (see TOPICS). */
  readonly tp?: string;
  /** A short human-readable text. Not part of the trace hash. */
  readonly x: string;
  /** Patches to the world state made by this event. */
  readonly p?: readonly Patch[];
  readonly m?: MessageInfo;
  readonly d?: readonly Deadline[];
}

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

export class TimelineError extends Error {
  override name = 'TimelineError';
}

/**
 * Parses and checks a timeline document. Refuses anything that is not a fabricsim timeline of this version, or that
 * is damaged, with a message a person can act on.
 */
export function readTimeline(text: string): Timeline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new TimelineError(`not a timeline: the file is not valid JSON (${detail}); is it truncated?`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new TimelineError('not a timeline: expected a JSON object');
  }
  const o = doc as Record<string, unknown>;
  if (o.format !== TIMELINE_FORMAT) {
    throw new TimelineError(`not a timeline: "format" is ${JSON.stringify(o.format)}, expected "${TIMELINE_FORMAT}"`);
  }
  if (o.version !== TIMELINE_VERSION) {
    throw new TimelineError(
      `unsupported timeline version ${JSON.stringify(o.version)}: this fabricsim reads version ${TIMELINE_VERSION}`,
    );
  }
  for (const key of ['events', 'initial', 'summary', 'traceHash', 'durationUs', 'seed'] as const) {
    if (!(key in o)) throw new TimelineError(`damaged timeline: missing "${key}"`);
  }
  if (!Array.isArray(o.events)) throw new TimelineError('damaged timeline: "events" is not a list');
  const events = o.events as unknown[];
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
  return doc as Timeline;
}

/**
 * What is scheduled ahead of the playhead: deadlines armed by past events and not yet passed, and the next faults.
 * A deadline is armed by an event at or before the playhead; it is pending while its time is after the playhead.
 */
import type { Deadline, TimelineEvent } from '../../../sim/trace/index.js';
import type { Analysis } from './analysis.js';
import { type Events, eventList } from './event-list.js';

export interface PendingDeadline extends Deadline {
  /** The event that armed it. */
  readonly armedBy: number;
}

/** Most deadlines returned (the nearest ones first). */
export const MAX_PENDING = 200;

/**
 * Deadlines armed by applied events (ids < `position`) and due after `nowUs`, nearest first, up to `limit` and at
 * most `horizonUs`. Deadlines are kept sorted by due time, so this walks forward from now and skips those armed
 * later; the walk is bounded (`MAX_SCAN`) so a frame never pays for a pathological timeline.
 */
export function pendingDeadlines(
  eventsIn: Events,
  analysis: Analysis,
  position: number,
  nowUs: number,
  horizonUs = Number.POSITIVE_INFINITY,
  limit = MAX_PENDING,
): PendingDeadline[] {
  const events = eventList(eventsIn);
  const { armedBy, dueUs, order } = analysis.deadlines;
  const out: PendingDeadline[] = [];
  // First deadline due after now (binary search over the order by due time).
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dueUs[order[mid]!]! <= nowUs) lo = mid + 1;
    else hi = mid;
  }
  for (let j = lo, scanned = 0; j < order.length && out.length < limit && scanned < MAX_SCAN; j++, scanned++) {
    const k = order[j]!;
    if (dueUs[k]! > horizonUs) break;
    const by = armedBy[k]!;
    if (by >= position) continue;
    const d = deadlineOf(events.at(by)!, dueUs[k]!);
    if (d) out.push({ t: d.t, k: d.k, s: d.s, armedBy: by });
  }
  return out;
}

/** Deadlines examined per query at most. */
const MAX_SCAN = 20_000;

function deadlineOf(e: TimelineEvent, t: number): Deadline | undefined {
  for (const d of e.d ?? []) if (d.t === t) return d;
  return undefined;
}

/** Faults that start after `nowUs`, in order (at most `limit`). Faults are sorted by start time. */
export function upcomingFaults(analysis: Analysis, nowUs: number, limit = 20): Analysis['faults'] {
  const f = analysis.faults;
  let lo = 0;
  let hi = f.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (f[mid]!.startUs <= nowUs) lo = mid + 1;
    else hi = mid;
  }
  return f.slice(lo, lo + limit);
}

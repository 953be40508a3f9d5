/**
 * What is scheduled ahead of the playhead: deadlines armed by past events and not yet passed, and the next faults.
 * A deadline is armed by an event at or before the playhead; it is pending while its time is after the playhead.
 */
import type { Deadline, TimelineEvent } from '../../../sim/trace/format.js';
import { type Analysis, lastAtOrBefore } from './analysis.js';

export interface PendingDeadline extends Deadline {
  /** The event that armed it. */
  readonly armedBy: number;
}

/** Most deadlines returned (the nearest ones first). */
export const MAX_PENDING = 200;

/**
 * Deadlines armed by events at positions < `position` (i.e. applied) whose time is after `nowUs`, nearest first.
 * Only events within `maxDeadlineSpanUs` before now can hold one, so the walk back stops there.
 */
export function pendingDeadlines(
  events: readonly TimelineEvent[],
  analysis: Analysis,
  position: number,
  nowUs: number,
): PendingDeadline[] {
  const out: PendingDeadline[] = [];
  const ids = analysis.deadlineEvents;
  let j = lastAtOrBefore(ids, position - 1);
  const earliest = nowUs - analysis.maxDeadlineSpanUs;
  for (; j >= 0; j--) {
    const e = events[ids[j]!]!;
    if (e.t < earliest) break;
    for (const d of e.d ?? []) if (d.t > nowUs) out.push({ t: d.t, k: d.k, s: d.s, armedBy: ids[j]! });
    if (out.length >= MAX_PENDING * 4) break;
  }
  out.sort((a, b) => a.t - b.t || a.armedBy - b.armedBy);
  return out.length > MAX_PENDING ? out.slice(0, MAX_PENDING) : out;
}

/** Faults that start after `nowUs`, in order (at most `limit`). */
export function upcomingFaults(analysis: Analysis, nowUs: number, limit = 20): Analysis['faults'] {
  return analysis.faults.filter((f) => f.startUs > nowUs).slice(0, limit);
}

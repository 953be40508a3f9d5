/**
 * Two runs side by side: where they part (the first divergent event, exactly as `fabricsim diff` names it, from
 * sim/diff) and, on each side, that event's chain of causes back to its root and the events around it.
 */
import { eventKey } from '../../../sim/diff/index.js';

import { causeChain } from './cause.js';
import { type EventList, eventList, type ViewTimeline } from './event-list.js';

/** Events shown before and after the divergent one in each column. */
export const CONTEXT_EVENTS = 4;

export interface SideOfComparison {
  /** The divergent event in this run, or −1 when this run ended before it. */
  readonly event: number;
  /** Its causes, root first (ending with the event itself); empty when the run ended. */
  readonly chain: readonly number[];
  /** Event ids shown around it: [from, to). */
  readonly window: readonly [number, number];
}

export interface Comparison {
  /** Index of the first event that differs, or −1 when the two runs have the same events. */
  readonly divergence: number;
  readonly a: SideOfComparison;
  readonly b: SideOfComparison;
}

function side(tl: ViewTimeline, i: number): SideOfComparison {
  const n = tl.events.length;
  const at = i < 0 ? n : i;
  const window: [number, number] = [
    Math.max(0, Math.min(at, n) - CONTEXT_EVENTS),
    Math.min(n, at + CONTEXT_EVENTS + 1),
  ];
  if (i < 0 || i >= n) return { event: -1, chain: [], window };
  return { event: i, chain: causeChain(tl.events, i).ids, window };
}

export function compareRuns(a: ViewTimeline, b: ViewTimeline): Comparison {
  const divergence = firstDivergence(eventList(a.events), eventList(b.events));
  return { divergence, a: side(a, divergence), b: side(b, divergence) };
}

/** The first event that differs, or -1 (as `firstDivergence` of sim/diff, which `fabricsim diff` names). */
function firstDivergence(a: EventList, b: EventList): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (eventKey(a.at(i)!) !== eventKey(b.at(i)!)) return i;
  return a.length === b.length ? -1 : n;
}

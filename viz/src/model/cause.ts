/** Cause chains: from an event back to its root (a fault or a script step) through the `c` links. */
import { type Events, eventList } from './event-list.js';

/** Longest chain shown; a longer one is cut (the root is then not reached, and `truncated` says so). */
export const MAX_CHAIN = 64;

export interface CauseChain {
  /** Event ids from the root (first) to the event itself (last). */
  readonly ids: readonly number[];
  /** The chain was cut at MAX_CHAIN steps. */
  readonly truncated: boolean;
}

/** The chain of causes of event `id`, root first. Causes always point to earlier events, so the walk ends. */
export function causeChain(eventsIn: Events, id: number): CauseChain {
  const events = eventList(eventsIn);
  const ids: number[] = [];
  let i = id;
  while (i >= 0 && i < events.length && ids.length < MAX_CHAIN) {
    ids.push(i);
    const c = events.at(i)!.c;
    if (c >= i) break; // refused by readTimeline; guards hand-built timelines
    i = c;
  }
  return { ids: ids.reverse(), truncated: i >= 0 && ids.length >= MAX_CHAIN };
}

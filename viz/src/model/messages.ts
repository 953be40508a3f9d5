/** Selecting the messages to draw: those sent in a time window and already applied at the playhead. */
import type { TimelineEvent } from '../../../sim/trace/index.js';
import { lastAtOrBefore } from './analysis.js';

/**
 * Ids of message events sent in [fromUs, toUs] among the first `position` events, oldest first, at most `limit`
 * (the latest ones are kept). `messages` holds the ids of all message events, ascending.
 */
export function messagesInWindow(
  events: readonly TimelineEvent[],
  messages: Int32Array,
  position: number,
  fromUs: number,
  toUs: number,
  limit: number,
): number[] {
  const out: number[] = [];
  for (let j = lastAtOrBefore(messages, position - 1); j >= 0 && out.length < limit; j--) {
    const id = messages[j]!;
    const e = events[id]!;
    if (e.t < fromUs) break;
    if (e.t <= toUs) out.push(id);
  }
  return out.reverse();
}

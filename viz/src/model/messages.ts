/** Selecting the messages to draw: those sent in a time window and already applied at the playhead. */
import { lastAtOrBefore } from './analysis.js';
import { type Events, eventList } from './event-list.js';

/**
 * Ids of message events sent in [fromUs, toUs] among the first `position` events, oldest first, at most `limit`
 * (the latest ones are kept). `messages` holds the ids of all message events, ascending.
 */
export function messagesInWindow(
  eventsIn: Events,
  messages: Int32Array,
  position: number,
  fromUs: number,
  toUs: number,
  limit: number,
): number[] {
  const events = eventList(eventsIn);
  const out: number[] = [];
  for (let j = lastAtOrBefore(messages, position - 1); j >= 0 && out.length < limit; j--) {
    const id = messages[j]!;
    const t = events.time(id);
    if (t < fromUs) break;
    if (t <= toUs) out.push(id);
  }
  return out.reverse();
}

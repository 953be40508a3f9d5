/**
 * How the viewer names why a scripted attempt (a `traffic.*` event) was made: its intent, recorded in the event's
 * `i`, said in words — a user's visit is not an attack, and only intent "attack" is called one.
 */
import type { TimelineEvent } from '../../../sim/trace/index.js';

const INTENT_WORDS: Readonly<Record<string, string>> = {
  user: 'user visit',
  attack: 'attack',
  admin: 'administrator',
  service: 'service traffic',
  pipeline: 'build pipeline',
};

/** The intent of `e` in words, or undefined when it records none. */
export function intentLabel(e: Pick<TimelineEvent, 'i'>): string | undefined {
  return e.i === undefined ? undefined : (INTENT_WORDS[e.i] ?? e.i);
}

/** The event's kind as the viewer shows it: with the intent in words for a scripted attempt. */
export function kindLabel(e: Pick<TimelineEvent, 'k' | 'i'>): string {
  const words = intentLabel(e);
  return words === undefined ? e.k : `${e.k} · ${words}`;
}

/**
 * Matching tour steps to events. A step names what it waits for — an event kind (or a prefix "attack.*"), a rule
 * prefix, a message verdict — and may require the same subject as an earlier step (the instance that crashed…).
 */
import type { TimelineEvent } from '../../../sim/trace/format.js';

export interface StepMatch {
  /** Kinds; "x.*" matches a prefix. Any when absent. */
  readonly k?: readonly string[];
  /** The rule starts with this ("fault:node.crash"). */
  readonly r?: string;
  /** The message was delivered (true) or dropped/denied (false); requires a message. */
  readonly ok?: boolean;
  /** The subject must relate to the subject bound by an earlier step (equal, or equal after an actor prefix). */
  readonly sameSubject?: boolean;
  /** Binds this event's subject for the steps after it. */
  readonly bind?: boolean;
}

export function kindMatches(kinds: readonly string[], k: string): boolean {
  return kinds.some((p) => (p.endsWith('.*') ? k.startsWith(p.slice(0, -1)) : k === p));
}

/** The subject with an actor prefix ("ha:", "ga:") removed. */
export function bareSubject(s: string): string {
  const i = s.indexOf(':');
  return i < 0 ? s : s.slice(i + 1);
}

export function eventMatches(e: TimelineEvent, m: StepMatch, bound: string | null): boolean {
  if (m.k && !kindMatches(m.k, e.k)) return false;
  if (m.r !== undefined && !(e.r ?? '').startsWith(m.r)) return false;
  if (m.ok !== undefined) {
    const ok = e.m ? e.m.ok : undefined;
    if (ok !== m.ok) return false;
  }
  if (m.sameSubject && bound !== null) {
    const s = bareSubject(e.s);
    const to = e.m ? bareSubject(e.m.to) : '';
    if (s !== bound && to !== bound) return false;
  }
  return true;
}

/** The first event at index ≥ from that matches, or −1. */
export function findMatch(events: readonly TimelineEvent[], m: StepMatch, from: number, bound: string | null): number {
  for (let i = Math.max(0, from); i < events.length; i++) if (eventMatches(events[i]!, m, bound)) return i;
  return -1;
}

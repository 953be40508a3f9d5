/**
 * Matching tour steps to events. A step names what it waits for — an event kind (or a prefix "attack.*"), a rule
 * prefix, a message verdict — and may require that the event follows from the one an earlier step bound (it has that
 * event in its chain of causes: the restart *of this crash*, not of another one) or concerns the same subject.
 */
import type { TimelineEvent } from '../../../sim/trace/index.js';

export interface StepMatch {
  /** Kinds; "x.*" matches a prefix. Any when absent. */
  readonly k?: readonly string[];
  /** The rule starts with this ("fault:node.crash"). */
  readonly r?: string;
  /** The message was delivered (true) or dropped/denied (false); requires a message. */
  readonly ok?: boolean;
  /** The subject must relate to the bound one (equal, or equal after an actor prefix). */
  readonly sameSubject?: boolean;
  /** The bound event must be among this event's causes (or be this event). */
  readonly descends?: boolean;
  /** Binds this event (and its subject) for the steps after it. */
  readonly bind?: boolean;
}

/** What an earlier step bound: an event and its subject (without actor prefix). */
export interface Bound {
  readonly event: number;
  readonly subject: string;
}

/** Longest cause chain followed when checking `descends`. */
const MAX_CHAIN = 256;

export function kindMatches(kinds: readonly string[], k: string): boolean {
  return kinds.some((p) => (p.endsWith('.*') ? k.startsWith(p.slice(0, -1)) : k === p));
}

/** The subject with an actor prefix ("ha:", "ga:") removed. */
export function bareSubject(s: string): string {
  const i = s.indexOf(':');
  return i < 0 ? s : s.slice(i + 1);
}

/** True when event `root` is `id` or among its causes. */
export function descendsFrom(events: readonly TimelineEvent[], id: number, root: number): boolean {
  let i = id;
  for (let n = 0; i >= 0 && n < MAX_CHAIN; n++) {
    if (i === root) return true;
    if (i < root) return false; // causes point backwards: past the root, it cannot come up
    i = events[i]!.c;
  }
  return false;
}

export function eventMatches(events: readonly TimelineEvent[], id: number, m: StepMatch, bound: Bound | null): boolean {
  const e = events[id]!;
  if (m.k && !kindMatches(m.k, e.k)) return false;
  if (m.r !== undefined && !(e.r ?? '').startsWith(m.r)) return false;
  if (m.ok !== undefined) {
    const ok = e.m ? e.m.ok : undefined;
    if (ok !== m.ok) return false;
  }
  if (m.sameSubject && bound !== null) {
    const s = bareSubject(e.s);
    const to = e.m ? bareSubject(e.m.to) : '';
    if (s !== bound.subject && to !== bound.subject) return false;
  }
  if (m.descends && bound !== null && !descendsFrom(events, id, bound.event)) return false;
  return true;
}

/** The first event at index ≥ from that matches, or −1. */
export function findMatch(events: readonly TimelineEvent[], m: StepMatch, from: number, bound: Bound | null): number {
  for (let i = Math.max(0, from); i < events.length; i++) if (eventMatches(events, i, m, bound)) return i;
  return -1;
}

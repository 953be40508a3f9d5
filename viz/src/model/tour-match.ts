/**
 * Matching tour steps to events. A step names what it waits for — an event kind (or a prefix "traffic.*"), a rule
 * prefix, a message verdict — and may require that the event follows from the one an earlier step bound (it has that
 * event in its chain of causes: the restart *of this crash*, not of another one) or concerns the same subject.
 */
import { type Events, eventList } from './event-list.js';

export interface StepMatch {
  /** Exactly this event (a tour generated from a run, model/failure-story.ts). */
  readonly id?: number;
  /** Kinds; "x.*" matches a prefix. Any when absent. */
  readonly k?: readonly string[];
  /** Intents of a scripted attempt (the event's `i`: "user", "attack", …). Any when absent. */
  readonly intent?: readonly string[];
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
  /**
   * Among the events that match, prefer the first one that leads to an event of one of these kinds (it is among
   * that event's causes): the node failure that ends in service healing rather than one that reboots and recovers.
   * Falls back to the first match.
   */
  readonly prefer?: readonly string[];
  /** Skip this step when an earlier step of the tour stopped at an event of one of these kinds. */
  readonly unlessShown?: readonly string[];
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
export function descendsFrom(eventsIn: Events, id: number, root: number): boolean {
  const events = eventList(eventsIn);
  let i = id;
  for (let n = 0; i >= 0 && n < MAX_CHAIN; n++) {
    if (i === root) return true;
    if (i < root) return false; // causes point backwards: past the root, it cannot come up
    i = events.at(i)!.c;
  }
  return false;
}

export function eventMatches(eventsIn: Events, id: number, m: StepMatch, bound: Bound | null): boolean {
  const events = eventList(eventsIn);
  const e = events.at(id)!;
  if (m.id !== undefined && id !== m.id) return false;
  if (m.k && !kindMatches(m.k, e.k)) return false;
  if (m.intent && (e.i === undefined || !m.intent.includes(e.i))) return false;
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

/** The first event at index ≥ from that matches (the first that leads to a `prefer` kind, if any does), or −1. */
export function findMatch(eventsIn: Events, m: StepMatch, from: number, bound: Bound | null): number {
  const events = eventList(eventsIn);
  if (m.id !== undefined)
    return m.id >= from && m.id < events.length && eventMatches(events, m.id, m, bound) ? m.id : -1;
  if (m.prefer) {
    const leading = ancestorsOfKinds(events, m.prefer, from);
    for (let i = Math.max(0, from); i < events.length; i++)
      if (leading.has(i) && eventMatches(events, i, m, bound)) return i;
  }
  for (let i = Math.max(0, from); i < events.length; i++) if (eventMatches(events, i, m, bound)) return i;
  return -1;
}

/** Ids (≥ from) of every event in the cause chain of an event of one of `kinds`. */
function ancestorsOfKinds(eventsIn: Events, kinds: readonly string[], from: number): Set<number> {
  const events = eventList(eventsIn);
  const out = new Set<number>();
  for (let j = Math.max(0, from); j < events.length; j++) {
    if (!kindMatches(kinds, events.at(j)!.k)) continue;
    let i = j;
    for (let n = 0; i >= from && n < MAX_CHAIN; n++) {
      if (out.has(i)) break;
      out.add(i);
      const c = events.at(i)!.c;
      if (c >= i) break;
      i = c;
    }
  }
  return out;
}

/** One stop of a tour: the step shown, the event it is shown at (−1: the start), and what is bound by then. */
export interface TourStop {
  readonly step: number;
  readonly event: number;
  readonly bound: Bound | null;
}

/**
 * The stop that Continue goes to after `history` (the stops shown so far, oldest first): the next step whose event
 * happens from `from` on (a step without a match is shown where the previous one was); null at the end.
 */
export function nextStop(
  eventsIn: Events,
  steps: readonly { readonly match?: StepMatch }[],
  history: readonly TourStop[],
  from: number,
): TourStop | null {
  const events = eventList(eventsIn);
  const cur = history[history.length - 1];
  const bound = cur?.bound ?? null;
  for (let s = (cur?.step ?? -1) + 1; s < steps.length; s++) {
    const m = steps[s]!.match;
    if (!m) return { step: s, event: cur?.event ?? -1, bound };
    if (m.unlessShown && history.some((h) => h.event >= 0 && kindMatches(m.unlessShown!, events.at(h.event)!.k)))
      continue;
    // A consequence of something this run never bound (the crash the tour follows did not happen) is not shown:
    // another fault's detection is not this story's.
    if ((m.descends || m.sameSubject) && bound === null) continue;
    const ev = findMatch(events, m, from, bound);
    if (ev < 0) continue; // this run never shows it: skip the step
    return { step: s, event: ev, bound: m.bind ? { event: ev, subject: bareSubject(events.at(ev)!.s) } : bound };
  }
  return null;
}

/** Every stop of a tour followed from the start with Continue alone. */
export function planTour(eventsIn: Events, steps: readonly { readonly match?: StepMatch }[]): TourStop[] {
  const events = eventList(eventsIn);
  const stops: TourStop[] = [{ step: 0, event: -1, bound: null }];
  for (;;) {
    const cur = stops[stops.length - 1]!;
    const next = nextStop(events, steps, stops, cur.event >= 0 ? cur.event + 1 : 0);
    if (!next) return stops;
    stops.push(next);
  }
}

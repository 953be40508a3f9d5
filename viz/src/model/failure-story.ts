/**
 * The story of a failed expectation, read from a timeline: which expectation failed, the event at which it fails
 * (the role's last Ready instance goes, the deadline passes with the fault unrecovered, the quorum is lost…), and the
 * events that led there — the cause chains back to the fault(s) — with what each of them changed. The viewer turns
 * it into a guided tour (failure-tour.ts); a counterexample from `fabricsim explore` or `shrink` opens with it.
 */
import type { ExpectationResult } from '../../../sim/metrics/index.js';
import type { World } from '../../../sim/spec/index.js';
import type { TimelineEvent } from '../../../sim/trace/index.js';
import { causeChain } from './cause.js';
import { pathTarget } from './entities.js';
import { type Events, eventList, type ViewTimeline } from './event-list.js';
import { descendsFrom } from './tour-match.js';

/** Most events a story shows besides its faults and its failing event (the latest ones are kept). */
export const MAX_STORY_STEPS = 10;

/** One state change an event made, as the viewer shows it: `shop.web.0` `status` → `Stopped`. */
export interface StateChange {
  readonly entity: string;
  readonly kind: 'node' | 'instance' | 'fc';
  readonly field: 'status' | 'powered' | 'inRotation' | 'up' | 'leader';
  readonly value: string | boolean;
}

export interface StoryEvent {
  readonly event: number;
  /** A fault's start (a root of the story), a cause on the way, or the moment the expectation fails. */
  readonly role: 'fault' | 'cause' | 'failure';
  readonly changes: readonly StateChange[];
}

export interface FailureStory {
  /** Index of the failed expectation in the run's summary. */
  readonly index: number;
  readonly expectation: ExpectationResult;
  /** The event at which it fails (the last of `events`). */
  readonly failEvent: number;
  /** For an availability expectation: the role, and how many of its instances are up at the failing event. */
  readonly role: { readonly id: string; readonly up: number; readonly of: number; readonly served: boolean } | null;
  /** Events of the story in order: the fault(s), the causes in between, the failure. */
  readonly events: readonly StoryEvent[];
}

interface ExpectSpec {
  readonly type?: string;
  readonly served?: boolean;
}

const STATUS_FIELDS = new Set(['status', 'powered', 'inRotation', 'up', 'leader']);

/** The node, instance and FC replica state an event's patches change (only the fields the viewer colours by). */
export function stateChanges(world: World, e: TimelineEvent): StateChange[] {
  const out: StateChange[] = [];
  for (const p of e.p ?? []) {
    if (p.op === 'remove') continue;
    const target = pathTarget(p.path);
    if (target?.field.length !== 1) continue;
    const field = String(target.field[0]);
    if (!STATUS_FIELDS.has(field) || (typeof p.value !== 'string' && typeof p.value !== 'boolean')) continue;
    const cluster = world.clusters[target.a];
    const entity =
      target.kind === 'node'
        ? cluster?.nodes[target.b]?.id
        : target.kind === 'instance'
          ? cluster?.instances[target.b]?.id
          : target.kind === 'fc'
            ? cluster?.fc.replicas[target.b]?.id
            : undefined;
    if (entity === undefined) continue;
    out.push({
      entity,
      kind: target.kind as StateChange['kind'],
      field: field as StateChange['field'],
      value: p.value,
    });
  }
  return out;
}

/** The id named in parentheses at the end of a measured text ("0.98 (shop.web)" → "shop.web"). */
function trailingId(measured: string): string | null {
  const m = /\(([^()]+)\)$/.exec(measured);
  return m ? m[1]! : null;
}

/** The fault a recovered/detected result names: "x2 not recovered", "x2 never detected", "… (x2)". */
function namedFault(timeline: ViewTimeline, measured: string): { event: number } | undefined {
  const faults = timeline.summary.faults;
  const id = trailingId(measured) ?? /^(\S+) (not recovered|never detected)/.exec(measured)?.[1] ?? null;
  return faults.find((f) => f.id === id);
}

/**
 * Availability: follows the role's instances (Ready, or in the load balancer's rotation when served) through the
 * run; the failing event is the first at which none is up (or, when some always is, the first at the fewest), and
 * the events that took each instance that is down at that moment out.
 */
function availabilityStory(
  timeline: ViewTimeline,
  roleId: string,
  served: boolean,
): { failEvent: number; downBy: number[]; up: number; of: number } | null {
  const world = timeline.initial;
  const slots = new Map<string, number>(); // "cluster/instance index" → slot
  const ids: string[] = [];
  world.clusters.forEach((c, ci) => {
    c.instances.forEach((inst, ii) => {
      if (inst.role === roleId) {
        slots.set(`${ci}/${ii}`, ids.length);
        ids.push(inst.id);
      }
    });
  });
  if (ids.length === 0) return null;
  const bySubject = new Map(ids.map((id, s) => [id, s]));
  const up = ids.map((id) => {
    const inst = world.clusters.flatMap((c) => c.instances).find((x) => x.id === id)!;
    return served ? inst.inRotation : inst.status === 'Ready';
  });
  const lastDown = new Array<number>(ids.length).fill(-1);
  let count = up.filter(Boolean).length;
  let best = { count, event: -1, downBy: [] as number[] };
  const events = eventList(timeline.events);
  for (let i = 0; i < events.length; i++) {
    const e = events.at(i)!;
    let changed = false;
    const set = (s: number, v: boolean) => {
      if (up[s] === v) return;
      up[s] = v;
      count += v ? 1 : -1;
      if (!v) lastDown[s] = i;
      changed = true;
    };
    if (served) {
      if (e.k === 'lb.out' || e.k === 'lb.in') {
        const s = bySubject.get(e.s);
        if (s !== undefined) set(s, e.k === 'lb.in');
      }
    }
    for (const p of e.p ?? []) {
      const t = pathTarget(p.path);
      if (t?.kind !== 'instance') continue;
      const s = slots.get(`${t.a}/${t.b}`);
      if (s === undefined) continue;
      if (served) {
        if (t.field.length === 1 && t.field[0] === 'inRotation' && p.op !== 'remove') set(s, p.value === true);
      } else if (t.field.length === 0) {
        set(s, p.op !== 'remove' && (p.value as { status?: string } | undefined)?.status === 'Ready');
      } else if (t.field.length === 1 && t.field[0] === 'status' && p.op !== 'remove') set(s, p.value === 'Ready');
    }
    if (changed && count < best.count) {
      best = { count, event: i, downBy: lastDown.filter((d, s) => d >= 0 && !up[s]) };
      if (count === 0) break;
    }
  }
  if (best.event < 0) return null;
  return { failEvent: best.event, downBy: best.downBy, up: best.count, of: ids.length };
}

/** The last event at or before `atUs` that follows from event `root`, or `root` itself. */
function lastDescendantBy(eventsIn: Events, root: number, atUs: number): number {
  const events = eventList(eventsIn);
  let found = root;
  for (let i = root + 1; i < events.length && events.at(i)!.t <= atUs; i++) {
    const e = events.at(i)!;
    if (!e.k.startsWith('msg.') && descendsFrom(events, i, root)) found = i;
  }
  return found;
}

/** Fault starts (roots) in the timeline, by event id. */
function faultStarts(timeline: ViewTimeline): number[] {
  const out: number[] = [];
  const events = eventList(timeline.events);
  for (let i = 0; i < events.length; i++) if (events.kind(i) === 'fault.start') out.push(i);
  return out;
}

/**
 * Where the failure happens and which events explain it, for the first failed expectation of the run (or the one
 * at `index`); null when every expectation held, or when no event of the run can be tied to the failure.
 */
export function failureStory(timeline: ViewTimeline, index?: number): FailureStory | null {
  const results = timeline.summary?.expectations ?? [];
  const i = index ?? results.findIndex((x) => !x.passed);
  const expectation = results[i];
  if (!expectation || expectation.passed) return null;
  const spec = ((timeline.scenario.resolved as { expect?: ExpectSpec[] } | undefined)?.expect ?? [])[i] ?? {};
  const events = eventList(timeline.events);
  const starts = faultStarts(timeline);
  let failEvent = -1;
  let tails: number[] = []; // events whose cause chains make the story
  let role: FailureStory['role'] = null;

  if (spec.type === 'availability') {
    const id = trailingId(expectation.measured);
    const served = spec.served === true;
    const a = id ? availabilityStory(timeline, id, served) : null;
    if (a) {
      failEvent = a.failEvent;
      tails = a.downBy;
      role = { id: id!, up: a.up, of: a.of, served };
    }
  } else if (spec.type === 'recovered' || spec.type === 'detected') {
    const f = namedFault(timeline, expectation.measured);
    if (f && f.event >= 0 && f.event < events.length) {
      failEvent = expectation.atUs === null ? f.event : lastDescendantBy(events, f.event, expectation.atUs);
    }
  } else if (expectation.atUs !== null) {
    // A moment is known (a detection that should not have happened, a security outcome): its first event.
    const at = expectation.atUs;
    const candidates: number[] = [];
    for (let j = 0; j < events.length; j++) if (events.time(j) === at) candidates.push(j);
    failEvent =
      candidates.find((j) => events.at(j)!.k === 'detect' || events.at(j)!.k.startsWith('traffic.')) ??
      candidates[0] ??
      -1;
  }
  if (failEvent < 0 && starts.length > 0) {
    // No single moment (a metric over the run): the first change that follows from the last fault, when every
    // fault has struck — "this fault, then this one, and …".
    const last = starts[starts.length - 1]!;
    failEvent = last;
    for (let j = last + 1; j < events.length; j++) {
      if (events.at(j)!.p?.length && !events.at(j)!.k.startsWith('msg.') && descendsFrom(events, j, last)) {
        failEvent = j;
        break;
      }
    }
    tails = starts.filter((s) => s < failEvent);
  }
  if (failEvent < 0) return null;

  const ids = new Set<number>();
  for (const tail of [...tails, failEvent]) for (const id of causeChain(events, tail).ids) ids.add(id);
  const sorted = [...ids].sort((a, b) => a - b);
  const isFault = (id: number) => events.at(id)!.k === 'fault.start';
  // Keep every fault and the failure; of the causes in between (messages left out), the latest few.
  const causes = sorted.filter((id) => !isFault(id) && id !== failEvent && !events.at(id)!.k.startsWith('msg.'));
  const keep = new Set([...sorted.filter(isFault), ...causes.slice(-MAX_STORY_STEPS), failEvent]);
  const world = timeline.initial;
  const story: StoryEvent[] = [...keep]
    .sort((a, b) => a - b)
    .map((id) => ({
      event: id,
      role: id === failEvent ? 'failure' : isFault(id) ? 'fault' : 'cause',
      changes: stateChanges(world, events.at(id)!),
    }));
  return { index: i, expectation, failEvent, role, events: story };
}

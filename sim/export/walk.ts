/**
 * The walk shared by the Perfetto and Chrome trace writers: one pass over a timeline's events, in time order, that
 * tells a `TraceSink` what to draw — state slices (outages and recovery steps: an instance Stopped, then Busy while
 * it restarts; a node Unhealthy, Recovering, Booting), each event as an instant on its actor's track with the arrow
 * from its cause, fault windows split into "detecting" and "recovering", detections, and Ready counts per role.
 *
 * Everything reaches the sink in non-decreasing time, so writers can stream.
 */
import type { Timeline, TimelineEvent } from '../trace/index.js';
import { entitiesWithState, StateTracker } from './states.js';
import { buildTracks, type TrackModel } from './tracks.js';

/** A fault's window, as the run summary reports it. */
export interface FaultWindow {
  /** Position in `WalkPlan.faults`. */
  readonly index: number;
  /** Id of the fault's `fault.start` event. */
  readonly event: number;
  readonly id: string;
  readonly kind: string;
  /** Track of the fault's target. */
  readonly track: number;
  readonly startUs: number;
  readonly detectedUs: number | null;
  readonly recoveredUs: number | null;
}

export interface TraceSink {
  /** A state slice closes on a track (the state it had is `label`). */
  stateEnd(track: number, t: number, label: string): void;
  stateBegin(track: number, t: number, label: string): void;
  /** A timeline event on its actor's track; `cause` is the cause's id or -1. */
  event(id: number, e: TimelineEvent, track: number): void;
  /** A role's Ready count (from `roles`) from time t on. */
  counter(role: number, t: number, value: number): void;
  /** A fault's window opens ("detecting" until detected). */
  faultBegin(f: FaultWindow, t: number): void;
  /** The fault was detected: "detecting" ends and "recovering" begins. */
  faultDetected(f: FaultWindow, t: number): void;
  /** The window closes: recovered, or the run ended. */
  faultEnd(f: FaultWindow, t: number, recovered: boolean): void;
}

export interface WalkPlan {
  readonly tracks: TrackModel;
  /** Role ids, indexed by the `role` of `TraceSink.counter`. */
  readonly roles: readonly string[];
  /** The group each role's counter belongs in. */
  readonly roleGroup: readonly number[];
  readonly faults: readonly FaultWindow[];
  /** The time at which open slices are closed: the end of the run (or the last event, if later). */
  readonly endUs: number;
}

/** Works out the tracks, counters and fault windows of a timeline (a first pass over its events). */
export function planWalk(timeline: Timeline): WalkPlan {
  const world = timeline.initial;
  const probe = new StateTracker(world);
  const roles = probe.roleIds();
  const tracks = buildTracks(timeline, {
    stateActors: entitiesWithState(world, timeline.events),
    groupActors: roles,
  });
  const roleGroup = roles.map((r) => tracks.groupOf(r));
  const events = timeline.events;
  const faults: FaultWindow[] = (timeline.summary?.faults ?? [])
    .filter((f) => events[f.event] !== undefined)
    .map((f, index) => ({
      index,
      event: f.event,
      id: f.id,
      kind: f.kind,
      track: tracks.eventTrack[f.event]!,
      startUs: f.atUs,
      detectedUs: f.detectedAtUs,
      recoveredUs: f.recoveredAtUs,
    }));
  const last = events.length ? events[events.length - 1]!.t : 0;
  return { tracks, roles, roleGroup, faults, endUs: Math.max(timeline.durationUs, last) };
}

type Pending = { t: number; seq: number; run: () => void };

/** Walks the timeline, telling `sink` what to draw, in time order. */
export function walk(timeline: Timeline, plan: WalkPlan, sink: TraceSink): void {
  const { tracks, faults, endUs } = plan;
  const events = timeline.events;
  const states = new StateTracker(timeline.initial);
  const stateTrack = (entity: string): number => tracks.trackOf(entity);

  for (let r = 0; r < plan.roles.length; r++) sink.counter(r, 0, states.ready[r]!);
  for (const c of states.current()) sink.stateBegin(stateTrack(c.entity), 0, c.to!);

  // Fault window edges that fall between events: a binary heap ordered by (time, order of scheduling).
  const pending: Pending[] = [];
  let seq = 0;
  const before = (x: Pending, y: Pending): boolean => x.t < y.t || (x.t === y.t && x.seq < y.seq);
  const schedule = (t: number, run: () => void): void => {
    const p = { t, seq: seq++, run };
    let k = pending.length;
    pending.push(p);
    while (k > 0) {
      const up = (k - 1) >> 1;
      if (!before(p, pending[up]!)) break;
      pending[k] = pending[up]!;
      k = up;
    }
    pending[k] = p;
  };
  const pop = (): Pending => {
    const top = pending[0]!;
    const last = pending.pop()!;
    if (pending.length > 0) {
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= pending.length) break;
        const r = l + 1;
        const c = r < pending.length && before(pending[r]!, pending[l]!) ? r : l;
        if (!before(pending[c]!, last)) break;
        pending[k] = pending[c]!;
        k = c;
      }
      pending[k] = last;
    }
    return top;
  };
  const flush = (until: number): void => {
    while (pending.length && pending[0]!.t <= until) pop().run();
  };
  const faultAt = new Map<number, FaultWindow[]>();
  for (const f of faults) {
    const list = faultAt.get(f.event);
    if (list) list.push(f);
    else faultAt.set(f.event, [f]);
  }

  const onState = (t: number) => (c: { entity: string; from: string | null; to: string | null }) => {
    const track = stateTrack(c.entity);
    if (c.from !== null) sink.stateEnd(track, t, c.from);
    if (c.to !== null) sink.stateBegin(track, t, c.to);
  };
  const ends: { entity: string; from: string | null; to: string | null }[] = [];
  const begins: { entity: string; from: string | null; to: string | null }[] = [];
  const counters: { role: number; ready: number }[] = [];

  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    flush(e.t);
    const started = faultAt.get(i);
    if (started) {
      for (const f of started) {
        const begin = Math.min(f.startUs, e.t);
        sink.faultBegin(f, begin);
        const recovered = f.recoveredUs;
        const detected = f.detectedUs;
        if (detected !== null && (recovered === null || detected <= recovered)) {
          schedule(Math.max(detected, e.t), () => sink.faultDetected(f, Math.max(detected, e.t)));
        }
        const close = recovered ?? endUs;
        schedule(Math.max(close, e.t), () => sink.faultEnd(f, Math.max(close, e.t), recovered !== null));
      }
    }
    if (e.p) {
      ends.length = 0;
      begins.length = 0;
      counters.length = 0;
      states.apply(
        e.p,
        (c) => {
          if (c.from !== null) ends.push(c);
          if (c.to !== null) begins.push(c);
        },
        (c) => counters.push(c),
      );
      // Slices that end close before the event's instant; slices that begin open after it.
      for (const c of ends) sink.stateEnd(stateTrack(c.entity), e.t, c.from!);
      sink.event(i, e, tracks.eventTrack[i]!);
      for (const c of begins) sink.stateBegin(stateTrack(c.entity), e.t, c.to!);
      for (const c of counters) sink.counter(c.role, e.t, c.ready);
    } else {
      sink.event(i, e, tracks.eventTrack[i]!);
    }
  }
  flush(endUs);
  // Close what is still open at the end of the run.
  const close = onState(endUs);
  for (const c of states.current()) close({ entity: c.entity, from: c.to, to: null });
}

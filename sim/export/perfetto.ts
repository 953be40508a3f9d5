/**
 * Perfetto's native trace format: a protobuf `Trace` of `TracePacket`s carrying `TrackDescriptor`s and `TrackEvent`s
 * (Perfetto's documentation calls its JSON import a legacy format). Encoded with protobufjs from the descriptors in
 * perfetto-proto.ts, one packet at a time, and handed out in pieces.
 *
 * Tracks: a tree of TrackDescriptors — each top-level group (a cluster, a service, SQL…) and subgroup (a cluster's
 * nodes, a role) is a track with `parent_uuid`, and each actor a track inside its group. On an actor's track, its
 * states are slices (outages and recovery steps: Stopped, Busy, Unhealthy, Recovering…) and each of its events is an
 * instant nested in them; each fault has its own track under its target, with a "fault …" slice split into
 * "detecting" and "recovering"; each role has a counter track of its Ready instances; detections are also instants
 * on a top-level "detections" track. Flow arrows follow the cause chains exactly: a cause lists one flow id per
 * effect in `flow_ids`, and the effect ends it in `terminating_flow_ids` (flow id = effect's event id + 1).
 *
 * Times: `timestamp` is in nanoseconds (the timeline's µs × 1000) on the default clock. Event names and categories
 * are interned on the one packet sequence.
 */

import protobuf from 'protobufjs/light.js';
import type { Timeline, TimelineEvent } from '../trace/format.js';
import type { ChunkSink } from './chunks.js';
import { ExportError } from './errors.js';
import {
  perfettoTypes,
  SEQ_INCREMENTAL_STATE_CLEARED,
  SEQ_NEEDS_INCREMENTAL_STATE,
  TYPE_COUNTER,
  TYPE_INSTANT,
  TYPE_SLICE_BEGIN,
  TYPE_SLICE_END,
  UNIT_COUNT,
} from './perfetto-proto.js';
import { type FaultWindow, planWalk, type TraceSink, walk } from './walk.js';

/** The packet sequence every packet is written on. */
export const SEQUENCE_ID = 1;
/** Packets per piece handed to the sink. */
const PACKETS_PER_CHUNK = 4096;

interface Annotation {
  name: string;
  string_value?: string;
  int_value?: number;
  bool_value?: boolean;
}

/** Children of each event (its effects), as one flat array with offsets, so causes can list their arrows. */
function effectsOf(events: readonly TimelineEvent[]): { offset: Int32Array; child: Int32Array } {
  const n = events.length;
  const offset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const c = events[i]!.c;
    if (c >= 0) offset[c + 1]!++;
  }
  for (let i = 0; i < n; i++) offset[i + 1]! += offset[i]!;
  const fill = offset.slice(0, n);
  const child = new Int32Array(offset[n]!);
  for (let i = 0; i < n; i++) {
    const c = events[i]!.c;
    if (c >= 0) child[fill[c]!++] = i;
  }
  return { offset, child };
}

class PerfettoSink implements TraceSink {
  private writer = protobuf.Writer.create();
  private count = 0;
  private readonly names = new Map<string, number>();
  private readonly categories = new Map<string, number>();
  private readonly TracePacket = perfettoTypes().TracePacket;
  private firstPacket = true;

  constructor(
    private readonly sink: ChunkSink,
    private readonly trackUuid: (track: number) => number,
    private readonly faultUuid: (fault: number) => number,
    private readonly counterUuid: (role: number) => number,
    private readonly detectionsUuid: number,
    private readonly effects: { offset: Int32Array; child: Int32Array },
  ) {}

  packet(p: Record<string, unknown>): void {
    p.trusted_packet_sequence_id = SEQUENCE_ID;
    if (this.firstPacket) {
      p.sequence_flags = SEQ_INCREMENTAL_STATE_CLEARED;
      this.firstPacket = false;
    }
    const w = this.writer;
    w.uint32(10).fork();
    this.TracePacket.encode(p, w);
    w.ldelim();
    if (++this.count >= PACKETS_PER_CHUNK) this.flush();
  }

  flush(): void {
    if (this.count === 0) return;
    this.sink(this.writer.finish());
    this.writer = protobuf.Writer.create();
    this.count = 0;
  }

  /** A track event packet at `t` µs; names and categories interned on first use. */
  private trackEvent(t: number, event: Record<string, unknown>, name?: string, category?: string): void {
    const interned: { event_names?: unknown[]; event_categories?: unknown[] } = {};
    if (name !== undefined) {
      let iid = this.names.get(name);
      if (iid === undefined) {
        iid = this.names.size + 1;
        this.names.set(name, iid);
        interned.event_names = [{ iid, name }];
      }
      event.name_iid = iid;
    }
    if (category !== undefined) {
      let iid = this.categories.get(category);
      if (iid === undefined) {
        iid = this.categories.size + 1;
        this.categories.set(category, iid);
        interned.event_categories = [{ iid, name: category }];
      }
      event.category_iids = [iid];
    }
    const p: Record<string, unknown> = {
      timestamp: t * 1000,
      sequence_flags: SEQ_NEEDS_INCREMENTAL_STATE,
      track_event: event,
    };
    if (interned.event_names || interned.event_categories) p.interned_data = interned;
    this.packet(p);
  }

  stateEnd(track: number, t: number, _label: string): void {
    this.trackEvent(t, { type: TYPE_SLICE_END, track_uuid: this.trackUuid(track) });
  }
  stateBegin(track: number, t: number, label: string): void {
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track_uuid: this.trackUuid(track) }, label, 'state');
  }
  event(id: number, e: TimelineEvent, track: number): void {
    const annotations: Annotation[] = [
      { name: 'id', int_value: id },
      { name: 'subject', string_value: e.s },
      { name: 'text', string_value: e.x },
    ];
    if (e.c >= 0) annotations.push({ name: 'cause', int_value: e.c });
    if (e.r !== undefined) annotations.push({ name: 'rule', string_value: e.r });
    if (e.tp !== undefined) annotations.push({ name: 'topic', string_value: e.tp });
    if (e.m) {
      annotations.push(
        { name: 'from', string_value: e.m.from },
        { name: 'to', string_value: e.m.to },
        { name: 'delivered', bool_value: e.m.ok },
      );
    }
    const ev: Record<string, unknown> = {
      type: TYPE_INSTANT,
      track_uuid: this.trackUuid(track),
      debug_annotations: annotations,
    };
    const { offset, child } = this.effects;
    const from = offset[id]!;
    const to = offset[id + 1]!;
    if (to > from) {
      const flows: number[] = new Array(to - from);
      for (let k = from; k < to; k++) flows[k - from] = child[k]! + 1;
      ev.flow_ids = flows;
    }
    if (e.c >= 0) ev.terminating_flow_ids = [id + 1];
    this.trackEvent(e.t, ev, e.k, 'event');
    if (e.k === 'detect') {
      this.trackEvent(
        e.t,
        {
          type: TYPE_INSTANT,
          track_uuid: this.detectionsUuid,
          debug_annotations: [
            { name: 'id', int_value: id },
            { name: 'text', string_value: e.x },
          ],
        },
        `detected: ${e.s}`,
        'detect',
      );
    }
  }
  counter(role: number, t: number, value: number): void {
    this.trackEvent(t, { type: TYPE_COUNTER, track_uuid: this.counterUuid(role), counter_value: value });
  }
  faultBegin(f: FaultWindow, t: number): void {
    const track_uuid = this.faultUuid(f.index);
    this.trackEvent(
      t,
      {
        type: TYPE_SLICE_BEGIN,
        track_uuid,
        debug_annotations: [
          { name: 'fault', string_value: f.id },
          { name: 'kind', string_value: f.kind },
        ],
      },
      `fault ${f.id}`,
      'fault',
    );
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track_uuid }, 'detecting', 'fault');
  }
  faultDetected(f: FaultWindow, t: number): void {
    const track_uuid = this.faultUuid(f.index);
    this.trackEvent(t, { type: TYPE_SLICE_END, track_uuid });
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track_uuid }, 'recovering', 'fault');
  }
  faultEnd(f: FaultWindow, t: number, recovered: boolean): void {
    const track_uuid = this.faultUuid(f.index);
    this.trackEvent(t, { type: TYPE_SLICE_END, track_uuid });
    this.trackEvent(t, {
      type: TYPE_SLICE_END,
      track_uuid,
      debug_annotations: [{ name: 'recovered', bool_value: recovered }],
    });
  }
}

/** Writes `timeline` as a Perfetto protobuf trace to `sink`, in pieces. */
export function writePerfetto(timeline: Timeline, sink: ChunkSink): void {
  const maxUs = Math.max(timeline.durationUs, timeline.events.at(-1)?.t ?? 0);
  if (maxUs * 1000 > Number.MAX_SAFE_INTEGER) {
    throw new ExportError('the run is too long for nanosecond timestamps (more than about 104 days)');
  }
  const plan = planWalk(timeline);
  const { groups, tracks } = plan.tracks;
  const G = groups.length;
  const T = tracks.length;
  const F = plan.faults.length;
  const R = plan.roles.length;
  const groupUuid = (g: number): number => g + 1;
  const trackUuid = (k: number): number => G + k + 1;
  const faultUuid = (f: number): number => G + T + f + 1;
  const counterUuid = (r: number): number => G + T + F + r + 1;
  const detectionsUuid = G + T + F + R + 1;

  const writer = new PerfettoSink(sink, trackUuid, faultUuid, counterUuid, detectionsUuid, effectsOf(timeline.events));
  const describe = (d: Record<string, unknown>): void => writer.packet({ track_descriptor: d });
  describe({ uuid: detectionsUuid, name: 'detections' });
  for (const g of groups) {
    describe(
      g.parent < 0
        ? { uuid: groupUuid(g.id), name: g.name }
        : { uuid: groupUuid(g.id), name: g.name, parent_uuid: groupUuid(g.parent) },
    );
  }
  for (const t of tracks) describe({ uuid: trackUuid(t.id), name: t.name, parent_uuid: groupUuid(t.group) });
  for (const f of plan.faults) {
    describe({ uuid: faultUuid(f.index), name: `fault ${f.id}`, parent_uuid: trackUuid(f.track) });
  }
  plan.roles.forEach((r, i) => {
    describe({
      uuid: counterUuid(i),
      name: `Ready ${r}`,
      parent_uuid: groupUuid(plan.roleGroup[i]!),
      counter: { unit: UNIT_COUNT },
    });
  });
  walk(timeline, plan, writer);
  writer.flush();
}

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
import type { Timeline, TimelineEvent } from '../trace/index.js';
import type { ChunkSink } from './chunks.js';
import { ExportError } from './errors.js';
import {
  PERFETTO_DESCRIPTOR,
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

/** A debug annotation: a name and a string, whole number or boolean. */
interface Annotation {
  readonly name: string;
  readonly value: string | number | boolean;
}

/** The TrackEvent fields the exporter sets. */
interface TrackEventFields {
  readonly type: number;
  /** Track uuid. */
  readonly track: number;
  readonly counter?: number;
  readonly annotations?: readonly Annotation[];
  /** Event id whose effects get one flow each (`flow_ids`). */
  readonly flowFrom?: number;
  /** Flow id this event ends (`terminating_flow_ids`). */
  readonly terminating?: number;
}

const types = PERFETTO_DESCRIPTOR.nested.perfetto.nested.protos.nested;
/** Field numbers, from the descriptors. */
const P = fieldIds(types.TracePacket.fields);
const E = fieldIds(types.TrackEvent.fields);
const A = fieldIds(types.DebugAnnotation.fields);
/** Wire types. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const key = (field: number, wire: number): number => ((field << 3) | wire) >>> 0;

function fieldIds<T extends Record<string, { readonly id: number }>>(fields: T): { readonly [K in keyof T]: number } {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.id])) as { [K in keyof T]: number };
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
  private readonly InternedData = perfettoTypes().InternedData;
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

  /**
   * A track event packet at `t` µs; names and categories interned on first use. The hot path: the TrackEvent is
   * written field by field with protobufjs's Writer (field numbers from the descriptors), without building a
   * message object per event; the rest of the packet goes through protobufjs's encoder as usual.
   */
  private trackEvent(t: number, ev: TrackEventFields, name?: string, category?: string): void {
    let names: { iid: number; name: string }[] | undefined;
    let categories: { iid: number; name: string }[] | undefined;
    let nameIid = 0;
    let categoryIid = 0;
    if (name !== undefined) {
      nameIid = this.names.get(name) ?? 0;
      if (nameIid === 0) {
        nameIid = this.names.size + 1;
        this.names.set(name, nameIid);
        names = [{ iid: nameIid, name }];
      }
    }
    if (category !== undefined) {
      categoryIid = this.categories.get(category) ?? 0;
      if (categoryIid === 0) {
        categoryIid = this.categories.size + 1;
        this.categories.set(category, categoryIid);
        categories = [{ iid: categoryIid, name: category }];
      }
    }
    const w = this.writer;
    w.uint32(key(1, LEN)).fork();
    w.uint32(key(P.timestamp, VARINT)).uint64(t * 1000);
    w.uint32(key(P.trusted_packet_sequence_id, VARINT)).uint32(SEQUENCE_ID);
    w.uint32(key(P.sequence_flags, VARINT)).uint32(SEQ_NEEDS_INCREMENTAL_STATE);
    if (names || categories) {
      w.uint32(key(P.interned_data, LEN)).fork();
      this.InternedData.encode({ event_names: names ?? [], event_categories: categories ?? [] }, w);
      w.ldelim();
    }
    w.uint32(key(P.track_event, LEN)).fork();
    if (categoryIid) w.uint32(key(E.category_iids, VARINT)).uint32(categoryIid);
    w.uint32(key(E.type, VARINT)).uint32(ev.type);
    if (nameIid) w.uint32(key(E.name_iid, VARINT)).uint32(nameIid);
    w.uint32(key(E.track_uuid, VARINT)).uint32(ev.track);
    if (ev.counter !== undefined) w.uint32(key(E.counter_value, VARINT)).int64(ev.counter);
    if (ev.annotations) {
      for (const a of ev.annotations) {
        w.uint32(key(E.debug_annotations, LEN)).fork();
        w.uint32(key(A.name, LEN)).string(a.name);
        if (typeof a.value === 'string') w.uint32(key(A.string_value, LEN)).string(a.value);
        else if (typeof a.value === 'number') w.uint32(key(A.int_value, VARINT)).int64(a.value);
        else w.uint32(key(A.bool_value, VARINT)).bool(a.value);
        w.ldelim();
      }
    }
    if (ev.flowFrom !== undefined) {
      const { offset, child } = this.effects;
      for (let k = offset[ev.flowFrom]!; k < offset[ev.flowFrom + 1]!; k++) {
        w.uint32(key(E.flow_ids, I64)).fixed64(child[k]! + 1);
      }
    }
    if (ev.terminating !== undefined) w.uint32(key(E.terminating_flow_ids, I64)).fixed64(ev.terminating);
    w.ldelim();
    w.ldelim();
    if (++this.count >= PACKETS_PER_CHUNK) this.flush();
  }

  stateEnd(track: number, t: number, _label: string): void {
    this.trackEvent(t, { type: TYPE_SLICE_END, track: this.trackUuid(track) });
  }
  stateBegin(track: number, t: number, label: string): void {
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track: this.trackUuid(track) }, label, 'state');
  }
  event(id: number, e: TimelineEvent, track: number): void {
    const annotations: Annotation[] = [
      { name: 'id', value: id },
      { name: 'subject', value: e.s },
      { name: 'text', value: e.x },
    ];
    if (e.c >= 0) annotations.push({ name: 'cause', value: e.c });
    if (e.r !== undefined) annotations.push({ name: 'rule', value: e.r });
    if (e.tp !== undefined) annotations.push({ name: 'topic', value: e.tp });
    if (e.m) {
      annotations.push(
        { name: 'from', value: e.m.from },
        { name: 'to', value: e.m.to },
        { name: 'delivered', value: e.m.ok },
      );
    }
    this.trackEvent(
      e.t,
      {
        type: TYPE_INSTANT,
        track: this.trackUuid(track),
        annotations,
        flowFrom: id,
        ...(e.c >= 0 ? { terminating: id + 1 } : {}),
      },
      e.k,
      'event',
    );
    if (e.k === 'detect') {
      this.trackEvent(
        e.t,
        {
          type: TYPE_INSTANT,
          track: this.detectionsUuid,
          annotations: [
            { name: 'id', value: id },
            { name: 'text', value: e.x },
          ],
        },
        `detected: ${e.s}`,
        'detect',
      );
    }
  }
  counter(role: number, t: number, value: number): void {
    this.trackEvent(t, { type: TYPE_COUNTER, track: this.counterUuid(role), counter: value });
  }
  faultBegin(f: FaultWindow, t: number): void {
    const track = this.faultUuid(f.index);
    const annotations = [
      { name: 'fault', value: f.id },
      { name: 'kind', value: f.kind },
    ];
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track, annotations }, `fault ${f.id}`, 'fault');
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track }, 'detecting', 'fault');
  }
  faultDetected(f: FaultWindow, t: number): void {
    const track = this.faultUuid(f.index);
    this.trackEvent(t, { type: TYPE_SLICE_END, track });
    this.trackEvent(t, { type: TYPE_SLICE_BEGIN, track }, 'recovering', 'fault');
  }
  faultEnd(f: FaultWindow, t: number, recovered: boolean): void {
    const track = this.faultUuid(f.index);
    this.trackEvent(t, { type: TYPE_SLICE_END, track });
    this.trackEvent(t, { type: TYPE_SLICE_END, track, annotations: [{ name: 'recovered', value: recovered }] });
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

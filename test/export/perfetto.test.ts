/**
 * `--format perfetto`: decoded with protobufjs against the vendored descriptors, whose field numbers and types are
 * checked here against Perfetto's published protos; then the trace is checked as Perfetto's TrackEvent docs
 * describe it: one packet sequence with interned names defined before use, track descriptors forming a tree that
 * every event's track belongs to, slices that begin and end in order per track, counters only on counter tracks,
 * and flows that connect each cause to each effect.
 */
import { describe, expect, it } from 'vitest';
import {
  PERFETTO_DESCRIPTOR,
  perfettoTypes,
  SEQ_INCREMENTAL_STATE_CLEARED,
  SEQ_NEEDS_INCREMENTAL_STATE,
  TYPE_COUNTER,
  TYPE_INSTANT,
  TYPE_SLICE_BEGIN,
  TYPE_SLICE_END,
} from '../../sim/export/perfetto-proto.js';
import type { Timeline } from '../../sim/trace/format.js';
import { exportBytes, SCENARIOS, scenarioTimeline } from './helpers.js';

interface Annotation {
  name: string;
  string_value?: string;
  int_value?: number;
  bool_value?: boolean;
}
interface TrackEvent {
  type: number;
  track_uuid: number;
  name_iid?: number;
  category_iids?: number[];
  counter_value?: number;
  debug_annotations?: Annotation[];
  flow_ids?: number[];
  terminating_flow_ids?: number[];
}
interface Packet {
  timestamp?: number;
  trusted_packet_sequence_id?: number;
  sequence_flags?: number;
  track_descriptor?: { uuid: number; name?: string; parent_uuid?: number; counter?: { unit?: number } };
  track_event?: TrackEvent;
  interned_data?: { event_names?: { iid: number; name: string }[]; event_categories?: { iid: number; name: string }[] };
}

function decode(timeline: Timeline): Packet[] {
  const { bytes } = exportBytes(timeline, 'perfetto');
  const { Trace } = perfettoTypes();
  return (Trace.toObject(Trace.decode(bytes), { longs: Number }) as { packet: Packet[] }).packet;
}

const annotation = (ev: TrackEvent, name: string): Annotation | undefined =>
  ev.debug_annotations?.find((a) => a.name === name);

describe('the vendored Perfetto descriptors', () => {
  // Field numbers and types as published in Perfetto's protos/perfetto/trace/**.proto (written out independently of
  // perfetto-proto.ts: a wrong number there would still decode with itself, but not in Perfetto).
  const published: Record<string, Record<string, [number, string]>> = {
    Trace: { packet: [1, 'TracePacket'] },
    TracePacket: {
      timestamp: [8, 'uint64'],
      trusted_packet_sequence_id: [10, 'uint32'],
      track_event: [11, 'TrackEvent'],
      interned_data: [12, 'InternedData'],
      sequence_flags: [13, 'uint32'],
      track_descriptor: [60, 'TrackDescriptor'],
    },
    TrackDescriptor: {
      uuid: [1, 'uint64'],
      name: [2, 'string'],
      parent_uuid: [5, 'uint64'],
      counter: [8, 'CounterDescriptor'],
    },
    CounterDescriptor: { unit: [3, 'Unit'] },
    TrackEvent: {
      category_iids: [3, 'uint64'],
      debug_annotations: [4, 'DebugAnnotation'],
      type: [9, 'Type'],
      name_iid: [10, 'uint64'],
      track_uuid: [11, 'uint64'],
      name: [23, 'string'],
      counter_value: [30, 'int64'],
      flow_ids: [47, 'fixed64'],
      terminating_flow_ids: [48, 'fixed64'],
    },
    DebugAnnotation: {
      bool_value: [2, 'bool'],
      int_value: [4, 'int64'],
      string_value: [6, 'string'],
      name: [10, 'string'],
    },
    InternedData: { event_categories: [1, 'EventCategory'], event_names: [2, 'EventName'] },
    EventCategory: { iid: [1, 'uint64'], name: [2, 'string'] },
    EventName: { iid: [1, 'uint64'], name: [2, 'string'] },
  };
  const declared = PERFETTO_DESCRIPTOR.nested.perfetto.nested.protos.nested as unknown as Record<
    string,
    { fields: Record<string, { id: number; type: string }> }
  >;

  it.each(Object.keys(published))('%s has the published field numbers and types', (message) => {
    const fields = declared[message]!.fields;
    expect(Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, [f.id, f.type]]))).toEqual(published[message]);
  });

  it('has the published enum values', () => {
    expect([TYPE_SLICE_BEGIN, TYPE_SLICE_END, TYPE_INSTANT, TYPE_COUNTER]).toEqual([1, 2, 3, 4]);
    expect([SEQ_INCREMENTAL_STATE_CLEARED, SEQ_NEEDS_INCREMENTAL_STATE]).toEqual([1, 2]);
  });

  it('writes the file as a Trace: field 1, length-delimited, packet after packet', () => {
    const { bytes } = exportBytes(scenarioTimeline('quickstart'), 'perfetto');
    let at = 0;
    let packets = 0;
    while (at < bytes.length) {
      expect(bytes[at]).toBe(0x0a);
      at++;
      let len = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[at++]!;
        len += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) break;
      }
      at += len;
      packets++;
    }
    expect(at).toBe(bytes.length);
    expect(packets).toBe(decode(scenarioTimeline('quickstart')).length);
  });
});

describe.each(SCENARIOS)('perfetto export of %s', (name) => {
  const timeline = scenarioTimeline(name);
  const packets = decode(timeline);
  const descriptors = packets.filter((p) => p.track_descriptor).map((p) => p.track_descriptor!);
  const byUuid = new Map(descriptors.map((d) => [d.uuid, d] as const));
  const events = packets.filter((p) => p.track_event);

  it('is one packet sequence: cleared once at the start, then events that need its interned state', () => {
    expect(packets.every((p) => p.trusted_packet_sequence_id === 1)).toBe(true);
    expect(packets[0]!.sequence_flags).toBe(SEQ_INCREMENTAL_STATE_CLEARED);
    expect(packets.slice(1).filter((p) => p.sequence_flags === SEQ_INCREMENTAL_STATE_CLEARED)).toEqual([]);
    for (const p of events) expect(p.sequence_flags).toBe(SEQ_NEEDS_INCREMENTAL_STATE);
    // Descriptors first; event timestamps in ns, never going back.
    expect(packets.findIndex((p) => p.track_event)).toBe(descriptors.length);
    let last = 0;
    for (const p of events) {
      expect(p.timestamp).toBeGreaterThanOrEqual(last);
      expect(p.timestamp! % 1000).toBe(0);
      last = p.timestamp!;
    }
    expect(last).toBeLessThanOrEqual(timeline.durationUs * 1000);
  });

  it('defines each interned name and category once, before its first use', () => {
    const names = new Map<number, string>();
    const categories = new Map<number, string>();
    for (const p of events) {
      for (const n of p.interned_data?.event_names ?? []) {
        expect(names.has(n.iid)).toBe(false);
        names.set(n.iid, n.name);
      }
      for (const c of p.interned_data?.event_categories ?? []) {
        expect(categories.has(c.iid)).toBe(false);
        categories.set(c.iid, c.name);
      }
      const ev = p.track_event!;
      if (ev.name_iid !== undefined) expect(names.has(ev.name_iid)).toBe(true);
      for (const c of ev.category_iids ?? []) expect(categories.has(c)).toBe(true);
    }
    expect(new Set(names.values()).size).toBe(names.size);
  });

  it('has a tree of tracks: groups for clusters and services, one track per actor, every event on a known track', () => {
    expect(new Set(descriptors.map((d) => d.uuid)).size).toBe(descriptors.length);
    for (const d of descriptors) {
      expect(d.uuid).toBeGreaterThan(0);
      if (d.parent_uuid !== undefined) expect(byUuid.has(d.parent_uuid)).toBe(true);
    }
    const tops = descriptors.filter((d) => d.parent_uuid === undefined).map((d) => d.name);
    for (const c of timeline.initial.clusters) {
      if (timeline.events.some((e) => e.s.startsWith(c.id))) expect(tops).toContain(`cluster ${c.id}`);
    }
    expect(tops).toContain('detections');
    for (const p of events) expect(byUuid.has(p.track_event!.track_uuid)).toBe(true);
    // Each actor's track is named once.
    const leafNames = descriptors.filter((d) => !descriptors.some((c) => c.parent_uuid === d.uuid)).map((d) => d.name);
    expect(new Set(leafNames).size).toBe(leafNames.length);
  });

  it('has every timeline event as one instant, in order, on its actor track, with its fields', () => {
    const instants = events.filter((p) => {
      const ev = p.track_event!;
      return ev.type === TYPE_INSTANT && byUuid.get(ev.track_uuid)!.name !== 'detections';
    });
    expect(instants.map((p) => annotation(p.track_event!, 'id')?.int_value)).toEqual(timeline.events.map((_, i) => i));
    const names = new Map<number, string>();
    for (const p of events) for (const n of p.interned_data?.event_names ?? []) names.set(n.iid, n.name);
    instants.forEach((p, i) => {
      const e = timeline.events[i]!;
      const ev = p.track_event!;
      expect(p.timestamp).toBe(e.t * 1000);
      expect(names.get(ev.name_iid!)).toBe(e.k);
      expect(annotation(ev, 'text')?.string_value).toBe(e.x);
      expect(annotation(ev, 'subject')?.string_value).toBe(e.s);
      const track = byUuid.get(ev.track_uuid)!.name!;
      expect(track === e.s || e.s.endsWith(`:${track}`)).toBe(true);
      if (e.r !== undefined) expect(annotation(ev, 'rule')?.string_value).toBe(e.r);
      if (e.m) expect(annotation(ev, 'delivered')?.bool_value ?? false).toBe(e.m.ok);
    });
  });

  it('connects each cause to each of its effects with its own flow', () => {
    const instants = events.filter(
      (p) => p.track_event!.type === TYPE_INSTANT && byUuid.get(p.track_event!.track_uuid)!.name !== 'detections',
    );
    const out = new Map<number, number>();
    const ended = new Map<number, number>();
    instants.forEach((p, i) => {
      for (const f of p.track_event!.flow_ids ?? []) {
        expect(out.has(f)).toBe(false);
        out.set(f, i);
      }
      for (const f of p.track_event!.terminating_flow_ids ?? []) {
        expect(ended.has(f)).toBe(false);
        ended.set(f, i);
      }
    });
    const edges = timeline.events.flatMap((e, i) => (e.c >= 0 ? [[e.c, i] as const] : []));
    expect(out.size).toBe(edges.length);
    expect(ended.size).toBe(edges.length);
    for (const [c, i] of edges) {
      const id = i + 1;
      expect([out.get(id), ended.get(id)]).toEqual([c, i]);
    }
  });

  it('has slices that begin and end in order on each track, and counters only on counter tracks', () => {
    const open = new Map<number, number>();
    for (const p of events) {
      const ev = p.track_event!;
      const counterTrack = byUuid.get(ev.track_uuid)!.counter !== undefined;
      expect(ev.type === TYPE_COUNTER).toBe(counterTrack);
      if (ev.type === TYPE_SLICE_BEGIN) open.set(ev.track_uuid, (open.get(ev.track_uuid) ?? 0) + 1);
      if (ev.type === TYPE_SLICE_END) {
        expect(open.get(ev.track_uuid) ?? 0).toBeGreaterThan(0);
        open.set(ev.track_uuid, open.get(ev.track_uuid)! - 1);
      }
    }
    for (const n of open.values()) expect(n).toBe(0);
  });

  it('has each fault on its own track under its target, from its start to its recovery', () => {
    for (const f of timeline.summary.faults) {
      const track = descriptors.find((d) => d.name === `fault ${f.id}`)!;
      expect(track).toBeDefined();
      const parent = byUuid.get(track.parent_uuid!)!;
      expect(f.target === parent.name || f.target.endsWith(`:${parent.name}`)).toBe(true);
      const mine = events.filter((p) => p.track_event!.track_uuid === track.uuid);
      expect(mine[0]!.timestamp).toBe(f.atUs * 1000);
      expect(mine.at(-1)!.timestamp).toBe((f.recoveredAtUs ?? timeline.durationUs) * 1000);
      expect(annotation(mine.at(-1)!.track_event!, 'recovered')?.bool_value ?? false).toBe(f.recoveredAtUs !== null);
    }
  });

  it('counts Ready instances per role from the initial count', () => {
    for (const s of timeline.initial.services) {
      for (const r of s.roles) {
        const track = descriptors.find((d) => d.name === `Ready ${r.id}`)!;
        expect(track.counter).toBeDefined();
        const values = events
          .filter((p) => p.track_event!.track_uuid === track.uuid)
          .map((p) => p.track_event!.counter_value ?? 0);
        const cluster = timeline.initial.clusters[s.cluster]!;
        expect(values[0]).toBe(r.instances.filter((i) => cluster.instances[i]!.status === 'Ready').length);
        for (const v of values) expect(v >= 0 && v <= r.instances.length).toBe(true);
      }
    }
  });
});

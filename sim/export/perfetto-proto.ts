/**
 * The few messages of Perfetto's trace format that the exporter writes, as protobufjs JSON descriptors.
 *
 * Source: Perfetto's published protos (Apache License 2.0, github.com/google/perfetto, protos/perfetto/trace/):
 * trace.proto (Trace), trace_packet.proto (TracePacket), track_event/track_event.proto (TrackEvent, EventName,
 * EventCategory), track_event/track_descriptor.proto (TrackDescriptor), track_event/counter_descriptor.proto
 * (CounterDescriptor), track_event/debug_annotation.proto (DebugAnnotation), interned_data/interned_data.proto
 * (InternedData). Only the fields used here are declared, with the names, numbers and types of the originals (proto2:
 * repeated scalars are not packed); a reader with the full protos decodes these files unchanged, and one with these
 * descriptors skips nothing it needs. Each message is marked `edition: 'proto2'` so that protobufjs gives fields
 * explicit presence as in the originals (a 0 that was written is read back as 0, not as absent). The tests decode the output with these descriptors field by field.
 */
import protobuf from 'protobufjs/light.js';

const unpacked = { packed: false };

export const PERFETTO_DESCRIPTOR = {
  nested: {
    perfetto: {
      nested: {
        protos: {
          nested: {
            Trace: {
              edition: 'proto2',
              fields: { packet: { rule: 'repeated', type: 'TracePacket', id: 1 } },
            },
            TracePacket: {
              edition: 'proto2',
              fields: {
                timestamp: { type: 'uint64', id: 8 },
                trusted_packet_sequence_id: { type: 'uint32', id: 10 },
                track_event: { type: 'TrackEvent', id: 11 },
                interned_data: { type: 'InternedData', id: 12 },
                sequence_flags: { type: 'uint32', id: 13 },
                track_descriptor: { type: 'TrackDescriptor', id: 60 },
              },
              nested: {
                SequenceFlags: {
                  values: { SEQ_UNSPECIFIED: 0, SEQ_INCREMENTAL_STATE_CLEARED: 1, SEQ_NEEDS_INCREMENTAL_STATE: 2 },
                },
              },
            },
            TrackDescriptor: {
              edition: 'proto2',
              fields: {
                uuid: { type: 'uint64', id: 1 },
                name: { type: 'string', id: 2 },
                parent_uuid: { type: 'uint64', id: 5 },
                counter: { type: 'CounterDescriptor', id: 8 },
              },
            },
            CounterDescriptor: {
              edition: 'proto2',
              fields: { unit: { type: 'Unit', id: 3 } },
              nested: { Unit: { values: { UNIT_UNSPECIFIED: 0, UNIT_TIME_NS: 1, UNIT_COUNT: 2, UNIT_SIZE_BYTES: 3 } } },
            },
            TrackEvent: {
              edition: 'proto2',
              fields: {
                category_iids: { rule: 'repeated', type: 'uint64', id: 3, options: unpacked },
                debug_annotations: { rule: 'repeated', type: 'DebugAnnotation', id: 4 },
                type: { type: 'Type', id: 9 },
                name_iid: { type: 'uint64', id: 10 },
                track_uuid: { type: 'uint64', id: 11 },
                name: { type: 'string', id: 23 },
                counter_value: { type: 'int64', id: 30 },
                flow_ids: { rule: 'repeated', type: 'fixed64', id: 47, options: unpacked },
                terminating_flow_ids: { rule: 'repeated', type: 'fixed64', id: 48, options: unpacked },
              },
              nested: {
                Type: {
                  values: {
                    TYPE_UNSPECIFIED: 0,
                    TYPE_SLICE_BEGIN: 1,
                    TYPE_SLICE_END: 2,
                    TYPE_INSTANT: 3,
                    TYPE_COUNTER: 4,
                  },
                },
              },
            },
            DebugAnnotation: {
              edition: 'proto2',
              fields: {
                bool_value: { type: 'bool', id: 2 },
                int_value: { type: 'int64', id: 4 },
                string_value: { type: 'string', id: 6 },
                name: { type: 'string', id: 10 },
              },
            },
            InternedData: {
              edition: 'proto2',
              fields: {
                event_categories: { rule: 'repeated', type: 'EventCategory', id: 1 },
                event_names: { rule: 'repeated', type: 'EventName', id: 2 },
              },
            },
            EventCategory: {
              edition: 'proto2',
              fields: { iid: { type: 'uint64', id: 1 }, name: { type: 'string', id: 2 } },
            },
            EventName: {
              edition: 'proto2',
              fields: { iid: { type: 'uint64', id: 1 }, name: { type: 'string', id: 2 } },
            },
          },
        },
      },
    },
  },
} as const;

/** TrackEvent.Type values. */
export const TYPE_SLICE_BEGIN = 1;
export const TYPE_SLICE_END = 2;
export const TYPE_INSTANT = 3;
export const TYPE_COUNTER = 4;
/** CounterDescriptor.Unit: a count of things. */
export const UNIT_COUNT = 2;
/** TracePacket.SequenceFlags values. */
export const SEQ_INCREMENTAL_STATE_CLEARED = 1;
export const SEQ_NEEDS_INCREMENTAL_STATE = 2;

let root: protobuf.Root | undefined;

/** The protobufjs types, built once. */
export function perfettoTypes(): { Trace: protobuf.Type; TracePacket: protobuf.Type; InternedData: protobuf.Type } {
  root ??= protobuf.Root.fromJSON(PERFETTO_DESCRIPTOR as unknown as protobuf.INamespace);
  return {
    Trace: root.lookupType('perfetto.protos.Trace'),
    TracePacket: root.lookupType('perfetto.protos.TracePacket'),
    InternedData: root.lookupType('perfetto.protos.InternedData'),
  };
}

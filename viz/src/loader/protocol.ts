/** Messages between the page and the load worker (see worker.ts). */
import type { EventColumns, Timeline } from '../../../sim/trace/index.js';

export type LoadRequest =
  | { readonly id: number; readonly source: 'url'; readonly url: string }
  | { readonly id: number; readonly source: 'file'; readonly file: Blob };

/** A timeline as the worker hands it over: the document without its events, and the events in columns. */
export interface PackedTimeline {
  readonly head: Omit<Timeline, 'events'>;
  readonly columns: EventColumns<Float64Array | Int32Array>;
  /** The file's version (1: events as objects, 2: columns, 3: columns packed). */
  readonly version: 1 | 2 | 3;
}

/** The worker's timings, sent with its last message of a load. */
interface Finished {
  /** Bytes read (the file's size on disk). */
  readonly bytes: number;
  /** Milliseconds from the start of the read to its last byte, and spent parsing and checking (all of it). */
  readonly readMs: number;
  readonly parseMs: number;
  /** When the worker began reading and when it posted this answer (ms since the epoch, for the page's timings). */
  readonly startedAt: number;
  readonly postedAt: number;
}

export type LoadResponse =
  | { readonly id: number; readonly type: 'progress'; readonly phase: 'download' | 'parse'; readonly fraction: number }
  /**
   * A version-2 file read as it arrives (stream.ts): first its head (JSON text), then its events a group of blocks at
   * a time, then the summary's faults a group at a time, then 'end' with what follows the blocks. A 'done' after some of these replaces them.
   */
  | { readonly id: number; readonly type: 'head'; readonly text: string }
  | { readonly id: number; readonly type: 'columns'; readonly columns: EventColumns<Float64Array | Int32Array> }
  /** The blocks have ended (the last group was sent); then, while the tail arrives, the summary's faults. */
  | { readonly id: number; readonly type: 'events-end' }
  /** After the blocks, while the tail arrives: entries of the summary's list of faults (see stream.ts). */
  | { readonly id: number; readonly type: 'faults'; readonly text: string }
  | ({
      readonly id: number;
      readonly type: 'end';
      /** The file's version (2 or 3: the versions read as they arrive). */
      readonly version: 2 | 3;
      readonly tail: string;
      /** Where the faults sent on the way were cut out of `tail` (none were: undefined). */
      readonly faultsAt: number | undefined;
    } & Finished)
  /** The whole timeline at once (version 1, or a file not read as it came). */
  | ({ readonly id: number; readonly type: 'done'; readonly packed: PackedTimeline } & Finished)
  | {
      readonly id: number;
      readonly type: 'error';
      /** 'read': the bytes could not be had (network, file); 'timeline': they are not a timeline this reads. */
      readonly kind: 'read' | 'timeline';
      readonly message: string;
    };

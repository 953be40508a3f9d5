/** Messages between the page and the load worker (see worker.ts). */
import type { EventColumns, Timeline } from '../../../sim/trace/index.js';

export type LoadRequest =
  | { readonly id: number; readonly source: 'url'; readonly url: string }
  | { readonly id: number; readonly source: 'file'; readonly file: Blob };

/** A timeline as the worker hands it over: the document without its events, and the events in columns. */
export interface PackedTimeline {
  readonly head: Omit<Timeline, 'events'>;
  readonly columns: EventColumns<Float64Array | Int32Array>;
  /** The file's version (1: events as objects, 2: columns). */
  readonly version: 1 | 2;
}

export type LoadResponse =
  | { readonly id: number; readonly type: 'progress'; readonly phase: 'download' | 'parse'; readonly fraction: number }
  | {
      readonly id: number;
      readonly type: 'done';
      readonly packed: PackedTimeline;
      /** Bytes read (the file's size on disk). */
      readonly bytes: number;
      /** Milliseconds the worker spent reading the bytes, and parsing and checking them. */
      readonly readMs: number;
      readonly parseMs: number;
      /** When the worker began reading and when it posted this answer (ms since the epoch, for the page's timings). */
      readonly startedAt: number;
      readonly postedAt: number;
    }
  | {
      readonly id: number;
      readonly type: 'error';
      /** 'read': the bytes could not be had (network, file); 'timeline': they are not a timeline this reads. */
      readonly kind: 'read' | 'timeline';
      readonly message: string;
    };

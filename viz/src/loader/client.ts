/**
 * The page's side of the load worker: one worker, started with the page so that it is ready by the time a timeline
 * is asked for; each load answers with the timeline whose events are the columns the worker transferred, kept as
 * they are (an EventList makes event objects only for what is read) — for a file read as it arrives, taken a group of
 * blocks at a time while the rest downloads, and analysed as they come (assemble.ts).
 */
import { TimelineError } from '../../../sim/trace/index.js';
import type { Analyser } from '../model/analysis.js';
import type { ViewTimeline } from '../model/event-list.js';
import { failPending } from '../worker-client.js';
import { ColumnAssembler, unpackLazily } from './assemble.js';
import type { LoadRequest, LoadResponse } from './protocol.js';

/** The bytes could not be had (a network failure, an HTTP error, an unreadable file). */
export class ReadError extends Error {
  override name = 'ReadError';
}

export interface Loaded {
  readonly timeline: ViewTimeline;
  readonly bytes: number;
  readonly version: 1 | 2 | 3;
  /**
   * Where the time went (ms): reading the bytes (to the last one), parsing and checking them (in the worker, all of it),
   * taking in the events' columns (`unpackMs`: on the page, checking them as `decodeColumns` would; while the bytes
   * arrive when read as they come — the event objects are made later, when read).
   */
  readonly readMs: number;
  readonly parseMs: number;
  readonly unpackMs: number;
  /**
   * From the worker's last answer to the page: posting it and waiting for the page's thread (`postMs`); and taking in
   * the document's head (`receiveMs`: parsing its text when read as it came, else the structured clone of the answer).
   */
  readonly postMs: number;
  readonly receiveMs: number;
  /** When the worker began reading, ms since the epoch (before the page asked, when it was prefetched). */
  readonly startedAt: number;
  /**
   * Read as it came: the analysis begun on the events while they arrived (to be finished with the timeline), and the
   * milliseconds it took so far.
   */
  readonly analyser?: Analyser | undefined;
  readonly streamAnalysisMs?: number;
}

type Pending = {
  resolve: (r: Loaded) => void;
  reject: (e: Error) => void;
  onProgress: ((phase: 'download' | 'parse', f: number) => void) | undefined;
  /** The timeline so far, when the worker sends it as it reads it. */
  assembler: ColumnAssembler | null;
};

export class LoadClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** A download started before anyone asked (`prefetch`), handed to the first `load` of the same address. */
  private early: { url: string; id: number; promise: Promise<Loaded> } | null = null;

  /** Starts the worker now (it loads its code while the page sets itself up). */
  warm(): void {
    this.ensure();
  }

  /**
   * Starts downloading and parsing `url` (absolute) now, while the page sets itself up; the first `load` of the same
   * address takes it over. A failure is reported to that `load`, never on its own.
   */
  prefetch(url: string): void {
    const id = this.nextId;
    const promise = this.load({ url });
    promise.catch(() => {});
    this.early = { url, id, promise };
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (ev: MessageEvent<LoadResponse>) => {
      const m0 = performance.now();
      const msg = ev.data;
      const m1 = performance.now();
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') {
        p.onProgress?.(msg.phase, msg.fraction);
        return;
      }
      if (msg.type === 'head') {
        p.assembler = new ColumnAssembler();
        p.assembler.takeHead(msg.text);
        return;
      }
      if (msg.type === 'events-end') {
        p.assembler?.settle();
        return;
      }
      if (msg.type === 'faults') {
        p.assembler?.takeFaults(msg.text);
        return;
      }
      if (msg.type === 'columns') {
        p.assembler?.takeColumns(msg.columns);
        return;
      }
      this.pending.delete(msg.id);
      if (msg.type === 'error') {
        p.reject(msg.kind === 'read' ? new ReadError(msg.message) : new TimelineError(msg.message));
        return;
      }
      try {
        const finished = {
          bytes: msg.bytes,
          readMs: msg.readMs,
          parseMs: msg.parseMs,
          postMs: performance.timeOrigin + m0 - msg.postedAt,
          startedAt: msg.startedAt,
        };
        if (msg.type === 'end') {
          const a = p.assembler;
          if (!a) throw new TimelineError('damaged timeline: its head never arrived');
          const timeline = a.finish(msg.tail, msg.faultsAt);
          p.resolve({
            timeline,
            version: msg.version,
            unpackMs: a.checkMs,
            receiveMs: a.headMs,
            analyser: a.analyser ?? undefined,
            streamAnalysisMs: a.analysisMs,
            ...finished,
          });
          return;
        }
        const u0 = performance.now();
        const timeline = unpackLazily(msg.packed);
        const unpackMs = performance.now() - u0;
        p.resolve({ timeline, version: msg.packed.version, unpackMs, receiveMs: m1 - m0, ...finished });
      } catch (e) {
        p.reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    w.onerror = (ev) => {
      failPending(this.pending, 'load', ev);
      this.worker?.terminate();
      this.worker = null;
    };
    this.worker = w;
    return w;
  }

  /** Downloads (`url`) or reads (`file`) a timeline and returns it, rebuilt in the page. */
  load(
    what: { url: string } | { file: Blob },
    onProgress?: (phase: 'download' | 'parse', f: number) => void,
  ): Promise<Loaded> {
    const early = this.early;
    if (early && 'url' in what && what.url === early.url) {
      this.early = null;
      const p = this.pending.get(early.id);
      if (p) p.onProgress = onProgress;
      return early.promise;
    }
    this.early = null;
    const id = this.nextId++;
    const req: LoadRequest =
      'url' in what ? { id, source: 'url', url: what.url } : { id, source: 'file', file: what.file };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, assembler: null });
      this.ensure().postMessage(req);
    });
  }
}

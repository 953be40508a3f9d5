/**
 * The page's side of a timeline read as it came (docs/viewer.md, "Loading"): the head, the faults and the tail are put
 * back together by stream.ts's `TimelineAssembler`; the events are kept as the columns the worker transferred, in an
 * `EventList` that makes event objects only for what is read, and the analysis is begun on each group of columns as
 * it arrives, from the columns. A timeline packed whole (version 1, or another layout) is kept the same way.
 */
import type { EventColumns } from '../../../sim/trace/index.js';
import { Analyser } from '../model/analysis.js';
import { ColumnEventList, type ViewTimeline } from '../model/event-list.js';
import type { PackedTimeline } from './protocol.js';
import { TimelineAssembler } from './stream.js';

export class ColumnAssembler {
  /** The events so far. */
  readonly events: ColumnEventList;
  private readonly parts = new TimelineAssembler();
  /** The analysis so far; null when it could not be begun or went wrong (it is then done again, whole, later). */
  analyser: Analyser | null = null;
  private error: unknown = null;
  /** Milliseconds spent checking the columns as they came, and analysing them. */
  checkMs = 0;
  analysisMs = 0;

  constructor(blockEvents?: number) {
    this.events = new ColumnEventList(blockEvents);
  }

  /** Milliseconds spent parsing the head, faults and tail. */
  get headMs(): number {
    return this.parts.headMs;
  }

  takeHead(text: string): void {
    this.parts.takeHead(text);
    const initial = this.parts.initial;
    if (initial === null) return;
    try {
      this.analyser = new Analyser(initial);
    } catch {
      this.analyser = null;
    }
  }

  takeColumns(cols: EventColumns): void {
    if (this.error !== null) return;
    const t0 = performance.now();
    try {
      this.events.append(cols);
    } catch (e) {
      this.error = e;
    }
    const t1 = performance.now();
    this.checkMs += t1 - t0;
    if (this.error !== null || this.analyser === null) return;
    try {
      this.analyser.add(this.events, this.events.length);
    } catch {
      this.analyser = null;
    }
    this.analysisMs += performance.now() - t1;
  }

  /** Every event is in: derives what the analysis can before the summary comes. */
  settle(): void {
    if (this.error !== null || this.analyser === null) return;
    const t0 = performance.now();
    try {
      this.analyser.settle();
    } catch {
      this.analyser = null;
    }
    this.analysisMs += performance.now() - t0;
  }

  takeFaults(text: string): void {
    this.parts.takeFaults(text);
  }

  /** The timeline, checked as `readTimeline` checks a whole document; throws what went wrong on the way. */
  finish(tailText: string, faultsAt?: number): ViewTimeline {
    if (this.error !== null) throw this.error;
    return this.parts.finish(tailText, faultsAt, this.events);
  }
}

/** A timeline packed whole, its events kept as columns (checked now, made into objects when read). */
export function unpackLazily(packed: PackedTimeline): ViewTimeline {
  const events = new ColumnEventList();
  events.append(packed.columns);
  const { summary, traceHash, ...front } = packed.head;
  return { ...front, events, summary, traceHash };
}

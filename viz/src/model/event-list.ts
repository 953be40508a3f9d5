/**
 * A timeline's events as the viewer holds them: an `EventList` with a length, `at(i)` giving event i as the same
 * `TimelineEvent` object every time, and column accessors (time, kind, subject, text, rule, cause, message, patch
 * count) for the scans over every event.
 *
 * A timeline loaded from a file keeps its events as the load worker's blocks of columns (`ColumnEventList`): the
 * accessors read the typed arrays (strings through the string table), and event objects are made only for what is
 * read, 4,096 at a time with `decodeColumns` on first touch, then kept — a million events are not turned into a
 * million objects at load. The columns are checked as they are taken, as `decodeColumns` would check them, so a
 * damaged file is refused at load, in the same words. A timeline already made of objects (a version-1 file read in
 * Node, a run made in the browser, a test's) is wrapped by the same interface (`ArrayEventList`).
 */
import {
  checkColumnLengths,
  decodeColumns,
  type EventColumns,
  type Timeline,
  TimelineError,
  type TimelineEvent,
} from '../../../sim/trace/index.js';

/** Events as the viewer is given them: a list, or plain objects. */
export type Events = EventList | readonly TimelineEvent[];

/** A timeline whose events are either. */
export type ViewTimeline = Omit<Timeline, 'events'> & { readonly events: Events };

/** What an event's message column says: 0 none, 1 lost or refused, 2 delivered. */
export type MessageCode = 0 | 1 | 2;

export abstract class EventList {
  abstract readonly length: number;
  /** Event `i`, the same object every time; undefined outside [0, length). */
  abstract at(i: number): TimelineEvent | undefined;
  /** Time of event `i` (µs). */
  abstract time(i: number): number;
  abstract kind(i: number): string;
  abstract subject(i: number): string;
  /** The event's text. */
  abstract text(i: number): string;
  /** The rule that decided it, if any. */
  abstract rule(i: number): string | undefined;
  /** The cause's id, or −1. */
  abstract cause(i: number): number;
  abstract message(i: number): MessageCode;
  /** Number of patches of event `i`. */
  abstract patchCount(i: number): number;

  /** Every event as objects (made now when not yet made): for the rare whole-run uses (export, fork). */
  toArray(): TimelineEvent[] {
    const out = new Array<TimelineEvent>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i)!;
    return out;
  }

  /** As JSON, the list is the events it holds (as a timeline file has them). */
  toJSON(): TimelineEvent[] {
    return this.toArray();
  }
}

/** Events that are already objects. */
export class ArrayEventList extends EventList {
  constructor(private readonly events: readonly TimelineEvent[]) {
    super();
  }
  get length(): number {
    return this.events.length;
  }
  at(i: number): TimelineEvent | undefined {
    return this.events[i];
  }
  time(i: number): number {
    return this.events[i]!.t;
  }
  kind(i: number): string {
    return this.events[i]!.k;
  }
  subject(i: number): string {
    return this.events[i]!.s;
  }
  text(i: number): string {
    return this.events[i]!.x;
  }
  rule(i: number): string | undefined {
    return this.events[i]!.r;
  }
  cause(i: number): number {
    return this.events[i]!.c;
  }
  message(i: number): MessageCode {
    const m = this.events[i]!.m;
    return m === undefined ? 0 : m.ok ? 2 : 1;
  }
  patchCount(i: number): number {
    return this.events[i]!.p?.length ?? 0;
  }
  override toArray(): TimelineEvent[] {
    return this.events.slice();
  }
}

const wrapped = new WeakMap<readonly TimelineEvent[], ArrayEventList>();

/** `events` as a list (the list itself, or its objects wrapped — once per array). */
export function eventList(events: Events): EventList {
  if (events instanceof EventList) return events;
  let list = wrapped.get(events);
  if (!list) {
    list = new ArrayEventList(events);
    wrapped.set(events, list);
  }
  return list;
}

/** `timeline` with its events as objects (made now when they are not), for what takes a plain timeline (export). */
export function plainTimeline(timeline: ViewTimeline): Timeline {
  const events = timeline.events;
  if (!(events instanceof EventList)) return timeline as Timeline;
  const { summary, traceHash, ...front } = timeline;
  return { ...front, events: events.toArray(), summary, traceHash } as Timeline;
}

/** Events made from columns at a time, on first touch. */
export const EVENTS_PER_BLOCK = 4096;

/** One group of columns as the worker sent it, with where each of its blocks begins in the variable-length columns. */
interface Group {
  /** Global id of its first event. */
  readonly start: number;
  readonly n: number;
  readonly cols: EventColumns;
  /** Absolute time of each event. */
  readonly time: Float64Array;
  /** Per block of EVENTS_PER_BLOCK events: where its patches, path segments, values, messages, deadlines begin. */
  readonly offsets: Int32Array;
  /** The block's events, once made. */
  readonly made: (TimelineEvent[] | undefined)[];
}

const OFFSETS = 5;

/**
 * Events kept as the load worker's columns (`append` a group at a time, in order), made into objects a block at a
 * time when read (see the module's doc).
 */
export class ColumnEventList extends EventList {
  private readonly groups: Group[] = [];
  private readonly starts: number[] = [];
  private readonly strings: string[] = [];
  private count = 0;
  private lastTime = 0;
  /** The group found last (accessors mostly read near the previous read). */
  private hit: Group | null = null;
  /** Milliseconds spent making event objects. */
  decodeMs = 0;

  /** `blockEvents`: events made at a time (a test makes them few, to cross many edges). */
  constructor(private readonly blockEvents = EVENTS_PER_BLOCK) {
    super();
  }

  get length(): number {
    return this.count;
  }

  /** The string table so far (ids of the `k`, `s`, … columns index it). */
  get table(): readonly string[] {
    return this.strings;
  }

  /** The groups taken so far: for the analysis, which reads their columns directly. */
  get parts(): readonly { readonly start: number; readonly cols: EventColumns; readonly time: Float64Array }[] {
    return this.groups;
  }

  /**
   * Takes the next group of columns; checks it as `decodeColumns` would (throws its TimelineError, saying where),
   * leaving the list as it was when the group is refused.
   */
  append(cols: EventColumns): void {
    const strings = this.strings;
    const before = strings.length;
    for (const s of cols.str) strings.push(s);
    try {
      this.groups.push(this.check(cols));
    } catch (e) {
      strings.length = before;
      throw e;
    }
    const g = this.groups[this.groups.length - 1]!;
    if (g.n === 0) {
      this.groups.pop();
      return;
    }
    this.starts.push(g.start);
    this.count += g.n;
    if (g.n > 0) this.lastTime = g.time[g.n - 1]!;
  }

  private check(cols: EventColumns): Group {
    const n = cols.n;
    const base = this.count;
    const { t, k, s, c, x, r, tp, i: intent, p, po, pl, ps, pv, m, mf, mt, ma, d, dt, dk, ds } = cols;
    checkColumnLengths(cols);
    const nStr = this.strings.length;
    const str = (id: number, where: number): void => {
      if (!(id >= 0 && id < nStr)) {
        throw new TimelineError(`damaged timeline: event ${where} names string ${id}, not in the table`);
      }
    };
    const per = this.blockEvents;
    const blocks = Math.ceil(n / per);
    const offsets = new Int32Array(blocks * OFFSETS);
    const time = new Float64Array(n);
    let now = this.lastTime;
    let ip = 0;
    let is = 0;
    let iv = 0;
    let im = 0;
    let id = 0;
    for (let j = 0; j < n; j++) {
      if (j % per === 0) {
        const o = (j / per) * OFFSETS;
        offsets[o] = ip;
        offsets[o + 1] = is;
        offsets[o + 2] = iv;
        offsets[o + 3] = im;
        offsets[o + 4] = id;
      }
      const i = base + j;
      const dtime = t[j]!;
      if (!(dtime >= 0)) throw new TimelineError(`damaged timeline: event ${i} goes back in time`);
      now += dtime;
      time[j] = now;
      const back = c[j]!;
      if (!(back >= 0 && back <= i && Number.isInteger(back))) {
        throw new TimelineError(`damaged timeline: event ${i} names a cause that is not before it`);
      }
      str(k[j]!, i);
      str(s[j]!, i);
      str(x[j]!, i);
      const rj = r[j]!;
      if (rj > 0) str(rj - 1, i);
      const tpj = tp[j]!;
      if (tpj > 0) str(tpj - 1, i);
      const ij = intent === undefined ? 0 : intent[j]!;
      if (ij > 0) str(ij - 1, i);
      const pj = p[j]!;
      for (let q = 0; q < pj - 1; q++, ip++) {
        const code = po[ip];
        const len = pl[ip];
        if (code === undefined || len === undefined || !(code >= 0 && code < 6) || is + len > ps.length) {
          throw new TimelineError(`damaged timeline: event ${i} has patches the columns do not hold`);
        }
        for (let w = 0; w < len; w++, is++) {
          const v = ps[is]!;
          if (v < 0) str(-v - 1, i);
        }
        if (code < 3) {
          if (iv >= pv.length) throw new TimelineError(`damaged timeline: event ${i} has a patch with no value`);
          iv++;
        }
      }
      if (m[j]! > 0) {
        if (im >= mf.length || im >= mt.length || im >= ma.length) {
          throw new TimelineError(`damaged timeline: event ${i} has a message the columns do not hold`);
        }
        str(mf[im]!, i);
        str(mt[im]!, i);
        im++;
      }
      const dj = d[j]!;
      for (let q = 0; q < dj - 1; q++, id++) {
        if (id >= dt.length || id >= dk.length || id >= ds.length) {
          throw new TimelineError(`damaged timeline: event ${i} has deadlines the columns do not hold`);
        }
        str(dk[id]!, i);
        str(ds[id]!, i);
      }
    }
    return { start: base, n, cols, time, offsets, made: new Array(blocks).fill(undefined) };
  }

  /** The group holding event `i` (which is in range). */
  private group(i: number): Group {
    const h = this.hit;
    if (h !== null && i >= h.start && i < h.start + h.n) return h;
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= i) lo = mid + 1;
      else hi = mid;
    }
    const g = this.groups[lo - 1]!;
    this.hit = g;
    return g;
  }

  at(i: number): TimelineEvent | undefined {
    if (!(i >= 0 && i < this.count)) return undefined;
    const g = this.group(i);
    const j = i - g.start;
    const b = (j / this.blockEvents) | 0;
    const made = g.made[b] ?? this.make(g, b);
    return made[j - b * this.blockEvents];
  }

  /** Makes the events of block `b` of group `g`. */
  private make(g: Group, b: number): TimelineEvent[] {
    const t0 = performance.now();
    const cols = g.cols;
    const j0 = b * this.blockEvents;
    const j1 = Math.min(g.n, j0 + this.blockEvents);
    const n = j1 - j0;
    const o = b * OFFSETS;
    const next = b + 1 < g.made.length ? (b + 1) * OFFSETS : -1;
    const end = (at: number, col: { length: number }): number => (next < 0 ? col.length : g.offsets[next + at]!);
    const ip0 = g.offsets[o]!;
    const is0 = g.offsets[o + 1]!;
    const iv0 = g.offsets[o + 2]!;
    const im0 = g.offsets[o + 3]!;
    const id0 = g.offsets[o + 4]!;
    // Times from the first event's own, then the same deltas added as decodeColumns adds them; causes fixed after.
    const t = new Float64Array(n);
    t[0] = g.time[j0]!;
    for (let q = 1; q < n; q++) t[q] = cols.t[j0 + q]!;
    const slice = (col: ArrayLike<number>, from: number, to: number): ArrayLike<number> =>
      ArrayBuffer.isView(col) ? (col as Int32Array).subarray(from, to) : Array.prototype.slice.call(col, from, to);
    const sub: EventColumns = {
      n,
      str: [],
      t,
      k: slice(cols.k, j0, j1),
      s: slice(cols.s, j0, j1),
      c: new Int32Array(n),
      x: slice(cols.x, j0, j1),
      r: slice(cols.r, j0, j1),
      tp: slice(cols.tp, j0, j1),
      ...(cols.i === undefined ? {} : { i: slice(cols.i, j0, j1) }),
      p: slice(cols.p, j0, j1),
      po: slice(cols.po, ip0, end(0, cols.po)),
      pl: slice(cols.pl, ip0, end(0, cols.pl)),
      ps: slice(cols.ps, is0, end(1, cols.ps)),
      pv: cols.pv.slice(iv0, end(2, cols.pv)),
      m: slice(cols.m, j0, j1),
      mf: slice(cols.mf, im0, end(3, cols.mf)),
      mt: slice(cols.mt, im0, end(3, cols.mt)),
      ma: slice(cols.ma, im0, end(3, cols.ma)),
      d: slice(cols.d, j0, j1),
      dt: slice(cols.dt, id0, end(4, cols.dt)),
      dk: slice(cols.dk, id0, end(4, cols.dk)),
      ds: slice(cols.ds, id0, end(4, cols.ds)),
    };
    const out: TimelineEvent[] = [];
    decodeColumns(sub, this.strings, out);
    // Causes: decodeColumns saw none (a block's causes may be in earlier blocks); set from the group's column.
    const c = cols.c;
    const first = g.start + j0;
    for (let q = 0; q < n; q++) {
      const back = c[j0 + q]!;
      if (back !== 0) (out[q] as { c: number }).c = first + q - back;
    }
    g.made[b] = out;
    this.decodeMs += performance.now() - t0;
    return out;
  }

  time(i: number): number {
    const g = this.group(i);
    return g.time[i - g.start]!;
  }
  kind(i: number): string {
    const g = this.group(i);
    return this.strings[g.cols.k[i - g.start]!]!;
  }
  subject(i: number): string {
    const g = this.group(i);
    return this.strings[g.cols.s[i - g.start]!]!;
  }
  text(i: number): string {
    const g = this.group(i);
    return this.strings[g.cols.x[i - g.start]!]!;
  }
  rule(i: number): string | undefined {
    const g = this.group(i);
    const r = g.cols.r[i - g.start]!;
    return r > 0 ? this.strings[r - 1] : undefined;
  }
  cause(i: number): number {
    const g = this.group(i);
    const back = g.cols.c[i - g.start]!;
    return back === 0 ? -1 : i - back;
  }
  message(i: number): MessageCode {
    const g = this.group(i);
    return g.cols.m[i - g.start]! as MessageCode;
  }
  patchCount(i: number): number {
    const g = this.group(i);
    const p = g.cols.p[i - g.start]!;
    return p > 0 ? p - 1 : 0;
  }
}

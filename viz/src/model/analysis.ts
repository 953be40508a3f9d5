/**
 * What the viewer derives from a timeline once, at load, in one pass over its events: the marks the timeline shows
 * (faults, detections, recoveries, failed expectations), an index of events by subject, the actors that exchange
 * messages, the longest armed deadline, and the time series the charts draw.
 *
 * The pass reads a loaded timeline's columns directly (`ColumnEventList`: string ids through its table, patches from
 * their columns), so no event object is made for it; events already made as objects are read as objects, to the same
 * result. Everything here is index arithmetic over typed arrays after the pass; nothing allocates per frame.
 */
import type { InstanceStatus, World } from '../../../sim/spec/index.js';
import { ColumnEventList, type EventList, type Events, eventList, type ViewTimeline } from './event-list.js';

export type MarkKind = 'fault' | 'fault-end' | 'detect' | 'recover' | 'expectation';

export interface Mark {
  readonly kind: MarkKind;
  readonly t: number;
  /** Event id, or -1 (a failed expectation with no event). */
  readonly event: number;
  readonly label: string;
}

/** A fault's window on the timeline: from its start to its recovery (or to its end, or to the end of the run). */
export interface FaultWindow {
  readonly id: string;
  readonly kind: string;
  readonly target: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly detectedUs: number | null;
  readonly recoveredUs: number | null;
  readonly event: number;
}

/** A step series: values[i] holds from times[i] until times[i+1]. */
export interface StepSeries {
  readonly name: string;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

export interface Analysis {
  readonly durationUs: number;
  /** Sorted by time. */
  readonly marks: readonly Mark[];
  readonly faults: readonly FaultWindow[];
  /** Event kinds with counts, most frequent first. */
  readonly kinds: readonly { kind: string; count: number }[];
  /** Ids of a subject's events, ascending (found on first use, then cached). */
  readonly bySubject: SubjectIndex;
  /** Actors seen in messages, in first-seen order. */
  readonly actors: readonly string[];
  /** Ids of events carrying a message, ascending. */
  readonly messages: Int32Array;
  /** Every armed deadline, sorted by due time: the arming event's id, and the due time (µs). */
  readonly deadlines: { readonly armedBy: Int32Array; readonly dueUs: Float64Array; readonly order: Int32Array };
  /** Ready instances per role over time. */
  readonly readyByRole: readonly StepSeries[];
  /** Share of roles with at least one Ready instance, and share of all instances Ready. */
  readonly availability: readonly StepSeries[];
  /** Cumulative security outcomes: allowed, denied, violations. */
  readonly security: readonly StepSeries[];
  /**
   * The heartbeat's recorded events, ascending: the FC's polls (`msg.poll`) by the node they were sent to (the
   * subject's part after its first `:`), and the `node.silent` events by node.
   */
  readonly heartbeats: { readonly polls: Map<string, Int32Array>; readonly silent: Map<string, Int32Array> };
}

const INSTANCE_READY: InstanceStatus = 'Ready';

/** The event kinds that make a mark on the timeline, and the mark. */
const MARK_OF_KIND: ReadonlyMap<string, MarkKind> = new Map([
  ['fault.start', 'fault'],
  ['fault.end', 'fault-end'],
  ['detect', 'detect'],
  ['recover', 'recover'],
]);

class SeriesBuilder {
  private times: number[] = [];
  private values: number[] = [];
  constructor(
    readonly name: string,
    initial: number,
  ) {
    this.times.push(0);
    this.values.push(initial);
  }
  set(t: number, v: number): void {
    const last = this.values.length - 1;
    if (this.values[last] === v) return;
    if (this.times[last] === t) {
      this.values[last] = v;
      // Merge with the point before when the value returned to it at the same instant.
      if (last > 0 && this.values[last - 1] === v) {
        this.times.pop();
        this.values.pop();
      }
      return;
    }
    this.times.push(t);
    this.values.push(v);
  }
  build(): StepSeries {
    return { name: this.name, times: Float64Array.from(this.times), values: Float64Array.from(this.values) };
  }
}

/** Classifies a security-relevant event: 'allowed', 'denied', 'violation' or undefined. */
export function securityVerdict(
  k: string,
  ok: boolean | undefined,
  x: string,
): 'allowed' | 'denied' | 'violation' | undefined {
  if (!k.startsWith('traffic.')) return undefined;
  if (k.endsWith('.violation') || k.endsWith('.breach')) return 'violation';
  if (k.endsWith('.denied') || k.endsWith('.blocked')) return 'denied';
  if (k.endsWith('.allowed') || k.endsWith('.admitted')) return 'allowed';
  if (ok === true) return 'allowed';
  if (ok === false) return 'denied';
  if (/\bdenied\b|\bblocked\b/i.test(x)) return 'denied';
  if (/\ballowed\b|\badmitted\b/i.test(x)) return 'allowed';
  return undefined;
}

export function analyse(timeline: ViewTimeline): Analysis {
  const a = new Analyser(timeline.initial);
  a.add(timeline.events, timeline.events.length);
  return a.finish(timeline);
}

/**
 * `analyse` a few events at a time, for a timeline that arrives in pieces: made from the initial world, given the
 * events as they come (`add`), and finished with the whole timeline (its summary's expectations and faults).
 */
export class Analyser {
  private readonly marks: Mark[] = [];
  private readonly actorSet = new Set<string>();
  private readonly messages: number[] = [];
  private readonly armedBy: number[] = [];
  private readonly dueUs: number[] = [];
  /** Events taken so far. */
  private done = 0;

  // Instance status tracking for the charts: one slot per instance of every cluster.
  private readonly clusterBase: number[] = [];
  private readonly total: number;
  private readonly ready: Uint8Array;
  private readonly roleOf: Int32Array;
  private readonly roleIds: string[] = [];
  private readonly readyCount: Int32Array;
  private readyTotal = 0;
  private rolesUp = 0;
  private readonly readySeries: SeriesBuilder[];
  private readonly upShare: SeriesBuilder;
  private readonly readyShare: SeriesBuilder;
  private readonly sec = { allowed: 0, denied: 0, violation: 0 };
  private readonly allowedS = new SeriesBuilder('allowed', 0);
  private readonly deniedS = new SeriesBuilder('denied', 0);
  private readonly violationS = new SeriesBuilder('violations', 0);
  // Per event kind, found once: its count so far and the mark it makes (one map look-up per event).
  private readonly kindInfo = new Map<string, KindInfo>();
  /** Reading columns: the same, by the kind's string id; and what each string is as a path segment (`SEG_*`). */
  private readonly kindById: (KindInfo | undefined)[] = [];
  private readonly segOf: number[] = [];
  /** Reading columns, by string id: whether it was added to the actors, and its list of polls or silences. */
  private readonly actorById: number[] = [];
  private readonly pollsById: (number[] | undefined)[] = [];
  private readonly silentById: (number[] | undefined)[] = [];
  /** Reading columns: where the next event's patches, values, messages and deadlines are in its group's columns. */
  private cursor = { group: 0, ip: 0, is: 0, iv: 0, im: 0, id: 0 };
  private readonly polls = new Map<string, number[]>();
  private readonly silent = new Map<string, number[]>();
  /** What `settle` derived, and after how many events. */
  private settled: { done: number; parts: EventParts } | null = null;

  constructor(world: World) {
    let total = 0;
    for (const c of world.clusters) {
      this.clusterBase.push(total);
      total += c.instances.length;
    }
    this.total = total;
    const ready = new Uint8Array(total);
    const roleOf = new Int32Array(total).fill(-1);
    const roleIds = this.roleIds;
    const roleIndex = new Map<string, number>();
    world.clusters.forEach((c, ci) => {
      c.instances.forEach((inst, ii) => {
        const slot = this.clusterBase[ci]! + ii;
        let r = roleIndex.get(inst.role);
        if (r === undefined) {
          r = roleIds.length;
          roleIds.push(inst.role);
          roleIndex.set(inst.role, r);
        }
        roleOf[slot] = r;
        ready[slot] = inst.status === INSTANCE_READY ? 1 : 0;
      });
    });
    const readyCount = new Int32Array(roleIds.length);
    const roleSize = new Int32Array(roleIds.length);
    for (let s = 0; s < total; s++) {
      const r = roleOf[s]!;
      roleSize[r]!++;
      if (ready[s]) {
        readyCount[r]!++;
        this.readyTotal++;
      }
    }
    for (let r = 0; r < roleIds.length; r++) if (readyCount[r]! > 0) this.rolesUp++;
    this.ready = ready;
    this.roleOf = roleOf;
    this.readyCount = readyCount;
    this.readySeries = roleIds.map((id, r) => new SeriesBuilder(id, readyCount[r]!));
    this.upShare = new SeriesBuilder('roles with a Ready instance', roleIds.length ? this.rolesUp / roleIds.length : 1);
    this.readyShare = new SeriesBuilder('instances Ready', total ? this.readyTotal / total : 1);
  }

  private setReady(slot: number, isReady: boolean, t: number): void {
    const ready = this.ready;
    const was = ready[slot] === 1;
    if (was === isReady) return;
    ready[slot] = isReady ? 1 : 0;
    const r = this.roleOf[slot]!;
    if (r < 0) return;
    const before = this.readyCount[r]!;
    const after = before + (isReady ? 1 : -1);
    this.readyCount[r] = after;
    this.readyTotal += isReady ? 1 : -1;
    if (before === 0 && after > 0) this.rolesUp++;
    if (before > 0 && after === 0) this.rolesUp--;
    const roles = this.roleIds.length;
    this.readySeries[r]!.set(t, after);
    this.upShare.set(t, roles ? this.rolesUp / roles : 1);
    this.readyShare.set(t, this.total ? this.readyTotal / this.total : 1);
  }

  /**
   * Takes the events after those already taken, up to (not including) `end`: from the columns they came in, when
   * they are kept so (no event object is made), else from the objects.
   */
  add(eventsIn: Events, end: number): void {
    const events = eventList(eventsIn);
    if (events instanceof ColumnEventList) this.addColumns(events, end);
    else this.addObjects(events, end);
  }

  private kindOf(k: string): KindInfo {
    let info = this.kindInfo.get(k);
    if (info === undefined) {
      const beat = k === 'msg.poll' ? this.polls : k === 'node.silent' ? this.silent : null;
      info = { count: 0, mark: MARK_OF_KIND.get(k), scripted: k.charCodeAt(0) === 116, beat };
      this.kindInfo.set(k, info);
    }
    return info;
  }

  /** `add` over the columns of a ColumnEventList: the very same derivation as `addObjects`, field by field. */
  private addColumns(list: ColumnEventList, end: number): void {
    const { marks, actorSet, messages, armedBy, dueUs, kindById, segOf, clusterBase, total, sec } = this;
    const { actorById, pollsById, silentById } = this;
    const strings = list.table;
    // Both by string id, grown with the table (kept dense: a sparse array would be a slow dictionary).
    for (let id = segOf.length; id < strings.length; id++) {
      const v = strings[id]!;
      segOf.push(v === 'clusters' ? SEG_CLUSTERS : v === 'instances' ? SEG_INSTANCES : v === 'status' ? SEG_STATUS : 0);
      kindById.push(undefined);
      actorById.push(0);
      pollsById.push(undefined);
      silentById.push(undefined);
    }
    const parts = list.parts;
    const cur = this.cursor;
    let i = this.done;
    while (i < end && cur.group < parts.length) {
      const { start, cols, time } = parts[cur.group]!;
      const n = cols.n;
      const { k, s, x, m, mf, mt, d, dt, p, po, pl, ps, pv } = cols;
      let { ip, is, iv, im, id } = cur;
      let j = i - start;
      const stop = Math.min(n, end - start);
      for (; j < stop; j++, i++) {
        const kid = k[j]!;
        let info = kindById[kid];
        if (info === undefined) {
          info = this.kindOf(strings[kid]!);
          kindById[kid] = info;
        }
        info.count++;
        const t = time[j]!;
        const mj = m[j]!;
        if (mj > 0) {
          messages.push(i);
          // Into the set at first sight only (in the same order: sender, then receiver).
          const from = mf[im]!;
          const to = mt[im]!;
          if (actorById[from] === 0) {
            actorById[from] = 1;
            actorSet.add(strings[from]!);
          }
          if (actorById[to] === 0) {
            actorById[to] = 1;
            actorSet.add(strings[to]!);
          }
          im++;
        }
        const dj = d[j]!;
        for (let q = 1; q < dj; q++, id++) {
          armedBy.push(i);
          dueUs.push(t + dt[id]!);
        }
        if (info.mark !== undefined) marks.push({ kind: info.mark, t, event: i, label: strings[x[j]!]! });
        if (info.beat !== null) {
          // The subject's list, found by its key once per subject id (a poll's key is the node after the `:`).
          const polls = info.beat === this.polls;
          const byId = polls ? pollsById : silentById;
          const sid = s[j]!;
          let list = byId[sid];
          if (list === undefined) {
            const subject = strings[sid]!;
            const key = polls ? subject.slice(subject.indexOf(':') + 1) : subject;
            list = info.beat.get(key);
            if (list === undefined) {
              list = [];
              info.beat.set(key, list);
            }
            byId[sid] = list;
          }
          list.push(i);
        }
        const verdict = info.scripted
          ? securityVerdict(strings[kid]!, mj === 0 ? undefined : mj === 2, strings[x[j]!]!)
          : undefined;
        if (verdict) {
          sec[verdict]++;
          if (verdict === 'allowed') this.allowedS.set(t, sec.allowed);
          else if (verdict === 'denied') this.deniedS.set(t, sec.denied);
          else this.violationS.set(t, sec.violation);
        }
        const pj = p[j]!;
        for (let q = 1; q < pj; q++, ip++) {
          const code = po[ip]!;
          const len = pl[ip]!;
          const from = is;
          is += len;
          const value = code < 3 ? pv[iv++] : undefined;
          // As in addObjects: only patches of an instance (`clusters/<c>/instances/<i>[/status]`).
          if (
            len < 4 ||
            segmentOf(ps[from]!, segOf) !== SEG_CLUSTERS ||
            segmentOf(ps[from + 2]!, segOf) !== SEG_INSTANCES
          ) {
            continue;
          }
          const ci = segmentIndex(ps[from + 1]!, strings);
          const ii = segmentIndex(ps[from + 3]!, strings);
          if (ci < 0 || ii < 0) continue;
          const base = clusterBase[ci];
          if (base === undefined) continue;
          const slot = base + ii;
          if (slot >= total) continue;
          const remove = code % 3 === 2;
          if (len === 4) {
            if (remove) this.setReady(slot, false, t);
            else this.setReady(slot, (value as { status?: string } | undefined)?.status === INSTANCE_READY, t);
          } else if (len === 5 && segmentOf(ps[from + 4]!, segOf) === SEG_STATUS && !remove) {
            this.setReady(slot, value === INSTANCE_READY, t);
          }
        }
      }
      if (j >= n) {
        cur.group++;
        ip = is = iv = im = id = 0;
      }
      cur.ip = ip;
      cur.is = is;
      cur.iv = iv;
      cur.im = im;
      cur.id = id;
    }
    if (end > this.done) this.done = end;
  }

  private addObjects(events: EventList, end: number): void {
    const { marks, actorSet, messages, armedBy, dueUs, kindInfo, clusterBase, total, sec } = this;
    for (let i = this.done; i < end; i++) {
      const e = events.at(i)!;
      let info = kindInfo.get(e.k);
      if (info === undefined) info = this.kindOf(e.k);
      info.count++;
      if (e.m) {
        messages.push(i);
        actorSet.add(e.m.from);
        actorSet.add(e.m.to);
      }
      if (e.d) {
        for (const d of e.d) {
          armedBy.push(i);
          dueUs.push(d.t);
        }
      }
      if (info.mark !== undefined) marks.push({ kind: info.mark, t: e.t, event: i, label: e.x });
      if (info.beat !== null) {
        const key = info.beat === this.polls ? e.s.slice(e.s.indexOf(':') + 1) : e.s;
        const list = info.beat.get(key);
        if (list) list.push(i);
        else info.beat.set(key, [i]);
      }

      // Cheap test first ('t'): almost no event is a scripted attempt (traffic.*).
      const verdict = info.scripted ? securityVerdict(e.k, e.m?.ok, e.x) : undefined;
      if (verdict) {
        sec[verdict]++;
        if (verdict === 'allowed') this.allowedS.set(e.t, sec.allowed);
        else if (verdict === 'denied') this.deniedS.set(e.t, sec.denied);
        else this.violationS.set(e.t, sec.violation);
      }

      const patches = e.p;
      if (!patches) continue;
      for (const p of patches) {
        // Only patches of an instance (`clusters/<c>/instances/<i>[/status]`, as `pathTarget` reads them) count
        // here; tested without building the target, as this runs for every patch of the run.
        const path = p.path;
        if (path[0] !== 'clusters' || path[2] !== 'instances') continue;
        const ci = pathIndex(path[1]);
        const ii = pathIndex(path[3]);
        if (ci < 0 || ii < 0) continue;
        const base = clusterBase[ci];
        if (base === undefined) continue;
        const slot = base + ii;
        if (slot >= total) continue;
        if (path.length === 4) {
          if (p.op === 'remove') this.setReady(slot, false, e.t);
          else this.setReady(slot, (p.value as { status?: string } | undefined)?.status === INSTANCE_READY, e.t);
        } else if (path.length === 5 && path[4] === 'status' && p.op !== 'remove') {
          this.setReady(slot, p.value === INSTANCE_READY, e.t);
        }
      }
    }
    if (end > this.done) this.done = end;
  }

  /** The analysis of `timeline`, whose events were all taken (those not yet taken are taken now). */
  finish(timeline: ViewTimeline): Analysis {
    const events = timeline.events;
    this.add(events, events.length);
    const { marks } = this;
    // Failed expectations from the summary, placed where they were decided (or at the end of the run).
    for (const x of timeline.summary?.expectations ?? []) {
      if (x.passed) continue;
      marks.push({
        kind: 'expectation',
        t: x.atUs ?? timeline.durationUs,
        event: -1,
        label: `failed: ${x.name} (measured ${x.measured}, bound ${x.bound})`,
      });
    }
    marks.sort((a, b) => a.t - b.t || a.event - b.event);

    const faults: FaultWindow[] = (timeline.summary?.faults ?? [])
      .map((f) => ({
        id: f.id,
        kind: f.kind,
        target: f.target,
        startUs: f.atUs,
        endUs: f.recoveredAtUs ?? timeline.durationUs,
        detectedUs: f.detectedAtUs,
        recoveredUs: f.recoveredAtUs,
        event: f.event,
      }))
      .sort((a, b) => a.startUs - b.startUs || a.event - b.event);

    const settled = this.settled !== null && this.settled.done === this.done ? this.settled.parts : this.eventParts();
    return {
      durationUs: timeline.durationUs,
      marks,
      faults,
      kinds: settled.kinds,
      bySubject: new SubjectIndex(events),
      actors: settled.actors,
      messages: settled.messages,
      deadlines: settled.deadlines,
      readyByRole: settled.readyByRole,
      availability: settled.availability,
      security: settled.security,
      heartbeats: settled.heartbeats,
    };
  }

  /**
   * Derives now what `finish` derives from the events alone (the orders, indexes and series), once every event is in
   * but before the summary has come, so that `finish` only adds the summary's part (it derives them again if events
   * were taken since).
   */
  settle(): void {
    this.settled = { done: this.done, parts: this.eventParts() };
  }

  private eventParts(): EventParts {
    const { armedBy, dueUs, kindInfo } = this;
    // Deadlines are taken in the order of the events that armed them, so "by due time, then by arming event" is a
    // stable sort by due time.
    const order = orderByDue(dueUs);
    return {
      kinds: [...kindInfo]
        .map(([kind, { count }]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)),
      actors: [...this.actorSet],
      messages: Int32Array.from(this.messages),
      deadlines: { armedBy: Int32Array.from(armedBy), dueUs: Float64Array.from(dueUs), order },
      readyByRole: this.readySeries.map((s) => s.build()),
      availability: [this.upShare.build(), this.readyShare.build()],
      security: [this.allowedS.build(), this.deniedS.build(), this.violationS.build()],
      heartbeats: { polls: packLists(this.polls), silent: packLists(this.silent) },
    };
  }
}

type KindInfo = { count: number; mark: MarkKind | undefined; scripted: boolean; beat: Map<string, number[]> | null };

/** What a string is as a patch path segment, for the analysis of columns. */
const SEG_CLUSTERS = 1;
const SEG_INSTANCES = 2;
const SEG_STATUS = 3;

/** A path segment of the `ps` column (an index ≥ 0, or −(string id + 1)) as one of the `SEG_*` names, or 0. */
function segmentOf(v: number, segOf: readonly number[]): number {
  return v < 0 ? (segOf[-v - 1] ?? 0) : 0;
}

/** A path segment of the `ps` column as an index, as `pathIndex` reads the segment it stands for. */
function segmentIndex(v: number, strings: readonly string[]): number {
  return v >= 0 ? v : pathIndex(strings[-v - 1]);
}

/** The part of an analysis derived from the events alone. */
type EventParts = Pick<
  Analysis,
  'kinds' | 'actors' | 'messages' | 'deadlines' | 'readyByRole' | 'availability' | 'security' | 'heartbeats'
>;

/** A path segment as an index (as `pathTarget` reads it: a number, or a string of digits), or -1. */
function pathIndex(v: string | number | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return -1;
}

/**
 * Events by subject, found by a scan on first use and cached: building a map of every subject at load costs more
 * (a million string-keyed insertions) than the few subjects anyone inspects.
 */
export class SubjectIndex {
  private readonly cache = new Map<string, Int32Array>();
  private readonly events: EventList;
  constructor(events: Events) {
    this.events = eventList(events);
  }

  get(subject: string): Int32Array | undefined {
    let ids = this.cache.get(subject);
    if (!ids) {
      const out: number[] = [];
      const events = this.events;
      for (let i = 0; i < events.length; i++) if (events.subject(i) === subject) out.push(i);
      if (out.length === 0) return undefined;
      ids = Int32Array.from(out);
      if (this.cache.size >= 256) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(subject, ids);
    }
    return ids;
  }
}

/** Index of the last element of a sorted array ≤ v, or -1 (binary search). */
export function lastAtOrBefore(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The value of a step series at time t. */
export function valueAt(s: StepSeries, t: number): number {
  const i = lastAtOrBefore(s.times, t);
  return i < 0 ? (s.values[0] ?? 0) : s.values[i]!;
}

function packLists(m: Map<string, number[]>): Map<string, Int32Array> {
  return new Map([...m].map(([k, v]) => [k, Int32Array.from(v)]));
}

/** Due times up to this (µs, about 8.9 years) are sorted by their digits; anything else by comparison. */
const RADIX_MAX = 2 ** 48 - 1;
const DIGIT_BITS = 12;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;
const HALF = 2 ** 24;

/**
 * The indices of `dueUs` ordered by due time, ties in index order (a stable sort): what
 * `Int32Array.from(dueUs.keys()).sort((a, b) => dueUs[a] - dueUs[b] || a - b)` gives, many times faster for the
 * hundreds of thousands of deadlines of a large run — a least-significant-digit radix sort over 12-bit digits of the
 * integer microseconds, as many digits as the latest due time needs. Any due time that is not such an integer
 * (never written by the engine) falls back to that comparison sort.
 */
export function orderByDue(dueUs: ArrayLike<number>): Int32Array {
  const n = dueUs.length;
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = dueUs[i]!;
    if (!(v >= 0 && v <= RADIX_MAX && Number.isInteger(v))) {
      return order.sort((a, b) => dueUs[a]! - dueUs[b]! || a - b);
    }
    if (v > max) max = v;
  }
  // Each due time as two 24-bit halves, each half two digits.
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = dueUs[i]!;
    const h = Math.floor(v / HALF);
    hi[i] = h;
    lo[i] = v - h * HALF;
  }
  let digits = 1;
  while (digits < 4 && max >= 2 ** (DIGIT_BITS * digits)) digits++;
  let next = new Int32Array(n);
  const counts = new Int32Array(DIGIT_MASK + 1);
  for (let d = 0; d < digits; d++) {
    const half = d < 2 ? lo : hi;
    const shift = (d % 2) * DIGIT_BITS;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(half[i]! >>> shift) & DIGIT_MASK]!++;
    let sum = 0;
    for (let b = 0; b <= DIGIT_MASK; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const idx = order[i]!;
      next[counts[(half[idx]! >>> shift) & DIGIT_MASK]!++] = idx;
    }
    const swap = order;
    order = next;
    next = swap;
  }
  return order;
}

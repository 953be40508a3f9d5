/**
 * The Chrome JSON trace-event format ("JSON Object Format" of the Trace Event Format document), which Perfetto,
 * chrome://tracing and the DevTools performance panel open.
 *
 * Layout: one process per top-level group (a cluster, a service, SQL, watchdogs, outside, other), named with
 * `process_name` metadata; one thread per actor, named with `thread_name` and ordered with `thread_sort_index`.
 * An actor whose state is drawn (an instance, a node…) has a second thread, "<actor> state", with its outages and
 * recovery steps as complete ("X") slices, written when they close and kept apart so that they never overlap the
 * events. Each timeline event is a complete
 * ("X") event of zero duration on its actor's thread, with a flow ("s" at the cause, "f" binding to the enclosing
 * slice at the effect, same category and name as the DevTools reader requires) from its cause. Detections are also
 * global instant events ("i", scope "g"), faults are async slices ("b"/"e", nested "detecting" and "recovering"),
 * and each role's Ready count is a counter ("C").
 *
 * Times: `ts` is in microseconds, which is exactly the timeline's unit. Records are stringified in batches (one
 * JSON.stringify call per few thousand records, which is what makes a million events cheap), so a line of the file
 * holds many records.
 */
import type { Timeline, TimelineEvent } from '../trace/index.js';
import { type ChunkSink, TextChunker } from './chunks.js';
import { type FaultWindow, planWalk, type TraceSink, walk } from './walk.js';

/** Category of the timeline events and of their cause arrows (the DevTools reader binds a flow by ts, pid, tid, cat). */
export const EVENT_CATEGORY = 'fabricsim';
/** Records per JSON.stringify call. */
const BATCH = 4096;

class ChromeSink implements TraceSink {
  private readonly stated = new Set<number>();
  constructor(
    private readonly out: TextChunker,
    private readonly events: readonly TimelineEvent[],
    private readonly eventTrack: Int32Array,
    private readonly trackNames: readonly string[],
    private readonly pidOf: Int32Array,
    private readonly counterPid: readonly number[],
    private readonly counterName: readonly string[],
  ) {}
  private first = true;
  /** Records waiting to be written: stringified a batch at a time (one flat string, no string per record). */
  private batch: unknown[] = [];
  line(o: unknown): void {
    if (this.batch.push(o) >= BATCH) this.flush();
  }
  flush(): void {
    if (this.batch.length === 0) return;
    const text = JSON.stringify(this.batch);
    this.batch = [];
    // "[a,b,c]" → "a,b,c": the records, comma-separated as the traceEvents array wants them.
    if (!this.first) this.out.push(',\n');
    this.first = false;
    this.out.push(text.slice(1, -1));
  }
  meta(name: string, pid: number, tid: number, args: Record<string, unknown>): void {
    this.line({ name, ph: 'M', pid, tid, ts: 0, args });
  }
  /** The actor's thread, then its state thread (named on first use). */
  nameThread(track: number, state: boolean): void {
    const tid = state ? this.trackNames.length + track + 1 : track + 1;
    const name = state ? `${this.trackNames[track]} state` : this.trackNames[track];
    this.meta('thread_name', this.pidOf[track]!, tid, { name });
    this.meta('thread_sort_index', this.pidOf[track]!, tid, { sort_index: 2 * track + (state ? 1 : 0) });
  }
  /** When the open state slice of each track began. */
  private readonly opened = new Map<number, number>();
  stateBegin(track: number, t: number, _label: string): void {
    if (!this.stated.has(track)) {
      this.stated.add(track);
      this.nameThread(track, true);
    }
    this.opened.set(track, t);
  }
  /** A state slice is written when it closes, as one complete event: readers need not pair B and E. */
  stateEnd(track: number, t: number, label: string): void {
    const start = this.opened.get(track) ?? t;
    this.opened.delete(track);
    const tid = this.trackNames.length + track + 1;
    this.line({ name: label, cat: 'state', ph: 'X', ts: start, dur: t - start, pid: this.pidOf[track], tid });
  }
  event(id: number, e: TimelineEvent, track: number): void {
    const pid = this.pidOf[track]!;
    const tid = track + 1;
    // The subject only where it is not the thread's name ("ga:shop.web.0" on the thread "shop.web.0").
    const args: Record<string, unknown> =
      e.s === this.trackNames[track] ? { id, text: e.x } : { id, subject: e.s, text: e.x };
    if (e.c >= 0) args.cause = e.c;
    if (e.r !== undefined) args.rule = e.r;
    if (e.tp !== undefined) args.topic = e.tp;
    if (e.m) {
      args.from = e.m.from;
      args.to = e.m.to;
      args.delivered = e.m.ok;
    }
    this.line({ name: e.k, cat: EVENT_CATEGORY, ph: 'X', ts: e.t, dur: 0, pid, tid, args });
    if (e.c >= 0) {
      const ctrack = this.eventTrack[e.c]!;
      const cause = this.events[e.c]!;
      const cpid = this.pidOf[ctrack];
      this.line({ name: 'cause', cat: EVENT_CATEGORY, ph: 's', id, ts: cause.t, pid: cpid, tid: ctrack + 1 });
      this.line({ name: 'cause', cat: EVENT_CATEGORY, ph: 'f', bp: 'e', id, ts: e.t, pid, tid });
    }
    if (e.k === 'detect') {
      this.line({
        name: `detected: ${e.s}`,
        cat: 'detect',
        ph: 'i',
        s: 'g',
        ts: e.t,
        pid,
        tid,
        args: { id, text: e.x },
      });
    }
  }
  counter(role: number, t: number, value: number): void {
    this.line({ name: this.counterName[role], ph: 'C', ts: t, pid: this.counterPid[role], args: { Ready: value } });
  }
  private fault(f: FaultWindow, ph: 'b' | 'e', name: string, t: number, args?: Record<string, unknown>): void {
    const o: Record<string, unknown> = {
      name,
      cat: 'fault',
      ph,
      id: `fault-${f.index}`,
      ts: t,
      pid: this.pidOf[f.track],
      tid: f.track + 1,
    };
    if (args) o.args = args;
    this.line(o);
  }
  faultBegin(f: FaultWindow, t: number): void {
    this.fault(f, 'b', `fault ${f.id}`, t, { kind: f.kind });
    this.fault(f, 'b', 'detecting', t);
  }
  faultDetected(f: FaultWindow, t: number): void {
    this.fault(f, 'e', 'detecting', t);
    this.fault(f, 'b', 'recovering', t);
  }
  faultEnd(f: FaultWindow, t: number, recovered: boolean): void {
    const phase = f.detectedUs !== null && f.detectedUs <= t ? 'recovering' : 'detecting';
    this.fault(f, 'e', phase, t);
    this.fault(f, 'e', `fault ${f.id}`, t, { recovered });
  }
}

/** Writes `timeline` as a Chrome JSON trace to `sink`, in pieces. */
export function writeChromeJson(timeline: Timeline, sink: ChunkSink): void {
  const plan = planWalk(timeline);
  const { groups, tracks, eventTrack } = plan.tracks;
  const out = new TextChunker(sink);
  const pidOfGroup = groups.map((g) => g.top + 1);
  const pidOf = Int32Array.from(tracks, (t) => pidOfGroup[t.group]!);
  const writer = new ChromeSink(
    out,
    timeline.events,
    eventTrack,
    tracks.map((t) => t.name),
    pidOf,
    plan.roleGroup.map((g) => pidOfGroup[g]!),
    plan.roles.map((r) => `Ready ${r}`),
  );
  out.push('{"traceEvents":[\n');
  for (const g of groups) {
    if (g.parent !== -1) continue;
    writer.meta('process_name', g.id + 1, 0, { name: g.name });
    writer.meta('process_sort_index', g.id + 1, 0, { sort_index: g.id });
  }
  for (const t of tracks) writer.nameThread(t.id, false);
  walk(timeline, plan, writer);
  writer.flush();
  out.push(
    `\n],\n"displayTimeUnit":"ms",\n"otherData":${JSON.stringify({
      fabricsim: timeline.fabricsim,
      scenario: timeline.scenario.name,
      seed: timeline.seed,
      durationUs: timeline.durationUs,
      traceHash: timeline.traceHash,
    })}}\n`,
  );
  out.flush();
}

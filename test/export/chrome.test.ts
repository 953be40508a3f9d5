/**
 * `--format chrome-json`: read back by the DevTools performance panel's own trace engine (@paulirish/trace_engine,
 * the reader Chrome ships), and checked field by field against the Trace Event Format document: the JSON Object
 * Format, metadata events, complete/duration/instant/counter/async/flow events and their required fields.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Timeline } from '../../sim/trace/format.js';
import { exportBytes, SCENARIOS, scenarioTimeline } from './helpers.js';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid?: number;
  cat?: string;
  dur?: number;
  id?: number | string;
  s?: string;
  bp?: string;
  args?: Record<string, unknown>;
}

function chrome(timeline: Timeline): { traceEvents: TraceEvent[]; displayTimeUnit: string; otherData: unknown } {
  return JSON.parse(exportBytes(timeline, 'chrome-json').bytes.toString('utf8'));
}

/** Names given by metadata events: processes by pid, threads by "pid/tid". */
function names(events: readonly TraceEvent[]): { processes: Map<number, string>; threads: Map<string, string> } {
  const processes = new Map<number, string>();
  const threads = new Map<string, string>();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'process_name') processes.set(e.pid, String(e.args?.name));
    if (e.name === 'thread_name') threads.set(`${e.pid}/${e.tid}`, String(e.args?.name));
  }
  return { processes, threads };
}

describe.each(SCENARIOS)('chrome-json export of %s', (name) => {
  const timeline = scenarioTimeline(name);
  const trace = chrome(timeline);
  const events = trace.traceEvents;

  it('is the JSON Object Format with the fields each phase requires', () => {
    expect(Array.isArray(events)).toBe(true);
    expect(trace.displayTimeUnit).toBe('ms');
    expect(trace.otherData).toMatchObject({ scenario: timeline.scenario.name, traceHash: timeline.traceHash });
    const phases = new Set(['M', 'X', 'i', 'C', 'b', 'e', 's', 'f']);
    for (const e of events) {
      expect(phases.has(e.ph), `phase ${e.ph}`).toBe(true);
      expect(typeof e.name).toBe('string');
      expect(Number.isInteger(e.pid)).toBe(true);
      expect(Number.isInteger(e.ts) && e.ts >= 0 && e.ts <= timeline.durationUs).toBe(true);
      if (e.ph !== 'C') expect(Number.isInteger(e.tid)).toBe(true);
      if (e.ph === 'X') expect(e.cat === 'state' ? e.dur! >= 0 : e.dur === 0).toBe(true);
      if (e.ph === 'i') expect(e.s).toBe('g');
      if (e.ph === 'C') {
        expect(Object.values(e.args ?? {}).every((v) => typeof v === 'number')).toBe(true);
      }
      if ('bcdefgs'.includes(e.ph) && e.ph !== 'd' && e.ph !== 'c' && e.ph !== 'g') {
        expect(e.id === undefined).toBe(false);
        expect(typeof e.cat).toBe('string');
      }
      if (e.ph === 'f') expect(e.bp).toBe('e');
      if (e.ph === 'M') {
        expect(['process_name', 'process_sort_index', 'thread_name', 'thread_sort_index']).toContain(e.name);
      }
    }
  });

  it('has one named thread per actor, in named processes grouped by cluster and service', () => {
    const { processes, threads } = names(events);
    const clusters = timeline.initial.clusters.map((c) => `cluster ${c.id}`);
    const processNames = [...processes.values()];
    for (const e of events) {
      if (e.ph === 'M' || e.ph === 'C') continue;
      expect(processes.has(e.pid), `process ${e.pid} named`).toBe(true);
      expect(threads.has(`${e.pid}/${e.tid}`), `thread ${e.pid}/${e.tid} named`).toBe(true);
    }
    // A thread name is used once.
    expect(new Set(threads.values()).size).toBe(threads.size);
    for (const p of processNames) {
      expect(
        p === 'SQL' || p === 'watchdogs' || p === 'outside' || p === 'other' || /^(cluster|service) /.test(p),
      ).toBe(true);
    }
    // Nodes of a cluster sit in that cluster's process.
    for (const e of events) {
      if (e.ph !== 'X') continue;
      const thread = threads.get(`${e.pid}/${e.tid}`)!;
      const node = timeline.initial.clusters.findIndex((c) => c.nodes.some((n) => n.id === thread));
      if (node >= 0) expect(processes.get(e.pid)).toBe(clusters[node]);
    }
  });

  it('has every timeline event once, in order, on its actor thread, with an arrow from its cause', () => {
    const { threads } = names(events);
    const x = events.filter((e) => e.ph === 'X' && e.cat === 'fabricsim');
    expect(x.map((e) => e.args?.id)).toEqual(timeline.events.map((_, i) => i));
    const where = x.map((e) => `${e.pid}/${e.tid}`);
    x.forEach((e, i) => {
      const te = timeline.events[i]!;
      expect(e.name).toBe(te.k);
      expect(e.ts).toBe(te.t);
      expect(e.args?.text).toBe(te.x);
      const thread = threads.get(where[i]!)!;
      // The thread is the subject, or the machine of an agent ("ga:shop.web.0" → "shop.web.0").
      expect(thread === te.s || te.s.endsWith(`:${thread}`)).toBe(true);
      expect(e.args?.subject ?? thread).toBe(te.s);
      if (te.c >= 0) expect(e.args?.cause).toBe(te.c);
    });
    const starts = new Map(events.filter((e) => e.ph === 's').map((e) => [e.id, e] as const));
    const ends = new Map(events.filter((e) => e.ph === 'f').map((e) => [e.id, e] as const));
    const caused = timeline.events.flatMap((e, i) => (e.c >= 0 ? [i] : []));
    expect(starts.size).toBe(caused.length);
    expect(ends.size).toBe(caused.length);
    for (const i of caused) {
      const c = timeline.events[i]!.c;
      const s = starts.get(i)!;
      const f = ends.get(i)!;
      expect([s.ts, `${s.pid}/${s.tid}`]).toEqual([timeline.events[c]!.t, where[c]]);
      expect([f.ts, `${f.pid}/${f.tid}`]).toEqual([timeline.events[i]!.t, where[i]]);
      expect(s.cat).toBe(x[c]!.cat);
      expect(f.cat).toBe(x[i]!.cat);
    }
  });

  it('has state slices on their own threads, one after another, all closed by the end of the run', () => {
    const { threads } = names(events);
    const byThread = new Map<string, TraceEvent[]>();
    for (const e of events) {
      if (e.cat !== 'state') continue;
      expect(e.ph).toBe('X');
      const key = `${e.pid}/${e.tid}`;
      expect(threads.get(key)).toMatch(/ state$/);
      byThread.set(key, [...(byThread.get(key) ?? []), e]);
    }
    for (const slices of byThread.values()) {
      slices.sort((p, q) => p.ts - q.ts || p.dur! - q.dur!);
      for (let k = 1; k < slices.length; k++) {
        expect(slices[k]!.ts).toBeGreaterThanOrEqual(slices[k - 1]!.ts + slices[k - 1]!.dur!);
      }
      const last = slices.at(-1)!;
      expect(last.ts + last.dur!).toBeLessThanOrEqual(timeline.durationUs);
    }
  });

  it('has each fault as an async slice split into detecting and recovering, and each detection as an instant', () => {
    const faults = timeline.summary.faults;
    const b = events.filter((e) => e.ph === 'b' && e.name.startsWith('fault '));
    expect(b.map((e) => e.name)).toEqual([...faults].sort((p, q) => p.event - q.event).map((f) => `fault ${f.id}`));
    for (const f of faults) {
      const id = b.find((e) => e.name === `fault ${f.id}`)!.id;
      const mine = events.filter((e) => (e.ph === 'b' || e.ph === 'e') && e.id === id);
      const begin = mine.find((e) => e.ph === 'b' && e.name === `fault ${f.id}`)!;
      const end = mine.find((e) => e.ph === 'e' && e.name === `fault ${f.id}`)!;
      expect(begin.ts).toBe(f.atUs);
      expect(end.ts).toBe(f.recoveredAtUs ?? timeline.durationUs);
      if (f.detectedAtUs !== null && f.recoveredAtUs !== null) {
        expect(mine.find((e) => e.ph === 'e' && e.name === 'detecting')!.ts).toBe(f.detectedAtUs);
        expect(mine.find((e) => e.ph === 'b' && e.name === 'recovering')!.ts).toBe(f.detectedAtUs);
      }
    }
    const detections = timeline.events.filter((e) => e.k === 'detect');
    expect(events.filter((e) => e.ph === 'i').map((e) => e.ts)).toEqual(detections.map((e) => e.t));
  });

  it('counts Ready instances per role: the counters start at the initial count and end at the final one', () => {
    const roles = timeline.initial.services.flatMap((s) => s.roles.map((r) => ({ s, r })));
    const counters = events.filter((e) => e.ph === 'C');
    for (const { s, r } of roles) {
      const series = counters.filter((e) => e.name === `Ready ${r.id}`).map((e) => e.args!.Ready as number);
      const cluster = timeline.initial.clusters[s.cluster]!;
      const ready = r.instances.filter((i) => cluster.instances[i]!.status === 'Ready').length;
      expect(series[0]).toBe(ready);
      // Every step is one instance more or fewer, or several at one event; never below 0 or above the role's size.
      for (const v of series) expect(v >= 0 && v <= r.instances.length).toBe(true);
    }
  });
});

describe('chrome-json export read by the DevTools trace engine', () => {
  it('finds every thread, every event and every arrow between events at different times', async () => {
    (globalThis as { DOMRect?: unknown }).DOMRect ??= class {
      constructor(
        public x = 0,
        public y = 0,
        public width = 0,
        public height = 0,
      ) {}
    };
    const Trace = await import('@paulirish/trace_engine');
    for (const name of ['quickstart', 'rack-power-loss']) {
      const timeline = scenarioTimeline(name);
      const trace = chrome(timeline);
      const model = Trace.TraceModel.Model.createWithAllHandlers();
      // The reader complains on the console about what it cannot pair or place: nothing may be said.
      const complaints: unknown[] = [];
      const spies = (['error', 'warn'] as const).map((m) =>
        vi.spyOn(console, m).mockImplementation((...a: unknown[]) => {
          complaints.push(a);
        }),
      );
      try {
        await model.parse(trace.traceEvents as never);
      } finally {
        for (const s of spies) s.mockRestore();
      }
      expect(complaints).toEqual([]);
      const parsed = model.parsedTrace(0)!;
      const { threads: named } = names(trace.traceEvents);
      const renderer = parsed.data.Renderer;
      let entries = 0;
      const seen = new Set<string>();
      for (const [pid, p] of renderer.processes) {
        for (const [tid, t] of p.threads) {
          seen.add(`${pid}/${tid}`);
          expect(t.name).toBe(named.get(`${pid}/${tid}`));
          entries += t.entries.filter((e: { cat: string }) => e.cat === 'fabricsim').length;
        }
      }
      expect(entries).toBe(timeline.events.length);
      const expectedFlows = timeline.events.filter((e) => e.c >= 0 && timeline.events[e.c]!.t !== e.t).length;
      expect(expectedFlows).toBeGreaterThan(0);
      const flows = parsed.data.Flows.flows as { name: string; ts: number }[][];
      expect(flows.length).toBe(expectedFlows);
      for (const flow of flows) expect(flow.length).toBe(2);
    }
  });
});

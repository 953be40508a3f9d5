/**
 * The viewer's events as column blocks (viz/src/model/event-list.ts, viz/src/loader/assemble.ts): a list over the
 * load worker's columns gives, for every index, the event `decodeColumns` gives — the same object each time, across
 * the edges of blocks and of groups, read in any order — and its accessors read the same fields; a damaged group is
 * refused in decodeColumns's words; the analysis begun on the columns as they arrive equals `analyse` over objects.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../sim/index.js';
import {
  decodeColumns,
  encodeColumns,
  joinColumns,
  readTimeline,
  type Timeline,
  type TimelineEvent,
} from '../../sim/trace/index.js';
import { writeTimeline } from '../../sim/trace/write.js';
import { ColumnAssembler, unpackLazily } from '../../viz/src/loader/assemble.js';
import { pack } from '../../viz/src/loader/pack.js';
import { BlockStreamParser } from '../../viz/src/loader/stream.js';
import { type Analysis, analyse } from '../../viz/src/model/analysis.js';
import { ColumnEventList, type EventList, eventList } from '../../viz/src/model/event-list.js';
import { Replay } from '../../viz/src/replay/replay.js';

function run(name: string): Timeline {
  return runScenario(loadScenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'), { fileName: `${name}.yaml` }), {
    record: true,
  }).timeline!;
}

/** `tl`'s run `times` times over, shifted in time: thousands of events, with patches, messages and deadlines. */
function repeated(tl: Timeline, times: number): Timeline {
  const n = tl.events.length;
  const events = Array.from({ length: times }, (_, r) =>
    tl.events.map((e) => ({
      ...e,
      t: e.t + r * tl.durationUs,
      c: e.c < 0 ? -1 : e.c + r * n,
      ...(e.m ? { m: { ...e.m, at: e.m.at + r * tl.durationUs } } : {}),
      ...(e.d ? { d: e.d.map((d) => ({ ...d, t: d.t + r * tl.durationUs })) } : {}),
    })),
  ).flat();
  return { ...tl, events, durationUs: tl.durationUs * times };
}

const healing = repeated(run('node-crash-healing'), 40);
/** Intents and rules on every event. */
const security = repeated(run('security-compute-connectivity'), 30);
const faults = run('random-faults');

/** Reads a version-2 file as the page does: through the stream parser, into a ColumnAssembler. */
function streamed(text: string, groupBytes: number, blockEvents: number) {
  const asm = new ColumnAssembler(blockEvents);
  let groups = 0;
  const parser = new BlockStreamParser(
    {
      head: (t) => asm.takeHead(t),
      columns: (c) => {
        groups++;
        asm.takeColumns(structuredClone(c));
      },
      eventsEnd: () => asm.settle(),
      faults: (t) => asm.takeFaults(t),
    },
    undefined,
    groupBytes,
  );
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += 4096) parser.push(bytes.subarray(at, at + 4096));
  const end = parser.end();
  if (end.kind !== 'streamed') throw new Error('not streamed');
  const timeline = asm.finish(end.tail, end.faultsAt);
  return { timeline, groups, analysis: asm.analyser?.finish(timeline) };
}

/** Every index of `list` against `events`: objects, identity, accessors; read in the order `order` gives. */
function expectSame(list: EventList, events: readonly TimelineEvent[], order: readonly number[]): void {
  expect(list.length).toBe(events.length);
  const seen = new Map<number, TimelineEvent>();
  for (const i of order) {
    const e = list.at(i)!;
    const want = events[i]!;
    expect(e).toEqual(want);
    expect(JSON.stringify(e)).toBe(JSON.stringify(want));
    expect(list.time(i)).toBe(want.t);
    expect(list.kind(i)).toBe(want.k);
    expect(list.subject(i)).toBe(want.s);
    expect(list.text(i)).toBe(want.x);
    expect(list.rule(i)).toBe(want.r);
    expect(list.cause(i)).toBe(want.c);
    expect(list.message(i)).toBe(want.m === undefined ? 0 : want.m.ok ? 2 : 1);
    expect(list.patchCount(i)).toBe(want.p?.length ?? 0);
    seen.set(i, e);
  }
  for (const [i, e] of seen) expect(list.at(i)).toBe(e);
  expect(list.at(-1)).toBeUndefined();
  expect(list.at(events.length)).toBeUndefined();
}

/** Every index, in an order that jumps between blocks (backwards, then strided), so blocks are made out of order. */
function scattered(n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i -= 3) out.push(i);
  for (let s = 0; s < 7; s++) for (let i = s; i < n; i += 7) out.push(i);
  return out;
}

/** The analysis without its subject index (which holds the events), and that index asked about `subjects`. */
function comparable(a: Analysis, subjects: readonly string[]) {
  const { bySubject, ...rest } = a;
  return { ...rest, subjects: subjects.map((s) => Array.from(bySubject.get(s) ?? [])) };
}

describe('EventList over column blocks', () => {
  it('gives the decoded events, for every index, across block and group edges (version 2, read as it came)', () => {
    for (const tl of [healing, security, faults]) {
      const text = writeTimeline(tl, 2);
      const whole = readTimeline(text);
      for (const [groupBytes, blockEvents] of [
        [5_000, 64],
        [5_000, 100],
        [1 << 20, 4096],
        [3_000, 1],
      ] as const) {
        const r = streamed(text, groupBytes, blockEvents);
        if (groupBytes === 5_000 && tl === healing) expect(r.groups).toBeGreaterThan(2);
        expectSame(eventList(r.timeline.events), whole.events, scattered(whole.events.length));
        const { events: _e, ...head } = r.timeline;
        const { events: _w, ...wantHead } = whole;
        expect(head).toEqual(wantHead);
        expect(Object.keys(r.timeline)).toEqual(Object.keys(whole));
      }
    }
  });

  it('gives the decoded events of a version-1 file, and of a file packed whole', () => {
    for (const tl of [healing, security]) {
      for (const version of [1, 2] as const) {
        const text = writeTimeline(tl, version);
        const whole = readTimeline(text);
        const lazy = unpackLazily(pack(text));
        if (tl === healing) expect(lazy.events.length).toBeGreaterThan(2 * 4096);
        expectSame(eventList(lazy.events), whole.events, scattered(whole.events.length));
        expect(eventList(lazy.events).toArray()).toEqual(whole.events);
        expect(JSON.stringify(lazy)).toBe(JSON.stringify(whole));
      }
    }
  });

  it('wraps events already made, with the same interface', () => {
    const list = eventList(faults.events);
    expect(eventList(faults.events)).toBe(list);
    expectSame(list, faults.events, scattered(faults.events.length));
    expect(eventList(list)).toBe(list);
  });

  it('replays the same states from column blocks as from objects', () => {
    const r = streamed(writeTimeline(faults, 2), 20_000, 64);
    const a = Replay.loadSync(faults, { keyframeEvery: 16 });
    const b = Replay.loadSync(r.timeline, { keyframeEvery: 16 });
    for (let p = 0; p <= faults.events.length; p += 37) expect(b.stateAt(p)).toEqual(a.stateAt(p));
    for (const t of [0, faults.durationUs / 3, faults.durationUs])
      expect(b.positionAtTime(t)).toBe(a.positionAtTime(t));
  });

  it('refuses a damaged group in the words of decodeColumns, and stays as it was', () => {
    const good = joinColumns([encodeColumns(faults.events.slice(0, 300))]);
    const damages: ((c: Record<string, unknown>) => void)[] = [
      (c) => {
        (c.k as Int32Array)[5] = 99_999;
      },
      (c) => {
        (c.t as Float64Array)[7] = -1;
      },
      (c) => {
        (c.c as Int32Array)[3] = 10;
      },
      (c) => {
        c.m = (c.m as Int32Array).subarray(1);
      },
      (c) => {
        c.mf = (c.mf as Int32Array).subarray(0, 2);
      },
      (c) => {
        c.ps = (c.ps as Int32Array).subarray(0, 4);
      },
      (c) => {
        c.pv = [];
      },
      (c) => {
        c.dk = (c.dk as Int32Array).subarray(0, 0);
      },
      (c) => {
        (c.ps as Int32Array)[0] = -99_999;
      },
    ];
    let refusedLater = 0;
    for (const damage of damages) {
      const cols = structuredClone(good) as unknown as Record<string, unknown>;
      damage(cols);
      let expected = '';
      try {
        decodeColumns(structuredClone(cols) as never, [], []);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).toMatch(/^damaged timeline: /);
      const list = new ColumnEventList(64);
      list.append(joinColumns([encodeColumns(faults.events.slice(0, 10))]));
      // The group after the first: the same damage, the same words (event ids counted from the start).
      const later = structuredClone(cols) as unknown as Record<string, unknown>;
      let expectedLater = '';
      try {
        const strings: string[] = [];
        decodeColumns(joinColumns([encodeColumns(faults.events.slice(0, 10))]), strings, [
          ...faults.events.slice(0, 10),
        ]);
        decodeColumns(later as never, strings, [...faults.events.slice(0, 10)]);
      } catch (e) {
        expectedLater = (e as Error).message;
      }
      expect(() => new ColumnEventList().append(cols as never)).toThrow(expected);
      // After another group some damages name what is there after all (a string of the first group); as decodeColumns.
      let outcome = 'taken';
      try {
        list.append(later as never);
      } catch (e) {
        outcome = (e as Error).message;
      }
      expect(outcome).toBe(expectedLater || 'taken');
      if (!expectedLater) continue;
      refusedLater++;
      expect(list.length).toBe(10);
      expect(list.at(9)).toEqual(faults.events[9]);
      expect(list.table.length).toBe(joinColumns([encodeColumns(faults.events.slice(0, 10))]).str.length);
    }
    expect(refusedLater).toBeGreaterThanOrEqual(5);
  });
});

/** Events made by hand for what the runs above seldom hold: instances added and removed, index segments as strings. */
function handMade(): Timeline {
  const base = faults;
  const t0 = base.durationUs;
  const ev = (t: number, k: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
    t: t0 + t,
    k,
    s: 'shop.web.0',
    c: -1,
    x: `${k} by hand`,
    ...extra,
  });
  const events: TimelineEvent[] = [
    ...base.events,
    ev(1, 'instance.gone', { p: [{ op: 'remove', path: ['clusters', 0, 'instances', 0] }] }),
    ev(2, 'instance.back', { p: [{ op: 'add', path: ['clusters', 0, 'instances', 0], value: { status: 'Ready' } }] }),
    ev(3, 'instance.stop', {
      p: [{ op: 'replace', path: ['clusters', '0', 'instances', '1', 'status'], value: 'Stopped' }],
    }),
    ev(4, 'instance.odd', {
      p: [
        { op: 'remove', path: ['clusters', 0, 'instances', 1, 'status'] },
        { op: 'replace', path: ['clusters', 0, 'instances'], value: [] },
        { op: 'replace', path: ['nodes', 0, 'instances', 1, 'status'], value: 'Ready' },
        { op: 'replace', path: ['clusters', 'x', 'instances', 1, 'status'], value: 'Ready' },
        { op: 'replace', path: ['clusters', 0, 'instances', 1, 'status'], value: 'Ready' },
      ],
      d: [],
    }),
    ev(5, 'traffic.attempt', { m: { from: 'a', to: 'b', at: t0 + 6, ok: true } }),
    ev(6, 'traffic.attempt', { m: { from: 'b', to: 'a', at: t0 + 7, ok: false } }),
    ev(7, 'traffic.note', { x: 'a request was blocked' }),
    ev(8, 'msg.poll', { s: 'ha:c0-r0-n0', m: { from: 'fc:c0', to: 'ha:c0-r0-n0', at: t0 + 9, ok: false } }),
  ];
  return { ...base, events, durationUs: t0 + 10 };
}

describe('the analysis over column blocks', () => {
  it('equals analyse over the objects, begun as the groups arrive', () => {
    for (const tl of [healing, security, faults, handMade()]) {
      const text = writeTimeline(tl, 2);
      const whole = readTimeline(text);
      const subjects = [...new Set(whole.events.map((e) => e.s))].slice(0, 12);
      const want = comparable(analyse(whole), subjects);
      const r = streamed(text, 20_000, 64);
      expect(r.analysis).toBeDefined();
      expect(comparable(r.analysis!, subjects)).toEqual(want);
      // Analysed whole from the columns (a file packed whole is analysed after it arrives).
      expect(comparable(analyse(unpackLazily(pack(text))), subjects)).toEqual(want);
    }
  });
});

/**
 * The viewer's loader (viz/src/loader/pack.ts), in Node: a timeline file of either version packs into the same
 * columns of typed arrays, which unpack to the timeline the command line reads, and replay to the same states;
 * a damaged file is refused before anything reaches the page. A version-2 or -3 file read as it arrives (stream.ts)
 * gives the same timeline, and anything not in its layout is left to the ordinary parser (`pack`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../sim/index.js';
import { type EventColumns, packColumns } from '../../sim/trace/columns.js';
import { readTimeline, TimelineError } from '../../sim/trace/format.js';
import { BLOCK_EVENTS } from '../../sim/trace/stream.js';
import { writeTimeline } from '../../sim/trace/write.js';
import { ColumnAssembler } from '../../viz/src/loader/assemble.js';
import { pack, packTimeline, unpack } from '../../viz/src/loader/pack.js';
import { BlockStreamParser } from '../../viz/src/loader/stream.js';
import { analyse } from '../../viz/src/model/analysis.js';
import { plainTimeline } from '../../viz/src/model/event-list.js';
import { Replay } from '../../viz/src/replay/replay.js';

const quick = runScenario(
  loadScenario(readFileSync('scenarios/node-crash-healing.yaml', 'utf8'), { fileName: 'node-crash-healing.yaml' }),
  { record: true },
).timeline!;

describe('loader: pack and unpack', () => {
  it('writes version 3 as version 2 with its columns packed', () => {
    expect(toVersion3(writeTimeline(quick, 2))).toBe(writeTimeline(quick, 3));
  });

  it('packs both versions into the same typed columns, which unpack to the timeline readTimeline gives', () => {
    const v1 = writeTimeline(quick, 1);
    const v2 = writeTimeline(quick, 2);
    const a = pack(v1);
    const b = pack(v2);
    expect(a.version).toBe(1);
    expect(b.version).toBe(2);
    expect(a.columns.t).toBeInstanceOf(Float64Array);
    expect(a.columns.k).toBeInstanceOf(Int32Array);
    expect(a.columns).toEqual(b.columns);
    expect(a.head).toEqual(b.head);
    expect('events' in a.head).toBe(false);
    expect(unpack(a)).toEqual(quick);
    expect(unpack(b)).toEqual(readTimeline(v2));
    // What the run worker hands over unpacks to the run itself.
    expect(unpack(structuredClone(packTimeline(quick)))).toEqual(quick);
    // A file read whole in the load worker, in any version: the same columns, and the version it was in.
    const v3 = writeTimeline(quick, 3);
    for (const [text, version] of [
      [v1, 1],
      [v2, 2],
      [v3, 3],
    ] as const) {
      const p = pack(text);
      expect(p.version).toBe(version);
      expect(p.columns).toEqual(a.columns);
      expect(p.head).toEqual(a.head);
    }
    expect(() => pack(v3.replace(/"b":"./, '"b":"!'))).toThrow(/block 0's packed columns are not valid base64/);
  });

  it('replays the unpacked timeline to the same states as the original, at every keyframe and between', () => {
    const original = Replay.loadSync(quick, { keyframeEvery: 16 });
    const unpacked = Replay.loadSync(unpack(pack(writeTimeline(quick))), { keyframeEvery: 16 });
    for (let p = 0; p <= quick.events.length; p += 7) expect(unpacked.stateAt(p)).toEqual(original.stateAt(p));
    expect(unpacked.seek(quick.events.length)).toEqual(original.seek(quick.events.length));
  });

  it('refuses a damaged or foreign file with a TimelineError', () => {
    expect(() => pack('{"format":"something else"}')).toThrow(TimelineError);
    const v2 = writeTimeline(quick).replace(/"eventCount":\d+/, '"eventCount":1');
    expect(() => pack(v2)).toThrow(/the blocks hold \d+ events, the file says 1/);
  });
});

/** A version-2 file's text in version 3, as `run --out` would write it (for damage that only version 2 can say). */
function toVersion3(v2: string): string {
  const doc = JSON.parse(v2);
  doc.version = 3;
  doc.blocks = doc.blocks.map((b: EventColumns<number[]>) => ({ n: b.n, str: b.str, pv: b.pv, b: packColumns(b) }));
  return `${JSON.stringify(doc)}\n`;
}

describe.each([2, 3] as const)('loader: reading a version-%i file as it arrives', (version) => {
  /** Feeds `text` to a BlockStreamParser in chunks of `chunk` bytes; the timeline as the page would get it. */
  function stream(text: string, chunk: number, groupBytes: number) {
    const bytes = new TextEncoder().encode(text);
    const asm = new ColumnAssembler();
    let heads = 0;
    let groups = 0;
    let faults = 0;
    let eventsEnds = 0;
    const parser = new BlockStreamParser(
      {
        head: (t) => {
          heads++;
          asm.takeHead(t);
        },
        columns: (c) => {
          groups++;
          expect(c.t).toBeInstanceOf(Float64Array);
          asm.takeColumns(structuredClone(c));
        },
        eventsEnd: () => {
          eventsEnds++;
          asm.settle();
        },
        faults: (t) => {
          faults++;
          asm.takeFaults(t);
        },
      },
      chunk % 2 === 0 ? bytes.length : undefined,
      groupBytes,
    );
    for (let at = 0; at < bytes.length; at += chunk) parser.push(bytes.subarray(at, at + chunk));
    const end = parser.end();
    const kept = end.kind === 'streamed' ? asm.finish(end.tail, end.faultsAt) : null;
    // The events as objects, to compare with readTimeline's; the analysis begun on their columns as they arrived,
    // finished with them (test/viz/event-list.test.ts compares it finished with the columns).
    const timeline = kept && plainTimeline(kept);
    const analysis = timeline && asm.analyser ? asm.analyser.finish(timeline) : null;
    return { end, heads, groups, faults, eventsEnds, timeline, analysis };
  }

  it('rebuilds the timeline readTimeline gives, whatever the chunks, a group of blocks at a time', () => {
    const v2 = writeTimeline(quick, version);
    const whole = readTimeline(v2);
    for (const [chunk, group] of [
      [1_000, 5_000],
      [65_536, 1 << 20],
      [7, 100],
      [v2.length, 1],
    ] as const) {
      const r = stream(v2, chunk, group);
      expect(r.end.kind).toBe('streamed');
      expect(r.heads).toBe(1);
      expect(r.eventsEnds).toBe(1);
      expect(r.timeline).toEqual(whole);
      expect(JSON.stringify(r.timeline)).toBe(JSON.stringify(whole));
      expect(r.analysis).toEqual(analyse(whole));
    }
    // Several blocks per file (the bench's million events come in 253 of them): the run repeated, shifted in time.
    const n = quick.events.length;
    const events = Array.from({ length: 40 }, (_, r) =>
      quick.events.map((e) => ({
        ...e,
        t: e.t + r * quick.durationUs,
        c: e.c < 0 ? -1 : e.c + r * n,
        ...(e.m ? { m: { ...e.m, at: e.m.at + r * quick.durationUs } } : {}),
        ...(e.d ? { d: e.d.map((d) => ({ ...d, t: d.t + r * quick.durationUs })) } : {}),
      })),
    ).flat();
    const text = writeTimeline({ ...quick, events }, version);
    expect(events.length).toBeGreaterThan(2 * BLOCK_EVENTS);
    const r = stream(text, 4096, 20_000);
    expect(r.groups).toBeGreaterThan(1);
    expect(r.timeline).toEqual(readTimeline(text));
    const analysis = analyse(readTimeline(text));
    expect(r.analysis).toEqual(analysis);
    expect(analysis.marks.length).toBeGreaterThan(40);
    expect(analysis.readyByRole[0]!.times.length).toBeGreaterThan(40);
  });

  it("hands on the summary's faults while the tail arrives and puts them back in their place", () => {
    // Many faults, with the characters the scan must see through inside their strings.
    const summary = quick.summary!;
    const faults = Array.from({ length: 300 }, (_, k) => ({
      ...summary.faults[k % summary.faults.length]!,
      id: `f${k}, "x": [1], {"id": 2}], \\`,
    }));
    const many = { ...quick, summary: { ...summary, faults } };
    const text = writeTimeline(many, version);
    const whole = readTimeline(text);
    for (const [chunk, group] of [
      [1_000, 2_000],
      [7, 500],
      [text.length, 1],
    ] as const) {
      const r = stream(text, chunk, group);
      expect(r.end.kind).toBe('streamed');
      expect(r.faults).toBeGreaterThan(0);
      expect(JSON.stringify(r.timeline)).toBe(JSON.stringify(whole));
    }
    // A list of "faults" before the summary's own: cut from there, it is read whole instead, the same.
    const decoy = {
      ...many,
      summary: { decoy: { a: 1, faults: Array.from({ length: 500 }, (_, k) => k) }, ...summary },
    };
    const decoyText = writeTimeline(decoy as unknown as typeof quick, version);
    const r = stream(decoyText, 1_000, 200);
    expect(r.faults).toBeGreaterThan(0);
    expect(JSON.stringify(r.timeline)).toBe(JSON.stringify(readTimeline(decoyText)));
  });

  it('is not fooled by the markers it looks for inside strings or nested objects', () => {
    const v2 = writeTimeline(quick, version);
    const tricky = v2.replace(
      `"version":${version},`,
      `"version":${version},"x":{"blocks":[{"n":1},{"n":2}],"y":"],\\"eventCount\\":,\\"blocks\\":[},{\\"n\\":"},`,
    );
    expect(tricky).not.toBe(v2);
    const r = stream(tricky, 3_000, 2_000);
    expect(r.end.kind).toBe('streamed');
    expect(r.timeline).toEqual(readTimeline(tricky));
  });

  it('leaves anything else whole to the ordinary parser: version 1, another layout, a damaged file', () => {
    const v2 = writeTimeline(quick, version);
    const cases = [
      writeTimeline(quick, 1),
      JSON.stringify(JSON.parse(v2), null, 1),
      v2.replace(/"eventCount":\d+/, '"eventCount":1'),
      v2.slice(0, Math.floor(v2.length * 0.7)),
      v2.slice(0, 30),
      v2.replace('"n":', '"n":"x",'),
      v2.replace(`"version":${version},`, '"version":4,'),
      v2.replace(`"version":${version},`, `"version":${version}0,`),
      '',
      // Version 3's packed columns damaged: its base64, or their length.
      ...(version === 3 ? [v2.replace(/"b":"./, '"b":"!'), v2.replace(/"b":"(.)/, '"b":"$1$1')] : []),
    ];
    for (const text of cases) expect(text).not.toBe(v2);
    for (const text of cases) {
      const r = stream(text, 5_000, 10_000);
      expect(r.end).toEqual({ kind: 'whole', text });
    }
  });

  it('reports a damaged head or block in the words of the ordinary parser', () => {
    const v2 = writeTimeline(quick, version);
    // A string id out of the table: found while rebuilding the events, as `unpack` finds it.
    const bad2 = writeTimeline(quick, 2).replace(/"k":\[(\d+)/, '"k":[999999');
    const bad = version === 2 ? bad2 : toVersion3(bad2);
    const r = () => stream(bad, 5_000, 10_000);
    expect(r).toThrow(/names string 999999, not in the table/);
    expect(() => unpack(pack(bad))).toThrow(/names string 999999, not in the table/);
    // A head that is not a timeline's.
    const at = v2.lastIndexOf('"traceHash":');
    const foreign = `${v2.slice(0, at)}"notTraceHash":${v2.slice(at + 12)}`;
    expect(() => stream(foreign, 5_000, 10_000)).toThrow(/missing "traceHash"/);
    expect(() => pack(foreign)).toThrow(/missing "traceHash"/);
  });
});

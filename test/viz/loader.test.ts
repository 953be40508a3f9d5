/**
 * The viewer's loader (viz/src/loader/pack.ts), in Node: a timeline file of either version packs into the same
 * columns of typed arrays, which unpack to the timeline the command line reads, and replay to the same states;
 * a damaged file is refused before anything reaches the page.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../sim/index.js';
import { readTimeline, TimelineError } from '../../sim/trace/format.js';
import { writeTimeline } from '../../sim/trace/write.js';
import { pack, packTimeline, unpack } from '../../viz/src/loader/pack.js';
import { Replay } from '../../viz/src/replay/replay.js';

const quick = runScenario(
  loadScenario(readFileSync('scenarios/node-crash-healing.yaml', 'utf8'), { fileName: 'node-crash-healing.yaml' }),
  { record: true },
).timeline!;

describe('loader: pack and unpack', () => {
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

/**
 * Timeline format versions 2 and 3 (events in columns; version 3 packs them): every bundled scenario's timeline
 * written in version 2 or 3 reads back as the very same timeline (the text of version 1, byte for byte), streamed or
 * whole; blocks chain (strings, times, causes carry over); every kind of event field survives; damaged version-2 files
 * are refused with a message saying what (version 3's damage: packed.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withPlugins } from '../../sim/cli/plugins.js';
import { loadScenario } from '../../sim/index.js';
import { runResolved, runStreamed } from '../../sim/run.js';
import { fromBase64, toBase64 } from '../../sim/trace/base64.js';
import { encodeColumns, joinColumns, packColumns } from '../../sim/trace/columns.js';
import { readTimeline, type Timeline, type TimelineEvent } from '../../sim/trace/format.js';
import { BLOCK_EVENTS, timelineWriter } from '../../sim/trace/stream.js';
import { writeTimeline } from '../../sim/trace/write.js';

const DIR = join('scenarios');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

async function load(name: string) {
  const path = join(DIR, name);
  return withPlugins(loadScenario(readFileSync(path, 'utf8'), { fileName: path }));
}

function timeline(events: TimelineEvent[]): Timeline {
  return {
    format: 'fabricsim.timeline',
    version: 1,
    fabricsim: '0.1.0',
    scenario: { name: 'hand-made', resolved: {} },
    seed: 1,
    durationUs: 100_000_000,
    initial: { clusters: [] } as unknown as Timeline['initial'],
    events,
    summary: { events: events.length } as unknown as Timeline['summary'],
    traceHash: '0123456789abcdef',
  };
}

/** Events with every optional field in every form: rules, topics, patches (with and without values; none, one, two
 *  or three; paths of 0 to 6 segments), messages delivered and refused, one or two deadlines, roots and caused
 *  events; spread over more than two blocks. */
function richEvents(n: number): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e: Record<string, unknown> = {
      t: 1000 * Math.floor(i / 3),
      k: ['fault.start', 'msg.poll', 'instance.crash', 'node.silent'][i % 4],
      s: `subject-${i % 97}`,
      c: i === 0 || i % 11 === 0 ? -1 : i - 1 - (i % 5 === 0 ? Math.min(i - 1, 300) : 0),
      x: `text ${i % 13 === 0 ? i : 'shared'} — ünïcødé`,
    };
    if (i % 7 === 0) e.r = `rule-${i % 3}`;
    if (i % 2 === 0) e.tp = 'role-monitoring';
    if (i % 4 === 1) e.i = ['user', 'attack'][i % 8 === 1 ? 0 : 1];
    if (i % 5 === 0) {
      e.p = [
        { op: 'replace', path: ['clusters', 0, 'instances', i % 50, 'status'], value: i % 2 ? 'Ready' : 'Stopped' },
        { op: 'add', path: ['clusters', 0, 'nodes', 1, 'instances', 3], value: [1, 2, { deep: null }] },
        { op: 'remove', path: ['clusters', 0, 'nodes', 2, 'instances', 0] },
      ];
    } else if (i % 17 === 0) e.p = [];
    // One and two patches, paths of every length (decoding builds the common ones differently).
    else if (i % 7 === 3) e.p = [{ op: 'add', path: ['clusters', 1, 'instances', i % 40], value: { status: 'Ready' } }];
    else if (i % 7 === 5) {
      e.p = [
        { op: 'remove', path: ['clusters', 0, 'instances', i % 30] },
        { op: 'replace', path: ['clusters', 2, `n${i % 3}`], value: i },
      ];
    } else if (i % 7 === 6) e.p = [{ op: 'replace', path: [], value: null }];
    if (i % 3 === 1) e.m = { from: `fc:c${i % 2}`, to: `ha:n${i % 40}`, at: e.t as number, ok: i % 2 === 0 };
    if (i % 9 === 0) e.d = [{ t: (e.t as number) + 5_000_000, k: 'instance.restart', s: `subject-${i % 97}` }];
    else if (i % 23 === 1) {
      e.d = [
        { t: (e.t as number) + 1, k: 'a', s: 'b' },
        { t: (e.t as number) + 2, k: 'c', s: `subject-${i % 97}` },
      ];
    }
    events.push(e as unknown as TimelineEvent);
  }
  return events;
}

describe('timeline versions 2 and 3', () => {
  it.each(FILES)('%s: reads back as the same timeline as version 1, streamed or whole, and smaller', async (name) => {
    const sc = await load(name);
    const opts = sc.plugins === undefined ? {} : { plugins: sc.plugins };
    const whole = runResolved(sc.resolved, { ...opts, record: true }).timeline!;
    const v1 = writeTimeline(whole, 1);
    const v2 = writeTimeline(whole, 2);
    const v3 = writeTimeline(whole, 3);
    expect(JSON.parse(v2).version).toBe(2);
    expect(JSON.parse(v3).version).toBe(3);
    // Written by default: version 3.
    expect(writeTimeline(whole)).toBe(v3);
    expect(`${JSON.stringify(readTimeline(v2))}\n`).toBe(v1);
    expect(`${JSON.stringify(readTimeline(v3))}\n`).toBe(v1);
    for (const [version, text] of [
      [2, v2],
      [3, v3],
    ] as const) {
      const pieces: string[] = [];
      runStreamed(
        sc.resolved,
        timelineWriter((s) => pieces.push(s), version),
        opts,
      );
      expect(pieces.join('')).toBe(text);
    }
    // The events take well under 0.6 of their version-1 bytes in version 2, and less again in version 3. (The
    // header — scenario, initial state, summary — is the same text in all and dominates a short run, so it is left
    // out of the comparison.)
    if (whole.events.length > 100) {
      const blocksBytes = JSON.stringify(JSON.parse(v2).blocks).length;
      expect(blocksBytes).toBeLessThan(JSON.stringify(whole.events).length * 0.6);
      expect(JSON.stringify(JSON.parse(v3).blocks).length).toBeLessThan(blocksBytes);
    }
  });

  it.each([2, 3] as const)(
    'version %i keeps every field through blocks that chain their strings, times and causes',
    (version) => {
      const tl = timeline(richEvents(2 * BLOCK_EVENTS + 123));
      const text = writeTimeline(tl, version);
      const doc = JSON.parse(text);
      expect(doc.version).toBe(version);
      expect(doc.blocks).toHaveLength(3);
      expect(doc.eventCount).toBe(tl.events.length);
      // A string is listed once, in the block that first uses it.
      expect(doc.blocks[1].str).not.toContain('subject-1');
      expect(JSON.stringify(readTimeline(text))).toBe(JSON.stringify(tl));
      expect(readTimeline(text)).toEqual(tl);
    },
  );

  it('leaves the intent column out of a block without intents, and reads such a block as events without intents', () => {
    const events = richEvents(50).map(({ i: _intent, ...e }) => e as TimelineEvent);
    const doc = JSON.parse(writeTimeline(timeline(richEvents(50)), 2));
    for (const b of doc.blocks) delete b.i;
    expect(readTimeline(JSON.stringify(doc))).toEqual(timeline(events));
    // A run without intents writes no intent column at all.
    expect(JSON.parse(writeTimeline(timeline(events), 2)).blocks[0]).not.toHaveProperty('i');
    expect(doc.blocks[0]).not.toHaveProperty('i');
    expect(JSON.parse(writeTimeline(timeline(richEvents(50)), 2)).blocks[0].i).toHaveLength(50);
    // Version 3: no intent values (a count of 0), read as events without intents.
    expect(readTimeline(writeTimeline(timeline(events), 3))).toEqual(timeline(events));
  });

  it.each([2, 3] as const)('version %i: reads an empty run', (version) => {
    const tl = timeline([]);
    expect(JSON.parse(writeTimeline(tl, version)).blocks).toEqual([]);
    expect(readTimeline(writeTimeline(tl, version))).toEqual(tl);
  });

  it('refuses to encode times that go back or are not whole µs, and paths it cannot hold', () => {
    const e: TimelineEvent = { t: 5, k: 'k', s: 's', c: -1, x: '' };
    expect(() => encodeColumns([e, { ...e, t: 4 }])).toThrow(/event 1: time 4/);
    expect(() => encodeColumns([{ ...e, t: 1.5 }])).toThrow(/event 0: time 1.5/);
    expect(() => encodeColumns([{ ...e, p: [{ op: 'replace', path: ['a', -1], value: 1 }] }])).toThrow(/segment -1/);
  });

  it('refuses damaged version-2 files, saying what is wrong', () => {
    const good = writeTimeline(timeline(richEvents(300)), 2);
    const doc = () => JSON.parse(good);
    const withBlock = (change: (b: Record<string, unknown[]>) => void) => {
      const d = doc();
      change(d.blocks[0]);
      return JSON.stringify(d);
    };
    const cases: [string, RegExp][] = [
      [good.slice(0, good.length / 2), /not valid JSON.*truncated/],
      [
        JSON.stringify({ ...doc(), version: 4 }),
        /unsupported timeline version 4: this fabricsim reads versions 1, 2 and 3/,
      ],
      [JSON.stringify({ ...doc(), blocks: undefined }), /damaged timeline: missing "blocks"/],
      [JSON.stringify({ ...doc(), eventCount: 301 }), /the blocks hold 300 events, the file says 301/],
      [JSON.stringify({ ...doc(), blocks: [null] }), /block 0 of events has no count/],
      [
        withBlock((b) => {
          delete b.ds;
        }),
        /block 0 lacks column "ds"/,
      ],
      [
        withBlock((b) => {
          b.k![10] = 100_000;
        }),
        /event 10 names string 100000, not in the table/,
      ],
      [
        withBlock((b) => {
          b.t![20] = -1;
        }),
        /event 20 goes back in time/,
      ],
      [
        withBlock((b) => {
          b.c![30] = 31;
        }),
        /event 30 names a cause that is not before it/,
      ],
      [
        withBlock((b) => {
          b.s!.pop();
        }),
        /column "s" has 299 values for 300 events/,
      ],
      [
        withBlock((b) => {
          b.pl!.length = 3;
        }),
        /has patches the columns do not hold/,
      ],
    ];
    for (const [text, message] of cases) expect(() => readTimeline(text), String(message)).toThrow(message);
  });
});

describe('timeline version 3: damaged files', () => {
  const tl = timeline(richEvents(300));
  const good = writeTimeline(tl, 3);
  const doc = () => JSON.parse(good);
  /** The file with block 0's packed columns replaced. */
  const withB = (b: string) => {
    const d = doc();
    d.blocks[0].b = b;
    return JSON.stringify(d);
  };
  const bytes = () => fromBase64(doc().blocks[0].b)!;
  /** The file with block 0's numeric columns changed before packing. */
  const withColumns = (change: (cols: Record<string, number[]>) => void) => {
    const cols = encodeColumns(tl.events) as unknown as Record<string, number[]>;
    change(cols);
    return withB(packColumns(cols as unknown as Parameters<typeof packColumns>[0]));
  };

  it('reads the good file, whose blocks are n, str, pv and b', () => {
    expect(Object.keys(doc().blocks[0])).toEqual(['n', 'str', 'pv', 'b']);
    expect(readTimeline(good)).toEqual(tl);
    // Packing what encodeColumns gives is what the writer wrote.
    expect(withColumns(() => {})).toBe(JSON.stringify(doc()));
  });

  it('refuses bad base64, columns running short or long, counts that do not match, saying what', () => {
    const b = doc().blocks[0].b as string;
    const short = bytes();
    // The last value's byte says another follows: the bytes end inside column "ds".
    short[short.length - 1]! |= 0x80;
    const cases: [string, RegExp][] = [
      [withB(`${b.slice(0, 10)}!${b.slice(11)}`), /^damaged timeline: block 0's packed columns are not valid base64$/],
      [withB(b.slice(0, -1)), /block 0's packed columns are not valid base64/],
      [withB(`${b.slice(0, 10)}-${b.slice(11)}`), /block 0's packed columns are not valid base64/],
      [withB(toBase64(short)), /^damaged timeline: block 0's packed columns end before column "ds" does$/],
      [withB(toBase64(bytes().subarray(0, 40))), /block 0's packed columns hold fewer values than their counts say/],
      [withB(toBase64(new Uint8Array([0x80]))), /block 0's packed columns end in their counts/],
      [
        withB(toBase64(new Uint8Array([...bytes(), 0]))),
        /^damaged timeline: block 0's packed columns run on 1 bytes past their last value$/,
      ],
      [
        withColumns((c) => {
          c.s!.pop();
        }),
        /^damaged timeline: column "s" of block 0 has 299 values for 300 events$/,
      ],
      [
        withColumns((c) => {
          c.i = [1, 2];
        }),
        /column "i" of block 0 has 2 values for 300 events/,
      ],
      [
        withColumns((c) => {
          c.k![0] = 2 ** 31;
        }),
        /^damaged timeline: block 0's packed column "k" holds a value too large for it$/,
      ],
      [
        withColumns((c) => {
          c.pl!.length = 3;
        }),
        /has patches the columns do not hold/,
      ],
      [
        withColumns((c) => {
          c.k![10] = 100_000;
        }),
        /event 10 names string 100000, not in the table/,
      ],
      [
        (() => {
          const d = doc();
          delete d.blocks[0].b;
          return JSON.stringify(d);
        })(),
        /block 0 lacks its packed columns "b"/,
      ],
      [JSON.stringify({ ...doc(), eventCount: 301 }), /the blocks hold 300 events, the file says 301/],
      [
        JSON.stringify({ ...doc(), blocks: [{ n: 1, str: [] }] }),
        /block 0 of events lacks its strings or patch values/,
      ],
      // A version-2 block in a version-3 file.
      [JSON.stringify({ ...JSON.parse(writeTimeline(tl, 2)), version: 3 }), /block 0 lacks its packed columns "b"/],
    ];
    for (const [text, message] of cases) expect(() => readTimeline(text), String(message)).toThrow(message);
  });

  it('packs negative path indexes, times and deadlines zigzag, and refuses what a varint cannot hold', () => {
    const cols = encodeColumns(tl.events) as unknown as Record<string, number[]>;
    cols.ma![0] = -5;
    cols.dt![0] = 2 ** 51;
    const packed = packColumns(cols as unknown as Parameters<typeof packColumns>[0]);
    const back = joinColumns([{ n: 300, str: [], pv: [], b: packed }], 3);
    expect(Array.from(back.ma)).toEqual(cols.ma);
    expect(Array.from(back.dt)).toEqual(cols.dt);
    expect(Array.from(back.ps)).toEqual(cols.ps);
    expect(Math.min(...back.ps)).toBeLessThan(0);
    const bad = (name: string, v: number) => {
      const c = encodeColumns(tl.events) as unknown as Record<string, number[]>;
      c[name]![0] = v;
      return () => packColumns(c as unknown as Parameters<typeof packColumns>[0]);
    };
    expect(bad('k', -1)).toThrow(/column "k": -1 is not a whole number version 3 can hold/);
    expect(bad('t', 0.5)).toThrow(/column "t": 0.5/);
    expect(bad('dt', 2 ** 60)).toThrow(/column "dt"/);
  });
});

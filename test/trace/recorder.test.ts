/**
 * The recorder's hash-only paths hash the canonical line of each event byte for byte: `emit` (patches hashed without
 * building their JSON) and `emitMessage` (a failed poll, without allocating) give the trace hash of the reference
 * encoding `${t}|${k}|${s}|${c}|${r}|` + JSON.stringify(patches) + `|${from}>${to}@${at}±` + newline, with recording
 * on or off, and `emitMessage` records the same event `emit` does; `emitFieldReplaces` hashes and
 * records `replace` patches as `emit` does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceHash } from '../../sim/engine/hash.js';
import type { Patch } from '../../sim/trace/format.js';
import { Recorder } from '../../sim/trace/recorder.js';

interface Ev {
  t: number;
  k: string;
  s: string;
  c: number;
  r?: string;
  p?: Patch[];
  m?: { from: string; to: string; ok: boolean };
}

/** The reference: one string per event, hashed whole. */
function reference(events: readonly Ev[]): string {
  const h = new TraceHash();
  for (const e of events) {
    let line = `${e.t}|${e.k}|${e.s}|${e.c}|${e.r ?? ''}|`;
    if (e.p !== undefined) line += JSON.stringify(e.p);
    if (e.m !== undefined) line += `|${e.m.from}>${e.m.to}@${e.t}${e.m.ok ? '+' : '-'}`;
    h.update(`${line}\n`);
  }
  return h.digest();
}

const str = fc.string({ unit: 'binary', maxLength: 10 });
const time = fc.oneof(fc.nat(), fc.maxSafeInteger().map(Math.abs), fc.integer({ min: 0, max: 4e13 }));
const patch = fc.record({
  op: fc.constantFrom('replace', 'add', 'remove'),
  path: fc.array(fc.oneof(str, fc.nat(2000)), { maxLength: 6 }),
  value: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
}) as fc.Arbitrary<Patch>;
const event: fc.Arbitrary<Ev> = fc.record(
  {
    t: time,
    k: str,
    s: str,
    c: fc.integer({ min: -1, max: 1e7 }),
    r: str,
    p: fc.array(patch, { minLength: 1, maxLength: 4 }),
    m: fc.record({ from: str, to: str, ok: fc.boolean() }),
  },
  { requiredKeys: ['t', 'k', 's', 'c'] },
);

function play(rec: Recorder, events: readonly Ev[], flatWay = true): void {
  for (const e of events) {
    // A message without rule or patches goes the allocation-free way (emitMessage, or emitLine with a line made for
    // it); the rest through emit.
    if (e.m !== undefined && e.p === undefined && (e.r === undefined || e.r === '')) {
      if (e.c % 2 === 0) rec.emitMessage(e.t, e.k, e.s, e.c, (to) => `to ${to}`, e.m.from, e.m.to, e.m.ok, 'topic');
      else rec.emitLine(e.t, e.c, rec.messageLine(e.k, e.s, e.m.from, e.m.to, 'topic'), e.m.ok, (to) => `to ${to}`);
    } else {
      const extras = { r: e.r, m: e.m === undefined ? undefined : { ...e.m, at: e.t } };
      // Patches that are all `{ op: 'replace', path: [...prefix, key], value }` with one prefix (fc.record keeps that
      // key order) go the way of the kernel's flat drafter (emitFieldReplaces), one event in two.
      const p = e.p;
      const prefix = p?.[0]?.path.slice(0, -1);
      const flat =
        flatWay &&
        p !== undefined &&
        e.c % 2 === 0 &&
        p.every(
          (x) =>
            x.op === 'replace' &&
            x.path.length > 0 &&
            typeof x.path[x.path.length - 1] === 'string' &&
            JSON.stringify(x.path.slice(0, -1)) === JSON.stringify(prefix),
        );
      if (flat) {
        // Arrays longer than n, as the kernel reuses them.
        const keys = [...p.map((x) => x.path[x.path.length - 1] as string), 'stale'];
        const values = [...p.map((x) => x.value), 'stale'];
        rec.emitFieldReplaces(e.t, e.k, e.s, e.c, 'text', extras, prefix!, keys, values, p.length);
      } else rec.emit(e.t, e.k, e.s, e.c, 'text', e.p, extras);
    }
  }
}

describe('Recorder hashing', () => {
  it('emit and emitMessage hash the reference encoding of every event, recording on or off', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        const want = reference(events);
        for (const record of [false, true]) {
          const rec = new Recorder(record);
          play(rec, events);
          expect(rec.traceHash).toBe(want);
          expect(rec.count).toBe(events.length);
          if (record) {
            // And the events recorded are those recorded with `emit` in the place of emitFieldReplaces.
            const ref = new Recorder(true);
            play(ref, events, false);
            expect(JSON.stringify(rec.events)).toBe(JSON.stringify(ref.events));
            expect(rec.countsByKind()).toEqual(ref.countsByKind());
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('emitMessage records what emit records for the same failed message, and counts its kind', () => {
    const a = new Recorder(true);
    const b = new Recorder(true);
    a.emit(5_000_000, 'msg.probe', 'ga:x', 3, () => 'probe to ga:x fails', undefined, {
      m: { from: 'lb:web', to: 'ga:x', at: 5_000_000, ok: false },
      tp: 'compute-connectivity',
    });
    const id = b.emitMessage(
      5_000_000,
      'msg.probe',
      'ga:x',
      3,
      (to) => `probe to ${to} fails`,
      'lb:web',
      'ga:x',
      false,
      'compute-connectivity',
    );
    expect(id).toBe(0);
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.countsByKind()).toEqual({ 'msg.probe': 1 });
    const off = new Recorder(false);
    off.emitMessage(
      5_000_000,
      'msg.probe',
      'ga:x',
      3,
      () => {
        throw new Error('text built with recording off');
      },
      'lb:web',
      'ga:x',
      false,
      't',
    );
    expect(off.events).toBeNull();
    expect(off.traceHash).toBe(a.traceHash);
  });

  it('counts the kinds of emitLine events with those of the other ways', () => {
    const rec = new Recorder(false);
    const probe = rec.messageLine('msg.probe', 'ga:x', 'lb:web', 'ga:x', 't');
    const poll = rec.messageLine('msg.poll', 'ha:n', 'fc:c', 'ha:n', 't');
    rec.messageLine('msg.unused', 'ga:y', 'lb:web', 'ga:y', 't');
    rec.emitLine(1, 0, probe, false, () => '');
    rec.emitLine(2, 0, probe, false, () => '');
    rec.emitLine(3, 0, poll, false, () => '');
    rec.emitMessage(4, 'msg.probe', 'ga:x', 0, () => '', 'lb:web', 'ga:x', false, 't');
    rec.emit(5, 'lb.out', 'x', 0, '', undefined);
    expect(rec.countsByKind()).toEqual({ 'lb.out': 1, 'msg.poll': 1, 'msg.probe': 3 });
    expect(Object.keys(rec.countsByKind())).toEqual(['lb.out', 'msg.poll', 'msg.probe']);
  });
  it('emitLine refuses a line made by another recorder', () => {
    const a = new Recorder(false);
    const line = new Recorder(false).messageLine('msg.probe', 'ga:x', 'lb:web', 'ga:x', 't');
    expect(() => a.emitLine(1, 0, line, false, () => '')).toThrow(/another recorder/);
  });

  it('emitMessage hashes right when one receiver comes with other kinds, subjects, senders or times', () => {
    // One receiver with changing kinds, subjects, senders and times: no part of one event's line may leak into the next.
    const names = ['ga:a', 'ga:é', 'lb:web', 'msg.probe', 'msg.poll', '', 'ha:n😀'];
    const events: Ev[] = [];
    for (let i = 0; i < 300; i++) {
      const pick = (j: number): string => names[(i * j + (i >> 2)) % names.length]!;
      const t = i % 7 === 0 ? 2 ** 53 - 1 - i : i % 5 === 0 ? -i : i * 15_000_017;
      events.push({
        t,
        k: pick(3),
        s: pick(5),
        c: i % 4 === 0 ? -1 : i,
        m: { from: pick(2), to: 'ga:x', ok: i % 3 === 0 },
      });
    }
    for (const record of [false, true]) {
      const rec = new Recorder(record);
      play(rec, events);
      expect(rec.traceHash).toBe(reference(events));
    }
  });
});

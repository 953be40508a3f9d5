import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventHandle, EventQueue } from '../../sim/engine/queue.js';

/** The simple reference: a sorted array of pending events. */
class SortedArrayQueue {
  private items: { time: number; seq: number; payload: number; id: number }[] = [];
  private seq = 0;
  push(time: number, payload: number, id: number): void {
    const item = { time, seq: this.seq++, payload, id };
    let i = this.items.length;
    while (i > 0) {
      const prev = this.items[i - 1]!;
      if (prev.time < time || (prev.time === time && prev.seq < item.seq)) break;
      i--;
    }
    this.items.splice(i, 0, item);
  }
  pop(): { time: number; payload: number; id: number } | undefined {
    return this.items.shift();
  }
  cancel(id: number): boolean {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }
  get size(): number {
    return this.items.length;
  }
  peekTime(): number {
    return this.items[0]?.time ?? Number.POSITIVE_INFINITY;
  }
}

type Op = { kind: 'push'; time: number } | { kind: 'pop' } | { kind: 'cancel'; which: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), time: fc.integer({ min: 0, max: 20 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    }),
  },
  {
    // Times a few apart around multiples of 2^31 µs: as pops move on, the same times land in the near heap and, pushed
    // more than 2^32 µs ahead of the latest pop, in the far one — ties across the two heaps.
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      time: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 2 })).map(([k, d]) => k * 2 ** 31 + d),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }) },
);

describe('EventQueue', () => {
  it('matches a sorted-array reference over random pushes, pops and cancels (ties, stale handles, growth)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, initialCapacity) => {
        const q = new EventQueue(initialCapacity);
        const ref = new SortedArrayQueue();
        const handles: EventHandle[] = [];
        for (const op of ops) {
          if (op.kind === 'push') {
            const id = handles.length;
            handles.push(q.push(op.time, id));
            ref.push(op.time, id, id);
          } else if (op.kind === 'pop') {
            const expected = ref.pop();
            expect(q.peekTime()).toBe(expected?.time ?? Number.POSITIVE_INFINITY);
            const slot = q.pop();
            if (expected === undefined) {
              expect(slot).toBe(-1);
            } else {
              expect(q.payloadOf(slot)).toBe(expected.payload);
            }
          } else if (handles.length > 0) {
            // Any handle ever issued: pending, fired or already cancelled.
            const id = op.which % handles.length;
            expect(q.cancel(handles[id]!)).toBe(ref.cancel(id));
          }
          expect(q.size).toBe(ref.size);
          expect(q.peekTime()).toBe(ref.peekTime());
        }
        // Drain: everything left comes out in (time, seq) order.
        for (let e = ref.pop(); e !== undefined; e = ref.pop()) {
          expect(q.payloadOf(q.pop())).toBe(e.payload);
        }
        expect(q.size).toBe(0);
        expect(q.pop()).toBe(-1);
      }),
      { numRuns: 600 },
    );
  });

  it('breaks a tie between its near and far heaps by push order, either way round', () => {
    const far = 2 ** 32; // pushed this far ahead of the latest pop, an event goes to the far heap
    // The far one first: pushed at the start (latest pop 0), then the same time again once a pop has moved on.
    const a = new EventQueue();
    a.push(far, 1);
    a.push(1, 0);
    expect(a.payloadOf(a.pop())).toBe(0);
    a.push(far, 2);
    expect([a.payloadOf(a.pop()), a.payloadOf(a.pop())]).toEqual([1, 2]);
    // The near one first: pushed after a late pop, then (the queue itself does not insist on time order) far again
    // after a pop at 0.
    const b = new EventQueue();
    b.push(3 * far, 9);
    expect(b.payloadOf(b.pop())).toBe(9);
    b.push(far, 1);
    b.push(0, 0);
    expect(b.payloadOf(b.pop())).toBe(0);
    b.push(far, 2);
    expect([b.payloadOf(b.pop()), b.payloadOf(b.pop())]).toEqual([1, 2]);
    expect(b.size).toBe(0);
  });

  it('pops events with equal times in push order', () => {
    const q = new EventQueue(2);
    for (let i = 0; i < 100; i++) q.push(i % 3 === 0 ? 5 : 7, i);
    const out: number[] = [];
    while (q.size > 0) out.push(q.payloadOf(q.pop()));
    const fives = out.slice(0, 34);
    const sevens = out.slice(34);
    expect(fives).toEqual([...fives].sort((a, b) => a - b));
    expect(sevens).toEqual([...sevens].sort((a, b) => a - b));
    expect(fives.every((i) => i % 3 === 0)).toBe(true);
  });

  it('grows past its initial capacity by doubling and keeps order', () => {
    const q = new EventQueue(4);
    const times = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_007);
    times.forEach((t, i) => {
      q.push(t, i);
    });
    expect(q.size).toBe(10_000);
    let last = -1;
    while (q.size > 0) {
      const t = q.peekTime();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      q.pop();
    }
  });

  it('cancel(h) returns true once, then false; cancelling a fired event is a no-op', () => {
    const q = new EventQueue();
    const a = q.push(10, 1);
    const b = q.push(20, 2);
    expect(q.isPending(a)).toBe(true);
    expect(q.timeOf(a)).toBe(10);
    expect(q.cancel(a)).toBe(true);
    expect(q.cancel(a)).toBe(false);
    expect(q.isPending(a)).toBe(false);
    expect(q.timeOf(a)).toBeUndefined();
    expect(q.payloadOf(q.pop())).toBe(2);
    expect(q.cancel(b)).toBe(false);
    expect(q.size).toBe(0);
  });

  it('a stale handle does not cancel the event that reused its slot', () => {
    const q = new EventQueue();
    const a = q.push(10, 1);
    q.cancel(a);
    const b = q.push(10, 2); // reuses a's slot with a new generation
    expect(EventQueue.slotOf(b)).toBe(EventQueue.slotOf(a));
    expect(b).not.toBe(a);
    expect(q.cancel(a)).toBe(false);
    expect(q.isPending(b)).toBe(true);
    expect(q.cancel(b)).toBe(true);
  });

  it('ignores handles it never issued', () => {
    const q = new EventQueue();
    q.push(1, 0);
    for (const h of [0, -1, 1.5, Number.NaN, 2 ** 24 + 5, 2 ** 53, 7 * 2 ** 24]) {
      expect(q.cancel(h as EventHandle)).toBe(false);
    }
    expect(q.size).toBe(1);
  });

  it('never issues handle 0', () => {
    const q = new EventQueue();
    for (let i = 0; i < 10; i++) expect(q.push(0, i)).toBeGreaterThan(0);
  });

  it('orders times near 2^53 - 1 exactly', () => {
    const q = new EventQueue();
    const max = Number.MAX_SAFE_INTEGER;
    q.push(max, 1);
    q.push(max - 1, 2);
    q.push(max, 3);
    q.push(0, 4);
    const out: number[] = [];
    while (q.size > 0) out.push(q.payloadOf(q.pop()));
    expect(out).toEqual([4, 2, 1, 3]);
  });

  it('clear() empties the queue and makes every handle stale', () => {
    const q = new EventQueue();
    const hs = [q.push(3, 0), q.push(1, 1), q.push(2, 2)];
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    for (const h of hs) expect(q.cancel(h)).toBe(false);
    q.push(5, 9);
    expect(q.payloadOf(q.pop())).toBe(9);
  });
});

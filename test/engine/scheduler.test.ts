import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventHandle } from '../../sim/engine/queue.js';
import { type EventFn, Scheduler } from '../../sim/engine/scheduler.js';
import { days, MAX_TIME_US, seconds } from '../../sim/engine/time.js';

/**
 * A random "program": event i is either scheduled at the start (parent −1, at absolute time `at`) or by its parent
 * when the parent runs (after `delay`). When event i runs it schedules its children in index order, then, if
 * `cancel` is set, cancels that event (which may be pending, fired, cancelled, or never scheduled).
 */
interface ProgramEvent {
  parent: number;
  at: number;
  delay: number;
  cancel: number | null;
}

const programArb = fc
  .array(
    fc.record({
      parentPick: fc.nat(),
      initial: fc.boolean(),
      at: fc.integer({ min: 0, max: 30 }),
      delay: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(0)),
      cancel: fc.option(fc.nat(), { nil: null }),
    }),
    { minLength: 1, maxLength: 150 },
  )
  .map((raw) =>
    raw.map(
      (r, i): ProgramEvent => ({
        parent: i === 0 || r.initial ? -1 : r.parentPick % i,
        at: r.at,
        delay: r.delay,
        cancel: r.cancel === null ? null : r.cancel % raw.length,
      }),
    ),
  );

type LogEntry = [time: number, id: number, cancelResult: boolean | null];

function childrenOf(program: ProgramEvent[]): number[][] {
  const children: number[][] = program.map(() => []);
  program.forEach((e, i) => {
    if (e.parent >= 0) children[e.parent]!.push(i);
  });
  return children;
}

function runOnScheduler(program: ProgramEvent[]): LogEntry[] {
  const s = new Scheduler(2);
  const children = childrenOf(program);
  const handles = new Map<number, EventHandle>();
  const log: LogEntry[] = [];
  let lastNow = 0;
  const onEvent: EventFn = (id) => {
    expect(s.now).toBeGreaterThanOrEqual(lastNow); // the clock never goes back
    lastNow = s.now;
    for (const c of children[id]!) handles.set(c, s.after(program[c]!.delay, onEvent, c));
    const target = program[id]!.cancel;
    let result: boolean | null = null;
    if (target !== null) {
      const h = handles.get(target);
      result = h === undefined ? null : s.cancel(h);
    }
    log.push([s.now, id, result]);
  };
  program.forEach((e, i) => {
    if (e.parent < 0) handles.set(i, s.at(e.at, onEvent, i));
  });
  const res = s.run();
  expect(res.stoppedBy).toBe('empty');
  expect(res.events).toBe(log.length);
  expect(s.pending).toBe(0);
  return log;
}

/** The reference: the same program on a plain array, picking the (time, seq) minimum by linear search. */
function runOnReference(program: ProgramEvent[]): LogEntry[] {
  const children = childrenOf(program);
  const pending: { time: number; seq: number; id: number }[] = [];
  const scheduled = new Set<number>();
  let seq = 0;
  let now = 0;
  const log: LogEntry[] = [];
  program.forEach((e, i) => {
    if (e.parent < 0) {
      pending.push({ time: e.at, seq: seq++, id: i });
      scheduled.add(i);
    }
  });
  while (pending.length > 0) {
    let best = 0;
    for (let k = 1; k < pending.length; k++) {
      const a = pending[k]!;
      const b = pending[best]!;
      if (a.time < b.time || (a.time === b.time && a.seq < b.seq)) best = k;
    }
    const ev = pending.splice(best, 1)[0]!;
    now = ev.time;
    for (const c of children[ev.id]!) {
      pending.push({ time: now + program[c]!.delay, seq: seq++, id: c });
      scheduled.add(c);
    }
    const target = program[ev.id]!.cancel;
    let result: boolean | null = null;
    if (target !== null && scheduled.has(target)) {
      const k = pending.findIndex((p) => p.id === target);
      result = k >= 0;
      if (k >= 0) pending.splice(k, 1);
    }
    log.push([now, ev.id, result]);
  }
  return log;
}

describe('Scheduler', () => {
  it('runs random schedules with nested scheduling and cancels exactly like a sorted-array reference', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        expect(runOnScheduler(program)).toEqual(runOnReference(program));
      }),
      { numRuns: 300 },
    );
  });

  it('runs events at the same time in scheduling order, including ones scheduled for now by a handler', () => {
    const s = new Scheduler();
    const order: number[] = [];
    const log: EventFn = (arg) => order.push(arg);
    const spawn: EventFn = (arg) => {
      order.push(arg);
      s.after(0, log, 100 + arg);
      s.at(s.now, log, 200 + arg);
    };
    s.at(5, log, 1);
    s.at(5, spawn, 2);
    s.at(5, log, 3);
    s.at(4, log, 0);
    s.run();
    expect(order).toEqual([0, 1, 2, 3, 102, 202]);
  });

  it('passes arg to the handler (0 by default) and keeps fractional and large args exactly', () => {
    const s = new Scheduler();
    const got: number[] = [];
    const fn: EventFn = (arg) => got.push(arg);
    s.at(1, fn);
    s.at(2, fn, 2.5);
    s.at(3, fn, -7);
    s.at(4, fn, 2 ** 52 + 1);
    s.run();
    expect(got).toEqual([0, 2.5, -7, 2 ** 52 + 1]);
  });

  describe('cancel(h)', () => {
    it('removes a pending event and returns true once', () => {
      const s = new Scheduler();
      const ran: number[] = [];
      const fn: EventFn = (a) => ran.push(a);
      const h = s.at(10, fn, 1);
      s.at(20, fn, 2);
      expect(s.isPending(h)).toBe(true);
      expect(s.cancel(h)).toBe(true);
      expect(s.isPending(h)).toBe(false);
      expect(s.cancel(h)).toBe(false);
      expect(s.pending).toBe(1);
      s.run();
      expect(ran).toEqual([2]);
    });

    it('is a safe no-op returning false for a fired event', () => {
      const s = new Scheduler();
      const h = s.at(1, () => {});
      s.run();
      expect(s.cancel(h)).toBe(false);
    });

    it('is a safe no-op for unknown handles, and handle 0 is never issued', () => {
      const s = new Scheduler();
      const h = s.at(1, () => {});
      expect(h).not.toBe(0);
      expect(s.cancel(0 as EventHandle)).toBe(false);
      expect(s.cancel(12345.5 as EventHandle)).toBe(false);
      expect(s.pending).toBe(1);
    });

    it('from a handler, stops a later event at the same time', () => {
      const s = new Scheduler();
      const ran: number[] = [];
      let victim = 0 as EventHandle;
      s.at(5, () => {
        ran.push(1);
        s.cancel(victim);
      });
      victim = s.at(5, () => ran.push(2));
      s.run();
      expect(ran).toEqual([1]);
    });

    it('a handler can cancel its own (already fired) handle harmlessly', () => {
      const s = new Scheduler();
      let self = 0 as EventHandle;
      let result: boolean | undefined;
      self = s.at(5, () => {
        result = s.cancel(self);
      });
      s.run();
      expect(result).toBe(false);
    });
  });

  describe('time limits', () => {
    it('throws a RangeError when scheduling in the past or at a non-integer time', () => {
      const s = new Scheduler();
      s.at(100, () => {});
      s.run();
      expect(s.now).toBe(100);
      const fn: EventFn = () => {};
      expect(() => s.at(99, fn)).toThrow(RangeError);
      expect(() => s.at(99, fn)).toThrow(/now = 100/);
      expect(() => s.at(100.5, fn)).toThrow(RangeError);
      expect(() => s.at(Number.NaN, fn)).toThrow(RangeError);
      expect(() => s.after(-1, fn)).toThrow(RangeError);
      expect(() => s.after(0.5, fn)).toThrow(RangeError);
      expect(() => s.after(Number.NaN, fn)).toThrow(RangeError);
      expect(s.pending).toBe(0);
    });

    it('handles times at 2 days and at 2^53 - 1 µs, and rejects 2^53', () => {
      const s = new Scheduler();
      const seen: number[] = [];
      const fn: EventFn = () => seen.push(s.now);
      s.at(days(2), fn);
      s.at(MAX_TIME_US - 1, fn);
      s.at(MAX_TIME_US, fn);
      expect(() => s.at(2 ** 53, fn)).toThrow(RangeError);
      expect(() => s.at(Number.POSITIVE_INFINITY, fn)).toThrow(RangeError);
      s.run({ until: days(2) });
      expect(seen).toEqual([days(2)]);
      expect(() => s.after(MAX_TIME_US - days(2) + 1, fn)).toThrow(RangeError);
      s.after(MAX_TIME_US - days(2) - 2, fn);
      const res = s.run();
      expect(seen).toEqual([days(2), MAX_TIME_US - 2, MAX_TIME_US - 1, MAX_TIME_US]);
      expect(res.nowUs).toBe(MAX_TIME_US);
      expect(() => s.after(1, fn)).toThrow(RangeError);
      s.after(0, fn);
      expect(s.run().events).toBe(1);
    });
  });

  describe('run(opts)', () => {
    function threeEvents(): { s: Scheduler; ran: number[] } {
      const s = new Scheduler();
      const ran: number[] = [];
      const fn: EventFn = (a) => ran.push(a);
      s.at(seconds(1), fn, 1);
      s.at(seconds(2), fn, 2);
      s.at(seconds(3), fn, 3);
      return { s, ran };
    }

    it('with no options runs until the queue is empty', () => {
      const { s, ran } = threeEvents();
      expect(s.run()).toEqual({ events: 3, stoppedBy: 'empty', nowUs: seconds(3) });
      expect(ran).toEqual([1, 2, 3]);
      expect(s.eventsRun).toBe(3);
      expect(s.nextTime()).toBe(Number.POSITIVE_INFINITY);
    });

    it('{until} runs events at until, then sets the clock to until when later events remain', () => {
      const { s, ran } = threeEvents();
      expect(s.run({ until: seconds(2) })).toEqual({ events: 2, stoppedBy: 'until', nowUs: seconds(2) });
      expect(ran).toEqual([1, 2]);
      expect(s.run({ until: seconds(2.5) })).toEqual({ events: 0, stoppedBy: 'until', nowUs: seconds(2.5) });
      expect(s.now).toBe(seconds(2.5));
      expect(s.nextTime()).toBe(seconds(3));
      expect(s.run({ until: seconds(10) })).toEqual({ events: 1, stoppedBy: 'empty', nowUs: seconds(3) });
    });

    it('{until} before now is refused', () => {
      const { s } = threeEvents();
      s.run({ until: seconds(2) });
      expect(() => s.run({ until: seconds(1) })).toThrow(RangeError);
      expect(() => s.run({ until: 1.5 })).toThrow(RangeError);
    });

    it('{maxEvents} runs at most that many events, and a later run carries on', () => {
      const { s, ran } = threeEvents();
      expect(s.run({ maxEvents: 2 })).toEqual({ events: 2, stoppedBy: 'maxEvents', nowUs: seconds(2) });
      expect(s.run({ maxEvents: 0 })).toEqual({ events: 0, stoppedBy: 'maxEvents', nowUs: seconds(2) });
      expect(s.run({ maxEvents: 5 })).toEqual({ events: 1, stoppedBy: 'empty', nowUs: seconds(3) });
      expect(ran).toEqual([1, 2, 3]);
      expect(() => s.run({ maxEvents: -1 })).toThrow(RangeError);
      expect(() => s.run({ maxEvents: 1.5 })).toThrow(RangeError);
    });

    it('{until, maxEvents}: whichever comes first', () => {
      const { s } = threeEvents();
      expect(s.run({ until: seconds(3), maxEvents: 1 }).stoppedBy).toBe('maxEvents');
      expect(s.run({ until: seconds(1.5), maxEvents: 10 })).toEqual({
        events: 0,
        stoppedBy: 'until',
        nowUs: seconds(1.5),
      });
    });

    it('stop() from a handler returns after the current event; the next run carries on', () => {
      const s = new Scheduler();
      const ran: number[] = [];
      s.at(1, () => {
        ran.push(1);
        s.stop();
        ran.push(11); // the current handler finishes
      });
      s.at(1, () => ran.push(2));
      s.at(2, () => ran.push(3));
      expect(s.run()).toEqual({ events: 1, stoppedBy: 'stop', nowUs: 1 });
      expect(ran).toEqual([1, 11]);
      expect(s.run()).toEqual({ events: 2, stoppedBy: 'empty', nowUs: 2 });
    });

    it('stop() outside a run does nothing', () => {
      const s = new Scheduler();
      s.at(1, () => {});
      s.stop();
      expect(s.run().stoppedBy).toBe('empty');
    });

    it('is not re-entrant', () => {
      const s = new Scheduler();
      let err: unknown;
      s.at(1, () => {
        try {
          s.run();
        } catch (e) {
          err = e;
        }
      });
      s.run();
      expect(err).toBeInstanceOf(Error);
      expect(String(err)).toMatch(/already running/);
    });

    it('a throwing handler propagates and leaves the scheduler usable', () => {
      const s = new Scheduler();
      s.at(1, () => {
        throw new Error('boom');
      });
      s.at(2, () => {});
      expect(() => s.run()).toThrow('boom');
      expect(s.now).toBe(1);
      expect(s.pending).toBe(1);
      expect(s.run()).toEqual({ events: 1, stoppedBy: 'empty', nowUs: 2 });
    });
  });

  describe('step()', () => {
    it('runs exactly one event and returns false when none is pending', () => {
      const s = new Scheduler();
      const ran: number[] = [];
      s.at(3, (a) => ran.push(a), 3);
      s.at(1, (a) => ran.push(a), 1);
      expect(s.step()).toBe(true);
      expect(ran).toEqual([1]);
      expect(s.now).toBe(1);
      expect(s.step()).toBe(true);
      expect(s.step()).toBe(false);
      expect(s.now).toBe(3);
      expect(s.eventsRun).toBe(2);
    });
  });

  it('grows past its initial capacity with many pending events', () => {
    const s = new Scheduler(1);
    const out: number[] = [];
    const fn: EventFn = (a) => out.push(a);
    for (let i = 0; i < 5000; i++) s.at((i * 37) % 101, fn, i);
    expect(s.pending).toBe(5000);
    s.run();
    expect(out.length).toBe(5000);
    for (let i = 1; i < out.length; i++) {
      const a = out[i - 1]!;
      const b = out[i]!;
      const ta = (a * 37) % 101;
      const tb = (b * 37) % 101;
      expect(ta < tb || (ta === tb && a < b)).toBe(true);
    }
  });
});

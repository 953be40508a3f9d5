import { type EventHandle, EventQueue } from './queue.js';
import { MAX_TIME_US } from './time.js';

/**
 * An event handler. Handlers are created once (bound methods, or closures made at set-up) and scheduled many times
 * with a numeric `arg` (an entity index, a message id…), so that scheduling allocates nothing.
 */
export type EventFn = (arg: number) => void;

export interface RunOptions {
  /** Run events at times ≤ `until` (µs), then stop with the clock at `until` if later events remain. */
  until?: number;
  /** Run at most this many events in this call. */
  maxEvents?: number;
}

export interface RunResult {
  /** Events run by this call. */
  events: number;
  /**
   * Why the run ended: `empty` (nothing left to run), `until` (the next event lies after `until`), `maxEvents`
   * (the budget ran out while events at or before `until` remained) or `stop` (a handler called stop()).
   */
  stoppedBy: 'empty' | 'until' | 'maxEvents' | 'stop';
  /** The clock when the run returned. */
  nowUs: number;
}

// Stands in for a fired or cancelled handler so the handler array stays dense, holds only functions, and does not
// keep closures alive after their event is gone.
const NO_HANDLER: EventFn = () => {};

/**
 * The discrete-event scheduler: a clock in integer microseconds and the pending events, run in (time, sequence)
 * order — events at the same time run in the order they were scheduled. The clock never moves backwards.
 *
 * Hot path: at/after/cancel/step/run create no objects, closures or arrays per event. Handlers live in a dense array
 * indexed by the queue's slot; the numeric argument lives in the queue's Float64Array payload. One V8 caveat: a handle
 * (like a time past 2^30 µs) is a number beyond V8's small-integer range, so where at/after is not inlined into its
 * caller, returning the handle boxes it — a short-lived 16-byte number the young-generation GC reclaims cheaply. The
 * engine's own internal calls pass only slots and heap positions for this reason.
 */
export class Scheduler {
  private readonly queue: EventQueue;
  private readonly handlers: EventFn[] = [];
  private clock = 0;
  private executed = 0;
  private running = false;
  private stopRequested = false;

  /** `initialCapacity`: pending events to make room for up front (the queue doubles as needed). */
  constructor(initialCapacity = 1024) {
    this.queue = new EventQueue(initialCapacity);
  }

  /** Current simulated time, µs. */
  get now(): number {
    return this.clock;
  }

  /** Events run since construction. */
  get eventsRun(): number {
    return this.executed;
  }

  /** Events scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.queue.size;
  }

  /**
   * Schedules `fn(arg)` at absolute time `timeUs`. Throws a RangeError if `timeUs` is before `now`, not an integer,
   * or ≥ 2^53. An event at `now` runs after the events already scheduled for `now`.
   */
  at(timeUs: number, fn: EventFn, arg = 0): EventHandle {
    if (!(timeUs >= this.clock && timeUs <= MAX_TIME_US) || !Number.isInteger(timeUs)) {
      throw new RangeError(
        `Scheduler.at: time must be an integer number of µs in [now = ${this.clock}, 2^53) (got ${String(timeUs)})`,
      );
    }
    return this.enqueue(timeUs, fn, arg);
  }

  /**
   * Schedules `fn(arg)` `delayUs` after `now`. Throws a RangeError if `delayUs` is negative or not an integer, or if
   * `now + delayUs` ≥ 2^53.
   */
  after(delayUs: number, fn: EventFn, arg = 0): EventHandle {
    const timeUs = this.clock + delayUs;
    if (!(delayUs >= 0 && timeUs <= MAX_TIME_US) || !Number.isInteger(delayUs)) {
      throw new RangeError(
        `Scheduler.after: delay must be an integer number of µs ≥ 0 with now + delay < 2^53 (got ${String(delayUs)} at now = ${this.clock})`,
      );
    }
    return this.enqueue(timeUs, fn, arg);
  }

  private enqueue(timeUs: number, fn: EventFn, arg: number): EventHandle {
    const q = this.queue;
    const h = q.push(timeUs, arg);
    // Slots are handed out densely from 0, so this either overwrites or appends: the array never has holes.
    this.handlers[q.lastSlot] = fn;
    return h;
  }

  /** Cancels a pending event. A safe no-op returning false for fired, cancelled or unknown handles. */
  cancel(h: EventHandle): boolean {
    const q = this.queue;
    if (!q.cancel(h)) return false;
    this.handlers[EventQueue.slotOf(h)] = NO_HANDLER;
    return true;
  }

  /** True while `h` names an event that has neither run nor been cancelled. */
  isPending(h: EventHandle): boolean {
    return this.queue.isPending(h);
  }

  /** Time (µs) of the next pending event, Infinity if none. */
  nextTime(): number {
    return this.queue.peekTime();
  }

  /** Runs exactly one event (the earliest). Returns false, doing nothing, when none is pending. */
  step(): boolean {
    const q = this.queue;
    if (q.size === 0) return false;
    if (this.running) throw new Error('Scheduler.step: called from inside an event handler');
    this.running = true;
    try {
      this.fire(q);
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
    return true;
  }

  /** Pops the earliest event, advances the clock to it and calls its handler. The queue must not be empty. */
  private fire(q: EventQueue): void {
    const t = q.peekTime();
    const slot = q.pop();
    const handlers = this.handlers;
    const fn = handlers[slot]!;
    handlers[slot] = NO_HANDLER; // let go of it: a handler array entry must not keep a closure alive
    this.clock = t;
    this.executed++;
    fn(q.payloadOf(slot));
  }

  /**
   * Runs events in (time, sequence) order until the queue is empty, the next event lies after `until` (events AT
   * `until` run; the clock is then set to `until` if later events remain), `maxEvents` events have run in this call,
   * or a handler calls stop(). Not re-entrant: calling run() or step() from a handler throws.
   */
  run(opts: RunOptions = {}): RunResult {
    const until = opts.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = opts.maxEvents ?? Number.POSITIVE_INFINITY;
    if (opts.until !== undefined) {
      if (!(until >= this.clock && until <= MAX_TIME_US) || !Number.isInteger(until)) {
        throw new RangeError(
          `Scheduler.run: until must be an integer number of µs in [now = ${this.clock}, 2^53) (got ${String(until)})`,
        );
      }
    }
    if (!(maxEvents >= 0) || (maxEvents !== Number.POSITIVE_INFINITY && !Number.isInteger(maxEvents))) {
      throw new RangeError(`Scheduler.run: maxEvents must be an integer ≥ 0 (got ${String(maxEvents)})`);
    }
    if (this.running) throw new Error('Scheduler.run: already running (called from inside an event handler)');
    this.running = true;
    this.stopRequested = false;
    const q = this.queue;
    const handlers = this.handlers;
    let events = 0;
    let stoppedBy: RunResult['stoppedBy'];
    try {
      // The hot loop: fire() inlined by hand; nothing here allocates.
      for (;;) {
        if (q.size === 0) {
          stoppedBy = 'empty';
          break;
        }
        const t = q.peekTime();
        if (t > until) {
          this.clock = until;
          stoppedBy = 'until';
          break;
        }
        if (events >= maxEvents) {
          stoppedBy = 'maxEvents';
          break;
        }
        const slot = q.pop();
        const fn = handlers[slot]!;
        handlers[slot] = NO_HANDLER;
        this.clock = t;
        this.executed++;
        events++;
        fn(q.payloadOf(slot));
        if (this.stopRequested) {
          stoppedBy = 'stop';
          break;
        }
      }
    } finally {
      this.running = false;
      this.stopRequested = false;
    }
    return { events, stoppedBy, nowUs: this.clock };
  }

  /** Asks a run in progress to return after the current event. Outside run() it does nothing. */
  stop(): void {
    if (this.running) this.stopRequested = true;
  }
}

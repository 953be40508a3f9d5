/**
 * Periodic polls over many links (the FC polling host agents, host agents polling guest agents, the load balancer
 * probing instances), kept in flat typed arrays: one slot per link, no allocation per poll.
 *
 * Poll n of slot i is sent at phase[i] + n · interval. A poll whose reply does not come back within the timeout
 * counts as missed when its deadline passes — unless a later poll has succeeded meanwhile.
 *
 * **Elision.** A successful poll on a quiet link (target healthy, nothing on the network disturbing it) changes
 * nothing, so with `elide` on, such a slot goes dormant instead of scheduling its next poll. Whenever anything that
 * could make a poll fail changes (the target's state, the gate, the network), the model calls `disturb(i)`: the slot
 * wakes and resumes at the first poll time strictly after now, with `lastOk` set to the last poll time it skipped —
 * exactly what simulating every poll would have produced, as the equivalence tests check. (A poll falling on the very
 * microsecond of a disturbance is the one case where order could differ; phases are random microseconds, so this
 * needs an exact coincidence.)
 *
 * **Sleeping while failing.** A failed poll of a slot whose target cannot answer at all until the model changes
 * something (the hook `failing`: a crashed VM fails every poll, whatever the network does) starts a run of misses
 * that only count up until the first deadline that can act (the hook `actsFrom`: for the host agent, the guest
 * timeout after the last good reply). With `elide` on, such a slot sleeps instead: the polls and deadlines in between
 * are not scheduled, one wake-up event stands for the poll after the last of them, and `missed` is brought up to date
 * when the slot wakes — at that poll, or early when the model calls `disturb(i)` / `reset(i)`, after which it polls as
 * if it had never slept (the deadlines of skipped polls still to come are scheduled then). Only pollers without
 * `onFail` sleep: a recorded failure stays one event per poll.
 *
 * **Deferred deadlines.** A failed poll whose miss cannot act (the hook `missInert`: the load balancer has already
 * taken the instance out of rotation) needs no deadline event while nothing changes: with `elide` on, its deadline is
 * only noted, and counted into `missed` when a later poll succeeds (deadlines still ahead then would find the success
 * and not count), or scheduled for real when `disturb(i)` / `reset(i)` / a closed gate ends the deferral. Only when
 * the timeout is not a whole number of intervals: a deadline scheduled late must never share its microsecond with
 * one of the slot's polls, which was scheduled first.
 */
import { type EventHandle, MAX_TIME_US, type Scheduler } from '../engine/index.js';

export interface PollHooks {
  /** May poll `i` be sent now? (e.g. the cluster's FC has a leader). A gated-off poll is skipped, not missed. */
  gate(i: number): boolean;
  /** Outcome of poll `n` of slot `i`: request delivered, target answered, reply back within the timeout. */
  probe(i: number, n: number): boolean;
  /** True when a success leaves nothing to watch: the slot may go dormant. */
  quiet(i: number): boolean;
  /** A poll's deadline passed without a reply; `missed` consecutive misses so far. */
  onMiss(i: number, missed: number): void;
  /** A poll succeeded; `recovered` when it ends a run of misses. */
  onOk(i: number, recovered: boolean): void;
  /** A poll failed at send time (for recording the message); optional. */
  onFail?(i: number, n: number): void;
  /**
   * Optional, with `actsFrom`, for pollers without `onFail`: asked after a failed poll, true when every poll of slot
   * `i` will fail — whatever the network does — until the model calls `disturb(i)` or `reset(i)`.
   */
  failing?(i: number): boolean;
  /**
   * With `failing`: the earliest time at which a miss of slot `i` can do anything in `onMiss` (a deadline before it
   * only counts the miss), given that nothing disturbs the slot; Infinity when none can.
   */
  actsFrom?(i: number): number;
  /**
   * Optional: asked after a failed poll, true when a miss of slot `i` cannot do anything in `onMiss` until the model
   * calls `disturb(i)` / `reset(i)` or a poll of the slot succeeds.
   */
  missInert?(i: number): boolean;
  /**
   * Optional: true when a poll of slot `i` sent now would, if the gate lets it through, succeed and leave the slot
   * quiet, with `onOk(i, false)` doing nothing. A dormant slot disturbed in that state (and with no misses counted,
   * which a success would report as a recovery) stays dormant.
   */
  idle?(i: number): boolean;
}

export class PollerSet {
  readonly phase: Float64Array;
  readonly active: Uint8Array;
  readonly missed: Int32Array;
  /** Time of the last successful poll (0 at the start: everything is healthy when a run begins). */
  readonly lastOk: Float64Array;
  private readonly pollFn: (i: number) => void;
  private readonly deadlineFn: (i: number) => void;
  private readonly wakeFn: (i: number) => void;
  /** Whether failing slots may sleep (elide on, and the hooks say when a failure is structural). */
  private readonly canSleep: boolean;
  /** Per sleeping slot: its first skipped poll (−1: not sleeping), the poll its wake-up stands for, the wake-up event. */
  private readonly sleepFrom: Float64Array;
  private readonly sleepTo: Float64Array;
  private readonly wakeEvent: Float64Array;
  /** Whether failed polls may defer their deadlines (elide on, the hook, a timeout that is not whole intervals). */
  private readonly canDefer: boolean;
  /** Per slot: the first and last failed poll whose deadline is deferred (deferFrom −1: none). */
  private readonly deferFrom: Float64Array;
  private readonly deferTo: Float64Array;

  constructor(
    private readonly sched: Scheduler,
    readonly size: number,
    readonly intervalUs: number,
    readonly timeoutUs: number,
    phases: Float64Array,
    private readonly elide: boolean,
    private readonly hooks: PollHooks,
  ) {
    this.phase = phases;
    this.active = new Uint8Array(size);
    this.missed = new Int32Array(size);
    this.lastOk = new Float64Array(size);
    this.pollFn = (i) => this.poll(i);
    this.deadlineFn = (i) => this.deadline(i);
    this.wakeFn = (i) => this.wake(i);
    this.canSleep = elide && hooks.onFail === undefined && hooks.failing !== undefined && hooks.actsFrom !== undefined;
    this.sleepFrom = new Float64Array(this.canSleep ? size : 0).fill(-1);
    this.sleepTo = new Float64Array(this.canSleep ? size : 0);
    this.wakeEvent = new Float64Array(this.canSleep ? size : 0);
    this.canDefer = elide && hooks.missInert !== undefined && timeoutUs % intervalUs !== 0;
    this.deferFrom = new Float64Array(this.canDefer ? size : 0).fill(-1);
    this.deferTo = new Float64Array(this.canDefer ? size : 0);
  }

  /** Arms every slot (all dormant when eliding). */
  start(): void {
    if (this.elide) return;
    for (let i = 0; i < this.size; i++) {
      this.active[i] = 1;
      this.sched.at(this.phase[i]!, this.pollFn, i);
    }
  }

  /** Something that could make slot `i`'s polls fail has changed: make sure the slot is polling. */
  disturb(i: number): void {
    if (this.canDefer && this.deferFrom[i]! >= 0) this.undefer(i, true);
    if (this.canSleep && this.sleepFrom[i]! >= 0) {
      this.wakeEarly(i);
      return;
    }
    if (this.active[i] === 1) return;
    const now = this.sched.now;
    const ph = this.phase[i]!;
    const iv = this.intervalUs;
    const n = now < ph ? 0 : Math.floor((now - ph) / iv) + 1;
    if (n > 0) {
      const lastPoll = ph + (n - 1) * iv;
      if (lastPoll > this.lastOk[i]!) this.lastOk[i] = lastPoll;
    }
    // Its next poll would succeed and go dormant again (or be gated off), changing nothing that the next disturb
    // would not set the same way (lastOk, from the poll times): skip it. Any change before that poll disturbs again.
    const h = this.hooks;
    if (h.idle !== undefined && this.missed[i] === 0 && h.idle(i)) return;
    this.active[i] = 1;
    this.sched.at(ph + n * iv, this.pollFn, i);
  }

  /** Restarts slot `i`'s bookkeeping as if it had just been answered (a freshly booted target). */
  reset(i: number): void {
    if (this.canDefer && this.deferFrom[i]! >= 0) this.undefer(i, true);
    if (this.canSleep && this.sleepFrom[i]! >= 0) this.wakeEarly(i);
    this.missed[i] = 0;
    this.lastOk[i] = this.sched.now;
  }

  private poll(i: number): void {
    const h = this.hooks;
    const now = this.sched.now;
    if (!h.gate(i)) {
      if (this.canDefer && this.deferFrom[i]! >= 0) this.undefer(i, true);
      if (this.elide) this.active[i] = 0;
      else this.sched.at(now + this.intervalUs, this.pollFn, i);
      return;
    }
    const n = Math.round((now - this.phase[i]!) / this.intervalUs);
    if (h.probe(i, n)) {
      // Deferred deadlines still ahead would find this success and not count: only the passed ones count.
      if (this.canDefer && this.deferFrom[i]! >= 0) this.undefer(i, false);
      this.lastOk[i] = now;
      const recovered = this.missed[i]! > 0;
      this.missed[i] = 0;
      h.onOk(i, recovered);
      if (this.elide && h.quiet(i)) {
        this.active[i] = 0;
        return;
      }
    } else {
      if (h.onFail !== undefined) h.onFail(i, n);
      else if (this.canSleep && h.failing!(i) && this.sleep(i, n)) return;
      if (this.canDefer && h.missInert!(i)) {
        if (this.deferFrom[i]! < 0) this.deferFrom[i] = n;
        this.deferTo[i] = n;
      } else {
        if (this.canDefer && this.deferFrom[i]! >= 0) this.undefer(i, true);
        this.sched.at(now + this.timeoutUs, this.deadlineFn, i);
      }
    }
    this.sched.at(now + this.intervalUs, this.pollFn, i);
  }

  /**
   * Poll `n` of slot `i` failed structurally: sleep until the poll whose deadline is the first that can act, if that
   * is a later poll. Returns false (nothing to skip) otherwise.
   */
  private sleep(i: number, n: number): boolean {
    const ph = this.phase[i]!;
    const iv = this.intervalUs;
    const to = this.timeoutUs;
    const acts = this.hooks.actsFrom!(i);
    // m: the first poll ≥ n whose deadline (ph + m·iv + to) is at or after `acts`.
    let m = Number.POSITIVE_INFINITY;
    if (acts < Number.POSITIVE_INFINITY) {
      m = Math.max(n, Math.ceil((acts - to - ph) / iv));
      while (m > n && ph + (m - 1) * iv + to >= acts) m--;
      while (ph + m * iv + to < acts) m++;
    }
    if (m <= n) return false;
    const wakeAt = ph + m * iv;
    this.sleepFrom[i] = n;
    this.sleepTo[i] = m;
    this.wakeEvent[i] = wakeAt <= MAX_TIME_US ? this.sched.at(wakeAt, this.wakeFn, i) : -1;
    return true;
  }

  /** The poll a sleeping slot's wake-up stands for: account for the skipped ones, then poll as usual. */
  private wake(i: number): void {
    this.wakeEvent[i] = -1;
    this.settle(i, this.sleepTo[i]! - 1);
    this.poll(i);
  }

  /**
   * A sleeping slot is disturbed (or reset) before its wake-up: the skipped polls up to now count as sent and failed
   * (a poll falling on this very microsecond included, as for a dormant slot), and polling resumes.
   */
  private wakeEarly(i: number): void {
    const h = this.wakeEvent[i]!;
    if (h >= 0) this.sched.cancel(h as EventHandle);
    this.wakeEvent[i] = -1;
    // The last poll at or before now, never past the poll the wake-up stood for.
    const last = Math.min(this.lastPollBy(i, this.sched.now), this.sleepTo[i]!);
    this.settle(i, last);
    this.sched.at(this.phase[i]! + (last + 1) * this.intervalUs, this.pollFn, i);
  }

  /** The last poll of slot `i` sent at or before time `x`: the largest k with phase + k·interval ≤ x. */
  private lastPollBy(i: number, x: number): number {
    const ph = this.phase[i]!;
    const iv = this.intervalUs;
    let k = Math.floor((x - ph) / iv);
    while (ph + k * iv > x) k--;
    while (ph + (k + 1) * iv <= x) k++;
    return k;
  }

  /**
   * Ends slot `i`'s sleep as if polls sleepFrom..`last` had been sent and failed: their deadlines that have passed
   * (at or before now) count as misses — none of them could act — and the rest are scheduled.
   */
  private settle(i: number, last: number): void {
    const from = this.sleepFrom[i]!;
    this.sleepFrom[i] = -1;
    this.account(i, from, last, true);
  }

  /** Ends slot `i`'s deferral: its passed deadlines count; the rest are scheduled (`keep`) or void. */
  private undefer(i: number, keep: boolean): void {
    const from = this.deferFrom[i]!;
    this.deferFrom[i] = -1;
    this.account(i, from, this.deferTo[i]!, keep);
  }

  /**
   * The deadlines of failed polls `from`..`last` of slot `i` that were not scheduled: those at or before now count as
   * misses (none could act), the later ones are scheduled when `keep`.
   */
  private account(i: number, from: number, last: number, keep: boolean): void {
    if (last < from) return;
    const ph = this.phase[i]!;
    const iv = this.intervalUs;
    const to = this.timeoutUs;
    // f: the first skipped poll whose deadline (its send time + timeout) is still ahead.
    const f = Math.max(from, this.lastPollBy(i, this.sched.now - to) + 1);
    this.missed[i] = this.missed[i]! + (Math.min(f, last + 1) - from);
    if (keep) for (let k = f; k <= last; k++) this.sched.at(ph + k * iv + to, this.deadlineFn, i);
  }

  private deadline(i: number): void {
    // A poll sent at now − timeout: if any poll since then succeeded, this miss no longer counts.
    if (this.lastOk[i]! > this.sched.now - this.timeoutUs) return;
    if (!this.hooks.gate(i)) return;
    this.missed[i] = this.missed[i]! + 1;
    this.hooks.onMiss(i, this.missed[i]!);
  }
}

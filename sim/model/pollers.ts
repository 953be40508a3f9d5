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
 */
import type { Scheduler } from '../engine/index.js';

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
}

export class PollerSet {
  readonly phase: Float64Array;
  readonly active: Uint8Array;
  readonly missed: Int32Array;
  /** Time of the last successful poll (0 at the start: everything is healthy when a run begins). */
  readonly lastOk: Float64Array;
  private readonly pollFn: (i: number) => void;
  private readonly deadlineFn: (i: number) => void;

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
    if (this.active[i] === 1) return;
    this.active[i] = 1;
    const now = this.sched.now;
    const ph = this.phase[i]!;
    const iv = this.intervalUs;
    const n = now < ph ? 0 : Math.floor((now - ph) / iv) + 1;
    if (n > 0) {
      const lastPoll = ph + (n - 1) * iv;
      if (lastPoll > this.lastOk[i]!) this.lastOk[i] = lastPoll;
    }
    this.sched.at(ph + n * iv, this.pollFn, i);
  }

  /** Restarts slot `i`'s bookkeeping as if it had just been answered (a freshly booted target). */
  reset(i: number): void {
    this.missed[i] = 0;
    this.lastOk[i] = this.sched.now;
  }

  private poll(i: number): void {
    const h = this.hooks;
    const now = this.sched.now;
    if (!h.gate(i)) {
      if (this.elide) this.active[i] = 0;
      else this.sched.at(now + this.intervalUs, this.pollFn, i);
      return;
    }
    const n = Math.round((now - this.phase[i]!) / this.intervalUs);
    if (h.probe(i, n)) {
      this.lastOk[i] = now;
      const recovered = this.missed[i]! > 0;
      this.missed[i] = 0;
      h.onOk(i, recovered);
      if (this.elide && h.quiet(i)) {
        this.active[i] = 0;
        return;
      }
    } else {
      h.onFail?.(i, n);
      this.sched.at(now + this.timeoutUs, this.deadlineFn, i);
    }
    this.sched.at(now + this.intervalUs, this.pollFn, i);
  }

  private deadline(i: number): void {
    // A poll sent at now − timeout: if any poll since then succeeded, this miss no longer counts.
    if (this.lastOk[i]! > this.sched.now - this.timeoutUs) return;
    if (!this.hooks.gate(i)) return;
    this.missed[i] = this.missed[i]! + 1;
    this.hooks.onMiss(i, this.missed[i]!);
  }
}

/**
 * The load balancer of each web role: probes every instance every `probeInterval`, takes one out of rotation when no
 * probe has been answered for `probeTimeout` since its last good reply, and puts it back when it answers again. The
 * only actor that sees a hung role.
 *
 * As documented, the timeout is the whole window, not each probe's: with the defaults (15 s, 31 s) two full probes fit
 * in it, and a hung instance is out 31 s after its last good reply (16–31 s after it hung). A probe sent at s fails if
 * its reply is not back by the window's end, lastOk + timeout = s + (timeout − interval) for the first probe after
 * the last good one; the poller's per-probe deadline is that difference.
 */
import { formatDuration } from '../engine/index.js';
import type { Kernel } from './kernel.js';
import { PollerSet } from './pollers.js';

export class LoadBalancer {
  private readonly lbPoll: PollerSet;
  /** The rule tag of taking an instance out of rotation (made once: the policies do not change during a run). */
  private readonly outRule: string;

  constructor(private readonly k: Kernel) {
    const insts = k.ix.instCluster.length;
    const lbI = k.p.loadBalancer.probeIntervalUs;
    this.outRule = `loadBalancer.probeTimeout=${formatDuration(k.p.loadBalancer.probeTimeoutUs)}`;
    this.lbPoll = new PollerSet(
      k.sched,
      insts,
      lbI,
      this.windowAfterProbeUs(),
      k.phases('lb', insts, lbI),
      k.p.network.elideRoutine,
      {
        gate: (gi) => k.ix.roleKinds[k.ix.instRole[gi]!] === 'web',
        probe: (gi, n) => this.lbProbe(gi, n),
        quiet: (gi) => this.lbQuiet(gi),
        onMiss: (gi, missed) => this.lbMiss(gi, missed),
        onOk: (gi) => this.lbOk(gi),
        onFail: (gi) => k.recordPollFail(k.actors.lb[gi]!, k.actors.ga[gi]!, 'lb', gi, k.instCause[gi]!),
        // Out of rotation, a miss does nothing (lbMiss); only a change to the instance (which disturbs the slot) or
        // a good reply (lbOk) puts it back.
        missInert: (gi) => k.instInRotation[gi] === 0,
        // A probe now would be answered, and lbOk would have nothing to do (already in rotation).
        idle: (gi) => this.lbQuiet(gi) && this.lbReachable(gi),
      },
    );
  }

  /** Time from the first probe after the last good reply to the end of the timeout window. */
  private windowAfterProbeUs(): number {
    return this.k.p.loadBalancer.probeTimeoutUs - this.k.p.loadBalancer.probeIntervalUs;
  }

  start(): void {
    this.lbPoll.start();
  }
  disturb(gi: number): void {
    this.lbPoll.disturb(gi);
  }

  private lbProbe(gi: number, n: number): boolean {
    // From the kernel's flat copy (isHealthy of the instance): a failed probe does not go to the instance itself.
    if (this.k.healthyFlag[gi] === 0) return false;
    const gn = this.k.nodeOfInst(gi);
    if (gn < 0 || !this.k.node(gn).powered) return false;
    if (!this.k.net.disturbed) return true;
    const a = this.k.net.deliver(this.k.actors.lb[gi]!, this.k.actors.ga[gi]!, gi + (1 << 28), 2 * n);
    if (a.delayUs < 0) return false;
    let rtt = a.delayUs;
    const b = this.k.net.deliver(this.k.actors.ga[gi]!, this.k.actors.lb[gi]!, gi + (1 << 28), 2 * n + 1);
    if (b.delayUs < 0) return false;
    rtt += b.delayUs;
    return rtt <= this.windowAfterProbeUs();
  }
  /** The instance's node is powered (with isHealthy and a quiet network, a probe is answered). */
  private lbReachable(gi: number): boolean {
    const gn = this.k.nodeOfInst(gi);
    return gn >= 0 && this.k.node(gn).powered;
  }
  private lbQuiet(gi: number): boolean {
    // Healthy and in rotation: the kernel's served flag.
    return this.k.servedFlag[gi] === 1 && !this.k.net.disturbed;
  }
  private lbMiss(gi: number, _missed: number): void {
    const inst = this.k.inst(gi);
    if (!inst.inRotation) return;
    const timeout = this.k.p.loadBalancer.probeTimeoutUs;
    const id = this.k.change(
      'lb.out',
      inst.id,
      this.k.causeOr(this.k.instCause[gi]!),
      () =>
        `load balancer: no probe of ${inst.id} answered within ${formatDuration(timeout)} of its last good reply; taken out of rotation`,
      this.k.mutInst(gi, (i) => {
        i.inRotation = false;
      }),
      { tp: 'compute-connectivity', r: this.outRule },
    );
    this.k.detectInstance(gi, 'load-balancer', id);
  }
  private lbOk(gi: number): void {
    const inst = this.k.inst(gi);
    if (inst.inRotation || !this.k.isHealthy(inst)) return;
    this.k.change(
      'lb.in',
      inst.id,
      this.k.causeOr(this.k.instCause[gi]!),
      `load balancer: ${inst.id} answers its probe; back in rotation`,
      this.k.mutInst(gi, (i) => {
        i.inRotation = true;
      }),
      { tp: 'compute-connectivity' },
    );
  }
}

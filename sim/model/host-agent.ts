/**
 * The host agent, on each node: polls the guest agent of every VM on the node, and reboots a VM whose guest has not
 * answered for the guest timeout. Also brings a VM up (after a reboot, a node boot, or healing onto a new node) and
 * hands it to the guest agent, which starts the role.
 */
import { formatDuration } from '../engine/index.js';
import type { GuestAgent } from './guest-agent.js';
import type { Kernel } from './kernel.js';
import { PollerSet } from './pollers.js';

export class HostAgent {
  /** The host agent's polls of each instance's guest agent (global instance index). */
  private readonly gaPoll: PollerSet;
  /** 1 while the host agent is rebooting the instance's VM. */
  private readonly vmRebooting: Uint8Array;
  /** The rule tag of a VM reboot (made once: the policies do not change during a run). */
  private readonly rebootRule: string;

  constructor(
    private readonly k: Kernel,
    private readonly guest: GuestAgent,
  ) {
    const insts = k.ix.instCluster.length;
    this.vmRebooting = new Uint8Array(insts);
    this.rebootRule = `hostAgent.guestTimeout=${formatDuration(k.p.hostAgent.guestTimeoutUs)}`;
    const gaI = k.p.hostAgent.guestPollIntervalUs;
    const running = (gi: number): boolean => k.instVmRunning[gi] === 1 && !k.net.disturbed;
    this.gaPoll = new PollerSet(k.sched, insts, gaI, gaI, k.phases('guest', insts, gaI), k.p.network.elideRoutine, {
      gate: (gi) => this.gaGate(gi),
      probe: (gi, n) => this.gaProbe(gi, n),
      // The VM's state from the kernel's flat copy (instVmRunning), as in gaProbe.
      quiet: running,
      onMiss: (gi) => this.gaMiss(gi),
      onOk: () => {},
      // A VM that is not running answers no poll until a change to it (which disturbs the slot); its misses act only
      // once the guest timeout has passed since the last good reply (gaMiss).
      failing: (gi) => k.instVmRunning[gi] === 0,
      actsFrom: (gi) => this.gaPoll.lastOk[gi]! + k.p.hostAgent.guestTimeoutUs,
      // A poll now would be answered and change nothing: the same as quiet.
      idle: running,
    });
  }

  start(): void {
    this.gaPoll.start();
  }
  disturb(gi: number): void {
    this.gaPoll.disturb(gi);
  }

  /** Brings the instance's VM up after `delayUs` (its role then starts). */
  bootVm(gi: number, delayUs: number): void {
    this.vmRebooting[gi] = 0;
    this.k.setInstTimer(gi, delayUs, this.onVmUp);
  }

  /** A VM comes up (after a reboot, a node boot or healing onto a new node): its role starts. */
  readonly onVmUp = (gi: number): void => {
    this.k.instTimer[gi] = -1;
    const inst = this.k.inst(gi);
    const gn = this.k.nodeOfInst(gi);
    if (gn < 0 || !this.k.node(gn).powered) return;
    this.vmRebooting[gi] = 0;
    const id = this.k.change(
      'vm.ready',
      inst.id,
      this.k.instCause[gi]!,
      `VM of ${inst.id} is running`,
      this.k.mutInst(gi, (i) => {
        i.vm = 'Running';
        i.hung = false;
        i.crashLoop = false;
      }),
    );
    this.gaPoll.reset(gi);
    this.guest.forgetCrashes(gi);
    this.guest.startRole(gi, id);
  };

  /** The node is powered with its host agent up, and the VM is not rebooting (from the kernel's flat copies). */
  private gaGate(gi: number): boolean {
    const k = this.k;
    const gn = k.instNode[gi]!;
    return gn >= 0 && k.nodeAgentUp[gn] === 1 && this.vmRebooting[gi] === 0 && k.instVmRebooting[gi] === 0;
  }
  private gaProbe(gi: number, n: number): boolean {
    if (this.k.instVmRunning[gi] === 0) return false;
    if (!this.k.net.disturbed) return true;
    const gn = this.k.nodeOfInst(gi);
    const d = this.k.net.deliver(this.k.actors.ha[gn]!, this.k.actors.ga[gi]!, gi, 2 * n);
    return (
      d.delayUs >= 0 && this.k.net.deliver(this.k.actors.ga[gi]!, this.k.actors.ha[gn]!, gi, 2 * n + 1).delayUs >= 0
    );
  }
  private gaMiss(gi: number): void {
    if (this.k.now - this.gaPoll.lastOk[gi]! < this.k.p.hostAgent.guestTimeoutUs) return;
    if (this.vmRebooting[gi] === 1) return;
    const inst = this.k.inst(gi);
    this.vmRebooting[gi] = 1;
    this.k.clearInstTimer(gi);
    const id = this.k.change(
      'vm.reboot',
      inst.id,
      this.k.causeOr(this.k.instCause[gi]!),
      () =>
        `host agent got no heartbeat from the guest of ${inst.id} for ${formatDuration(this.k.p.hostAgent.guestTimeoutUs)}: rebooting the VM`,
      this.k.mutInst(gi, (i) => {
        i.vm = 'Rebooting';
        i.status = 'Starting';
        i.hung = false;
      }),
      {
        tp: 'role-monitoring',
        r: this.rebootRule,
        d: [{ t: this.k.now + this.k.p.hostAgent.vmRebootTimeUs, k: 'vm.ready', s: inst.id }],
      },
    );
    this.k.detectInstance(gi, 'host-agent', id);
    this.k.instCause[gi] = id;
    this.k.setInstTimer(gi, this.k.p.hostAgent.vmRebootTimeUs, this.onVmUp);
  }
}

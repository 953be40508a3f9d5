/**
 * The fabric controller's care of nodes: it polls every node's host agent (while its cluster has an FC leader),
 * declares a node silent after missed polls, and walks the recovery ladder — reboot, wait for the boot, take the
 * node out of service (repair, or human investigation after repeated failures) and hand its instances to service
 * healing. Actions wait for an FC leader (fc-replicas.ts).
 */
import { formatDuration, type Random } from '../engine/index.js';
import type { HeartbeatView } from '../spec/index.js';
import type { FcReplicas, LeaderListener } from './fc-replicas.js';
import type { CrashLoopHandler, GuestAgent } from './guest-agent.js';
import type { Healing } from './healing.js';
import type { HostAgent } from './host-agent.js';
import { type Kernel, OUT_OF_SERVICE } from './kernel.js';
import { PollerSet } from './pollers.js';
import { powerDown } from './steps.js';

export class FabricController implements LeaderListener, CrashLoopHandler {
  private readonly fcPoll: PollerSet;
  /** The guest agents (set by the composition root): a corrective step clears a local configuration problem. */
  guest: GuestAgent | null = null;
  /** Per instance: when the FC last corrected a crash loop (−1: never), for the escalation reimage → move. */
  private readonly lastCorrection: Float64Array;
  // Node memory (global node index).
  private readonly hwFault: Uint8Array;
  /** A crash or outage that keeps the node from booting until this time. */
  private readonly downUntil: Float64Array;
  private readonly nodeFailures: number[][];
  private readonly bootDeadline: Float64Array;
  // Heartbeat history for a detector that asks for one (phi-accrual): per node, a ring of the last `hist`
  // inter-arrival times and the last arrival accounted for. Not allocated for the fixed detector.
  private readonly hist: number;
  private readonly ring: Float64Array;
  private readonly ringLen: Int32Array;
  private readonly ringHead: Int32Array;
  private readonly arrival: Float64Array;
  private readonly view: { -readonly [K in keyof HeartbeatView]: HeartbeatView[K] };

  constructor(
    private readonly k: Kernel,
    private readonly replicas: FcReplicas,
    private readonly healing: Healing,
    private readonly host: HostAgent,
  ) {
    const nodes = k.ix.nodeCluster.length;
    this.hwFault = new Uint8Array(nodes);
    this.downUntil = new Float64Array(nodes);
    this.nodeFailures = Array.from({ length: nodes }, () => []);
    this.bootDeadline = new Float64Array(nodes).fill(-1);
    this.hist = k.policies.detector.history ?? 0;
    this.ring = new Float64Array(this.hist > 0 ? nodes * this.hist : 0);
    this.ringLen = new Int32Array(this.hist > 0 ? nodes : 0);
    this.ringHead = new Int32Array(this.hist > 0 ? nodes : 0);
    this.arrival = new Float64Array(this.hist > 0 ? nodes : 0);
    this.view = {
      node: '',
      missed: 0,
      lastHeartbeatUs: 0,
      intervalUs: k.p.fc.pollIntervalUs,
      timeoutUs: k.p.fc.pollTimeoutUs,
      intervals: [],
    };
    this.lastCorrection = new Float64Array(k.ix.instCluster.length).fill(-1);
    const fcI = k.p.fc.pollIntervalUs;
    this.fcPoll = new PollerSet(
      k.sched,
      nodes,
      fcI,
      k.p.fc.pollTimeoutUs,
      k.phases('fc', nodes, fcI),
      k.p.network.elideRoutine,
      {
        gate: (gn) => this.fcGate(gn),
        probe: (gn, n) => this.fcProbe(gn, n),
        quiet: (gn) => this.fcQuiet(gn),
        onMiss: (gn, missed) => this.fcMiss(gn, missed),
        onOk: (gn) => this.fcOk(gn),
        onFail: (gn) =>
          k.recordPollFail(k.actors.fc[k.ix.nodeCluster[gn]!]!, k.actors.ha[gn]!, 'fc', gn, k.nodeCause[gn]!),
      },
    );
  }

  start(): void {
    this.fcPoll.start();
  }
  disturb(gn: number): void {
    this.fcPoll.disturb(gn);
    if (this.hist > 0) this.catchUp(gn);
  }

  /** Adds one inter-arrival time to node `gn`'s history. */
  private pushInterval(gn: number, dt: number): void {
    const h = this.hist;
    this.ring[gn * h + this.ringHead[gn]!] = dt;
    this.ringHead[gn] = (this.ringHead[gn]! + 1) % h;
    if (this.ringLen[gn]! < h) this.ringLen[gn]! += 1;
  }

  /**
   * Accounts for the routine polls elided while node `gn`'s poller was dormant: they arrived on time, one interval
   * apart, up to the last one skipped (the poller's `lastOk`). Simulating every poll gives the same history.
   */
  private catchUp(gn: number): void {
    const last = this.fcPoll.lastOk[gn]!;
    const from = this.arrival[gn]!;
    if (last <= from) return;
    const iv = this.k.p.fc.pollIntervalUs;
    const m = Math.min(Math.round((last - from) / iv), this.hist);
    for (let j = 0; j < m; j++) this.pushInterval(gn, iv);
    this.arrival[gn] = last;
  }
  /** A leader was elected in cluster `ci`: its polls resume. */
  leaderElected(ci: number): void {
    const off = this.k.ix.nodeOffset[ci]!;
    const n = this.k.world.clusters[ci]!.nodes.length;
    for (let i = 0; i < n; i++) this.disturb(off + i);
  }
  /** Hardware diagnostics will report a fault: the node goes out for repair instead of rebooting. */
  markHardwareFault(gn: number): void {
    this.hwFault[gn] = 1;
  }
  /** The node cannot boot before `untilUs` (an outage with a duration). */
  keepDownUntil(gn: number, untilUs: number): void {
    this.downUntil[gn] = untilUs;
  }

  private fcGate(gn: number): boolean {
    return this.k.hasLeader(this.k.ix.nodeCluster[gn]!) && !OUT_OF_SERVICE.has(this.k.node(gn).status);
  }
  private fcProbe(gn: number, n: number): boolean {
    const node = this.k.node(gn);
    if (!node.powered || !node.hostAgentUp) return false;
    if (!this.k.net.disturbed) return true;
    const fc = this.k.actors.fc[this.k.ix.nodeCluster[gn]!]!;
    const a = this.k.net.deliver(fc, this.k.actors.ha[gn]!, gn + (1 << 29), 2 * n);
    if (a.delayUs < 0) return false;
    const b = this.k.net.deliver(this.k.actors.ha[gn]!, fc, gn + (1 << 29), 2 * n + 1);
    return b.delayUs >= 0 && a.delayUs + b.delayUs <= this.k.p.fc.pollTimeoutUs;
  }
  private fcQuiet(gn: number): boolean {
    const n = this.k.node(gn);
    return n.powered && n.hostAgentUp && n.status === 'Ready' && !this.k.net.disturbed;
  }
  private fcOk(gn: number): void {
    if (this.hist > 0) {
      this.pushInterval(gn, this.k.now - this.arrival[gn]!);
      this.arrival[gn] = this.k.now;
    }
    const node = this.k.node(gn);
    if (node.status === 'Ready') return;
    if (node.status === 'Recovering' || node.status === 'Unhealthy' || node.status === 'Booting') {
      const id = this.k.change(
        'node.ready',
        node.id,
        this.k.causeOr(this.k.nodeCause[gn]!),
        `FC hears ${node.id}'s host agent again: node Ready`,
        this.k.mutNode(gn, (n) => {
          n.status = 'Ready';
        }),
        { tp: 'role-monitoring' },
      );
      this.k.nodeCause[gn] = id;
      this.bootDeadline[gn] = -1;
      this.healing.placeUnplaced(this.k.ix.nodeCluster[gn]!, id);
    }
  }
  /**
   * The failure detector, the FC's one decision on a node's health, asked of the run's detector policy (built-in
   * `fixed`: `fc.missedPolls` consecutive unanswered polls) when a poll's deadline passes unanswered — never per
   * routine poll, so elided polls cost nothing.
   */
  private declaresSilent(gn: number, missed: number): boolean {
    const v = this.view;
    v.node = this.k.node(gn).id;
    v.missed = missed;
    v.lastHeartbeatUs = this.fcPoll.lastOk[gn]!;
    if (this.hist > 0) {
      this.catchUp(gn);
      const h = this.hist;
      const len = this.ringLen[gn]!;
      const start = (this.ringHead[gn]! - len + h) % h;
      const xs: number[] = [];
      for (let j = 0; j < len; j++) xs.push(this.ring[gn * h + ((start + j) % h)]!);
      v.intervals = xs;
    }
    return this.k.policies.detector.suspect(v, this.k.policies.env.detector);
  }

  private fcMiss(gn: number, missed: number): void {
    const node = this.k.node(gn);
    if (node.status !== 'Ready' || !this.declaresSilent(gn, missed)) return;
    const ci = this.k.ix.nodeCluster[gn]!;
    const label = this.k.policies.labels.detector;
    const why = label === null ? '' : this.k.policies.detector.explain?.(this.view) || '';
    const id = this.k.change(
      'node.silent',
      node.id,
      this.k.causeOr(this.k.nodeCause[gn]!),
      label === null
        ? () => `FC: ${missed} polls of ${node.id} went unanswered; node declared silent (Unhealthy)`
        : `FC: ${missed} polls of ${node.id} went unanswered; ${label} declares it silent (Unhealthy)${why === '' ? '' : `: ${why}`}`,
      this.k.mutNode(gn, (n) => {
        n.status = 'Unhealthy';
      }),
      { tp: 'role-monitoring', r: label ?? `fc.missedPolls=${this.k.p.fc.missedPolls}` },
    );
    this.k.nodeCause[gn] = id;
    this.k.detectNode(gn, 'fc', id);
    this.replicas.act(ci, () => this.handleSilentNode(gn));
  }

  private handleSilentNode(gn: number): void {
    const node = this.k.node(gn);
    if (node.status !== 'Unhealthy') return;
    const now = this.k.now;
    const fails = this.nodeFailures[gn]!;
    fails.push(now);
    while (fails.length > 0 && fails[0]! <= now - this.k.p.node.failureWindowUs) fails.shift();
    const leaderTag = this.k.leaderTag(this.k.ix.nodeCluster[gn]!);
    if (fails.length >= this.k.p.node.failuresForInvestigate) {
      this.takeOutOfService(
        gn,
        'HumanInvestigate',
        `${fails.length} failures within ${formatDuration(this.k.p.node.failureWindowUs)}`,
        `node.failuresForInvestigate=${this.k.p.node.failuresForInvestigate}`,
      );
      return;
    }
    if (this.hwFault[gn] === 1) {
      this.takeOutOfService(gn, 'OutForRepair', 'hardware diagnostics report a fault', leaderTag);
      return;
    }
    if (this.k.p.fc.rebootAttempts < 1) {
      this.takeOutOfService(gn, 'OutForRepair', 'no reboot attempts allowed', 'fc.rebootAttempts=0');
      return;
    }
    this.rebootNode(gn, leaderTag);
  }

  /**
   * A crash loop reported by an instance's guest agent. The report reaches the FC with the next heartbeat (one poll
   * interval); the FC then takes the next corrective step: reimage the instance (a fresh VM on the same node), or —
   * if it already did so within `node.failureWindow` — move it to a node in another fault domain.
   */
  crashLoop(gi: number, cause: number): void {
    const ci = this.k.ix.instCluster[gi]!;
    this.k.sched.after(this.k.p.fc.pollIntervalUs, () => this.replicas.act(ci, () => this.correct(gi, cause)));
  }

  private correct(gi: number, cause: number): void {
    const inst = this.k.inst(gi);
    if (!inst.crashLoop || inst.node < 0) return;
    const last = this.lastCorrection[gi]!;
    const move = last >= 0 && this.k.now - last < this.k.p.node.failureWindowUs;
    this.lastCorrection[gi] = this.k.now;
    // A fresh VM, here or elsewhere: a configuration problem local to the instance does not survive it.
    this.guest?.setConfigError(gi, false);
    this.guest?.forgetCrashes(gi);
    if (move) {
      const id = this.k.change(
        'instance.correct',
        inst.id,
        cause,
        () => `FC: ${inst.id} loops again after a reimage; it is moved to another node`,
        null,
        { tp: 'service-healing', r: this.k.leaderTag(ci(this.k, gi)) },
      );
      this.k.detectInstance(gi, 'fc', id);
      this.healing.move(gi, id);
      return;
    }
    const id = this.k.change(
      'instance.reimage',
      inst.id,
      cause,
      () => `FC: ${inst.id} is in a crash loop; it is reimaged (a fresh VM on the same node)`,
      this.k.mutInst(gi, (i) => {
        i.vm = 'Rebooting';
        i.status = 'Starting';
        i.hung = false;
        i.crashLoop = false;
        // A reimage lays down the image the FC chose for the role (issue 11).
        if (this.k.images !== null) i.image = this.k.images.chosen(i.role, i.version);
      }),
      {
        tp: 'role-monitoring',
        r: this.k.leaderTag(ci(this.k, gi)),
        d: [{ t: this.k.now + this.k.p.hostAgent.vmRebootTimeUs, k: 'vm.ready', s: inst.id }],
      },
    );
    this.k.detectInstance(gi, 'fc', id);
    this.k.instCause[gi] = id;
    this.k.clearInstTimer(gi);
    this.host.bootVm(gi, this.k.p.hostAgent.vmRebootTimeUs);
  }

  /** Per node, the stream host reboot lengths are drawn from (made on first use). */
  private readonly rebootStreams = new Map<number, Random>();

  /** A documented range ("usually 10–15 minutes"), not a constant: rebootTime + U(0, rebootSpread), whole µs. */
  private rebootLengthUs(gn: number): number {
    const spread = this.k.p.node.rebootSpreadUs;
    if (spread <= 0) return this.k.p.node.rebootTimeUs;
    let r = this.rebootStreams.get(gn);
    if (r === undefined) {
      r = this.k.rng.fork('node-reboot').fork(this.k.node(gn).id);
      this.rebootStreams.set(gn, r);
    }
    return this.k.p.node.rebootTimeUs + Math.floor(r.uniform(0, spread));
  }

  private rebootNode(gn: number, rule: string): void {
    const node = this.k.node(gn);
    const insts = this.k.instOnNode(gn);
    for (const gi of insts) this.k.clearInstTimer(gi);
    const bootAt = this.k.now + this.rebootLengthUs(gn);
    const waitUntil = this.k.now + this.k.p.fc.bootWaitUs;
    const id = this.k.change(
      'node.reboot',
      node.id,
      this.k.nodeCause[gn]!,
      () =>
        `FC reboots ${node.id} (its VMs go down with it); it waits up to ${formatDuration(this.k.p.fc.bootWaitUs)} for it`,
      (w) => {
        const c = w.clusters[this.k.ix.nodeCluster[gn]!]!;
        const n = c.nodes[this.k.ix.nodeLocal[gn]!]!;
        n.status = 'Recovering';
        powerDown(c, n);
      },
      {
        tp: 'role-monitoring',
        r: rule,
        d: [
          { t: bootAt, k: 'node.boot', s: node.id },
          { t: waitUntil, k: 'fc.bootWait', s: node.id },
        ],
      },
    );
    this.k.nodeCause[gn] = id;
    this.k.sched.at(bootAt, this.onNodeBooted, gn);
    this.bootDeadline[gn] = waitUntil;
    this.k.sched.at(waitUntil, this.onBootWait, gn);
  }

  private canBoot(gn: number): boolean {
    const ci = this.k.ix.nodeCluster[gn]!;
    const node = this.k.node(gn);
    return (
      this.hwFault[gn] === 0 &&
      this.downUntil[gn]! <= this.k.now &&
      this.k.world.clusters[ci]!.racks[node.rack]!.powered
    );
  }

  private readonly onNodeBooted = (gn: number): void => {
    const node = this.k.node(gn);
    if (node.status !== 'Recovering' && node.status !== 'Booting') return;
    if (!this.canBoot(gn)) {
      this.k.nodeCause[gn] = this.k.change(
        'node.boot-failed',
        node.id,
        this.k.nodeCause[gn]!,
        `${node.id} does not come back from its reboot`,
        null,
        {
          tp: 'role-monitoring',
        },
      );
      return;
    }
    this.powerOn(gn, 'node.boot', `${node.id} has rebooted; its host agent is up`);
  };

  /** The node's host OS and agent come up, and the VMs placed on it start. */
  powerOn(gn: number, kind: string, text: string): void {
    const insts = this.k.instOnNode(gn);
    const id = this.k.change(
      kind,
      this.k.node(gn).id,
      this.k.nodeCause[gn]!,
      text,
      (w) => {
        const c = w.clusters[this.k.ix.nodeCluster[gn]!]!;
        const n = c.nodes[this.k.ix.nodeLocal[gn]!]!;
        n.powered = true;
        n.hostAgentUp = true;
        for (const ii of n.instances) {
          const i = c.instances[ii]!;
          i.vm = 'Rebooting';
          i.status = 'Starting';
        }
      },
      { tp: 'role-monitoring' },
    );
    this.k.nodeCause[gn] = id;
    this.fcPoll.reset(gn);
    if (this.hist > 0) this.arrival[gn] = this.k.now;
    for (const gi of insts) {
      this.k.instCause[gi] = id;
      this.host.bootVm(gi, 0);
    }
  }

  private readonly onBootWait = (gn: number): void => {
    if (this.bootDeadline[gn] !== this.k.now) return;
    this.bootDeadline[gn] = -1;
    const node = this.k.node(gn);
    if (node.status === 'Ready' || OUT_OF_SERVICE.has(node.status)) return;
    const ci = this.k.ix.nodeCluster[gn]!;
    this.replicas.act(ci, () => {
      const n = this.k.node(gn);
      if (n.status === 'Ready' || OUT_OF_SERVICE.has(n.status)) return;
      this.takeOutOfService(
        gn,
        'OutForRepair',
        `not back within the boot wait of ${formatDuration(this.k.p.fc.bootWaitUs)}`,
        `fc.bootWait=${formatDuration(this.k.p.fc.bootWaitUs)}`,
      );
    });
  };

  /** Marks the node out of service and heals its instances onto healthy nodes in other fault domains. */
  private takeOutOfService(
    gn: number,
    status: 'OutForRepair' | 'HumanInvestigate' | 'Dead',
    why: string,
    rule: string,
  ): void {
    const node = this.k.node(gn);
    const back =
      status === 'HumanInvestigate'
        ? this.k.p.node.investigateTimeUs
        : Math.max(this.k.p.node.repairTimeUs, this.downUntil[gn]! - this.k.now);
    const id = this.k.change(
      status === 'OutForRepair'
        ? 'node.out-for-repair'
        : status === 'HumanInvestigate'
          ? 'node.human-investigate'
          : 'node.dead',
      node.id,
      this.k.nodeCause[gn]!,
      () => `FC takes ${node.id} out of service (${status}): ${why}`,
      (w) => {
        const c = w.clusters[this.k.ix.nodeCluster[gn]!]!;
        const n = c.nodes[this.k.ix.nodeLocal[gn]!]!;
        n.status = status;
        n.failures = this.nodeFailures[gn]!.length;
        // Whatever still runs there is shut down: the node leaves service.
        powerDown(c, n);
      },
      { tp: 'service-healing', r: rule, d: [{ t: this.k.now + back, k: 'node.repaired', s: node.id }] },
    );
    this.k.nodeCause[gn] = id;
    this.healing.heal(gn, id);
    this.k.sched.after(back, this.onRepaired, gn);
  }

  private readonly onRepaired = (gn: number): void => {
    const node = this.k.node(gn);
    if (!OUT_OF_SERVICE.has(node.status)) return;
    if (this.downUntil[gn]! > this.k.now) {
      this.k.sched.at(this.downUntil[gn]!, this.onRepaired, gn);
      return;
    }
    this.hwFault[gn] = 0;
    const id = this.k.change(
      'node.repaired',
      node.id,
      this.k.nodeCause[gn]!,
      `${node.id} is repaired and boots again`,
      this.k.mutNode(gn, (n) => {
        n.status = 'Booting';
        // A repaired node is imaged afresh with the host image.
        if (this.k.images !== null) n.image = this.k.images.host;
      }),
      { tp: 'service-healing', d: [{ t: this.k.now + this.k.p.node.osStartTimeUs, k: 'node.boot', s: node.id }] },
    );
    this.k.nodeCause[gn] = id;
    this.k.sched.after(this.k.p.node.osStartTimeUs, this.onNodeBooted, gn);
  };
}

const ci = (k: Kernel, gi: number): number => k.ix.instCluster[gi]!;

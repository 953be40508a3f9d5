/**
 * The fabric: a fabric controller (FC) per cluster, with replicas electing a leader over the network; host agents,
 * guest agents and role processes on nodes; a load balancer probing web instances; a SQL Database cluster with
 * replicas and watchdogs; rolling upgrades — under scripted and random faults.
 *
 * World state (`world`) is changed only through `change()`, which runs an immer recipe and records the event with its
 * patches. Actor-internal memory (poll counters, timers, back-off) lives in flat arrays beside it: it is not part of
 * what a viewer shows, and keeping it out of immer keeps the event path cheap.
 *
 * The recovery ladder follows the documented platform behaviour (defaults in sim/scenario/defaults.ts):
 * role crash → the guest agent restarts it with back-off, and a crash loop is alerted and left stopped;
 * guest unresponsive → the host agent reboots the VM after its timeout; host silent → the FC reboots the node, and if
 * it is not back within the boot wait, service healing moves its instances to other fault domains and the node goes
 * out for repair; hardware faults go out for repair at once; repeated failures → human investigation.
 * A hung role is not seen by the FC at all: only the load balancer's probe takes it out of rotation.
 */
import { enablePatches, Immer, type Patch as ImmerPatch } from 'immer';
import type { Random } from '../engine/random.js';
import { Scheduler } from '../engine/scheduler.js';
import { formatDuration } from '../engine/time.js';
import { AvailabilityTracker } from '../metrics/availability.js';
import { formatHuman } from '../metrics/format.js';
import type { Detector } from '../metrics/summary.js';
import { type Actor, Network } from '../network/net.js';
import type { Policies, ResolvedScenario } from '../scenario/resolve.js';
import type { Deadline, Patch } from '../trace/format.js';
import { type EventExtras, Recorder } from '../trace/recorder.js';
import { buildWorld, type Indices, pickNode } from './build.js';
import { FaultBook, type OpenFault } from './faults.js';
import { FaultInjector } from './inject.js';
import { PollerSet } from './pollers.js';
import type { ClusterState, InstanceState, NodeState, World } from './state.js';
import { powerDown, topicOfFault } from './steps.js';
import { type UpgradeRequest, Upgrades } from './upgrades.js';

enablePatches();

export type Recipe = (draft: World) => void;

const OUT_OF_SERVICE = new Set(['OutForRepair', 'HumanInvestigate', 'Dead']);

export interface SimulationOptions {
  readonly seed: number;
  readonly record: boolean;
  readonly rng: Random;
}

/**
 * The simulation of one run. Members not marked `private` are either the public surface used by the runner
 * (`sched`, `world`, `rec`, `inject`, `startUpgrade`, `start`, `finish` and the metrics) or model-internal: the fault
 * injector (inject.ts) and the upgrade walker (upgrades.ts) drive the world through them.
 */
export class Simulation {
  readonly sched = new Scheduler(64);
  readonly rec: Recorder;
  readonly net: Network;
  readonly ix: Indices;
  readonly p: Policies;
  readonly initial: World;
  world: World;
  readonly faults = new FaultBook();
  readonly avail: AvailabilityTracker;
  /** Per-cluster time without an acting FC leader, µs. */
  readonly noQuorumUs: Float64Array;
  leaderChanges = 0;
  readonly watchdogBlindUs: Float64Array;
  sqlFailovers = 0;
  sqlUnavailableUs = 0;

  private readonly immer = new Immer({ autoFreeze: false });
  private readonly injector = new FaultInjector(this);
  private readonly upgrades = new Upgrades(this);
  private readonly rng: Random;

  // Actors, resolved once.
  private readonly fcActor: Actor[];
  private readonly haActor: Actor[];
  private readonly gaActor: Actor[];
  private readonly lbActor: Actor[];
  /** FC replica actors, per cluster (resolved once: the lease exchange runs every renewal interval). */
  private readonly replicaActor: Actor[][];

  // Pollers.
  private readonly fcPoll: PollerSet;
  private readonly gaPoll: PollerSet;
  private readonly lbPoll: PollerSet;

  // Instance memory (global instance index).
  readonly healthyFlag: Uint8Array;
  private readonly servedFlag: Uint8Array;
  readonly instTimer: Float64Array;
  readonly instCause: Float64Array;
  readonly configError: Uint8Array;
  readonly crashTimes: number[][];
  private readonly vmRebooting: Uint8Array;

  // Node memory (global node index).
  readonly settledFlag: Uint8Array;
  readonly nodeCause: Float64Array;
  readonly hwFault: Uint8Array;
  /** A crash or outage that keeps the node from booting until this time. */
  readonly downUntil: Float64Array;
  private readonly nodeFailures: number[][];
  private readonly bootDeadline: Float64Array;

  // FC replicas (per cluster × replica).
  readonly heard: Float64Array[];
  private readonly leaseUntil: Float64Array;
  readonly noLeaderSince: Float64Array;
  private readonly deferred: (() => void)[][];

  // SQL and watchdogs.
  private readonly sqlRebuilding: Set<string> = new Set();
  private readonly sqlDownSince: Float64Array;
  readonly wdDownSince: Float64Array;

  constructor(
    readonly sc: ResolvedScenario,
    opts: SimulationOptions,
  ) {
    this.p = sc.policies;
    this.rng = opts.rng;
    this.rec = new Recorder(opts.record);
    this.net = new Network(opts.seed, this.p.network.latencyUs, this.p.network.internetLatencyUs);
    const { world, ix } = buildWorld(sc);
    this.world = world;
    this.initial = structuredClone(world);
    this.ix = ix;
    const nodes = ix.nodeCluster.length;
    const insts = ix.instCluster.length;
    this.avail = new AvailabilityTracker(ix.roleSizes, ix.roleKinds);

    this.healthyFlag = new Uint8Array(insts);
    this.servedFlag = new Uint8Array(insts);
    this.instTimer = new Float64Array(insts).fill(-1);
    this.instCause = new Float64Array(insts).fill(-1);
    this.configError = new Uint8Array(insts);
    this.crashTimes = Array.from({ length: insts }, () => []);
    this.vmRebooting = new Uint8Array(insts);
    this.settledFlag = new Uint8Array(nodes).fill(1);
    this.nodeCause = new Float64Array(nodes).fill(-1);
    this.hwFault = new Uint8Array(nodes);
    this.downUntil = new Float64Array(nodes);
    this.nodeFailures = Array.from({ length: nodes }, () => []);
    this.bootDeadline = new Float64Array(nodes).fill(-1);

    const clusters = world.clusters.length;
    this.noQuorumUs = new Float64Array(clusters);
    this.leaseUntil = new Float64Array(clusters).fill(this.p.fc.leaseDurationUs);
    this.noLeaderSince = new Float64Array(clusters).fill(-1);
    this.heard = world.clusters.map((c) => new Float64Array(c.fc.replicas.length));
    this.deferred = world.clusters.map(() => []);
    this.sqlDownSince = new Float64Array(world.sql.databases.length).fill(-1);
    this.wdDownSince = new Float64Array(world.watchdogs.length).fill(-1);
    this.watchdogBlindUs = new Float64Array(world.watchdogs.length);

    // Actors.
    this.fcActor = world.clusters.map((c) => ({ name: `fc:${c.id}`, node: '' }));
    this.replicaActor = world.clusters.map((c) => c.fc.replicas.map((r) => ({ name: r.id, node: '' })));
    this.haActor = [];
    for (const c of world.clusters) for (const n of c.nodes) this.haActor.push({ name: `ha:${n.id}`, node: n.id });
    this.gaActor = [];
    this.lbActor = [];
    for (let gi = 0; gi < insts; gi++) {
      const inst = this.inst(gi);
      const node = inst.node >= 0 ? this.clusterOfInst(gi).nodes[inst.node]!.id : '';
      this.gaActor.push({ name: `ga:${inst.id}`, node });
      this.lbActor.push({ name: `lb:${inst.role}`, node: '' });
    }

    // Initial flags: every placed instance is healthy, web instances in rotation.
    for (let gi = 0; gi < insts; gi++) {
      const inst = this.inst(gi);
      const h = this.isHealthy(inst);
      const s = h && inst.inRotation;
      this.healthyFlag[gi] = h ? 1 : 0;
      this.servedFlag[gi] = s ? 1 : 0;
      if (h || s) this.avail.change(ix.instRole[gi]!, 0, h ? 1 : 0, s ? 1 : 0);
    }

    // Pollers, with phases drawn from their own streams (so adding a poller kind never moves another's phases).
    const elide = this.p.network.elideRoutine;
    const phases = (name: string, count: number, interval: number) => {
      const r = this.rng.fork('phases').fork(name);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Math.floor(r.next() * interval);
      return out;
    };
    const fcI = this.p.fc.pollIntervalUs;
    this.fcPoll = new PollerSet(this.sched, nodes, fcI, this.p.fc.pollTimeoutUs, phases('fc', nodes, fcI), elide, {
      gate: (gn) => this.fcGate(gn),
      probe: (gn, n) => this.fcProbe(gn, n),
      quiet: (gn) => this.fcQuiet(gn),
      onMiss: (gn, missed) => this.fcMiss(gn, missed),
      onOk: (gn) => this.fcOk(gn),
      onFail: (gn) =>
        this.recordPollFail(this.fcActor[this.ix.nodeCluster[gn]!]!, this.haActor[gn]!, 'fc', this.nodeCause[gn]!),
    });
    const gaI = this.p.hostAgent.guestPollIntervalUs;
    this.gaPoll = new PollerSet(this.sched, insts, gaI, gaI, phases('guest', insts, gaI), elide, {
      gate: (gi) => this.gaGate(gi),
      probe: (gi, n) => this.gaProbe(gi, n),
      quiet: (gi) => this.inst(gi).vm === 'Running' && !this.net.disturbed,
      onMiss: (gi) => this.gaMiss(gi),
      onOk: () => {},
    });
    const lbI = this.p.loadBalancer.probeIntervalUs;
    this.lbPoll = new PollerSet(
      this.sched,
      insts,
      lbI,
      this.p.loadBalancer.probeTimeoutUs,
      phases('lb', insts, lbI),
      elide,
      {
        gate: (gi) => this.ix.roleKinds[this.ix.instRole[gi]!] === 'web',
        probe: (gi, n) => this.lbProbe(gi, n),
        quiet: (gi) => this.lbQuiet(gi),
        onMiss: (gi, missed) => this.lbMiss(gi, missed),
        onOk: (gi) => this.lbOk(gi),
        onFail: (gi) => this.recordPollFail(this.lbActor[gi]!, this.gaActor[gi]!, 'lb', this.instCause[gi]!),
      },
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Accessors

  get now(): number {
    return this.sched.now;
  }
  inst(gi: number): InstanceState {
    return this.world.clusters[this.ix.instCluster[gi]!]!.instances[this.ix.instLocal[gi]!]!;
  }
  node(gn: number): NodeState {
    return this.world.clusters[this.ix.nodeCluster[gn]!]!.nodes[this.ix.nodeLocal[gn]!]!;
  }
  clusterOfInst(gi: number): ClusterState {
    return this.world.clusters[this.ix.instCluster[gi]!]!;
  }
  /** Global node index of an instance's node, or -1. */
  nodeOfInst(gi: number): number {
    const n = this.inst(gi).node;
    return n < 0 ? -1 : this.ix.nodeOffset[this.ix.instCluster[gi]!]! + n;
  }
  instOnNode(gn: number): number[] {
    const off = this.ix.instOffset[this.ix.nodeCluster[gn]!]!;
    return this.node(gn).instances.map((ii) => off + ii);
  }
  isHealthy(inst: InstanceState): boolean {
    return inst.status === 'Ready' && !inst.hung && inst.vm === 'Running' && inst.node >= 0;
  }
  private isSettled(n: NodeState): boolean {
    return (n.status === 'Ready' && n.powered && n.hostAgentUp) || OUT_OF_SERVICE.has(n.status);
  }
  hasLeader(ci: number): boolean {
    return this.world.clusters[ci]!.fc.leader >= 0;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Changing the world

  /** Applies `recipe`, records the event with its patches and returns the event id. */
  change(
    k: string,
    s: string,
    c: number,
    text: string | (() => string),
    recipe: Recipe | null,
    extras?: EventExtras,
  ): number {
    let patches: ImmerPatch[] | undefined;
    if (recipe !== null) {
      const [next, ps] = this.immer.produceWithPatches(this.world, recipe);
      this.world = next;
      if (ps.length > 0) patches = ps;
    }
    const id = this.rec.emit(this.now, k, s, c, text, patches as Patch[] | undefined, extras);
    if (patches !== undefined) this.afterChange(patches, id);
    return id;
  }

  /** Follows the patches of one event: updates health flags, availability, fault recovery, and wakes pollers. */
  private afterChange(patches: ImmerPatch[], id: number): void {
    let lastInst = -1;
    let lastNode = -1;
    for (const patch of patches) {
      const path = patch.path;
      const head = path[0];
      if (head === 'clusters') {
        const ci = path[1] as number;
        const what = path[2];
        if (what === 'instances' && typeof path[3] === 'number') {
          const gi = this.ix.instOffset[ci]! + path[3];
          if (gi !== lastInst) {
            lastInst = gi;
            this.instanceTouched(gi, id);
          }
        } else if (what === 'nodes' && typeof path[3] === 'number') {
          const gn = this.ix.nodeOffset[ci]! + path[3];
          if (gn !== lastNode) {
            lastNode = gn;
            this.nodeTouched(gn, id);
          }
        } else if (what === 'fc') {
          this.otherTouched(`fc:${ci}`, id);
        }
      } else if (head === 'sql') {
        this.otherTouched(`sql:${path[2] as number}`, id);
      } else if (head === 'watchdogs') {
        this.otherTouched(`wd:${path[1] as number}`, id);
      }
    }
  }

  private instanceTouched(gi: number, cause: number): void {
    const inst = this.inst(gi);
    const h = this.isHealthy(inst);
    const s = h && inst.inRotation;
    const dh = (h ? 1 : 0) - this.healthyFlag[gi]!;
    const ds = (s ? 1 : 0) - this.servedFlag[gi]!;
    if (dh !== 0 || ds !== 0) {
      this.avail.change(this.ix.instRole[gi]!, this.now, dh, ds);
      this.healthyFlag[gi] = h ? 1 : 0;
      this.servedFlag[gi] = s ? 1 : 0;
    }
    if (dh !== 0) this.recoverIfDone(this.faults.flip(FaultBook.keyInstance(gi), h), cause);
    this.gaPoll.disturb(gi);
    this.lbPoll.disturb(gi);
  }

  private nodeTouched(gn: number, cause: number): void {
    const settled = this.isSettled(this.node(gn));
    if ((settled ? 1 : 0) !== this.settledFlag[gn]) {
      this.settledFlag[gn] = settled ? 1 : 0;
      this.recoverIfDone(this.faults.flip(FaultBook.keyNode(gn), settled), cause);
    }
    this.fcPoll.disturb(gn);
    for (const gi of this.instOnNode(gn)) {
      this.gaPoll.disturb(gi);
      this.lbPoll.disturb(gi);
    }
  }

  otherTouched(name: string, cause: number): void {
    const key = this.faults.keyOther(name);
    this.recoverIfDone(this.faults.watching(key), cause);
  }

  private recoverIfDone(candidates: readonly OpenFault[], cause: number): void {
    if (candidates.length === 0) return;
    for (const f of [...candidates]) {
      if (!f.open || f.bad !== 0 || !f.condition()) continue;
      this.faults.close(f, this.now);
      const r = f.result;
      this.rec.emit(
        this.now,
        'recover',
        r.target,
        cause,
        () => `${r.id} (${r.kind} on ${r.target}) recovered after ${formatHuman(r.ttrUs ?? 0)}`,
        undefined,
        {
          tp: topicOfFault(r.kind),
        },
      );
    }
  }

  detect(key: number, by: Detector, cause: number): void {
    for (const f of this.faults.detect(key, by, this.now)) {
      const r = f.result;
      this.rec.emit(
        this.now,
        'detect',
        r.target,
        cause,
        () => `${r.id} (${r.kind} on ${r.target}) detected by ${by} after ${formatHuman(r.ttdUs ?? 0)}`,
        undefined,
        {
          tp: topicOfFault(r.kind),
          r: `detector:${by}`,
        },
      );
    }
  }

  private detectInstance(gi: number, by: Detector, cause: number): void {
    this.detect(FaultBook.keyInstance(gi), by, cause);
  }

  private detectNode(gn: number, by: Detector, cause: number): void {
    this.detect(FaultBook.keyNode(gn), by, cause);
    for (const gi of this.instOnNode(gn)) this.detect(FaultBook.keyInstance(gi), by, cause);
  }

  private recordPollFail(from: Actor, to: Actor, what: 'fc' | 'lb', cause: number): void {
    const fc = what === 'fc';
    this.rec.emit(
      this.now,
      fc ? 'msg.poll' : 'msg.probe',
      to.name,
      cause,
      () => `${fc ? 'FC heartbeat poll' : 'load-balancer probe'} to ${to.name} gets no answer`,
      undefined,
      {
        m: { from: from.name, to: to.name, at: this.now, ok: false },
        tp: fc ? 'role-monitoring' : 'compute-connectivity',
      },
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Instance timers: one pending lifecycle step per instance.

  setInstTimer(gi: number, delayUs: number, fn: (gi: number) => void): void {
    this.clearInstTimer(gi);
    this.instTimer[gi] = this.sched.after(delayUs, fn, gi);
  }
  clearInstTimer(gi: number): void {
    const h = this.instTimer[gi]!;
    if (h >= 0) this.sched.cancel(h as never);
    this.instTimer[gi] = -1;
  }

  mutInst(gi: number, fn: (i: InstanceState) => void): Recipe {
    const ci = this.ix.instCluster[gi]!;
    const ii = this.ix.instLocal[gi]!;
    return (w) => fn(w.clusters[ci]!.instances[ii]!);
  }
  private mutNode(gn: number, fn: (n: NodeState, c: ClusterState) => void): Recipe {
    const ci = this.ix.nodeCluster[gn]!;
    const ni = this.ix.nodeLocal[gn]!;
    return (w) => fn(w.clusters[ci]!.nodes[ni]!, w.clusters[ci]!);
  }

  /** Starts the role process on a running VM: Busy while OnStart runs, then Ready (or a crash on a bad config). */
  startRole(gi: number, cause: number): void {
    const inst = this.inst(gi);
    const id = this.change(
      'instance.start',
      inst.id,
      cause,
      () => `${inst.id}: role starting (Busy while OnStart runs)`,
      this.mutInst(gi, (i) => {
        i.status = 'Busy';
        i.hung = false;
      }),
      { tp: 'role-monitoring', d: [{ t: this.now + this.p.role.startTimeUs, k: 'instance.ready', s: inst.id }] },
    );
    this.instCause[gi] = id;
    this.setInstTimer(gi, this.p.role.startTimeUs, this.onRoleStarted);
  }

  private readonly onRoleStarted = (gi: number): void => {
    this.instTimer[gi] = -1;
    const inst = this.inst(gi);
    if (inst.status !== 'Busy' || inst.vm !== 'Running') return;
    const cause = this.instCause[gi]!;
    if (this.configError[gi] === 1 || this.upgrades.failingVersion(gi)) {
      this.crashRole(gi, cause, 'its configuration makes it crash at start');
      return;
    }
    this.instCause[gi] = this.change(
      'instance.ready',
      inst.id,
      cause,
      `${inst.id} is Ready`,
      this.mutInst(gi, (i) => {
        i.status = 'Ready';
      }),
      { tp: 'role-monitoring' },
    );
  };

  /** The role process exits: the guest agent sees it at once, restarts it with back-off, or alerts a crash loop. */
  crashRole(gi: number, cause: number, why: string): void {
    const inst = this.inst(gi);
    const now = this.now;
    const times = this.crashTimes[gi]!;
    times.push(now);
    const window = this.p.role.crashLoopWindowUs;
    while (times.length > 0 && times[0]! <= now - window) times.shift();
    const crashes = times.length;
    const id = this.change(
      'instance.crash',
      inst.id,
      cause,
      () => `${inst.id}: role process exited (${why})`,
      this.mutInst(gi, (i) => {
        i.status = 'Stopped';
      }),
      { tp: 'role-monitoring' },
    );
    this.detectInstance(gi, 'guest-agent', id);
    if (crashes >= this.p.role.crashLoopCrashes) {
      const alert = this.change(
        'instance.crash-loop',
        inst.id,
        id,
        () =>
          `${inst.id} crashed ${crashes} times within ${formatDuration(window)}: marked unhealthy and alerted, not restarted again`,
        this.mutInst(gi, (i) => {
          i.crashLoop = true;
        }),
        { tp: 'role-monitoring', r: `role.crashLoopCrashes=${this.p.role.crashLoopCrashes}` },
      );
      this.instCause[gi] = alert;
      this.clearInstTimer(gi);
      return;
    }
    const delay = Math.min(this.p.role.backoffMaxUs, this.p.role.restartDelayUs * 2 ** (crashes - 1));
    this.instCause[gi] = id;
    this.setInstTimer(gi, delay, this.onRestart);
    if (this.rec.events) {
      const last = this.rec.events[this.rec.events.length - 1];
      if (last) (last as { d?: Deadline[] }).d = [{ t: now + delay, k: 'instance.restart', s: inst.id }];
    }
  }

  private readonly onRestart = (gi: number): void => {
    this.instTimer[gi] = -1;
    const inst = this.inst(gi);
    if (inst.vm !== 'Running' || inst.crashLoop || inst.status !== 'Stopped') return;
    const id = this.change('instance.restart', inst.id, this.instCause[gi]!, `guest agent restarts ${inst.id}`, null, {
      tp: 'role-monitoring',
    });
    this.startRole(gi, id);
  };

  /** A VM comes up (after a reboot, a node boot or healing onto a new node): its role starts. */
  readonly onVmUp = (gi: number): void => {
    this.instTimer[gi] = -1;
    const inst = this.inst(gi);
    const gn = this.nodeOfInst(gi);
    if (gn < 0 || !this.node(gn).powered) return;
    this.vmRebooting[gi] = 0;
    const id = this.change(
      'vm.ready',
      inst.id,
      this.instCause[gi]!,
      `VM of ${inst.id} is running`,
      this.mutInst(gi, (i) => {
        i.vm = 'Running';
        i.hung = false;
        i.crashLoop = false;
      }),
    );
    this.gaPoll.reset(gi);
    this.crashTimes[gi]!.length = 0;
    this.startRole(gi, id);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Host agent → guest agent

  private gaGate(gi: number): boolean {
    const gn = this.nodeOfInst(gi);
    if (gn < 0) return false;
    const n = this.node(gn);
    return n.powered && n.hostAgentUp && this.vmRebooting[gi] === 0 && this.inst(gi).vm !== 'Rebooting';
  }
  private gaProbe(gi: number, n: number): boolean {
    const inst = this.inst(gi);
    if (inst.vm !== 'Running') return false;
    if (!this.net.disturbed) return true;
    const gn = this.nodeOfInst(gi);
    const d = this.net.deliver(this.haActor[gn]!, this.gaActor[gi]!, gi, 2 * n);
    return d.delayUs >= 0 && this.net.deliver(this.gaActor[gi]!, this.haActor[gn]!, gi, 2 * n + 1).delayUs >= 0;
  }
  private gaMiss(gi: number): void {
    if (this.now - this.gaPoll.lastOk[gi]! < this.p.hostAgent.guestTimeoutUs) return;
    if (this.vmRebooting[gi] === 1) return;
    const inst = this.inst(gi);
    this.vmRebooting[gi] = 1;
    this.clearInstTimer(gi);
    const id = this.change(
      'vm.reboot',
      inst.id,
      this.instCause[gi]!,
      () =>
        `host agent got no heartbeat from the guest of ${inst.id} for ${formatDuration(this.p.hostAgent.guestTimeoutUs)}: rebooting the VM`,
      this.mutInst(gi, (i) => {
        i.vm = 'Rebooting';
        i.status = 'Starting';
        i.hung = false;
      }),
      {
        tp: 'role-monitoring',
        r: `hostAgent.guestTimeout=${formatDuration(this.p.hostAgent.guestTimeoutUs)}`,
        d: [{ t: this.now + this.p.hostAgent.vmRebootTimeUs, k: 'vm.ready', s: inst.id }],
      },
    );
    this.detectInstance(gi, 'host-agent', id);
    this.instCause[gi] = id;
    this.setInstTimer(gi, this.p.hostAgent.vmRebootTimeUs, this.onVmUp);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Load balancer

  private lbProbe(gi: number, n: number): boolean {
    const inst = this.inst(gi);
    if (!this.isHealthy(inst)) return false;
    const gn = this.nodeOfInst(gi);
    if (gn < 0 || !this.node(gn).powered) return false;
    if (!this.net.disturbed) return true;
    const a = this.net.deliver(this.lbActor[gi]!, this.gaActor[gi]!, gi + (1 << 28), 2 * n);
    if (a.delayUs < 0) return false;
    let rtt = a.delayUs;
    const b = this.net.deliver(this.gaActor[gi]!, this.lbActor[gi]!, gi + (1 << 28), 2 * n + 1);
    if (b.delayUs < 0) return false;
    rtt += b.delayUs;
    return rtt <= this.p.loadBalancer.probeTimeoutUs;
  }
  private lbQuiet(gi: number): boolean {
    const inst = this.inst(gi);
    return this.isHealthy(inst) && inst.inRotation && !this.net.disturbed;
  }
  private lbMiss(gi: number, missed: number): void {
    const inst = this.inst(gi);
    if (missed < this.p.loadBalancer.probeMisses || !inst.inRotation) return;
    const id = this.change(
      'lb.out',
      inst.id,
      this.instCause[gi]!,
      () => `load balancer: ${missed} probes of ${inst.id} failed; taken out of rotation`,
      this.mutInst(gi, (i) => {
        i.inRotation = false;
      }),
      { tp: 'compute-connectivity', r: `loadBalancer.probeMisses=${this.p.loadBalancer.probeMisses}` },
    );
    this.detectInstance(gi, 'load-balancer', id);
  }
  private lbOk(gi: number): void {
    const inst = this.inst(gi);
    if (inst.inRotation || !this.isHealthy(inst)) return;
    this.change(
      'lb.in',
      inst.id,
      this.instCause[gi]!,
      `load balancer: ${inst.id} answers its probe; back in rotation`,
      this.mutInst(gi, (i) => {
        i.inRotation = true;
      }),
      { tp: 'compute-connectivity' },
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // FC → host agent

  private fcGate(gn: number): boolean {
    return this.hasLeader(this.ix.nodeCluster[gn]!) && !OUT_OF_SERVICE.has(this.node(gn).status);
  }
  private fcProbe(gn: number, n: number): boolean {
    const node = this.node(gn);
    if (!node.powered || !node.hostAgentUp) return false;
    if (!this.net.disturbed) return true;
    const fc = this.fcActor[this.ix.nodeCluster[gn]!]!;
    const a = this.net.deliver(fc, this.haActor[gn]!, gn + (1 << 29), 2 * n);
    if (a.delayUs < 0) return false;
    const b = this.net.deliver(this.haActor[gn]!, fc, gn + (1 << 29), 2 * n + 1);
    return b.delayUs >= 0 && a.delayUs + b.delayUs <= this.p.fc.pollTimeoutUs;
  }
  private fcQuiet(gn: number): boolean {
    const n = this.node(gn);
    return n.powered && n.hostAgentUp && n.status === 'Ready' && !this.net.disturbed;
  }
  private fcOk(gn: number): void {
    const node = this.node(gn);
    if (node.status === 'Ready') return;
    if (node.status === 'Recovering' || node.status === 'Unhealthy' || node.status === 'Booting') {
      const id = this.change(
        'node.ready',
        node.id,
        this.nodeCause[gn]!,
        `FC hears ${node.id}'s host agent again: node Ready`,
        this.mutNode(gn, (n) => {
          n.status = 'Ready';
        }),
        { tp: 'role-monitoring' },
      );
      this.nodeCause[gn] = id;
      this.bootDeadline[gn] = -1;
      this.placeUnplaced(this.ix.nodeCluster[gn]!, id);
    }
  }
  private fcMiss(gn: number, missed: number): void {
    const node = this.node(gn);
    if (node.status !== 'Ready' || missed < this.p.fc.missedPolls) return;
    const ci = this.ix.nodeCluster[gn]!;
    const id = this.change(
      'node.silent',
      node.id,
      this.nodeCause[gn]!,
      () => `FC: ${missed} polls of ${node.id} went unanswered; node declared silent (Unhealthy)`,
      this.mutNode(gn, (n) => {
        n.status = 'Unhealthy';
      }),
      { tp: 'role-monitoring', r: `fc.missedPolls=${this.p.fc.missedPolls}` },
    );
    this.nodeCause[gn] = id;
    this.detectNode(gn, 'fc', id);
    this.fcAct(ci, () => this.handleSilentNode(gn));
  }

  /** Runs an FC recovery action now if the cluster's FC has a leader, else when it next has one. */
  fcAct(ci: number, action: () => void): void {
    if (this.hasLeader(ci)) action();
    else this.deferred[ci]!.push(action);
  }

  private handleSilentNode(gn: number): void {
    const node = this.node(gn);
    if (node.status !== 'Unhealthy') return;
    const now = this.now;
    const fails = this.nodeFailures[gn]!;
    fails.push(now);
    while (fails.length > 0 && fails[0]! <= now - this.p.node.failureWindowUs) fails.shift();
    const leaderTag = this.leaderTag(this.ix.nodeCluster[gn]!);
    if (fails.length >= this.p.node.failuresForInvestigate) {
      this.takeOutOfService(
        gn,
        'HumanInvestigate',
        `${fails.length} failures within ${formatDuration(this.p.node.failureWindowUs)}`,
        `node.failuresForInvestigate=${this.p.node.failuresForInvestigate}`,
      );
      return;
    }
    if (this.hwFault[gn] === 1) {
      this.takeOutOfService(gn, 'OutForRepair', 'hardware diagnostics report a fault', leaderTag);
      return;
    }
    if (this.p.fc.rebootAttempts < 1) {
      this.takeOutOfService(gn, 'OutForRepair', 'no reboot attempts allowed', 'fc.rebootAttempts=0');
      return;
    }
    this.rebootNode(gn, leaderTag);
  }

  private leaderTag(ci: number): string {
    const c = this.world.clusters[ci]!;
    return `fc.leader=${c.fc.replicas[c.fc.leader]?.id ?? 'none'}`;
  }

  private rebootNode(gn: number, rule: string): void {
    const node = this.node(gn);
    const insts = this.instOnNode(gn);
    for (const gi of insts) this.clearInstTimer(gi);
    const bootAt = this.now + this.p.node.rebootTimeUs;
    const waitUntil = this.now + this.p.fc.bootWaitUs;
    const id = this.change(
      'node.reboot',
      node.id,
      this.nodeCause[gn]!,
      () =>
        `FC reboots ${node.id} (its VMs go down with it); it waits up to ${formatDuration(this.p.fc.bootWaitUs)} for it`,
      (w) => {
        const c = w.clusters[this.ix.nodeCluster[gn]!]!;
        const n = c.nodes[this.ix.nodeLocal[gn]!]!;
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
    this.nodeCause[gn] = id;
    this.sched.at(bootAt, this.onNodeBooted, gn);
    this.bootDeadline[gn] = waitUntil;
    this.sched.at(waitUntil, this.onBootWait, gn);
  }

  private canBoot(gn: number): boolean {
    const ci = this.ix.nodeCluster[gn]!;
    const node = this.node(gn);
    return (
      this.hwFault[gn] === 0 && this.downUntil[gn]! <= this.now && this.world.clusters[ci]!.racks[node.rack]!.powered
    );
  }

  private readonly onNodeBooted = (gn: number): void => {
    const node = this.node(gn);
    if (node.status !== 'Recovering' && node.status !== 'Booting') return;
    if (!this.canBoot(gn)) {
      this.nodeCause[gn] = this.change(
        'node.boot-failed',
        node.id,
        this.nodeCause[gn]!,
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
    const insts = this.instOnNode(gn);
    const id = this.change(
      kind,
      this.node(gn).id,
      this.nodeCause[gn]!,
      text,
      (w) => {
        const c = w.clusters[this.ix.nodeCluster[gn]!]!;
        const n = c.nodes[this.ix.nodeLocal[gn]!]!;
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
    this.nodeCause[gn] = id;
    this.fcPoll.reset(gn);
    for (const gi of insts) {
      this.instCause[gi] = id;
      this.vmRebooting[gi] = 0;
      this.setInstTimer(gi, 0, this.onVmUp);
    }
  }

  private readonly onBootWait = (gn: number): void => {
    if (this.bootDeadline[gn] !== this.now) return;
    this.bootDeadline[gn] = -1;
    const node = this.node(gn);
    if (node.status === 'Ready' || OUT_OF_SERVICE.has(node.status)) return;
    const ci = this.ix.nodeCluster[gn]!;
    this.fcAct(ci, () => {
      const n = this.node(gn);
      if (n.status === 'Ready' || OUT_OF_SERVICE.has(n.status)) return;
      this.takeOutOfService(
        gn,
        'OutForRepair',
        `not back within the boot wait of ${formatDuration(this.p.fc.bootWaitUs)}`,
        `fc.bootWait=${formatDuration(this.p.fc.bootWaitUs)}`,
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
    const node = this.node(gn);
    const back =
      status === 'HumanInvestigate'
        ? this.p.node.investigateTimeUs
        : Math.max(this.p.node.repairTimeUs, this.downUntil[gn]! - this.now);
    const id = this.change(
      status === 'OutForRepair'
        ? 'node.out-for-repair'
        : status === 'HumanInvestigate'
          ? 'node.human-investigate'
          : 'node.dead',
      node.id,
      this.nodeCause[gn]!,
      () => `FC takes ${node.id} out of service (${status}): ${why}`,
      (w) => {
        const c = w.clusters[this.ix.nodeCluster[gn]!]!;
        const n = c.nodes[this.ix.nodeLocal[gn]!]!;
        n.status = status;
        n.failures = this.nodeFailures[gn]!.length;
        // Whatever still runs there is shut down: the node leaves service.
        powerDown(c, n);
      },
      { tp: 'service-healing', r: rule, d: [{ t: this.now + back, k: 'node.repaired', s: node.id }] },
    );
    this.nodeCause[gn] = id;
    this.heal(gn, id);
    this.sched.after(back, this.onRepaired, gn);
  }

  private readonly onRepaired = (gn: number): void => {
    const node = this.node(gn);
    if (!OUT_OF_SERVICE.has(node.status)) return;
    if (this.downUntil[gn]! > this.now) {
      this.sched.at(this.downUntil[gn]!, this.onRepaired, gn);
      return;
    }
    this.hwFault[gn] = 0;
    const id = this.change(
      'node.repaired',
      node.id,
      this.nodeCause[gn]!,
      `${node.id} is repaired and boots again`,
      this.mutNode(gn, (n) => {
        n.status = 'Booting';
      }),
      { tp: 'service-healing', d: [{ t: this.now + this.p.node.osStartTimeUs, k: 'node.boot', s: node.id }] },
    );
    this.nodeCause[gn] = id;
    this.sched.after(this.p.node.osStartTimeUs, this.onNodeBooted, gn);
  };

  /** Service healing: moves every instance off node `gn` to a healthy node in another fault domain. */
  private heal(gn: number, cause: number): void {
    const ci = this.ix.nodeCluster[gn]!;
    const insts = this.instOnNode(gn);
    if (insts.length === 0) return;
    const failedRack = this.node(gn).rack;
    const healId = this.change(
      'healing.start',
      this.node(gn).id,
      cause,
      () => `service healing moves ${insts.length} instance(s) off ${this.node(gn).id}`,
      null,
      {
        tp: 'service-healing',
        r: this.leaderTag(ci),
      },
    );
    for (const gi of insts) this.placeElsewhere(gi, failedRack, healId);
  }

  /** Racks ordered by how few instances of the role they hold (keeps the spread), excluding `avoidRack`. */
  private rackOrder(ci: number, role: string, avoidRack: number): number[] {
    const c = this.world.clusters[ci]!;
    const count = new Int32Array(c.racks.length);
    for (const i of c.instances) if (i.role === role && i.node >= 0) count[c.nodes[i.node]!.rack]!++;
    const racks = c.racks.map((r) => r.fd).filter((r) => r !== avoidRack);
    racks.sort((a, b) => count[a]! - count[b]! || a - b);
    return racks;
  }

  private usable = (n: NodeState): boolean => n.status === 'Ready' && n.powered && n.hostAgentUp;

  private placeElsewhere(gi: number, avoidRack: number, cause: number): void {
    const ci = this.ix.instCluster[gi]!;
    const inst = this.inst(gi);
    const c = this.world.clusters[ci]!;
    const order = this.rackOrder(ci, inst.role, avoidRack);
    const target = pickNode(c, order, this.p.node.slots, this.usable);
    const ii = this.ix.instLocal[gi]!;
    const from = inst.node;
    this.clearInstTimer(gi);
    if (target < 0) {
      this.change(
        'healing.failed',
        inst.id,
        cause,
        `no healthy node with room in another fault domain for ${inst.id}; it waits unplaced`,
        (w) => {
          const cl = w.clusters[ci]!;
          if (from >= 0) cl.nodes[from]!.instances = cl.nodes[from]!.instances.filter((x) => x !== ii);
          const i = cl.instances[ii]!;
          i.node = -1;
          i.vm = 'Down';
          i.status = 'Stopped';
          i.inRotation = false;
        },
        { tp: 'service-healing' },
      );
      return;
    }
    const targetNode = c.nodes[target]!;
    const gnTarget = this.ix.nodeOffset[ci]! + target;
    this.gaActor[gi] = { name: `ga:${inst.id}`, node: targetNode.id };
    const id = this.change(
      'instance.moved',
      inst.id,
      cause,
      () => `${inst.id} moves to ${targetNode.id} (fault domain ${targetNode.rack}); a new VM is provisioned`,
      (w) => {
        const cl = w.clusters[ci]!;
        if (from >= 0) cl.nodes[from]!.instances = cl.nodes[from]!.instances.filter((x) => x !== ii);
        cl.nodes[target]!.instances.push(ii);
        const i = cl.instances[ii]!;
        i.node = target;
        i.vm = 'Rebooting';
        i.status = 'Starting';
        i.hung = false;
        i.crashLoop = false;
      },
      { tp: 'service-healing', d: [{ t: this.now + this.p.fc.healingTimeUs, k: 'vm.ready', s: inst.id }] },
    );
    this.instCause[gi] = id;
    this.vmRebooting[gi] = 0;
    this.crashTimes[gi]!.length = 0;
    this.setInstTimer(gi, this.p.fc.healingTimeUs, this.onVmUp);
    void gnTarget;
  }

  /** After a node returns, instances that found no room earlier are placed again. */
  private placeUnplaced(ci: number, cause: number): void {
    const c = this.world.clusters[ci]!;
    const off = this.ix.instOffset[ci]!;
    for (let ii = 0; ii < c.instances.length; ii++) {
      if (c.instances[ii]!.node < 0) this.placeElsewhere(off + ii, -1, cause);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // FC replicas: a leader holds a lease renewed by a majority's acknowledgements, exchanged over the network.

  private readonly onFcTick = (ci: number): void => {
    this.fcTick(ci);
    this.sched.after(this.p.fc.leaseRenewIntervalUs, this.onFcTick, ci);
  };

  private fcTick(ci: number): void {
    const c = this.world.clusters[ci]!;
    const reps = c.fc.replicas;
    const majority = Math.floor(reps.length / 2) + 1;
    const heard = this.heard[ci]!;
    const now = this.now;
    const lease = this.p.fc.leaseDurationUs;
    const actors = this.replicaActor[ci]!;
    const actor = (r: number): Actor => actors[r]!;
    const reach = (a: number, b: number, n: number): boolean =>
      reps[b]!.up &&
      this.net.deliver(actor(a), actor(b), ci * 64 + a * 8 + b, 2 * n).delayUs >= 0 &&
      this.net.deliver(actor(b), actor(a), ci * 64 + a * 8 + b, 2 * n + 1).delayUs >= 0;
    const tick = Math.round(now / this.p.fc.leaseRenewIntervalUs);

    const L = c.fc.leader;
    if (L >= 0) {
      let acks = 1;
      heard[L] = now;
      for (let f = 0; f < reps.length; f++) {
        if (f !== L && reach(L, f, tick)) {
          acks++;
          heard[f] = now;
        }
      }
      if (acks >= majority) this.leaseUntil[ci] = now + lease;
      else if (now >= this.leaseUntil[ci]!) {
        this.change(
          'fc.lease-lost',
          reps[L]!.id,
          -1,
          () =>
            `FC leader ${reps[L]!.id} reached only ${acks} of ${reps.length} replicas; its lease ran out and it stops acting`,
          (w) => {
            const fc = w.clusters[ci]!.fc;
            fc.replicas[L]!.leader = false;
            fc.leader = -1;
          },
          { r: `fc.leaseDuration=${formatDuration(lease)}`, tp: 'role-monitoring' },
        );
        this.noLeaderSince[ci] = now;
      }
    }
    if (c.fc.leader >= 0) return;
    // Elections: the first up replica (lowest index) whose lease view has expired stands, after a staggered wait.
    for (let r = 0; r < reps.length; r++) {
      if (!reps[r]!.up || r === L) continue;
      if (now - heard[r]! < lease + this.p.fc.electionTimeoutUs * (1 + r)) continue;
      let votes = 1;
      for (let v = 0; v < reps.length; v++) {
        if (v !== r && reach(r, v, tick) && now - heard[v]! >= lease && !reps[v]!.leader) votes++;
      }
      if (votes < majority) continue;
      const term = c.fc.term + 1;
      const since = this.noLeaderSince[ci]!;
      const id = this.change(
        'fc.leader',
        reps[r]!.id,
        -1,
        () => `${reps[r]!.id} wins ${votes} of ${reps.length} votes and leads the FC (term ${term})`,
        (w) => {
          const fc = w.clusters[ci]!.fc;
          for (const x of fc.replicas) x.leader = false;
          fc.replicas[r]!.leader = true;
          fc.replicas[r]!.term = term;
          fc.term = term;
          fc.leader = r;
        },
        { r: `fc.majority=${majority}`, tp: 'role-monitoring' },
      );
      this.leaderChanges++;
      if (since >= 0) this.noQuorumUs[ci] = this.noQuorumUs[ci]! + (now - since);
      this.noLeaderSince[ci] = -1;
      this.leaseUntil[ci] = now + lease;
      for (let v = 0; v < reps.length; v++) if (v === r || reach(r, v, tick)) heard[v] = now;
      this.detect(this.faults.keyOther(`fc:${ci}`), 'fc', id);
      this.wakeFcPollers(ci);
      const pending = this.deferred[ci]!.splice(0);
      for (const action of pending) action();
      return;
    }
  }

  private wakeFcPollers(ci: number): void {
    const off = this.ix.nodeOffset[ci]!;
    const n = this.world.clusters[ci]!.nodes.length;
    for (let i = 0; i < n; i++) this.fcPoll.disturb(off + i);
  }

  // -------------------------------------------------------------------------------------------------------------
  // SQL Database replicas and watchdogs

  private readonly onWatchdogTick = (w: number): void => {
    this.sched.after(this.p.watchdog.intervalUs, this.onWatchdogTick, w);
    this.watchdogCheck(w);
  };

  /** One watchdog cycle: every replica found down gets a repair (a rebuild on another node), once. */
  watchdogCheck(w: number): void {
    if (!this.world.watchdogs[w]!.up) return;
    this.world.sql.databases.forEach((db, d) => {
      db.replicas.forEach((r, ri) => {
        if (r.up || this.sqlRebuilding.has(r.id)) return;
        this.sqlRebuilding.add(r.id);
        const id = this.change(
          'watchdog.alert',
          r.id,
          -1,
          () => `watchdog ${w} finds replica ${r.id} of ${db.id} down: repair starts`,
          null,
          {
            tp: 'watchdogs',
          },
        );
        this.detect(this.faults.keyOther(`sqlr:${r.id}`), 'watchdog', id);
        this.sched.after(this.p.sql.replicaRebuildTimeUs, this.onReplicaRebuilt, d * 64 + ri);
      });
    });
  }

  private readonly onReplicaRebuilt = (code: number): void => {
    const d = Math.floor(code / 64);
    const r = code % 64;
    const rep = this.world.sql.databases[d]!.replicas[r]!;
    this.sqlRebuilding.delete(rep.id);
    if (rep.up) return;
    this.setReplicaUp(d, r, 'sql.rebuilt', `replica ${rep.id} rebuilt and back in the replica set`);
  };

  setReplicaUp(d: number, r: number, kind: string, text: string): void {
    this.change(
      kind,
      this.world.sql.databases[d]!.replicas[r]!.id,
      -1,
      text,
      (w) => {
        const db = w.sql.databases[d]!;
        db.replicas[r]!.up = true;
        if (!db.replicas.some((x) => x.up && x.role === 'primary')) {
          for (const x of db.replicas) x.role = 'secondary';
          db.replicas[r]!.role = 'primary';
          db.available = true;
        }
      },
      { tp: 'watchdogs' },
    );
    this.sqlAvailabilityChanged(d);
  }

  sqlAvailabilityChanged(d: number): void {
    const db = this.world.sql.databases[d]!;
    if (!db.available && this.sqlDownSince[d]! < 0) this.sqlDownSince[d] = this.now;
    if (db.available && this.sqlDownSince[d]! >= 0) {
      this.sqlUnavailableUs += this.now - this.sqlDownSince[d]!;
      this.sqlDownSince[d] = -1;
    }
  }

  readonly onFailover = (d: number): void => {
    const db = this.world.sql.databases[d]!;
    if (db.available) return;
    const next = db.replicas.findIndex((r) => r.up);
    if (next < 0) return;
    const id = this.change(
      'sql.failover',
      db.replicas[next]!.id,
      -1,
      () => `${db.id} fails over: ${db.replicas[next]!.id} becomes the primary`,
      (w) => {
        const x = w.sql.databases[d]!;
        for (const r of x.replicas) if (r.role === 'primary') r.role = 'secondary';
        x.replicas[next]!.role = 'primary';
        x.available = true;
      },
      { tp: 'watchdogs', r: `sql.failoverTime=${formatDuration(this.p.sql.failoverTimeUs)}` },
    );
    this.sqlFailovers++;
    this.sqlAvailabilityChanged(d);
    for (const r of db.replicas) this.detect(this.faults.keyOther(`sqlr:${r.id}`), 'failover-manager', id);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Faults and upgrades (sim/model/inject.ts, sim/model/upgrades.ts)

  /** Injects a fault now; false (nothing recorded) when it would change nothing. See FaultInjector.inject. */
  inject(...args: Parameters<FaultInjector['inject']>): boolean {
    return this.injector.inject(...args);
  }

  /** Starts a change-managed rolling upgrade. See Upgrades.start. */
  startUpgrade(u: UpgradeRequest): void {
    this.upgrades.start(u);
  }

  /** Wakes every poller: something that could make any poll fail has changed (a network condition, a rule). */
  disturbAll(): void {
    for (let gn = 0; gn < this.ix.nodeCluster.length; gn++) this.fcPoll.disturb(gn);
    for (let gi = 0; gi < this.ix.instCluster.length; gi++) {
      this.gaPoll.disturb(gi);
      this.lbPoll.disturb(gi);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Running

  /** Arms pollers, FC ticks, watchdogs, and the scenario's faults and upgrades. */
  start(): void {
    this.fcPoll.start();
    this.gaPoll.start();
    this.lbPoll.start();
    const renew = this.p.fc.leaseRenewIntervalUs;
    for (let ci = 0; ci < this.world.clusters.length; ci++) this.sched.at(renew, this.onFcTick, ci);
    for (let w = 0; w < this.world.watchdogs.length; w++) {
      const phase = Math.floor(this.rng.fork('phases').fork('watchdog').next() * this.p.watchdog.intervalUs);
      this.sched.at(phase + w, this.onWatchdogTick, w);
    }
  }

  /** Ends the run at `endUs`: closes the books on time-integrated metrics. */
  finish(endUs: number): void {
    for (let ci = 0; ci < this.noLeaderSince.length; ci++) {
      const since = this.noLeaderSince[ci]!;
      if (since >= 0) {
        this.noQuorumUs[ci] = this.noQuorumUs[ci]! + (endUs - since);
        this.noLeaderSince[ci] = endUs;
      }
    }
    for (let w = 0; w < this.wdDownSince.length; w++) {
      const since = this.wdDownSince[w]!;
      if (since >= 0) {
        this.watchdogBlindUs[w] = this.watchdogBlindUs[w]! + (endUs - since);
        this.wdDownSince[w] = endUs;
      }
    }
    for (let d = 0; d < this.sqlDownSince.length; d++) {
      const since = this.sqlDownSince[d]!;
      if (since >= 0) {
        this.sqlUnavailableUs += endUs - since;
        this.sqlDownSince[d] = endUs;
      }
    }
  }
}

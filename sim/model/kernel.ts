/**
 * The kernel of the model: the world and its one door, `change()` (an immer recipe, recorded with its patches), the
 * indices from global instance/node numbers to the world's arrays, per-instance timers, the causal chain (the last
 * event behind each instance and node), the health flags that feed availability and close faults, and detection.
 *
 * Actors (fc.ts, fc-replicas.ts, host-agent.ts, guest-agent.ts, load-balancer.ts, healing.ts, sql-replicas.ts,
 * upgrades.ts, inject.ts) hold their own memory and act on the world only through the kernel. The kernel knows no
 * actor: when a change touches an instance or a node it calls `wake`, which the composition root
 * (simulation.ts) points at the pollers that watch it.
 *
 * World state (`world`) is changed only through `change()`. Actor-internal memory (poll counters, timers, back-off)
 * lives in flat arrays beside it: it is not part of what a viewer shows, and keeping it out of immer keeps the event
 * path cheap.
 */
import { enablePatches, Immer, type Patch as ImmerPatch } from 'immer';
import type { Random } from '../engine/index.js';
import { joinName, Scheduler } from '../engine/index.js';
import type { Detector } from '../metrics/index.js';
import { AvailabilityTracker, formatHuman } from '../metrics/index.js';
import { type Actor, Network } from '../network/index.js';
import type { ClusterState, InstanceState, NodeState, Policies, ResolvedScenario, World } from '../spec/index.js';
import type { Patch } from '../trace/index.js';
import { type EventExtras, type MessageLine, Recorder } from '../trace/index.js';
import { buildWorld, type Indices } from './build.js';
import { FaultBook, type OpenFault } from './faults.js';
import { FlatDrafter } from './flat-draft.js';
import { ImageBook } from './images.js';
import { type ModelPolicies, makePolicies, type PluginModules } from './policies/index.js';
import { topicOfFault } from './steps.js';
import { RuleTags } from './tags.js';

enablePatches();

export type Recipe = (draft: World) => void;

/**
 * What a recipe made by `mutInst` / `mutNode` changes: one instance, or one node and its cluster. `change()` drafts
 * only that object (immer on the instance or the cluster, its patch paths prefixed with where it sits in the world),
 * which emits exactly the patches a draft of the whole world would — immer only records patches for the drafts that
 * were assigned to, and the ancestors along the path are only read — without copying the cluster's arrays.
 */
interface Scope {
  /** 0: the instance `index` of cluster `ci`; 1: the node `index` of cluster `ci` (the draft is the cluster). */
  readonly kind: 0 | 1;
  readonly ci: number;
  readonly index: number;
  readonly inst: ((i: InstanceState) => void) | null;
  readonly node: ((n: NodeState, c: ClusterState) => void) | null;
}
type ScopedRecipe = Recipe & { scope?: Scope };

export const OUT_OF_SERVICE = new Set(['OutForRepair', 'HumanInvestigate', 'Dead']);

export interface SimulationOptions {
  readonly seed: number;
  readonly record: boolean;
  readonly rng: Random;
  /** Plug-in policy modules by the name the scenario gives them (docs/policies.md). */
  readonly plugins?: PluginModules;
  /**
   * Built worlds to reuse, by resolved scenario: many seeds of one scenario in one thread (a sweep) build the world
   * once. Used only with recording off and the built-in placement (its layout does not depend on the seed); a run
   * never changes the world it was built with (see `Kernel.world`), so each run starts from the same one.
   */
  readonly worlds?: WeakMap<ResolvedScenario, BuiltWorld>;
}

/** A built world and its index tables (build.ts). */
export interface BuiltWorld {
  readonly world: World;
  readonly ix: Indices;
}

/** Who to wake when a change touches an instance or a node: the pollers that watch it (set by simulation.ts). */
export interface Wakeups {
  instance(gi: number): void;
  node(gn: number): void;
}

/** The network names of the model's actors, resolved once (a poll or a lease exchange allocates nothing). */
export interface ActorNames {
  /** Per cluster. */
  readonly fc: Actor[];
  /** Per cluster × replica. */
  readonly replica: Actor[][];
  /** Per global node. */
  readonly ha: Actor[];
  /** Per global instance (re-made when healing moves the instance). */
  readonly ga: Actor[];
  /** Per global instance: the load balancer of its role. */
  readonly lb: Actor[];
}

export class Kernel {
  readonly sched = new Scheduler(64);
  readonly rec: Recorder;
  readonly net: Network;
  readonly ix: Indices;
  readonly p: Policies;
  /** The world as built (a copy kept apart from `world` when recording). */
  readonly initial: World;
  /**
   * The current world. With recording on it is persistent: each change makes a new world sharing what it did not
   * touch, so an old reference keeps the state it had. With recording off the kernel owns the containers (the world,
   * its cluster list, each cluster and its instance and node arrays) and changes them in place — a held reference
   * sees later changes; `structuredClone` it to keep a snapshot. Instance and node objects are never changed in place
   * in either mode (a change makes a new one), and `initial` is never changed.
   */
  world: World;
  /** Recording off: the world's containers are the kernel's own and changed in place (see `world`). */
  private readonly inPlace: boolean;
  readonly faults = new FaultBook();
  readonly avail: AvailabilityTracker;
  readonly rng: Random;
  readonly actors: ActorNames;
  /** Per instance / node: the trace line of its failed LB probe / FC poll, made on first use (recordPollFail). */
  private readonly probeLines: (MessageLine | null)[];
  private readonly pollLines: (MessageLine | null)[];
  /** The run's pluggable decisions: failure detection, placement, the upgrade walk (policies/). */
  readonly policies: ModelPolicies;
  /** OS images per role and their oracle (images.ts); null when the scenario names no images. */
  readonly images: ImageBook | null;
  /** Set by the composition root before the run starts. */
  wake: Wakeups = { instance: () => {}, node: () => {} };

  private readonly immer = new Immer({ autoFreeze: false });
  /** Drafts of one instance for mutInst recipes, when instances are flat records (null: immer drafts them). */
  private readonly instDrafter: FlatDrafter<InstanceState> | null;
  /**
   * Per instance: its record as last found (or drafted) to fit the drafter, null before. The same object fits still
   * (a record is never changed in place): the drafter's check, a walk over the record's keys, runs once per record
   * that did not come from the drafter itself.
   */
  private readonly instFits: (InstanceState | null)[];

  // Health indices (global instance / node index): what availability and fault recovery follow.
  readonly healthyFlag: Uint8Array;
  /** Healthy and in rotation (what served availability counts). */
  readonly servedFlag: Uint8Array;
  /** Per instance: 1 − the share of users the rules let through to it (0 unless a security model says otherwise). */
  private readonly userLack: Float64Array;
  readonly settledFlag: Uint8Array;

  /**
   * What the host agents' poll gate reads, kept beside the world by afterChange so that a poll does not chase an
   * instance and its node through the world (at a million instances those are cache misses): each instance's global
   * node (−1 while unplaced) and whether its VM is 'Rebooting'; each node's "powered with its host agent up".
   */
  readonly instNode: Int32Array;
  readonly instVmRebooting: Uint8Array;
  readonly nodeAgentUp: Uint8Array;
  /**
   * Likewise for the pollers' hooks (a failed probe or poll reads these, not the instance): each instance's
   * `inRotation` and whether its VM is 'Running'. With healthyFlag, kept by afterChange before it wakes the pollers.
   */
  readonly instInRotation: Uint8Array;
  readonly instVmRunning: Uint8Array;

  // The pending lifecycle step of each instance, and the causal chain.
  readonly instTimer: Float64Array;
  readonly instCause: Float64Array;
  readonly nodeCause: Float64Array;
  /** Fault domains (racks, in topology order): node → rack, nodes down per rack, since when, merged down time. */
  readonly rackIds: string[] = [];
  readonly rackNodes: number[] = [];
  private readonly nodeRack: Int32Array;
  private readonly nodeUpFlag: Uint8Array;
  private readonly rackDownCount: Int32Array;
  private readonly rackDownSince: Float64Array;
  readonly rackDownUs: Float64Array;

  /** The event behind the network's current condition (a network fault's start or end), −1 before any. */
  netCause = -1;
  /** Causes of entities without an index: "fc:<cluster>", "sqlr:<replica id>", "sqldb:<database>". */
  readonly otherCause = new Map<string, number>();

  constructor(
    readonly sc: ResolvedScenario,
    opts: SimulationOptions,
  ) {
    this.p = sc.policies;
    this.rng = opts.rng;
    this.rec = new Recorder(opts.record);
    this.net = new Network(opts.seed, this.p.network.latencyUs, this.p.network.internetLatencyUs);
    this.policies = makePolicies(sc, opts.plugins, () => this.sched.now, opts.rng);
    const reuse = opts.worlds !== undefined && !opts.record && this.policies.classicPlacement ? opts.worlds : null;
    let built = reuse?.get(sc);
    if (built === undefined) {
      built = buildWorld(
        sc,
        this.policies.classicPlacement ? null : this.policies.placement,
        this.policies.env.placement,
        this.policies.who.placement,
      );
      reuse?.set(sc, built);
    }
    const { world, ix } = built;
    // A copy for the timeline's `initial` only when recording: immer never changes the base state it is given, so
    // with recording off nothing reads it and the built world itself stands for it (a region's copy costs ~0.3 s).
    this.initial = opts.record ? structuredClone(world) : world;
    // Recording off: the kernel's own containers (pointer copies, ~1 ms for a region), so that changing them in place
    // leaves the built world (`initial`) as it was.
    this.inPlace = !opts.record;
    this.world = this.inPlace ? ownContainers(world) : world;
    this.ix = ix;
    const sample = world.clusters.find((c) => c.instances.length > 0)?.instances[0];
    const drafter = sample === undefined ? null : new FlatDrafter(sample);
    this.instDrafter = drafter !== null && sample !== undefined && drafter.fits(sample) ? drafter : null;
    const nodes = ix.nodeCluster.length;
    const insts = ix.instCluster.length;
    this.avail = new AvailabilityTracker(ix.roleSizes, ix.roleKinds);
    this.images = sc.images === undefined ? null : new ImageBook(sc.images, insts, nodes);

    this.healthyFlag = new Uint8Array(insts);
    this.servedFlag = new Uint8Array(insts);
    this.userLack = new Float64Array(insts);
    this.instTimer = new Float64Array(insts).fill(-1);
    this.instCause = new Float64Array(insts).fill(-1);
    this.settledFlag = new Uint8Array(nodes).fill(1);
    this.nodeCause = new Float64Array(nodes).fill(-1);
    this.instNode = new Int32Array(insts);
    this.instVmRebooting = new Uint8Array(insts);
    this.instInRotation = new Uint8Array(insts);
    this.instVmRunning = new Uint8Array(insts);
    this.nodeAgentUp = new Uint8Array(nodes);
    this.nodeRack = new Int32Array(nodes);
    this.nodeUpFlag = new Uint8Array(nodes).fill(1);
    this.indexRacks(world);
    this.rackDownCount = new Int32Array(this.rackIds.length);
    this.rackDownSince = new Float64Array(this.rackIds.length).fill(-1);
    this.rackDownUs = new Float64Array(this.rackIds.length);

    this.actors = this.makeActors(world, ix);
    this.instFits = new Array<InstanceState | null>(insts).fill(null);
    this.probeLines = new Array<MessageLine | null>(insts).fill(null);
    this.pollLines = new Array<MessageLine | null>(nodes).fill(null);
    this.initFlags(ix);
  }

  // The constructor's loops live in methods of their own: a constructor called once a run with loops over 100,000
  // instances in its body gets marked hot, and V8 then optimises the whole (large, heavily inlined) constructor in
  // the background at the next run — 0.4–0.5 s of a helper thread's CPU per run in a sweep's worker, for code that
  // runs once. Small methods cost little to optimise.

  /** Fills the rack tables and each node's rack and "agent up" flag, in topology order. */
  private indexRacks(world: World): void {
    let gn = 0;
    for (const c of world.clusters) {
      const base = this.rackIds.length;
      for (const r of c.racks) {
        this.rackIds.push(r.id);
        this.rackNodes.push(r.nodes.length);
      }
      for (const n of c.nodes) {
        this.nodeAgentUp[gn] = n.powered && n.hostAgentUp ? 1 : 0;
        this.nodeRack[gn++] = base + n.rack;
      }
    }
  }

  /** The run's actors: an FC and replicas per cluster, a host agent per node, a guest agent per instance, an LB per role. */
  private makeActors(world: World, ix: Indices): ActorNames {
    const insts = ix.instCluster.length;
    const ha: Actor[] = [];
    for (const c of world.clusters) for (const n of c.nodes) ha.push({ name: joinName('ha:', n.id), node: n.id });
    const ga: Actor[] = [];
    const lb: Actor[] = [];
    // One load-balancer actor per role, shared by the role's instances (actors are names, never changed).
    const lbOfRole = ix.roleIds.map((id) => ({ name: joinName('lb:', id), node: '' }));
    for (let gi = 0; gi < insts; gi++) {
      const inst = this.inst(gi);
      const node = inst.node >= 0 ? this.clusterOfInst(gi).nodes[inst.node]!.id : '';
      ga.push({ name: joinName('ga:', inst.id), node });
      lb.push(lbOfRole[ix.instRole[gi]!]!);
    }
    return {
      fc: world.clusters.map((c) => ({ name: `fc:${c.id}`, node: '' })),
      replica: world.clusters.map((c) => c.fc.replicas.map((r) => ({ name: r.id, node: '' }))),
      ha,
      ga,
      lb,
    };
  }

  /** Refreshes the flat copies of instance `gi`'s fields (instNode, instVmRebooting, instInRotation, instVmRunning). */
  private copyInstance(gi: number, inst: InstanceState): void {
    this.instNode[gi] = inst.node < 0 ? -1 : this.ix.nodeOffset[this.ix.instCluster[gi]!]! + inst.node;
    this.instVmRebooting[gi] = inst.vm === 'Rebooting' ? 1 : 0;
    this.instInRotation[gi] = inst.inRotation ? 1 : 0;
    this.instVmRunning[gi] = inst.vm === 'Running' ? 1 : 0;
  }

  /** Initial flags: every placed instance is healthy, web instances in rotation. */
  private initFlags(ix: Indices): void {
    const insts = ix.instCluster.length;
    for (let gi = 0; gi < insts; gi++) {
      const inst = this.inst(gi);
      this.copyInstance(gi, inst);
      const h = this.isHealthy(inst);
      const s = h && inst.inRotation;
      this.healthyFlag[gi] = h ? 1 : 0;
      this.servedFlag[gi] = s ? 1 : 0;
      if (h || s) this.avail.change(ix.instRole[gi]!, 0, h ? 1 : 0, s ? 1 : 0);
    }
  }

  /** Poll phases for `count` targets, from their own stream (adding a poller kind never moves another's phases). */
  phases(name: string, count: number, interval: number): Float64Array {
    const r = this.rng.fork('phases').fork(name);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = Math.floor(r.next() * interval);
    return out;
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
      const scope = (recipe as ScopedRecipe).scope;
      if (scope !== undefined && scope.kind === 0) {
        const id = this.changeFlat(scope, k, s, c, text, extras);
        if (id >= 0) return id;
      }
      const ps = scope === undefined ? this.changeWorld(recipe) : this.changeScoped(scope);
      if (ps.length > 0) patches = ps;
    }
    const id = this.rec.emit(this.now, k, s, c, text, patches as Patch[] | undefined, extras);
    if (patches !== undefined) this.afterChange(patches, id);
    return id;
  }

  /**
   * `change` for a mutInst recipe on an instance the flat drafter can draft: the patches are never made (the recorder
   * hashes the changed fields, and makes them only when recording), and the one instance they touch is followed
   * directly. Returns −1, having done nothing, when the drafter cannot take the instance (change() then uses
   * changeScoped).
   */
  private changeFlat(
    scope: Scope,
    k: string,
    s: string,
    c: number,
    text: string | (() => string),
    extras: EventExtras | undefined,
  ): number {
    const fd = this.instDrafter;
    if (fd === null || fd.inUse) return -1;
    const { ci, index } = scope;
    const cl = this.world.clusters[ci]!;
    const base = cl.instances[index]!;
    const gi = this.ix.instOffset[ci]! + index;
    if (this.instFits[gi] !== base && !fd.fits(base)) return -1;
    const n = fd.draftFields(base, scope.inst!);
    const next = fd.result;
    this.instFits[gi] = fd.resultFits ? next : null;
    if (next !== base) this.putInstance(ci, index, next);
    const prefix = this.instPrefix;
    prefix[1] = ci;
    prefix[3] = index;
    const id = this.rec.emitFieldReplaces(this.now, k, s, c, text, extras, prefix, fd.changedKeys, fd.changedValues, n);
    // What afterChange does for patches that all lie under one instance.
    if (n > 0) this.instanceTouched(gi, id);
    return id;
  }

  /** Scratch: the path of instance fields, ['clusters', ci, 'instances', index] (changeFlat). */
  private readonly instPrefix: (string | number)[] = ['clusters', 0, 'instances', 0];

  /** Puts `next` in the place of instance `index` of cluster `ci`: in place, or in a new world sharing the rest. */
  private putInstance(ci: number, index: number, next: InstanceState): void {
    const c = this.world.clusters[ci]!;
    if (this.inPlace) c.instances[index] = next;
    else {
      const instances = c.instances.slice();
      instances[index] = next;
      this.replaceCluster(ci, { ...c, instances });
    }
  }

  /** A recipe on the whole world: immer drafts it from the root. */
  private changeWorld(recipe: Recipe): ImmerPatch[] {
    const [next, ps] = this.immer.produceWithPatches(this.world, recipe);
    // In place: the containers immer made are new and only the world holds them; the rest were already the kernel's.
    this.world = next;
    return ps;
  }

  /**
   * A recipe from mutInst / mutNode that changeFlat did not take: immer drafts only the instance, or the node's cluster
   * (see Scope).
   */
  private changeScoped(scope: Scope): ImmerPatch[] {
    const { ci, index } = scope;
    const w = this.world;
    const c = w.clusters[ci]!;
    let ps: ImmerPatch[];
    if (scope.kind === 0) {
      const fn = scope.inst!;
      const base = c.instances[index]!;
      // Not a record the flat drafter takes (changeFlat declined it): immer.
      let next: InstanceState;
      [next, ps] = this.immer.produceWithPatches(base, (d: InstanceState) => {
        fn(d);
      });
      for (const p of ps) p.path = ['clusters', ci, 'instances', index, ...p.path];
      if (next !== base) this.putInstance(ci, index, next);
    } else {
      const fn = scope.node!;
      const [next, patches] = this.immer.produceWithPatches(c, (d: ClusterState) => {
        fn(d.nodes[index]!, d);
      });
      ps = patches;
      if (next !== c) {
        if (this.inPlace) w.clusters[ci] = next;
        else this.replaceCluster(ci, next);
      }
      for (const p of ps) p.path = ['clusters', ci, ...p.path];
    }
    return ps;
  }

  /** Persistent mode: a new world with cluster `ci` replaced, sharing the rest. */
  private replaceCluster(ci: number, cluster: ClusterState): void {
    const clusters = this.world.clusters.slice();
    clusters[ci] = cluster;
    this.world = { ...this.world, clusters };
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
    this.copyInstance(gi, inst);
    const h = this.isHealthy(inst);
    const s = h && inst.inRotation;
    const dh = (h ? 1 : 0) - this.healthyFlag[gi]!;
    const ds = (s ? 1 : 0) - this.servedFlag[gi]!;
    if (dh !== 0 || ds !== 0) {
      this.avail.change(this.ix.instRole[gi]!, this.now, dh, ds, this.userLack[gi]!);
      this.healthyFlag[gi] = h ? 1 : 0;
      this.servedFlag[gi] = s ? 1 : 0;
    }
    if (dh !== 0) this.recoverIfDone(this.faults.flip(FaultBook.keyInstance(gi), h), cause);
    if (this.images?.touchInstance(gi, inst, this.now)) this.otherTouched(`image:${gi}`, cause);
    this.wake.instance(gi);
  }

  /**
   * Sets the share of users whose requests the rules let through to instance `gi` (1: all of them), which weights
   * its role's served availability while it is in rotation. Called by the security model when the rules change.
   */
  setUserReach(gi: number, reach: number): void {
    const lack = reach >= 1 ? 0 : 1 - Math.max(0, reach);
    const before = this.userLack[gi]!;
    if (lack === before) return;
    this.userLack[gi] = lack;
    if (this.servedFlag[gi] === 1) this.avail.changeLack(this.ix.instRole[gi]!, this.now, before, lack);
  }

  /** Node `gn` went down or came up: its fault domain's merged down time starts or ends. */
  private nodeUpChanged(gn: number, up: boolean): void {
    const r = this.nodeRack[gn]!;
    this.nodeUpFlag[gn] = up ? 1 : 0;
    if (!up) {
      if (this.rackDownCount[r]!++ === 0) this.rackDownSince[r] = this.now;
    } else if (--this.rackDownCount[r]! === 0) {
      this.rackDownUs[r] = this.rackDownUs[r]! + (this.now - this.rackDownSince[r]!);
      this.rackDownSince[r] = -1;
    }
  }

  /** Closes the fault domains' books at `endUs`. */
  finishFaultDomains(endUs: number): void {
    for (let r = 0; r < this.rackIds.length; r++) {
      if (this.rackDownSince[r]! >= 0) {
        this.rackDownUs[r] = this.rackDownUs[r]! + (endUs - this.rackDownSince[r]!);
        this.rackDownSince[r] = endUs;
      }
    }
  }

  private nodeTouched(gn: number, cause: number): void {
    const n = this.node(gn);
    this.nodeAgentUp[gn] = n.powered && n.hostAgentUp ? 1 : 0;
    const up = n.status === 'Ready' && n.powered && n.hostAgentUp;
    if ((up ? 1 : 0) !== this.nodeUpFlag[gn]) this.nodeUpChanged(gn, up);
    const settled = this.isSettled(n);
    if ((settled ? 1 : 0) !== this.settledFlag[gn]) {
      this.settledFlag[gn] = settled ? 1 : 0;
      this.recoverIfDone(this.faults.flip(FaultBook.keyNode(gn), settled), cause);
    }
    this.images?.touchNode(gn, n, this.now);
    this.wake.node(gn);
    for (const gi of this.instOnNode(gn)) this.wake.instance(gi);
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
          r: this.detectorRules.of(by),
        },
      );
    }
  }

  /** "detector:<by>", the rule tag of a detection. */
  private readonly detectorRules = new RuleTags('detector:');

  detectInstance(gi: number, by: Detector, cause: number): void {
    this.detect(FaultBook.keyInstance(gi), by, cause);
  }

  detectNode(gn: number, by: Detector, cause: number): void {
    this.detect(FaultBook.keyNode(gn), by, cause);
    for (const gi of this.instOnNode(gn)) this.detect(FaultBook.keyInstance(gi), by, cause);
  }

  /** `cause`, or — when the entity has none — the network's condition (a failed poll on a disturbed network). */
  causeOr(cause: number): number {
    return cause >= 0 ? cause : this.netCause;
  }

  /** The recorded cause of an entity without an index (see otherCause), or the network's condition. */
  causeOf(key: string): number {
    return this.otherCause.get(key) ?? this.netCause;
  }

  /**
   * Records a failed FC poll of node `index` (`what` 'fc') or LB probe of instance `index` ('lb'), from `from` to
   * `to` — always the same two actors for one (what, index).
   */
  recordPollFail(from: Actor, to: Actor, what: 'fc' | 'lb', index: number, cause: number): void {
    const fc = what === 'fc';
    const lines = fc ? this.pollLines : this.probeLines;
    let line = lines[index]!;
    if (line === null) {
      line = this.rec.messageLine(
        fc ? 'msg.poll' : 'msg.probe',
        to.name,
        from.name,
        to.name,
        fc ? 'role-monitoring' : 'compute-connectivity',
      );
      lines[index] = line;
    }
    // emitLine: nothing is allocated per failed poll while recording is off.
    this.rec.emitLine(this.now, this.causeOr(cause), line, false, fc ? pollFailText : probeFailText);
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

  /** A recipe changing instance `gi` only (change() drafts just the instance; see Scope). */
  mutInst(gi: number, fn: (i: InstanceState) => void): Recipe {
    const ci = this.ix.instCluster[gi]!;
    const ii = this.ix.instLocal[gi]!;
    const recipe: ScopedRecipe = (w) => {
      fn(w.clusters[ci]!.instances[ii]!);
    };
    recipe.scope = { kind: 0, ci, index: ii, inst: fn, node: null };
    return recipe;
  }
  /** A recipe changing node `gn` and possibly its cluster (change() drafts just the cluster; see Scope). */
  mutNode(gn: number, fn: (n: NodeState, c: ClusterState) => void): Recipe {
    const ci = this.ix.nodeCluster[gn]!;
    const ni = this.ix.nodeLocal[gn]!;
    const recipe: ScopedRecipe = (w) => {
      fn(w.clusters[ci]!.nodes[ni]!, w.clusters[ci]!);
    };
    recipe.scope = { kind: 1, ci, index: ni, inst: null, node: fn };
    return recipe;
  }

  /** Starts the role process on a running VM: Busy while OnStart runs, then Ready (or a crash on a bad config). */

  /** "fc.leader=<replica>": the rule tag of an FC action. */
  leaderTag(ci: number): string {
    const c = this.world.clusters[ci]!;
    return `fc.leader=${c.fc.replicas[c.fc.leader]?.id ?? 'none'}`;
  }
}

/** The world with containers of its own (the world, its cluster list, each cluster, its instance and node arrays). */
function ownContainers(world: World): World {
  return {
    ...world,
    clusters: world.clusters.map((c) => ({ ...c, instances: c.instances.slice(), nodes: c.nodes.slice() })),
  };
}

/** The text of a failed FC heartbeat poll to `to` (recording on). */
function pollFailText(to: string): string {
  return `FC heartbeat poll to ${to} gets no answer`;
}

/** The text of a failed load-balancer probe to `to` (recording on). */
function probeFailText(to: string): string {
  return `load-balancer probe to ${to} gets no answer`;
}

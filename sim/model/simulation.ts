/**
 * The fabric: a fabric controller (FC) per cluster, with replicas electing a leader over the network; host agents,
 * guest agents and role processes on nodes; a load balancer probing web instances; a SQL Database cluster with
 * replicas and watchdogs; rolling upgrades — under scripted and random faults.
 *
 * This module is the composition root: it makes the kernel (kernel.ts: world, `change()`, indices, timers) and one
 * object per actor, created once and wired with direct references — the FC (fc.ts) and its replicas
 * (fc-replicas.ts), host agents (host-agent.ts), guest agents (guest-agent.ts), the load balancer
 * (load-balancer.ts), service healing and placement (healing.ts), SQL replicas and watchdogs (sql-replicas.ts),
 * upgrades (upgrades.ts) and fault injection (inject.ts). Each actor owns its memory and reaches the others only
 * through their methods. Three decisions are single methods that ask the run's pluggable policy (policies/,
 * docs/policies.md): failure detection (`FabricController.declaresSilent`), placement (`Healing.chooseNode`) and the
 * upgrade walk (`Upgrades.nextBatch`).
 *
 * The recovery ladder follows the documented platform behaviour (defaults in sim/spec/defaults.ts):
 * role crash → the guest agent restarts it with back-off, and a crash loop is alerted and left stopped;
 * guest unresponsive → the host agent reboots the VM after its timeout; host silent → the FC reboots the node, and if
 * it is not back within the boot wait, service healing moves its instances to other fault domains and the node goes
 * out for repair; hardware faults go out for repair at once; repeated failures → human investigation.
 * A hung role is not seen by the FC at all: only the load balancer's probe takes it out of rotation.
 */
import type { Detector, FaultDomainResult, ImagesSummary } from '../metrics/index.js';
import type { InstanceState, NodeState, Policies, ResolvedScenario, World } from '../spec/index.js';
import type { EventExtras } from '../trace/index.js';
import { FabricController } from './fc.js';
import { FcReplicas } from './fc-replicas.js';
import { GuestAgent } from './guest-agent.js';
import { Healing } from './healing.js';
import { HostAgent } from './host-agent.js';
import { FaultInjector } from './inject.js';
import { Kernel, type Recipe, type SimulationOptions } from './kernel.js';
import { LoadBalancer } from './load-balancer.js';
import { SqlReplicas } from './sql-replicas.js';
import { type UpgradeRequest, Upgrades } from './upgrades.js';

export type { BuiltWorld, Recipe, SimulationOptions } from './kernel.js';

/**
 * The simulation of one run: the surface used by the runner and the security actor (`sched`, `world`, `rec`,
 * `change`, `inject`, `startUpgrade`, `start`, `finish` and the metrics). The model itself lives in the kernel and
 * the actors.
 */
export class Simulation {
  readonly k: Kernel;
  private readonly guest: GuestAgent;
  private readonly host: HostAgent;
  private readonly lb: LoadBalancer;
  private readonly fc: FabricController;
  private readonly replicas: FcReplicas;
  private readonly healing: Healing;
  private readonly sql: SqlReplicas;
  private readonly upgrades: Upgrades;
  private readonly injector: FaultInjector;

  constructor(
    readonly sc: ResolvedScenario,
    opts: SimulationOptions,
  ) {
    const k = new Kernel(sc, opts);
    this.k = k;
    this.upgrades = new Upgrades(k);
    this.guest = new GuestAgent(k, this.upgrades);
    this.replicas = new FcReplicas(k);
    this.sql = new SqlReplicas(k);
    // Pollers are made in this order (fc, guest, lb), as their phases and events have always been.
    this.host = new HostAgent(k, this.guest);
    this.healing = new Healing(k, this.host, this.guest);
    this.fc = new FabricController(k, this.replicas, this.healing, this.host);
    this.lb = new LoadBalancer(k);
    this.replicas.listener = this.fc;
    this.fc.guest = this.guest;
    this.guest.handler = this.fc;
    this.upgrades.a = { guest: this.guest, host: this.host, replicas: this.replicas };
    this.injector = new FaultInjector(k, {
      guest: this.guest,
      fc: this.fc,
      replicas: this.replicas,
      sql: this.sql,
      disturbAll: () => this.disturbAll(),
    });
    const { host, lb, fc } = this;
    k.wake = {
      instance: (gi) => {
        host.disturb(gi);
        lb.disturb(gi);
      },
      node: (gn) => fc.disturb(gn),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // The kernel's surface

  get sched() {
    return this.k.sched;
  }
  get rec() {
    return this.k.rec;
  }
  get net() {
    return this.k.net;
  }
  get ix() {
    return this.k.ix;
  }
  get p(): Policies {
    return this.k.p;
  }
  get initial(): World {
    return this.k.initial;
  }
  get world(): World {
    return this.k.world;
  }
  get faults() {
    return this.k.faults;
  }
  get avail() {
    return this.k.avail;
  }
  get now(): number {
    return this.k.now;
  }
  inst(gi: number): InstanceState {
    return this.k.inst(gi);
  }
  node(gn: number): NodeState {
    return this.k.node(gn);
  }
  /** Applies `recipe`, records the event with its patches and returns the event id. See Kernel.change. */
  change(
    k: string,
    s: string,
    c: number,
    text: string | (() => string),
    recipe: Recipe | null,
    extras?: EventExtras,
  ): number {
    return this.k.change(k, s, c, text, recipe, extras);
  }
  detect(key: number, by: Detector, cause: number): void {
    this.k.detect(key, by, cause);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Metrics

  /** Per-cluster time without an acting FC leader, µs. */
  get noQuorumUs(): Float64Array {
    return this.replicas.noQuorumUs;
  }
  get leaderChanges(): number {
    return this.replicas.leaderChanges;
  }
  get watchdogBlindUs(): Float64Array {
    return this.sql.watchdogBlindUs;
  }
  /** Per fault domain (rack): merged time with at least one node down. Call after finish(). */
  faultDomains(): FaultDomainResult[] {
    return this.k.rackIds.map((id, r) => ({ id, nodes: this.k.rackNodes[r]!, downUs: this.k.rackDownUs[r]! }));
  }

  /** Per role (in the order of ix.roleIds): instances that end the run alerted for a problem in the package. */
  packageProblems(): number[] {
    const out = new Array<number>(this.k.ix.roleIds.length).fill(0);
    for (let gi = 0; gi < this.k.ix.instCluster.length; gi++) {
      if (this.guest.packageAlerted(gi)) out[this.k.ix.instRole[gi]!]!++;
    }
    return out;
  }

  /** OS images (issue 11): the oracle's figures and what each VM and node runs; null without `images:`. */
  imagesSummary(endUs: number): ImagesSummary | null {
    const images = this.k.images;
    if (images === null) return null;
    const w = this.k.world;
    return images.summary(
      endUs,
      w.clusters.flatMap((c) => c.instances),
      w.clusters.flatMap((c) => c.nodes),
    );
  }

  /** Time with no live watchdog covering the SQL cluster, µs. */
  get sqlBlindUs(): number {
    return this.sql.clusterBlindUs;
  }
  get sqlFailovers(): number {
    return this.sql.sqlFailovers;
  }
  get sqlUnavailableUs(): number {
    return this.sql.sqlUnavailableUs;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Faults and upgrades (sim/model/inject.ts, sim/model/upgrades.ts)

  /** Brings a SQL replica back (the end of a random fault's drawn repair time). */
  setReplicaUp(d: number, r: number, kind: string, text: string): void {
    this.sql.setReplicaUp(d, r, kind, text);
  }

  /**
   * The global index of every instance in the order of the scenario's instance ids (services, then roles, then
   * instance number: `idSpaces(...).instance`), as laid out by the build. Read before the run starts.
   */
  instanceIndexes(): Int32Array {
    const out: number[] = [];
    for (const s of this.k.world.services) {
      const offset = this.k.ix.instOffset[s.cluster]!;
      for (const r of s.roles) for (const ii of r.instances) out.push(offset + ii);
    }
    return Int32Array.from(out);
  }

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
    const ix = this.k.ix;
    for (let gn = 0; gn < ix.nodeCluster.length; gn++) this.fc.disturb(gn);
    for (let gi = 0; gi < ix.instCluster.length; gi++) {
      this.host.disturb(gi);
      this.lb.disturb(gi);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Running

  /** Arms pollers, FC ticks, watchdogs, and the scenario's faults and upgrades. */
  start(): void {
    this.fc.start();
    this.host.start();
    this.lb.start();
    this.replicas.start();
    this.sql.start();
  }

  /** Ends the run at `endUs`: closes the books on time-integrated metrics. */
  finish(endUs: number): void {
    this.k.finishFaultDomains(endUs);
    this.replicas.finish(endUs);
    this.sql.finish(endUs);
  }
}

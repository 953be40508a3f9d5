/**
 * Service healing and placement: when the FC takes a node out of service, every instance on it moves to a healthy
 * node in another fault domain (a new VM is provisioned there); an instance that finds no room waits unplaced until a
 * node returns.
 */
import { joinName } from '../engine/index.js';
import type { NodeState } from '../spec/index.js';
import { checkPlacement, placementRequest } from './build.js';
import type { GuestAgent } from './guest-agent.js';
import type { HostAgent } from './host-agent.js';
import type { Kernel } from './kernel.js';

export class Healing {
  constructor(
    private readonly k: Kernel,
    private readonly host: HostAgent,
    private readonly guest: GuestAgent,
  ) {}

  /** Service healing: moves every instance off node `gn` to a healthy node in another fault domain. */
  heal(gn: number, cause: number): void {
    const ci = this.k.ix.nodeCluster[gn]!;
    const insts = this.k.instOnNode(gn);
    if (insts.length === 0) return;
    const failedRack = this.k.node(gn).rack;
    const healId = this.k.change(
      'healing.start',
      this.k.node(gn).id,
      cause,
      () => `service healing moves ${insts.length} instance(s) off ${this.k.node(gn).id}`,
      null,
      {
        tp: 'service-healing',
        r: this.k.leaderTag(ci),
      },
    );
    for (const gi of insts) this.placeElsewhere(gi, failedRack, healId);
  }

  private usable = (n: NodeState): boolean => n.status === 'Ready' && n.powered && n.hostAgentUp;

  /**
   * Placement, the one decision of where an instance goes, asked of the run's placement policy (built-in `spread`:
   * a usable node with a free slot in the fault domain holding the fewest instances of its role, never `avoidRack`);
   * -1 when it finds no room. The answer is checked before anything changes (policies/, build.ts).
   */
  private chooseNode(gi: number, avoidRack: number): number {
    const ci = this.k.ix.instCluster[gi]!;
    const c = this.k.world.clusters[ci]!;
    const inst = this.k.inst(gi);
    const slots = this.k.p.node.slots;
    const pol = this.k.policies;
    const req = placementRequest(c, inst.id, inst.role, false, avoidRack, slots, this.usable);
    return checkPlacement(pol.who.placement, req, pol.placement.place(req, pol.env.placement), c, slots, this.usable);
  }

  /** Why? text: the placement policy that decided, when it is not the built-in current one. */
  private placedBy(): string {
    const l = this.k.policies.labels.placement;
    return l === null ? '' : ` (placed by ${l})`;
  }

  /** The FC's last corrective step for a crash-looping instance: move it to a node in another fault domain. */
  move(gi: number, cause: number): void {
    const inst = this.k.inst(gi);
    const rack = inst.node >= 0 ? this.k.world.clusters[this.k.ix.instCluster[gi]!]!.nodes[inst.node]!.rack : -1;
    this.placeElsewhere(gi, rack, cause);
  }

  private placeElsewhere(gi: number, avoidRack: number, cause: number): void {
    const ci = this.k.ix.instCluster[gi]!;
    const inst = this.k.inst(gi);
    const c = this.k.world.clusters[ci]!;
    const target = this.chooseNode(gi, avoidRack);
    const ii = this.k.ix.instLocal[gi]!;
    const from = inst.node;
    this.k.clearInstTimer(gi);
    if (target < 0) {
      this.k.change(
        'healing.failed',
        inst.id,
        cause,
        `no healthy node with room in another fault domain for ${inst.id}; it waits unplaced${this.placedBy()}`,
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
    this.k.actors.ga[gi] = { name: joinName('ga:', inst.id), node: targetNode.id };
    const id = this.k.change(
      'instance.moved',
      inst.id,
      cause,
      () =>
        `${inst.id} moves to ${targetNode.id} (fault domain ${targetNode.rack}); a new VM is provisioned${this.placedBy()}`,
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
        // The new VM gets the image the FC chose for the role, whatever the node hosted before.
        if (this.k.images !== null) i.image = this.k.images.chosen(i.role, i.version);
      },
      { tp: 'service-healing', d: [{ t: this.k.now + this.k.p.fc.healingTimeUs, k: 'vm.ready', s: inst.id }] },
    );
    this.k.instCause[gi] = id;
    this.guest.forgetCrashes(gi);
    this.host.bootVm(gi, this.k.p.fc.healingTimeUs);
  }

  /** After a node returns, instances that found no room earlier are placed again. */
  placeUnplaced(ci: number, cause: number): void {
    const c = this.k.world.clusters[ci]!;
    const off = this.k.ix.instOffset[ci]!;
    for (let ii = 0; ii < c.instances.length; ii++) {
      if (c.instances[ii]!.node < 0) this.placeElsewhere(off + ii, -1, cause);
    }
  }
}

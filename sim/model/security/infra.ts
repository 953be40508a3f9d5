/**
 * The rules applied to the model's own messages: FC polls to host agents, load-balancer probes to instances, FC
 * replicas talking among themselves. Installed on the `Network` as its delivery policy, so a rule that blocks the
 * FC's polls makes heartbeats go missing and the FC reacts exactly as it does to a crash.
 *
 * Actor names map to endpoints once. A message is a request or the reply to one: every exchange in the model is a
 * request immediately followed by its reply (`deliver(a, b)` then `deliver(b, a)`), so the reply to the last admitted
 * request passes as a stateful filter would pass it, and everything else is judged as a connection's opening packet.
 * Host agent ↔ guest agent traffic is host-local (no network address) and never judged.
 *
 * Routine polls on quiet links are elided, so what a poll would meet must be knowable without sending it: after each
 * rule change `recheck()` walks every infrastructure path once and records which are blocked; `disturbing` is true
 * while any is, which makes the network simulate every poll.
 */
import type { Actor, Decision, DeliveryPolicy } from '../../network/index.js';
import type { ResolvedSecurity, World } from '../../spec/index.js';
import type { Indices } from '../build.js';
import type { Endpoints } from './endpoints.js';
import type { RuleBook } from './packet-path.js';
import { type Endpoint, EP } from './plan.js';

/** Infrastructure paths a rule change blocks. */
export interface BlockedPaths {
  /** Global node indices whose FC polls are denied. */
  readonly nodes: number[];
  /** Global instance indices whose load-balancer probes are denied. */
  readonly instances: number[];
  /** FC replica pairs (cluster, from, to) that cannot talk. */
  readonly replicaPairs: number;
  /** The first denying decision met, for the record. */
  readonly first: Decision | null;
}

export class InfraPolicy implements DeliveryPolicy {
  disturbing = false;
  /** Actor name → endpoint (undefined: not judged), filled as names are first met. */
  private readonly byName = new Map<string, Endpoint | undefined>();
  private readonly roleByName: Map<string, number>;
  /** Global role → the port its probes go to (its first input endpoint), 0 for none. */
  private readonly probePort: Int32Array;
  private lastFrom: Endpoint | null = null;
  /** While `recheck` runs: the first decision that blocks a path. */
  private firstBlocked: Decision | null = null;
  private lastTo: Endpoint | null = null;

  constructor(
    private readonly eps: Endpoints,
    private readonly rules: RuleBook,
    private readonly sec: ResolvedSecurity,
    private readonly ix: Indices,
    world: World,
  ) {
    world.clusters.forEach((c, ci) => {
      this.byName.set(`fc:${c.id}`, eps.fc(ci));
      c.fc.replicas.forEach((rep, r) => {
        this.byName.set(rep.id, eps.replica(ci, r));
      });
    });
    // Hosts, VMs and probe sources are looked up by name on their first message (most never send one).
    this.roleByName = new Map(ix.roleIds.map((id, r) => [id, r]));
    this.probePort = new Int32Array(ix.roleIds.length);
  }

  /**
   * Port of the message from `a` to `b` when `a` opens the exchange, or 0 when the pair does not cross the network:
   * a host agent and a guest agent talk over the host's own channel.
   */
  private portOf(a: Endpoint, b: Endpoint): number {
    if ((a.kind === EP.host && b.kind === EP.vm) || (a.kind === EP.vm && b.kind === EP.host)) return 0;
    if (a.kind === EP.fc && b.kind === EP.host) return this.sec.ports.hostAgent;
    if (a.kind === EP.lbProbe && b.kind === EP.vm) return this.probePort[a.index]! || 80;
    return this.sec.ports.fabric;
  }

  /** The decision on `a` opening an exchange with `b`, or null when the pair is not judged. */
  private open(a: Endpoint, b: Endpoint): Decision | null {
    const port = this.portOf(a, b);
    if (port === 0) return null;
    return this.rules.decide(a, b, 'tcp', port);
  }

  /** The endpoint of the actor named `name`: "ha:<node>", "ga:<instance>", "lb:<role>", an FC or a replica. */
  private endpointOf(name: string): Endpoint | undefined {
    const known = this.byName.get(name);
    if (known !== undefined || this.byName.has(name)) return known;
    let e: Endpoint | undefined;
    const rest = name.slice(3);
    if (name.startsWith('ha:')) {
      const gn = this.ix.nodeById.get(rest);
      e = gn === undefined ? undefined : this.eps.host(gn);
    } else if (name.startsWith('ga:')) {
      const gi = this.ix.instById.get(rest);
      e = gi === undefined ? undefined : this.eps.vm(gi);
    } else if (name.startsWith('lb:')) {
      const r = this.roleByName.get(rest);
      e = r === undefined ? undefined : this.eps.lbProbe(r);
    }
    this.byName.set(name, e);
    return e;
  }

  deny(from: Actor, to: Actor): Decision | null {
    const a = this.endpointOf(from.name);
    const b = this.endpointOf(to.name);
    if (a === undefined || b === undefined) return null;
    if (this.lastFrom === b && this.lastTo === a) {
      this.lastFrom = null;
      this.lastTo = null;
      return null;
    }
    const d = this.open(a, b);
    if (d === null) return null;
    if (!d.allowed) return d;
    this.lastFrom = a;
    this.lastTo = b;
    return null;
  }

  /** Re-derives probe ports and the blocked paths after the rules changed. */
  recheck(world: World): BlockedPaths {
    for (let r = 0; r < this.ix.roleIds.length; r++) this.probePort[r] = this.rules.endpointsOf(r)[0]?.port ?? 0;
    const nodes: number[] = [];
    const instances: number[] = [];
    let replicaPairs = 0;
    // No closure here: a closure made per call is a new call target for the loops' optimised code at every recheck,
    // which V8 then throws away (one recheck per run at least, so every run of a sweep worker paid for it).
    this.firstBlocked = null;
    for (let gn = 0; gn < this.ix.nodeCluster.length; gn++) {
      if (this.blocks(this.open(this.eps.fc(this.ix.nodeCluster[gn]!), this.eps.host(gn)))) nodes.push(gn);
    }
    for (let gi = 0; gi < this.ix.instCluster.length; gi++) {
      const r = this.ix.instRole[gi]!;
      if (this.ix.roleKinds[r] !== 'web' || this.probePort[r] === 0) continue;
      if (this.blocks(this.open(this.eps.lbProbe(r), this.eps.vm(gi)))) instances.push(gi);
    }
    for (let ci = 0; ci < world.clusters.length; ci++) {
      const n = world.clusters[ci]!.fc.replicas.length;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          if (a !== b && this.blocks(this.open(this.eps.replica(ci, a), this.eps.replica(ci, b)))) replicaPairs++;
        }
      }
    }
    const first = this.firstBlocked;
    this.firstBlocked = null;
    this.disturbing = nodes.length > 0 || instances.length > 0 || replicaPairs > 0;
    this.lastFrom = null;
    this.lastTo = null;
    return { nodes, instances, replicaPairs, first };
  }

  /** The probe ports the last `recheck` derived (a copy), for `adoptCheck` in another policy. */
  probePorts(): Int32Array {
    return this.probePort.slice();
  }

  /**
   * Takes the result of a `recheck` another policy over the same scenario, indices and compiled rules made
   * (`probePorts()` and what it returned) instead of walking every path again; returns the blocked paths (copies).
   */
  adoptCheck(probePort: Int32Array, b: BlockedPaths): BlockedPaths {
    this.probePort.set(probePort);
    this.disturbing = b.nodes.length > 0 || b.instances.length > 0 || b.replicaPairs > 0;
    this.firstBlocked = null;
    this.lastFrom = null;
    this.lastTo = null;
    return { nodes: b.nodes.slice(), instances: b.instances.slice(), replicaPairs: b.replicaPairs, first: b.first };
  }

  /** True when `d` blocks the exchange; `recheck` keeps the first such decision. */
  private blocks(d: Decision | null): boolean {
    if (d === null || d.allowed) return false;
    this.firstBlocked ??= d;
    return true;
  }
}

/**
 * The FC's replicas: a leader holds a lease renewed by a majority's acknowledgements, exchanged over the network;
 * when the lease runs out, the first up replica whose view has expired stands for election. FC actions wait for a
 * leader (`act`), and the time each cluster spends without one is counted.
 */
import { formatDuration } from '../engine/index.js';
import type { Actor } from '../network/index.js';
import type { Kernel } from './kernel.js';

/** Told when a cluster gets a leader (the FC's node polls resume). */
export interface LeaderListener {
  leaderElected(ci: number): void;
}

export class FcReplicas {
  /** Per-cluster time without an acting FC leader, µs. */
  readonly noQuorumUs: Float64Array;
  leaderChanges = 0;
  /** Set by the composition root. */
  listener: LeaderListener = { leaderElected: () => {} };
  // Per cluster × replica.
  private readonly heard: Float64Array[];
  private readonly leaseUntil: Float64Array;
  private readonly noLeaderSince: Float64Array;
  private readonly deferred: (() => void)[][];

  constructor(private readonly k: Kernel) {
    const world = k.world;
    const clusters = world.clusters.length;
    this.noQuorumUs = new Float64Array(clusters);
    this.leaseUntil = new Float64Array(clusters).fill(k.p.fc.leaseDurationUs);
    this.noLeaderSince = new Float64Array(clusters).fill(-1);
    this.heard = world.clusters.map((c) => new Float64Array(c.fc.replicas.length));
    this.deferred = world.clusters.map(() => []);
  }

  /** Runs an FC recovery action now if the cluster's FC has a leader, else when it next has one. */
  act(ci: number, action: () => void): void {
    if (this.k.hasLeader(ci)) action();
    else this.deferred[ci]!.push(action);
  }

  /** The leader of cluster `ci` went down (a replica crash): the cluster is without one from now. */
  leaderLost(ci: number): void {
    this.noLeaderSince[ci] = this.k.now;
  }
  /** Replica `r` of cluster `ci` is (back) up: its lease view starts now. */
  heardNow(ci: number, r: number): void {
    this.heard[ci]![r] = this.k.now;
  }

  start(): void {
    const renew = this.k.p.fc.leaseRenewIntervalUs;
    for (let ci = 0; ci < this.k.world.clusters.length; ci++) this.k.sched.at(renew, this.onFcTick, ci);
  }

  /** Closes the books at `endUs`. */
  finish(endUs: number): void {
    for (let ci = 0; ci < this.noLeaderSince.length; ci++) {
      const since = this.noLeaderSince[ci]!;
      if (since >= 0) {
        this.noQuorumUs[ci] = this.noQuorumUs[ci]! + (endUs - since);
        this.noLeaderSince[ci] = endUs;
      }
    }
  }

  // FC replicas: a leader holds a lease renewed by a majority's acknowledgements, exchanged over the network.

  private readonly onFcTick = (ci: number): void => {
    this.fcTick(ci);
    this.k.sched.after(this.k.p.fc.leaseRenewIntervalUs, this.onFcTick, ci);
  };

  /**
   * Whether replicas `a` and `b` of cluster `ci` exchange a message and its reply at lease tick `n` (b is up in
   * `reps`, the replicas as the tick found them, and neither way is lost or denied). A method rather than a closure per tick: a region has ten clusters ticking every
   * 10 s.
   */
  private reach(ci: number, reps: readonly { readonly up: boolean }[], a: number, b: number, n: number): boolean {
    if (!reps[b]!.up) return false;
    const net = this.k.net;
    // On a quiet network (no condition active, no rule blocking an infrastructure path) both messages arrive, as a
    // routine poll's do, and delivering them would change nothing: the rules keep no state across a request and its
    // reply. Skipped then (with elideRoutine, so the elision proofs cover it): 8 deliveries per cluster every 10 s.
    if (this.k.p.network.elideRoutine && !net.disturbed) return true;
    const actors: readonly Actor[] = this.k.actors.replica[ci]!;
    const link = ci * 64 + a * 8 + b;
    return (
      net.deliver(actors[a]!, actors[b]!, link, 2 * n).delayUs >= 0 &&
      net.deliver(actors[b]!, actors[a]!, link, 2 * n + 1).delayUs >= 0
    );
  }

  private fcTick(ci: number): void {
    const c = this.k.world.clusters[ci]!;
    const reps = c.fc.replicas;
    const majority = Math.floor(reps.length / 2) + 1;
    const heard = this.heard[ci]!;
    const now = this.k.now;
    const lease = this.k.p.fc.leaseDurationUs;
    const tick = Math.round(now / this.k.p.fc.leaseRenewIntervalUs);

    const L = c.fc.leader;
    if (L >= 0) {
      let acks = 1;
      heard[L] = now;
      for (let f = 0; f < reps.length; f++) {
        if (f !== L && this.reach(ci, reps, L, f, tick)) {
          acks++;
          heard[f] = now;
        }
      }
      if (acks >= majority) this.leaseUntil[ci] = now + lease;
      else if (now >= this.leaseUntil[ci]!) {
        const lost = this.k.change(
          'fc.lease-lost',
          reps[L]!.id,
          this.k.causeOf(`fc:${ci}`),
          () =>
            `FC leader ${reps[L]!.id} reached only ${acks} of ${reps.length} replicas; its lease ran out and it stops acting`,
          (w) => {
            const fc = w.clusters[ci]!.fc;
            fc.replicas[L]!.leader = false;
            fc.leader = -1;
          },
          { r: `fc.leaseDuration=${formatDuration(lease)}`, tp: 'role-monitoring' },
        );
        this.k.otherCause.set(`fc:${ci}`, lost);
        this.noLeaderSince[ci] = now;
      }
    }
    if (c.fc.leader >= 0) return;
    // Elections: the first up replica (lowest index) whose lease view has expired stands, after a staggered wait.
    for (let r = 0; r < reps.length; r++) {
      if (!reps[r]!.up || r === L) continue;
      if (now - heard[r]! < lease + this.k.p.fc.electionTimeoutUs * (1 + r)) continue;
      let votes = 1;
      for (let v = 0; v < reps.length; v++) {
        if (v !== r && this.reach(ci, reps, r, v, tick) && now - heard[v]! >= lease && !reps[v]!.leader) votes++;
      }
      if (votes < majority) continue;
      const term = c.fc.term + 1;
      const since = this.noLeaderSince[ci]!;
      const id = this.k.change(
        'fc.leader',
        reps[r]!.id,
        this.k.causeOf(`fc:${ci}`),
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
      for (let v = 0; v < reps.length; v++) if (v === r || this.reach(ci, reps, r, v, tick)) heard[v] = now;
      this.k.detect(this.k.faults.keyOther(`fc:${ci}`), 'fc', id);
      this.listener.leaderElected(ci);
      const pending = this.deferred[ci]!.splice(0);
      for (const action of pending) action();
      return;
    }
  }
}

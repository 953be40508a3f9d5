/**
 * The SQL Database cluster: replicas per database (one primary), failover to an up secondary, and watchdogs whose
 * periodic checks find replicas down and start a rebuild on another node. Counts failovers, unavailable time and the
 * time watchdogs are down (blind).
 */
import { formatDuration } from '../engine/index.js';
import type { Kernel } from './kernel.js';

export class SqlReplicas {
  sqlFailovers = 0;
  sqlUnavailableUs = 0;
  readonly watchdogBlindUs: Float64Array;
  private readonly sqlRebuilding: Set<string> = new Set();
  private readonly sqlDownSince: Float64Array;
  private readonly wdDownSince: Float64Array;

  constructor(private readonly k: Kernel) {
    const world = k.world;
    this.sqlDownSince = new Float64Array(world.sql.databases.length).fill(-1);
    this.wdDownSince = new Float64Array(world.watchdogs.length).fill(-1);
    this.watchdogBlindUs = new Float64Array(world.watchdogs.length);
  }

  /** Time with no live watchdog covering the SQL cluster (the cluster is blind), µs. */
  clusterBlindUs = 0;
  /** Since when no watchdog is up, or −1. A run with no watchdog at all is blind from its start. */
  private blindSince = -1;

  /** Watchdog `w` went down (already marked down in the world): it is blind from now; the cluster too if none is left. */
  watchdogDown(w: number): void {
    this.wdDownSince[w] = this.k.now;
    if (this.blindSince < 0 && !this.k.world.watchdogs.some((x) => x.up)) this.blindSince = this.k.now;
  }
  /** Watchdog `w` is back: the time it was down is counted, and the cluster's blindness ends. */
  watchdogUp(w: number): void {
    this.watchdogBlindUs[w] = this.watchdogBlindUs[w]! + (this.k.now - this.wdDownSince[w]!);
    this.wdDownSince[w] = -1;
    if (this.blindSince >= 0) {
      this.clusterBlindUs += this.k.now - this.blindSince;
      this.blindSince = -1;
    }
  }

  start(): void {
    if (this.k.world.watchdogs.length === 0 && this.k.world.sql.databases.length > 0) this.blindSince = this.k.now;
    for (let w = 0; w < this.k.world.watchdogs.length; w++) {
      const phase = Math.floor(this.k.rng.fork('phases').fork('watchdog').next() * this.k.p.watchdog.intervalUs);
      this.k.sched.at(phase + w, this.onWatchdogTick, w);
    }
  }

  /** Closes the books at `endUs`. */
  finish(endUs: number): void {
    for (let w = 0; w < this.wdDownSince.length; w++) {
      const since = this.wdDownSince[w]!;
      if (since >= 0) {
        this.watchdogBlindUs[w] = this.watchdogBlindUs[w]! + (endUs - since);
        this.wdDownSince[w] = endUs;
      }
    }
    if (this.blindSince >= 0) {
      this.clusterBlindUs += endUs - this.blindSince;
      this.blindSince = endUs;
    }
    for (let d = 0; d < this.sqlDownSince.length; d++) {
      const since = this.sqlDownSince[d]!;
      if (since >= 0) {
        this.sqlUnavailableUs += endUs - since;
        this.sqlDownSince[d] = endUs;
      }
    }
  }

  private readonly onWatchdogTick = (w: number): void => {
    this.k.sched.after(this.k.p.watchdog.intervalUs, this.onWatchdogTick, w);
    this.watchdogCheck(w);
  };

  /** One watchdog cycle: every replica found down gets a repair (a rebuild on another node), once. */
  watchdogCheck(w: number): void {
    if (!this.k.world.watchdogs[w]!.up) return;
    this.k.world.sql.databases.forEach((db, d) => {
      db.replicas.forEach((r, ri) => {
        if (r.up || this.sqlRebuilding.has(r.id)) return;
        this.sqlRebuilding.add(r.id);
        const id = this.k.change(
          'watchdog.alert',
          r.id,
          this.k.causeOf(`sqlr:${r.id}`),
          () => `watchdog ${w} finds replica ${r.id} of ${db.id} down: repair starts`,
          null,
          {
            tp: 'watchdogs',
          },
        );
        this.k.otherCause.set(`sqlr:${r.id}`, id);
        this.k.detect(this.k.faults.keyOther(`sqlr:${r.id}`), 'watchdog', id);
        this.k.sched.after(this.k.p.sql.replicaRebuildTimeUs, this.onReplicaRebuilt, d * 64 + ri);
      });
    });
  }

  private readonly onReplicaRebuilt = (code: number): void => {
    const d = Math.floor(code / 64);
    const r = code % 64;
    const rep = this.k.world.sql.databases[d]!.replicas[r]!;
    this.sqlRebuilding.delete(rep.id);
    if (rep.up) return;
    this.setReplicaUp(d, r, 'sql.rebuilt', `replica ${rep.id} rebuilt and back in the replica set`);
  };

  setReplicaUp(d: number, r: number, kind: string, text: string): void {
    this.k.change(
      kind,
      this.k.world.sql.databases[d]!.replicas[r]!.id,
      this.k.causeOf(`sqlr:${this.k.world.sql.databases[d]!.replicas[r]!.id}`),
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
    const db = this.k.world.sql.databases[d]!;
    if (!db.available && this.sqlDownSince[d]! < 0) this.sqlDownSince[d] = this.k.now;
    if (db.available && this.sqlDownSince[d]! >= 0) {
      this.sqlUnavailableUs += this.k.now - this.sqlDownSince[d]!;
      this.sqlDownSince[d] = -1;
    }
  }

  readonly onFailover = (d: number): void => {
    const db = this.k.world.sql.databases[d]!;
    if (db.available) return;
    const next = db.replicas.findIndex((r) => r.up);
    if (next < 0) return;
    const id = this.k.change(
      'sql.failover',
      db.replicas[next]!.id,
      this.k.causeOf(`sqldb:${d}`),
      () => `${db.id} fails over: ${db.replicas[next]!.id} becomes the primary`,
      (w) => {
        const x = w.sql.databases[d]!;
        for (const r of x.replicas) if (r.role === 'primary') r.role = 'secondary';
        x.replicas[next]!.role = 'primary';
        x.available = true;
      },
      { tp: 'watchdogs', r: `sql.failoverTime=${formatDuration(this.k.p.sql.failoverTimeUs)}` },
    );
    this.sqlFailovers++;
    this.sqlAvailabilityChanged(d);
    for (const r of db.replicas) this.k.detect(this.k.faults.keyOther(`sqlr:${r.id}`), 'failover-manager', id);
  };
}

/**
 * Rolling upgrades: a change-managed role or OS update walks a service's update domains one at a time, waiting for
 * each to become healthy (30 minutes at most) before the next; a failing update leaves a stuck deployment that can be
 * rolled back. Only one upgrade runs per service at a time. Upgrades are FC actions: they wait for an FC leader.
 */
import { formatDuration } from '../engine/index.js';
import { FaultBook } from './faults.js';
import type { FcReplicas } from './fc-replicas.js';
import type { GuestAgent, Versions } from './guest-agent.js';
import type { HostAgent } from './host-agent.js';
import type { Kernel } from './kernel.js';
import { PolicyError } from './policies/index.js';

export interface UpgradeRequest {
  id: string;
  service: number;
  kind: 'role' | 'os';
  failing: boolean;
  rollbackAfterUs: number | null;
  /** An OS upgrade under `images:`: the image the service's roles move to (absent: derived from the old one). */
  image?: string;
}

/** The actors an upgrade drives: role restarts (guest agent), VM reboots (host agent), waiting for a leader. */
export interface UpgradeActors {
  readonly guest: GuestAgent;
  readonly host: HostAgent;
  readonly replicas: FcReplicas;
}

export class Upgrades implements Versions {
  /** Set by the composition root (the guest agent asks this walker which versions fail). */
  a!: UpgradeActors;

  constructor(private readonly k: Kernel) {}

  private failingVersions = new Map<number, number>();

  /** The instance runs the version of a failing update: it crashes at every start. */
  failingVersion(gi: number): boolean {
    const inst = this.k.inst(gi);
    return this.failingVersions.get(inst.service) === inst.version;
  }

  start(u: UpgradeRequest): void {
    const svc = this.k.world.services[u.service]!;
    const ci = svc.cluster;
    if (svc.upgrade !== null && (svc.upgrade.status === 'walking' || svc.upgrade.status === 'rolling-back')) {
      this.k.change(
        'upgrade.refused',
        svc.id,
        -1,
        `upgrade ${u.id} of ${svc.id} refused: another upgrade is running (one at a time)`,
        null,
        {
          tp: 'change-management',
        },
      );
      return;
    }
    const toVersion =
      Math.max(
        ...svc.roles.flatMap((r) => r.instances.map((ii) => this.k.world.clusters[ci]!.instances[ii]!.version)),
      ) + 1;
    if (u.failing) this.failingVersions.set(u.service, toVersion);
    // An OS upgrade moves each role's image: the new one is chosen for instances at the new version (issue 11).
    const images = this.k.images;
    const moved =
      u.kind === 'os' && images !== null
        ? svc.roles.map((r) => `${r.id} → ${images.upgrade(r.id, toVersion, u.image, u.id)}`)
        : [];
    const id = this.k.change(
      'upgrade.start',
      svc.id,
      -1,
      () =>
        `${u.kind === 'os' ? 'OS image' : 'role'} upgrade ${u.id} of ${svc.id} to version ${toVersion} starts, one update domain at a time${moved.length > 0 ? ` (images: ${moved.join(', ')})` : ''}`,
      (w) => {
        w.services[u.service]!.upgrade = { id: u.id, toVersion, ud: -1, status: 'walking' };
      },
      { tp: 'change-management' },
    );
    this.upgradeCtx.set(u.service, { ...u, toVersion, cause: id, udStart: 0, walked: [], batch: [] });
    this.a.replicas.act(ci, () => this.walkNextUd(u.service));
  }

  private upgradeCtx = new Map<
    number,
    UpgradeRequest & {
      toVersion: number;
      cause: number;
      udStart: number;
      /** Update domains walked so far, and the batch being walked (the upgrade-walk policy's choice). */
      walked: number[];
      batch: number[];
    }
  >();

  /**
   * The upgrade walk's one decision, asked of the run's walk policy (built-in `sequential`: the next update domain):
   * which update domains to update together next. Checked before anything changes.
   */
  private nextBatch(s: number, ctx: { id: string; walked: number[] }): number[] {
    const svc = this.k.world.services[s]!;
    const pol = this.k.policies;
    const view = { service: svc.id, upgrade: ctx.id, updateDomains: svc.updateDomains, walked: [...ctx.walked] };
    const out = pol.upgradeWalk.next(view, pol.env.upgradeWalk);
    const who = `${pol.who.upgradeWalk}: next(${ctx.id}) returned ${JSON.stringify(out)}`;
    if (out.length === 0)
      throw new PolicyError(`${who}: no update domain, but ${svc.updateDomains - ctx.walked.length} remain`);
    const seen = new Set<number>();
    for (const ud of out) {
      if (!Number.isInteger(ud) || ud < 0 || ud >= svc.updateDomains) {
        throw new PolicyError(
          `${who}: ${JSON.stringify(ud)} is not an update domain of ${svc.id} (0 … ${svc.updateDomains - 1})`,
        );
      }
      if (ctx.walked.includes(ud) || seen.has(ud)) throw new PolicyError(`${who}: update domain ${ud} twice`);
      seen.add(ud);
    }
    return [...out];
  }

  private udMembers(s: number, uds: readonly number[]): number[] {
    const svc = this.k.world.services[s]!;
    const ci = svc.cluster;
    return svc.roles
      .flatMap((r) => r.instances)
      .filter((ii) => uds.includes(this.k.world.clusters[ci]!.instances[ii]!.ud));
  }

  private walkNextUd(s: number): void {
    const ctx = this.upgradeCtx.get(s)!;
    const svc = this.k.world.services[s]!;
    const up = svc.upgrade!;
    if (up.status !== 'walking') return;
    ctx.walked.push(...ctx.batch);
    ctx.batch = [];
    if (ctx.walked.length >= svc.updateDomains) {
      this.k.change(
        'upgrade.done',
        svc.id,
        ctx.cause,
        `upgrade ${ctx.id} of ${svc.id} completed`,
        (w) => {
          w.services[s]!.upgrade!.status = 'done';
        },
        { tp: 'change-management' },
      );
      return;
    }
    const batch = this.nextBatch(s, ctx);
    ctx.batch = batch;
    const ci = svc.cluster;
    const off = this.k.ix.instOffset[ci]!;
    const by = this.k.policies.labels.upgradeWalk;
    let id = ctx.cause;
    const parent = ctx.cause;
    for (const ud of batch) {
      const members = this.udMembers(s, [ud]);
      id = this.k.change(
        'upgrade.ud',
        svc.id,
        parent,
        () =>
          `upgrade ${ctx.id}: update domain ${ud} (${members.length} instance(s)) stops, updates and restarts${by === null ? '' : ` (${by})`}`,
        (w) => {
          w.services[s]!.upgrade!.ud = ud;
          for (const ii of members) {
            const i = w.clusters[ci]!.instances[ii]!;
            i.version = ctx.toVersion;
            if (ctx.kind === 'os' && this.k.images !== null) i.image = this.k.images.chosen(i.role, ctx.toVersion);
            if (i.node >= 0) {
              i.status = 'Recycling';
              if (ctx.kind === 'os') i.vm = 'Rebooting';
            }
          }
        },
        {
          tp: 'change-management',
          ...(by === null ? {} : { r: by }),
          d: [{ t: this.k.now + this.k.p.role.upgradeWaitUs, k: 'upgrade.deadline', s: svc.id }],
        },
      );
      for (const ii of members) {
        const gi = off + ii;
        if (this.k.inst(gi).node < 0) continue;
        this.k.instCause[gi] = id;
        this.a.guest.forgetCrashes(gi);
        if (ctx.kind === 'os') this.k.setInstTimer(gi, this.k.p.hostAgent.vmRebootTimeUs, this.a.host.onVmUp);
        else {
          this.k.clearInstTimer(gi);
          this.startRoleAfterRecycle(gi, id);
        }
      }
    }
    ctx.cause = id;
    ctx.udStart = this.k.now;
    this.k.sched.after(this.k.p.fc.pollIntervalUs, this.onUpgradeCheck, s);
  }

  private startRoleAfterRecycle(gi: number, cause: number): void {
    this.k.setInstTimer(gi, this.k.p.role.restartDelayUs, (x) => {
      this.k.instTimer[x] = -1;
      if (this.k.inst(x).vm === 'Running') this.a.guest.startRole(x, cause);
    });
  }

  private readonly onUpgradeCheck = (s: number): void => {
    const ctx = this.upgradeCtx.get(s);
    const svc = this.k.world.services[s]!;
    const up = svc.upgrade;
    if (!ctx || !up || up.status !== 'walking') return;
    const ci = svc.cluster;
    const members = this.udMembers(s, ctx.batch);
    const off = this.k.ix.instOffset[ci]!;
    const healthy = members.every((ii) => this.k.healthyFlag[off + ii] === 1 || this.k.inst(off + ii).node < 0);
    if (healthy) {
      this.a.replicas.act(ci, () => this.walkNextUd(s));
      return;
    }
    if (this.k.now - ctx.udStart >= this.k.p.role.upgradeWaitUs) {
      const id = this.k.change(
        'upgrade.stuck',
        svc.id,
        ctx.cause,
        () =>
          `upgrade ${ctx.id}: update domain${ctx.batch.length === 1 ? '' : 's'} ${ctx.batch.join(', ')} not healthy within ${formatDuration(this.k.p.role.upgradeWaitUs)}: the deployment is stuck`,
        (w) => {
          w.services[s]!.upgrade!.status = 'stuck';
        },
        { tp: 'change-management', r: `role.upgradeWait=${formatDuration(this.k.p.role.upgradeWaitUs)}` },
      );
      for (const ii of members) this.k.detect(FaultBook.keyInstance(off + ii), 'fc', id);
      ctx.cause = id;
      if (ctx.rollbackAfterUs !== null) this.k.sched.after(ctx.rollbackAfterUs, this.onRollback, s);
      return;
    }
    this.k.sched.after(this.k.p.fc.pollIntervalUs, this.onUpgradeCheck, s);
  };

  private readonly onRollback = (s: number): void => {
    const ctx = this.upgradeCtx.get(s)!;
    const svc = this.k.world.services[s]!;
    const ci = svc.cluster;
    const off = this.k.ix.instOffset[ci]!;
    const upgraded = svc.roles
      .flatMap((r) => r.instances)
      .filter((ii) => this.k.world.clusters[ci]!.instances[ii]!.version === ctx.toVersion);
    const id = this.k.change(
      'upgrade.rollback',
      svc.id,
      ctx.cause,
      () =>
        `upgrade ${ctx.id} rolled back: ${upgraded.length} upgraded instance(s) return to version ${ctx.toVersion - 1}; the rest never changed`,
      (w) => {
        w.services[s]!.upgrade!.status = 'rolled-back';
        for (const ii of upgraded) {
          const i = w.clusters[ci]!.instances[ii]!;
          i.version = ctx.toVersion - 1;
          if (ctx.kind === 'os' && this.k.images !== null) i.image = this.k.images.chosen(i.role, ctx.toVersion - 1);
          i.crashLoop = false;
          if (i.node >= 0 && i.status !== 'Ready') i.status = 'Recycling';
        }
      },
      { tp: 'change-management' },
    );
    for (const ii of upgraded) {
      const gi = off + ii;
      this.a.guest.forgetCrashes(gi);
      if (this.k.inst(gi).status === 'Recycling') this.startRoleAfterRecycle(gi, id);
    }
  };
}

/**
 * Fault injection: what each fault kind does to the world when it starts (and ends, for transient faults), and the
 * fault record it opens — which entities it watches for recovery and the condition that ends it.
 *
 * Model-internal: it drives the Simulation's state through the same `change()` path as every other actor.
 */

import { compileGlob, formatDuration } from '../engine/index.js';
import type { FaultResult } from '../metrics/index.js';
import type { Deadline } from '../trace/index.js';
import { FaultBook } from './faults.js';
import type { FabricController } from './fc.js';
import type { FcReplicas } from './fc-replicas.js';
import type { GuestAgent } from './guest-agent.js';
import type { Kernel, Recipe } from './kernel.js';
import type { SqlReplicas } from './sql-replicas.js';
import { powerDown, topicOfFault } from './steps.js';
import { RuleTags } from './tags.js';

/** The actors a fault reaches beyond the world itself (their own memory: config errors, hardware faults, leases…). */
export interface InjectorActors {
  readonly guest: GuestAgent;
  readonly fc: FabricController;
  readonly replicas: FcReplicas;
  readonly sql: SqlReplicas;
  /** Wakes every poller (a network condition began or ended). */
  readonly disturbAll: () => void;
}

export class FaultInjector {
  constructor(
    private readonly k: Kernel,
    private readonly a: InjectorActors,
  ) {}

  private faultSeq = 0;

  /**
   * Injects a fault of `kind` on `target` (an id of the kind's target space) now; returns false if it would change
   * nothing (the target is already down), in which case nothing is recorded. `index`, when not -1, is the target's
   * global instance index (for instance faults; see Simulation.instanceIndexes), which spares a look-up by name.
   */
  inject(
    kind: string,
    target: string,
    durationUs: number | null,
    givenId: string | null,
    extra: { groups?: string[][] | null; lossRate?: number; extraLatencyUs?: number; image?: string } = {},
    index = -1,
  ): boolean {
    switch (kind) {
      case 'os.wrong-image':
        return this.injectWrongImage(target, durationUs, givenId, extra.image ?? 'unapproved-image');
      case 'role.crash':
      case 'role.hang':
      case 'role.config-error':
      case 'vm.crash':
      case 'vm.hang':
        return this.injectInstance(kind, target, durationUs, givenId, index);
      case 'node.crash':
      case 'node.hardware':
      case 'host-agent.crash':
        return this.injectNode(kind, target, durationUs, givenId);
      case 'rack.power-loss':
        return this.injectRack(target, durationUs, givenId);
      case 'fc.replica-crash':
        return this.injectFcReplica(target, durationUs, givenId);
      case 'sql.replica-crash':
        return this.injectSqlReplica(target, durationUs, givenId);
      case 'watchdog.crash':
        return this.injectWatchdog(target, durationUs, givenId);
      case 'network.partition':
      case 'network.loss':
      case 'network.latency':
        return this.injectNetwork(kind, durationUs ?? 0, givenId, extra);
      default:
        throw new Error(`unknown fault kind ${kind}`);
    }
  }

  private newFault(
    kind: string,
    target: string,
    givenId: string | null,
    affected: number,
    text: string,
    recipe: Recipe | null,
    d?: Deadline[],
  ): { result: FaultResult; event: number } {
    const fid = givenId ?? `f${++this.faultSeq}`;
    if (givenId !== null) this.faultSeq++;
    const event = this.k.change('fault.start', target, -1, () => `fault ${fid}: ${text}`, recipe, {
      tp: topicOfFault(kind),
      r: this.faultRules.of(kind),
      d,
    });
    const result: FaultResult = {
      id: fid,
      kind,
      target,
      atUs: this.k.now,
      affected,
      detectedAtUs: null,
      detectedBy: null,
      detections: [],
      recoveredAtUs: null,
      ttdUs: null,
      ttrUs: null,
      event,
    };
    return { result, event };
  }

  /** "fault:<kind>", the rule tag of a fault's start. */
  private readonly faultRules = new RuleTags('fault:');

  private isWell = (key: number): boolean => {
    if (key < 1 << 26) return this.k.healthyFlag[key] === 1;
    if (key < 1 << 27) return this.k.settledFlag[key - (1 << 26)] === 1;
    return true;
  };

  private injectInstance(
    kind: string,
    target: string,
    durationUs: number | null,
    givenId: string | null,
    index: number,
  ): boolean {
    // A random fault process passes the instance's index: looking 2.4 M names up in a map of 100,000 costs seconds.
    const gi = index >= 0 ? index : this.k.ix.instById.get(target);
    if (gi === undefined) throw new Error(`unknown instance ${target}`);
    const inst = this.k.inst(gi);
    if (!this.k.isHealthy(inst)) return false;
    const recipe = this.k.mutInst(gi, (i) => {
      if (kind === 'role.hang') i.hung = true;
      else if (kind === 'vm.crash') {
        i.vm = 'Down';
        i.status = 'Stopped';
      } else if (kind === 'vm.hang') {
        i.vm = 'Hung';
        i.status = 'Unresponsive';
      }
    });
    const { result, event } = this.newFault(
      kind,
      target,
      givenId,
      1,
      instanceFaultText(kind, target),
      kind === 'role.crash' || kind === 'role.config-error' ? null : recipe,
    );
    const f = this.k.faults.open(result, [FaultBook.keyInstance(gi)], this.isWell, () => true);
    this.k.instCause[gi] = event;
    if (kind === 'role.crash') this.a.guest.crashRole(gi, event, 'crash');
    else if (kind === 'role.config-error') {
      this.a.guest.setConfigError(gi, true);
      this.a.guest.crashRole(gi, event, 'bad configuration');
    } else if (kind === 'vm.crash' || kind === 'vm.hang') this.k.clearInstTimer(gi);
    if (durationUs !== null) {
      this.k.sched.after(durationUs, (x) => this.endInstanceFault(x, kind, event), gi);
    }
    void f;
    return true;
  }

  private endInstanceFault(gi: number, kind: string, cause: number): void {
    const inst = this.k.inst(gi);
    if (kind === 'role.hang' && inst.hung) {
      this.k.change(
        'fault.end',
        inst.id,
        cause,
        `the hang of ${inst.id} ends`,
        this.k.mutInst(gi, (i) => {
          i.hung = false;
        }),
        { tp: 'role-monitoring' },
      );
    } else if (kind === 'vm.hang' && inst.vm === 'Hung') {
      this.k.change(
        'fault.end',
        inst.id,
        cause,
        `the guest VM of ${inst.id} resumes`,
        this.k.mutInst(gi, (i) => {
          i.vm = 'Running';
          i.status = 'Ready';
        }),
        { tp: 'role-monitoring' },
      );
    } else if (kind === 'role.config-error' && this.a.guest.hasConfigError(gi)) {
      this.a.guest.setConfigError(gi, false);
      const id = this.k.change(
        'fault.end',
        inst.id,
        cause,
        `the configuration of ${inst.id} is fixed and the role redeployed`,
        this.k.mutInst(gi, (i) => {
          i.crashLoop = false;
        }),
        { tp: 'role-monitoring' },
      );
      this.a.guest.forgetCrashes(gi);
      if (inst.vm === 'Running' && inst.status === 'Stopped') this.a.guest.startRole(gi, id);
    }
  }

  /**
   * os.wrong-image (issue 11): the instance's VM is given an image other than the one the FC chose for its role. It
   * keeps running; only the image oracle notices. It ends when the FC lays down the chosen image again (a reimage,
   * service healing, an OS upgrade) or, with a duration, when the wrong image is replaced at its end.
   */
  private injectWrongImage(target: string, durationUs: number | null, givenId: string | null, image: string): boolean {
    const gi = this.k.ix.instById.get(target);
    if (gi === undefined) throw new Error(`unknown instance ${target}`);
    const images = this.k.images;
    if (images === null) throw new Error('os.wrong-image needs images');
    const inst = this.k.inst(gi);
    if (inst.node < 0 || images.wrongInstance(inst)) return false;
    const { result, event } = this.newFault(
      'os.wrong-image',
      target,
      givenId,
      0,
      `the VM of ${target} is given image ${image} instead of its role's ${images.chosen(inst.role, inst.version)}`,
      this.k.mutInst(gi, (i) => {
        i.image = image;
      }),
    );
    const name = `image:${gi}`;
    this.k.otherCause.set(name, event);
    this.k.faults.open(
      result,
      [this.k.faults.keyOther(name)],
      this.isWell,
      () => !images.wrongInstance(this.k.inst(gi)),
    );
    if (durationUs !== null) {
      this.k.sched.after(durationUs, () => {
        const now = this.k.inst(gi);
        if (now.image !== image || !images.wrongInstance(now)) return;
        this.k.change(
          'fault.end',
          now.id,
          event,
          () => `the wrong image on ${now.id} is replaced by its role's ${images.chosen(now.role, now.version)}`,
          this.k.mutInst(gi, (i) => {
            i.image = images.chosen(i.role, i.version);
          }),
          { tp: 'role-monitoring' },
        );
      });
    }
    return true;
  }

  private injectNode(kind: string, target: string, durationUs: number | null, givenId: string | null): boolean {
    const gn = this.k.ix.nodeById.get(target);
    if (gn === undefined) throw new Error(`unknown node ${target}`);
    const node = this.k.node(gn);
    if (!node.powered || !node.hostAgentUp || node.status !== 'Ready') return false;
    const insts = this.k.instOnNode(gn);
    const affected = insts.filter((gi) => this.k.healthyFlag[gi] === 1).length;
    const texts: Record<string, string> = {
      'node.crash': `the host OS of ${target} crashes, taking its ${insts.length} VM(s) down`,
      'node.hardware': `${target} suffers a hardware fault, taking its ${insts.length} VM(s) down`,
      'host-agent.crash': `the host agent of ${target} crashes (its VMs keep running)`,
    };
    if (kind === 'node.hardware') this.a.fc.markHardwareFault(gn);
    if (durationUs !== null) this.a.fc.keepDownUntil(gn, this.k.now + durationUs);
    for (const gi of insts) if (kind !== 'host-agent.crash') this.k.clearInstTimer(gi);
    const { result, event } = this.newFault(kind, target, givenId, affected, texts[kind]!, (w) => {
      const c = w.clusters[this.k.ix.nodeCluster[gn]!]!;
      const n = c.nodes[this.k.ix.nodeLocal[gn]!]!;
      if (kind === 'host-agent.crash') n.hostAgentUp = false;
      else powerDown(c, n);
    });
    this.k.nodeCause[gn] = event;
    for (const gi of insts) this.k.instCause[gi] = event;
    this.k.faults.open(result, [FaultBook.keyNode(gn), ...insts.map(FaultBook.keyInstance)], this.isWell, () => true);
    return true;
  }

  private injectRack(target: string, durationUs: number | null, givenId: string | null): boolean {
    const loc = this.k.ix.rackById.get(target);
    if (!loc) throw new Error(`unknown rack ${target}`);
    const c = this.k.world.clusters[loc.cluster]!;
    const rack = c.racks[loc.rack]!;
    if (!rack.powered) return false;
    const gns = rack.nodes.map((ni) => this.k.ix.nodeOffset[loc.cluster]! + ni);
    const insts = gns.flatMap((gn) => this.k.instOnNode(gn));
    const affected = insts.filter((gi) => this.k.healthyFlag[gi] === 1).length;
    for (const gn of gns) if (durationUs !== null) this.a.fc.keepDownUntil(gn, this.k.now + durationUs);
    for (const gi of insts) this.k.clearInstTimer(gi);
    const { result, event } = this.newFault(
      'rack.power-loss',
      target,
      givenId,
      affected,
      `rack ${target} loses power: ${gns.length} node(s) and ${insts.length} VM(s) go dark`,
      (w) => {
        const cl = w.clusters[loc.cluster]!;
        const r = cl.racks[loc.rack]!;
        r.powered = false;
        for (const ni of r.nodes) powerDown(cl, cl.nodes[ni]!);
      },
    );
    for (const gn of gns) this.k.nodeCause[gn] = event;
    for (const gi of insts) this.k.instCause[gi] = event;
    this.k.faults.open(
      result,
      [...gns.map(FaultBook.keyNode), ...insts.map(FaultBook.keyInstance)],
      this.isWell,
      () => true,
    );
    if (durationUs !== null) {
      this.k.sched.after(durationUs, () => {
        const id = this.k.change(
          'fault.end',
          target,
          event,
          `power returns to rack ${target}`,
          (w) => {
            w.clusters[loc.cluster]!.racks[loc.rack]!.powered = true;
          },
          { tp: 'role-monitoring' },
        );
        // Nodes still waiting for their reboot come up now; nodes already out for repair return through repair.
        for (const gn of gns) {
          const n = this.k.node(gn);
          if (!n.powered && (n.status === 'Recovering' || n.status === 'Ready' || n.status === 'Unhealthy')) {
            this.k.nodeCause[gn] = id;
            this.a.fc.powerOn(gn, 'node.boot', `${n.id} powers up`);
          }
        }
      });
    }
    return true;
  }

  private replicaIndex(target: string): { ci: number; r: number } {
    const m = /^fc:(.+)\/(\d+)$/.exec(target);
    const ci = m ? this.k.world.clusters.findIndex((c) => c.id === m[1]) : -1;
    if (!m || ci < 0) throw new Error(`unknown FC replica ${target}`);
    return { ci, r: Number(m[2]) };
  }

  private injectFcReplica(target: string, durationUs: number | null, givenId: string | null): boolean {
    const { ci, r } = this.replicaIndex(target);
    const rep = this.k.world.clusters[ci]!.fc.replicas[r]!;
    if (!rep.up) return false;
    const wasLeader = this.k.world.clusters[ci]!.fc.leader === r;
    const { result, event } = this.newFault(
      'fc.replica-crash',
      target,
      givenId,
      0,
      `FC replica ${target} crashes${wasLeader ? ' (it was the leader)' : ''}`,
      (w) => {
        const fc = w.clusters[ci]!.fc;
        fc.replicas[r]!.up = false;
        fc.replicas[r]!.leader = false;
        if (fc.leader === r) fc.leader = -1;
      },
    );
    this.k.otherCause.set(`fc:${ci}`, event);
    if (wasLeader) this.a.replicas.leaderLost(ci);
    this.k.faults.open(result, [this.k.faults.keyOther(`fc:${ci}`)], this.isWell, () => {
      const fc = this.k.world.clusters[ci]!.fc;
      return fc.replicas[r]!.up && fc.leader >= 0;
    });
    const back = durationUs ?? this.k.p.fc.replicaRestartTimeUs;
    this.k.sched.after(back, () => {
      this.a.replicas.heardNow(ci, r);
      this.k.change(
        'fc.replica-up',
        target,
        event,
        `FC replica ${target} restarts and rejoins as a follower`,
        (w) => {
          w.clusters[ci]!.fc.replicas[r]!.up = true;
        },
        { tp: 'role-monitoring' },
      );
    });
    return true;
  }

  private injectSqlReplica(target: string, durationUs: number | null, givenId: string | null): boolean {
    const m = /^sql:db(\d+)\/(\d+)$/.exec(target);
    if (!m) throw new Error(`unknown SQL replica ${target}`);
    const d = Number(m[1]);
    const r = Number(m[2]);
    const db = this.k.world.sql.databases[d]!;
    const rep = db.replicas[r]!;
    if (!rep.up) return false;
    const primary = rep.role === 'primary';
    const { result, event } = this.newFault(
      'sql.replica-crash',
      target,
      givenId,
      0,
      `SQL replica ${target} (${rep.role}) crashes`,
      (w) => {
        const x = w.sql.databases[d]!;
        x.replicas[r]!.up = false;
        if (primary) {
          x.replicas[r]!.role = 'secondary';
          x.available = false;
        }
      },
    );
    this.k.otherCause.set(`sqlr:${target}`, event);
    if (primary) this.k.otherCause.set(`sqldb:${d}`, event);
    this.a.sql.sqlAvailabilityChanged(d);
    this.k.faults.open(
      result,
      [this.k.faults.keyOther(`sql:${d}`), this.k.faults.keyOther(`sqlr:${target}`)],
      this.isWell,
      () => {
        const x = this.k.world.sql.databases[d]!;
        return x.available && x.replicas.every((y) => y.up);
      },
    );
    if (primary) this.k.sched.after(this.k.p.sql.failoverTimeUs, this.a.sql.onFailover, d);
    if (durationUs !== null) {
      this.k.sched.after(durationUs, () => {
        if (!this.k.world.sql.databases[d]!.replicas[r]!.up)
          this.a.sql.setReplicaUp(d, r, 'fault.end', `SQL replica ${target} comes back`);
      });
    }
    return true;
  }

  private injectWatchdog(target: string, durationUs: number | null, givenId: string | null): boolean {
    const m = /^watchdog:(\d+)$/.exec(target);
    if (!m) throw new Error(`unknown watchdog ${target}`);
    const w = Number(m[1]);
    if (!this.k.world.watchdogs[w]!.up) return false;
    const { result, event } = this.newFault(
      'watchdog.crash',
      target,
      givenId,
      0,
      `watchdog ${target} crashes: SQL cluster failures now go unseen`,
      (x) => {
        x.watchdogs[w]!.up = false;
      },
    );
    this.a.sql.watchdogDown(w);
    this.k.faults.open(result, [this.k.faults.keyOther(`wd:${w}`)], this.isWell, () => this.k.world.watchdogs[w]!.up);
    this.k.sched.after(durationUs ?? this.k.p.watchdog.restartTimeUs, () => {
      this.a.sql.watchdogUp(w);
      const id = this.k.change(
        'watchdog.up',
        target,
        event,
        `watchdog ${target} is restarted`,
        (x) => {
          x.watchdogs[w]!.up = true;
        },
        { tp: 'watchdogs' },
      );
      this.k.detect(this.k.faults.keyOther(`wd:${w}`), 'watchdog', id);
      this.a.sql.watchdogCheck(w);
    });
    return true;
  }

  private injectNetwork(
    kind: string,
    durationUs: number,
    givenId: string | null,
    extra: { groups?: string[][] | null; lossRate?: number; extraLatencyUs?: number },
  ): boolean {
    const groups = extra.groups ?? null;
    const condKind = kind === 'network.partition' ? 'partition' : kind === 'network.loss' ? 'loss' : 'latency';
    const cond = this.k.net.begin(condKind, groups, extra.lossRate ?? 0, extra.extraLatencyUs ?? 0);
    // Affected: nodes named by the groups (all nodes when the condition has no groups), and their instances.
    const res = groups ? groups.flat().map(compileGlob) : null;
    const gns: number[] = [];
    for (let gn = 0; gn < this.k.ix.nodeCluster.length; gn++) {
      const id = this.k.node(gn).id;
      if (res === null || res.some((re) => re.test(id) || re.test(`ha:${id}`))) gns.push(gn);
    }
    const insts = gns.flatMap((gn) => this.k.instOnNode(gn));
    const desc =
      kind === 'network.partition'
        ? `the network splits into ${groups!.length} groups that cannot reach each other (${groups!.map((g) => g.join(' ')).join(' | ')})`
        : kind === 'network.loss'
          ? `${Math.round((extra.lossRate ?? 0) * 100)} % of messages are lost${groups ? ` around ${groups.flat().join(' ')}` : ''}`
          : `every message takes ${formatDuration(extra.extraLatencyUs ?? 0)} longer${groups ? ` around ${groups.flat().join(' ')}` : ''}`;
    let ended = false;
    const { result, event } = this.newFault(
      kind,
      groups ? groups.flat().join(' ') : 'network',
      givenId,
      insts.filter((gi) => this.k.healthyFlag[gi] === 1).length,
      desc,
      null,
      [{ t: this.k.now + durationUs, k: 'fault.end', s: 'network' }],
    );
    const endKey = this.k.faults.keyOther(`net:${event}`);
    this.k.faults.open(
      result,
      [endKey, ...gns.map(FaultBook.keyNode), ...insts.map(FaultBook.keyInstance)],
      this.isWell,
      () => ended,
    );
    this.k.netCause = event;
    for (let ci = 0; ci < this.k.world.clusters.length; ci++) this.k.otherCause.set(`fc:${ci}`, event);
    this.a.disturbAll();
    this.k.sched.after(durationUs, () => {
      this.k.net.end(cond);
      ended = true;
      const id = this.k.change('fault.end', 'network', event, `the network condition of ${result.id} ends`, null, {
        tp: 'role-monitoring',
      });
      this.k.netCause = id;
      this.k.otherTouched(`net:${event}`, id);
      this.a.disturbAll();
    });
    return true;
  }
}

/** What an instance fault of `kind` does to `target`, in words. */
function instanceFaultText(kind: string, target: string): string {
  switch (kind) {
    case 'role.crash':
      return `the role process of ${target} crashes`;
    case 'role.hang':
      return `the role process of ${target} hangs in an infinite loop`;
    case 'role.config-error':
      return `a configuration error makes ${target} crash at every start`;
    case 'vm.crash':
      return `the guest VM of ${target} crashes`;
    default:
      return `the guest VM of ${target} hangs`;
  }
}

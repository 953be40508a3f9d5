/**
 * The guest agent, inside each role instance's VM: starts the role process (Busy while OnStart runs, then Ready),
 * sees it exit at once, restarts it with exponential back-off, and on a crash loop alerts and reports it to the FC.
 *
 * The FC's corrective escalation (restart → reimage → move): a crash loop is reported to the FC, which reimages the
 * instance (a fresh VM: a configuration problem local to the instance is gone), and if it loops again within a day,
 * moves it to another node (service healing). A problem in the deployed package (a failing version) is cured by
 * neither: the instance is alerted once and restarts keep going at the capped back-off, so nothing is stopped for
 * good — independent crashes that happen to bunch up end in a reimage, never in an instance left stopped.
 */
import { formatDuration } from '../engine/index.js';
import type { Deadline } from '../trace/index.js';
import type { Kernel } from './kernel.js';

/** Which instances run the version of a failing update (answered by the upgrade walker). */
export interface Versions {
  failingVersion(gi: number): boolean;
}

/** Where the guest agent reports a crash loop (the FC's corrective escalation); set by the composition root. */
export interface CrashLoopHandler {
  crashLoop(gi: number, cause: number): void;
}

export class GuestAgent {
  handler: CrashLoopHandler | null = null;
  /** 1 once a package crash loop has been alerted (restarts continue without a new alert). */
  private readonly alerted: Uint8Array;
  /** 1 while a role.config-error fault holds the instance. */
  private readonly configError: Uint8Array;
  /** Recent crash times per instance, for the crash-loop rule. */
  private readonly crashTimes: number[][];

  constructor(
    private readonly k: Kernel,
    private readonly versions: Versions,
  ) {
    const insts = k.ix.instCluster.length;
    this.configError = new Uint8Array(insts);
    this.alerted = new Uint8Array(insts);
    this.crashTimes = Array.from({ length: insts }, () => []);
  }

  hasConfigError(gi: number): boolean {
    return this.configError[gi] === 1;
  }
  setConfigError(gi: number, on: boolean): void {
    this.configError[gi] = on ? 1 : 0;
  }
  /** The instance is alerted for a crash loop caused by its deployed package (restarts go on with back-off). */
  packageAlerted(gi: number): boolean {
    return this.alerted[gi] === 1 && this.versions.failingVersion(gi);
  }
  /** A fresh VM or version: earlier crashes no longer count toward a crash loop. */
  forgetCrashes(gi: number): void {
    this.crashTimes[gi]!.length = 0;
    this.alerted[gi] = 0;
  }

  /** Starts the role process on a running VM: Busy while OnStart runs, then Ready (or a crash on a bad config). */
  startRole(gi: number, cause: number): void {
    const inst = this.k.inst(gi);
    const id = this.k.change(
      'instance.start',
      inst.id,
      cause,
      () => `${inst.id}: role starting (Busy while OnStart runs)`,
      this.k.mutInst(gi, (i) => {
        i.status = 'Busy';
        i.hung = false;
      }),
      { tp: 'role-monitoring', d: [{ t: this.k.now + this.k.p.role.startTimeUs, k: 'instance.ready', s: inst.id }] },
    );
    this.k.instCause[gi] = id;
    this.k.setInstTimer(gi, this.k.p.role.startTimeUs, this.onRoleStarted);
  }

  private readonly onRoleStarted = (gi: number): void => {
    this.k.instTimer[gi] = -1;
    const inst = this.k.inst(gi);
    if (inst.status !== 'Busy' || inst.vm !== 'Running') return;
    const cause = this.k.instCause[gi]!;
    if (this.configError[gi] === 1 || this.versions.failingVersion(gi)) {
      this.crashRole(gi, cause, 'its configuration makes it crash at start');
      return;
    }
    this.k.instCause[gi] = this.k.change(
      'instance.ready',
      inst.id,
      cause,
      `${inst.id} is Ready`,
      this.k.mutInst(gi, (i) => {
        i.status = 'Ready';
      }),
      { tp: 'role-monitoring' },
    );
  };

  /** The role process exits: the guest agent sees it at once, restarts it with back-off, or alerts a crash loop. */
  crashRole(gi: number, cause: number, why: string): void {
    const inst = this.k.inst(gi);
    const now = this.k.now;
    const times = this.crashTimes[gi]!;
    times.push(now);
    const window = this.k.p.role.crashLoopWindowUs;
    while (times.length > 0 && times[0]! <= now - window) times.shift();
    const crashes = times.length;
    const id = this.k.change(
      'instance.crash',
      inst.id,
      cause,
      () => `${inst.id}: role process exited (${why})`,
      this.k.mutInst(gi, (i) => {
        i.status = 'Stopped';
      }),
      { tp: 'role-monitoring' },
    );
    this.k.detectInstance(gi, 'guest-agent', id);
    const pkg = this.versions.failingVersion(gi);
    if (crashes >= this.k.p.role.crashLoopCrashes && this.alerted[gi] === 0) {
      const alert = this.k.change(
        'instance.crash-loop',
        inst.id,
        id,
        () =>
          pkg
            ? `${inst.id} crashed ${crashes} times within ${formatDuration(window)}: the deployed package is at fault; alerted, restarts go on every ${formatDuration(this.k.p.role.backoffMaxUs)}`
            : `${inst.id} crashed ${crashes} times within ${formatDuration(window)}: marked unhealthy, alerted and reported to the FC`,
        this.k.mutInst(gi, (i) => {
          i.crashLoop = true;
        }),
        { tp: 'role-monitoring', r: `role.crashLoopCrashes=${this.k.p.role.crashLoopCrashes}` },
      );
      this.k.instCause[gi] = alert;
      this.k.clearInstTimer(gi);
      if (pkg || this.handler === null) {
        this.alerted[gi] = 1;
        this.k.setInstTimer(gi, this.k.p.role.backoffMaxUs, this.onRestart);
      } else {
        this.handler.crashLoop(gi, alert);
      }
      return;
    }
    const delay = Math.min(this.k.p.role.backoffMaxUs, this.k.p.role.restartDelayUs * 2 ** (crashes - 1));
    this.k.instCause[gi] = id;
    this.k.setInstTimer(gi, delay, this.onRestart);
    if (this.k.rec.events) {
      const last = this.k.rec.events[this.k.rec.events.length - 1];
      if (last) (last as { d?: Deadline[] }).d = [{ t: now + delay, k: 'instance.restart', s: inst.id }];
    }
  }

  private readonly onRestart = (gi: number): void => {
    this.k.instTimer[gi] = -1;
    const inst = this.k.inst(gi);
    if (inst.vm !== 'Running' || inst.status !== 'Stopped') return;
    if (inst.crashLoop && this.alerted[gi] === 0) return;
    const id = this.k.change(
      'instance.restart',
      inst.id,
      this.k.instCause[gi]!,
      `guest agent restarts ${inst.id}`,
      null,
      {
        tp: 'role-monitoring',
      },
    );
    this.startRole(gi, id);
  };
}

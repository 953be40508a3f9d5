/**
 * Builds and releases: every build is virus-scanned (each scan writes its log, an event); a finding freezes the build
 * and hands it to the security team; only clean builds are released; a release needs change-management approval and
 * walks the safe-deployment stages (canary → pilot → broad by default), each health-checked after its soak time, and
 * rolls back on a failed check.
 *
 * Scans find an infection with probability `builds.detection` each (1 by default), drawn from the run's 'security'
 * stream — one draw per scan whether or not the build is infected, so changing which builds are infected never moves
 * another scan's draw. With detection d and n scans, an infection slips through with probability (1 − d)^n.
 */
import type { Random } from '../../engine/index.js';
import { formatDuration } from '../../engine/index.js';
import { type Decision, makeDecision } from '../../network/index.js';
import type { FullRuleSet, ResolvedSecurity, ResolvedTraffic } from '../../spec/index.js';

export const SCAN_CLEAN = makeDecision(true, 'scan:clean', 'every virus scan came back clean');
export const SCAN_FINDING = makeDecision(false, 'scan:finding', 'a virus scan found rogue code: the build is frozen');
export const RELEASE_FROZEN = makeDecision(false, 'release:frozen', 'the build is frozen after a scan finding');
export const RELEASE_PENDING = makeDecision(false, 'release:scan-pending', 'the build has no clean scan yet');
export const RELEASE_UNSCANNED = makeDecision(
  true,
  'config:clean-scan-not-required',
  'released although its scan was not clean: the release gate is off',
);
export const CAB_APPROVED = makeDecision(true, 'cab:approved', 'change-management approval granted');
export const CAB_REJECTED = makeDecision(false, 'cab:rejected', 'change-management approval refused');
export const CAB_BYPASSED = makeDecision(true, 'config:approval-not-required', 'released without change approval');

export interface Build {
  readonly id: string;
  readonly component: string;
  readonly infected: boolean;
  readonly failing: boolean;
  state: 'scanning' | 'clean' | 'frozen';
  scans: number;
  /** Change-management approved its release. */
  approved: boolean;
  /** Stages it is deployed to now. */
  stages: number;
  /** Event id of the latest step, for causes. */
  cause: number;
  /** Violation handle while an offending deployment is in place, else -1. */
  violation: number;
  releasing: boolean;
}

/** What the pipeline needs from the model. */
export interface PipelineHost {
  readonly now: number;
  after(delayUs: number, fn: () => void): void;
  config(): FullRuleSet;
  /** Records an event that changes no world state; returns its id. */
  note(kind: string, subject: string, cause: number, text: () => string, rule: string, topic: string): number;
  /** Records a build or release attempt's outcome; returns its event id. */
  attempt(kind: 'build' | 'release', build: Build, d: Decision, cause: number, text: () => string): number;
  /** A build reached stage `stage`. */
  deployed(build: Build, stage: string, cause: number): void;
  /** A build was taken out of every stage. */
  rolledBack(build: Build, cause: number): void;
}

export class BuildPipeline {
  readonly builds = new Map<string, Build>();

  constructor(
    private readonly sec: ResolvedSecurity,
    private readonly rng: Random,
    private readonly host: PipelineHost,
  ) {}

  /** A build is submitted: it is scanned, then (when clean and asked to) released. */
  submit(item: ResolvedTraffic): void {
    const b: Build = {
      id: item.id,
      component: item.component,
      infected: item.infected,
      failing: item.failing,
      state: 'scanning',
      scans: 0,
      approved: false,
      stages: 0,
      cause: -1,
      violation: -1,
      releasing: false,
    };
    this.builds.set(b.id, b);
    const n = this.sec.builds.scans;
    b.cause = this.host.note(
      'build.submit',
      b.id,
      -1,
      () => `build ${b.id} of ${b.component} submitted; ${n} virus scan${n === 1 ? '' : 's'} with Endpoint Protection`,
      'sdl:build',
      'virus-scans',
    );
    this.host.after(this.sec.builds.scanTimeUs, () => this.scan(b, item));
  }

  private scan(b: Build, item: ResolvedTraffic): void {
    b.scans++;
    const k = b.scans;
    const found = this.rng.next() < this.sec.builds.detection && b.infected;
    b.cause = this.host.note(
      'build.scan',
      b.id,
      b.cause,
      () =>
        `virus scan ${k} of build ${b.id}: log written to builds/${b.id}/scan-${k}.log — ${found ? 'rogue code found' : 'no finding'}`,
      found ? 'scan:finding' : 'scan:no-finding',
      'virus-scans',
    );
    if (found) {
      b.state = 'frozen';
      const id = this.host.attempt(
        'build',
        b,
        SCAN_FINDING,
        b.cause,
        () => `build ${b.id} is frozen: scan ${k} found rogue code`,
      );
      b.cause = this.host.note(
        'build.escalated',
        b.id,
        id,
        () => `build ${b.id} handed to the security team to find where the rogue code entered`,
        'scan:finding',
        'virus-scans',
      );
      if (item.release) this.release(b, item.approve, b.cause);
      return;
    }
    if (k < this.sec.builds.scans) {
      this.host.after(this.sec.builds.scanTimeUs, () => this.scan(b, item));
      return;
    }
    b.state = 'clean';
    b.cause = this.host.attempt(
      'build',
      b,
      SCAN_CLEAN,
      b.cause,
      () => `build ${b.id} passes ${k} virus scan(s): clean`,
    );
    if (item.release) this.release(b, item.approve, b.cause);
  }

  /** A release of `b` is requested: the clean-scan gate, then change management, then the stages. */
  release(b: Build, approve: boolean, cause: number): void {
    const cfg = this.host.config();
    let gate: Decision | null = null;
    if (b.state !== 'clean') gate = b.state === 'frozen' ? RELEASE_FROZEN : RELEASE_PENDING;
    if (gate !== null && cfg.requireCleanScan) {
      this.host.attempt('release', b, gate, cause, () => `release of build ${b.id} refused: ${gate!.text}`);
      return;
    }
    if (b.releasing) return;
    b.releasing = true;
    const bypass = gate === null ? null : RELEASE_UNSCANNED;
    if (!cfg.requireApproval) {
      const id = this.host.attempt(
        'release',
        b,
        bypass ?? CAB_BYPASSED,
        cause,
        () => `build ${b.id} released without change approval`,
      );
      this.deploy(b, 0, id);
      return;
    }
    const req = this.host.note(
      'release.request',
      b.id,
      cause,
      () => `change request for build ${b.id} goes to the change advisory board`,
      'cab:request',
      'change-management',
    );
    this.host.after(this.sec.builds.approvalTimeUs, () => {
      if (!approve) {
        b.releasing = false;
        this.host.attempt(
          'release',
          b,
          CAB_REJECTED,
          req,
          () => `release of build ${b.id} refused by the change advisory board`,
        );
        return;
      }
      b.approved = true;
      const d = bypass ?? CAB_APPROVED;
      const id = this.host.attempt(
        'release',
        b,
        d,
        req,
        () => `release of build ${b.id} approved: safe deployment starts`,
      );
      this.deploy(b, 0, id);
    });
  }

  private deploy(b: Build, stage: number, cause: number): void {
    const s = this.sec.builds.stages[stage]!;
    b.stages = stage + 1;
    b.cause = this.host.note(
      'release.stage',
      b.id,
      cause,
      () =>
        `build ${b.id} deployed to ${s.name} (stage ${stage + 1} of ${this.sec.builds.stages.length}); health check after ${formatDuration(s.soakUs)}`,
      `sdp:${s.name}`,
      'change-management',
    );
    this.host.deployed(b, s.name, b.cause);
    this.host.after(s.soakUs, () => this.healthCheck(b, stage));
  }

  private healthCheck(b: Build, stage: number): void {
    const s = this.sec.builds.stages[stage]!;
    if (b.failing) {
      const id = this.host.note(
        'release.health',
        b.id,
        b.cause,
        () => `health check of build ${b.id} in ${s.name} fails`,
        'health:failed',
        'change-management',
      );
      b.cause = this.host.note(
        'release.rollback',
        b.id,
        id,
        () => `build ${b.id} rolled back from ${b.stages} stage(s); the deployment stops`,
        'sdp:rollback',
        'change-management',
      );
      b.stages = 0;
      b.releasing = false;
      this.host.rolledBack(b, b.cause);
      return;
    }
    const id = this.host.note(
      'release.health',
      b.id,
      b.cause,
      () => `health check of build ${b.id} in ${s.name} passes`,
      'health:passed',
      'change-management',
    );
    if (stage + 1 < this.sec.builds.stages.length) this.deploy(b, stage + 1, id);
    else {
      b.cause = this.host.note(
        'release.done',
        b.id,
        id,
        () => `build ${b.id} is deployed everywhere`,
        'sdp:done',
        'change-management',
      );
      b.releasing = false;
    }
  }
}

/**
 * The security book: every attempt's outcome tallied by kind and deciding rule and by intent, every violation with the interval it
 * stayed open, what expectations need to know (attempts matching `denied`/`allowed` selectors, builds deployed), and
 * the exposure window.
 *
 * Exposure. A violation is open from the moment the forbidden attempt was admitted to the end of what it admitted
 * (the connection's or session's hold; a deployment's rollback, or the end of the run). Violations are grouped by
 * episode: the stretch of time during which misconfigurations were in force (episode 0 is the configuration as
 * written). An episode's exposure runs from its first admitted forbidden attempt to the end of the last one admitted
 * while it lasted — removing a rule does not cut connections already open. The run's exposure is the length of the
 * union of its episodes' windows.
 */

import { globMatches } from '../../engine/index.js';
import type { SecurityIntentTally, SecurityKindTally, SecuritySummary } from '../../metrics/index.js';
import type { Address } from '../../network/index.js';
import { cidrContains, parseCidr } from '../../network/index.js';
import type { Expectation, Intent, TrafficKind } from '../../spec/index.js';

export interface WatchResult {
  readonly matched: number;
  readonly allowed: number;
  readonly denied: number;
  /** Matched attempts decided by another rule than the one the expectation names (0 when it names none). */
  readonly otherRule: number;
  readonly firstAllowedUs: number | null;
  readonly firstDeniedUs: number | null;
  readonly firstOtherRuleUs: number | null;
  /** Admitted attempts by what they reached through a VIP ("<role>/<endpoint>"), for naming it in results. */
  readonly reached: Readonly<Record<string, number>>;
  /** Admitted attempts that reached nothing matching the expectation's `reached` glob, and the first one's time. */
  readonly offTarget: number;
  readonly firstOffTargetUs: number | null;
}

export type DeployedSort = 'infected' | 'frozen' | 'unapproved';

/** What the security expectations are evaluated against, besides the summary. */
export interface SecurityFacts {
  /** Per `denied`/`allowed` expectation (by its index in `expect`): the attempts it matched. */
  readonly watches: ReadonlyMap<number, WatchResult>;
  /** Builds of each sort that reached a deployment stage, and when the first did. */
  readonly deployed: Readonly<Record<DeployedSort, { readonly count: number; readonly firstUs: number | null }>>;
  readonly firstViolationUs: number | null;
}

/** Who made an attempt and what it aimed at, for matching expectation selectors. */
export interface AttemptSubject {
  readonly kind: TrafficKind;
  /** Why it was made: the summary counts attempts per intent. */
  readonly intent: Intent;
  /** The item's `from` as written ("internet", "corpnet", an instance id…). */
  readonly from: string;
  /** The zone of the source address. */
  readonly zone: string;
  readonly src: Address | null;
  /**
   * The target as written (`to`; the login; the build), or the node or instance for attempts on each target a glob
   * matched. Expectations' `to` selectors match this, never the instance a load balancer happened to pick.
   */
  readonly to: string;
  /** The entity finally reached or refused (an instance id, a node id…): what a `reached` selector matches. */
  readonly reached: string;
  /** Through a VIP: the role its port belongs to, and that role's endpoint (else empty). */
  readonly reachedRole?: string;
  readonly endpoint?: string;
  /** The destination port of a network attempt, else 0. */
  readonly port: number;
}

interface Watch {
  readonly index: number;
  readonly from: string;
  readonly fromCidr: ReturnType<typeof parseCidr> | null;
  readonly to: string;
  readonly port: number;
  readonly kind: TrafficKind | null;
  readonly rule: string | null;
  readonly reachedGlob: string | null;
  matched: number;
  allowed: number;
  denied: number;
  otherRule: number;
  firstAllowedUs: number | null;
  firstDeniedUs: number | null;
  firstOtherRuleUs: number | null;
  readonly reached: Record<string, number>;
  offTarget: number;
  firstOffTargetUs: number | null;
}

export class SecurityBook {
  attempts = 0;
  allowed = 0;
  denied = 0;
  violations = 0;
  private readonly byKind = new Map<string, SecurityKindTally>();
  private readonly byIntent = new Map<string, SecurityIntentTally>();
  /** Violation windows: start, end (Infinity while open), episode — parallel arrays. */
  private readonly vStart: number[] = [];
  private readonly vEnd: number[] = [];
  private readonly vEpisode: number[] = [];
  private readonly watches: Watch[];
  private readonly deployed: Record<DeployedSort, { count: number; firstUs: number | null }> = {
    infected: { count: 0, firstUs: null },
    frozen: { count: 0, firstUs: null },
    unapproved: { count: 0, firstUs: null },
  };
  private firstViolationUs: number | null = null;

  constructor(expect: readonly Expectation[]) {
    this.watches = [];
    for (const e of expect) {
      if (e.type !== 'denied' && e.type !== 'allowed') continue;
      let fromCidr: Watch['fromCidr'] = null;
      try {
        fromCidr = parseCidr(e.from);
      } catch {
        fromCidr = null;
      }
      this.watches.push({
        index: e.index,
        from: e.from,
        fromCidr,
        to: e.to,
        port: e.port,
        kind: e.kind,
        rule: e.rule,
        reachedGlob: e.reached,
        matched: 0,
        allowed: 0,
        denied: 0,
        otherRule: 0,
        firstAllowedUs: null,
        firstDeniedUs: null,
        firstOtherRuleUs: null,
        reached: {},
        offTarget: 0,
        firstOffTargetUs: null,
      });
    }
  }

  private tally(kind: string): SecurityKindTally {
    let t = this.byKind.get(kind);
    if (t === undefined) {
      t = { attempts: 0, allowed: 0, denied: 0, violations: 0, byRule: {} };
      this.byKind.set(kind, t);
    }
    return t;
  }

  private intentTally(intent: Intent): SecurityIntentTally {
    let t = this.byIntent.get(intent);
    if (t === undefined) {
      t = { attempts: 0, allowed: 0, denied: 0, violations: 0 };
      this.byIntent.set(intent, t);
    }
    return t;
  }

  /** Records one attempt's outcome. */
  attempt(s: AttemptSubject, allowed: boolean, rule: string, nowUs: number): void {
    this.attempts++;
    const t = this.tally(s.kind);
    const i = this.intentTally(s.intent);
    t.attempts++;
    i.attempts++;
    if (allowed) {
      this.allowed++;
      t.allowed++;
      i.allowed++;
    } else {
      this.denied++;
      t.denied++;
      i.denied++;
    }
    t.byRule[rule] = (t.byRule[rule] ?? 0) + 1;
    for (const w of this.watches) {
      if (!this.matches(w, s)) continue;
      w.matched++;
      if (w.rule !== null && w.rule !== rule) {
        w.otherRule++;
        w.firstOtherRuleUs ??= nowUs;
      }
      if (allowed) {
        w.allowed++;
        w.firstAllowedUs ??= nowUs;
        if (s.reachedRole) {
          const key = `${s.reachedRole}/${s.endpoint ?? ''}`;
          w.reached[key] = (w.reached[key] ?? 0) + 1;
        }
        const g = w.reachedGlob;
        if (g !== null && !globMatches(g, s.reached) && !(s.reachedRole && globMatches(g, s.reachedRole))) {
          w.offTarget++;
          w.firstOffTargetUs ??= nowUs;
        }
      } else {
        w.denied++;
        w.firstDeniedUs ??= nowUs;
      }
    }
  }

  private matches(w: Watch, s: AttemptSubject): boolean {
    if (w.kind !== null && w.kind !== s.kind) return false;
    if (w.port !== 0 && w.port !== s.port) return false;
    const fromOk =
      w.from === '*' ||
      w.from === s.from ||
      w.from === s.zone ||
      (w.from === 'corpnet' && s.zone === 'saw') ||
      (w.fromCidr !== null && s.src !== null && cidrContains(w.fromCidr, s.src));
    if (!fromOk) return false;
    return globMatches(w.to, s.to);
  }

  /**
   * Records a violation of attempt kind `kind`, open from `startUs` to `endUs` (Infinity: until further notice, see
   * `closeViolation`). Returns its handle.
   */
  violation(kind: string, intent: Intent, startUs: number, endUs: number, episode: number): number {
    this.violations++;
    this.tally(kind).violations++;
    this.intentTally(intent).violations++;
    this.firstViolationUs ??= startUs;
    this.vStart.push(startUs);
    this.vEnd.push(endUs);
    this.vEpisode.push(episode);
    return this.vStart.length - 1;
  }

  /** Ends an open-ended violation (a deployment rolled back). */
  closeViolation(handle: number, endUs: number): void {
    if (this.vEnd[handle] === Number.POSITIVE_INFINITY) this.vEnd[handle] = endUs;
  }

  deploy(sort: DeployedSort, nowUs: number): void {
    const d = this.deployed[sort];
    d.count++;
    d.firstUs ??= nowUs;
  }

  /** Exposure up to `endUs`, µs (see the module comment). */
  exposure(endUs: number): number {
    const spans = new Map<number, [number, number]>();
    for (let i = 0; i < this.vStart.length; i++) {
      const s = this.vStart[i]!;
      if (s >= endUs) continue;
      const e = Math.min(this.vEnd[i]!, endUs);
      const span = spans.get(this.vEpisode[i]!);
      if (span === undefined) spans.set(this.vEpisode[i]!, [s, e]);
      else {
        span[0] = Math.min(span[0], s);
        span[1] = Math.max(span[1], e);
      }
    }
    const list = [...spans.values()].sort((a, b) => a[0] - b[0]);
    let total = 0;
    let curStart = -1;
    let curEnd = -1;
    for (const [s, e] of list) {
      if (s > curEnd) {
        if (curEnd > curStart) total += curEnd - curStart;
        curStart = s;
        curEnd = e;
      } else if (e > curEnd) curEnd = e;
    }
    if (curEnd > curStart) total += curEnd - curStart;
    return total;
  }

  summary(endUs: number): SecuritySummary {
    const byKind: Record<string, SecurityKindTally> = {};
    for (const k of [...this.byKind.keys()].sort()) {
      const t = this.byKind.get(k)!;
      const byRule: Record<string, number> = {};
      for (const r of Object.keys(t.byRule).sort()) byRule[r] = t.byRule[r]!;
      byKind[k] = { attempts: t.attempts, allowed: t.allowed, denied: t.denied, violations: t.violations, byRule };
    }
    const byIntent: Record<string, SecurityIntentTally> = {};
    for (const k of [...this.byIntent.keys()].sort()) byIntent[k] = { ...this.byIntent.get(k)! };
    return {
      attempts: this.attempts,
      allowed: this.allowed,
      denied: this.denied,
      violations: this.violations,
      exposureUs: this.exposure(endUs),
      byKind,
      byIntent,
    };
  }

  facts(): SecurityFacts {
    const watches = new Map<number, WatchResult>();
    for (const w of this.watches) {
      watches.set(w.index, {
        matched: w.matched,
        allowed: w.allowed,
        denied: w.denied,
        otherRule: w.otherRule,
        firstAllowedUs: w.firstAllowedUs,
        firstDeniedUs: w.firstDeniedUs,
        firstOtherRuleUs: w.firstOtherRuleUs,
        reached: { ...w.reached },
        offTarget: w.offTarget,
        firstOffTargetUs: w.firstOffTargetUs,
      });
    }
    return {
      watches,
      deployed: {
        infected: { ...this.deployed.infected },
        frozen: { ...this.deployed.frozen },
        unapproved: { ...this.deployed.unapproved },
      },
      firstViolationUs: this.firstViolationUs,
    };
  }
}

/**
 * One checked run: a resolved scenario run to its end one event at a time, with the model's invariants checked after
 * every change of the world and coverage collected on the way, then summarized exactly as `runScenario` would (the
 * same trace hash and expectations).
 *
 * Invariants (the ones test/model/properties.test.ts states for random schedules):
 *  - ready-on-dead-node: no instance is Ready on an unpowered node or on one out of service;
 *  - action-without-quorum: the FC reboots, heals and sends nodes out only while a leader holds the lease;
 *  - fault-unaccounted: every fault ends recovered (with a consistent time) or reported not recovered, none dropped;
 *  - unexpected-violation: the policy oracle counts no violation unless the scenario expects some (`violations:`).
 */
import type { RunSummary } from '../metrics/index.js';
import type { PluginModules } from '../model/index.js';
import { createSimulation, summarize } from '../run.js';
import type { ResolvedScenario } from '../scenario/index.js';
import type { World } from '../spec/index.js';
import type { TimelineEvent } from '../trace/index.js';
import { type Coverage, CoverageCounter } from './coverage.js';

export const INVARIANTS = [
  'ready-on-dead-node',
  'action-without-quorum',
  'fault-unaccounted',
  'unexpected-violation',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface InvariantViolation {
  readonly invariant: InvariantName;
  /** The entity it is about (an instance, node or fault id). */
  readonly subject: string;
  /** Simulated time of the first step that broke it (µs), or null for a check on the summary. */
  readonly atUs: number | null;
  readonly text: string;
}

export interface CheckedRun {
  readonly summary: RunSummary;
  /** The first violation of each invariant (at most one per invariant). */
  readonly violations: readonly InvariantViolation[];
  readonly coverage: Coverage;
}

export interface CheckOptions {
  readonly seed: number;
  /** Check invariants at every step (default true). Coverage is collected either way. */
  readonly invariants?: boolean;
  /** Policy modules the scenario names (see RunOptions.plugins). */
  readonly plugins?: PluginModules;
}

const OUT_OF_SERVICE = new Set(['OutForRepair', 'HumanInvestigate', 'Dead']);
const FC_ACTIONS = new Set(['node.reboot', 'healing.start', 'node.out-for-repair', 'node.human-investigate']);

/** Runs `sc` with `seed`, checking invariants and collecting coverage. Deterministic: same input ⇒ same result. */
export function runChecked(sc: ResolvedScenario, opts: CheckOptions): CheckedRun {
  const checkInvariants = opts.invariants ?? true;
  const sim = createSimulation(sc, {
    seed: opts.seed,
    record: true,
    ...(opts.plugins === undefined ? {} : { plugins: opts.plugins }),
  });
  const end = sc.durationUs;
  const cov = new CoverageCounter();
  const violations = new Map<InvariantName, InvariantViolation>();
  const violate = (v: InvariantViolation): void => {
    if (!violations.has(v.invariant)) violations.set(v.invariant, v);
  };
  const events = sim.rec.events as TimelineEvent[];
  let seen = 0;
  let last: World | null = null;
  const step = (): void => {
    for (; seen < events.length; seen++) {
      const e = events[seen]!;
      cov.event(e.k, e.r);
      if (checkInvariants && FC_ACTIONS.has(e.k)) {
        if (/fc\.leader=none/.test(e.r ?? '')) {
          violate({
            invariant: 'action-without-quorum',
            subject: e.s,
            atUs: e.t,
            text: `${e.k} of ${e.s} while no FC leader held the lease`,
          });
        }
      }
    }
    const w = sim.world;
    if (w !== last) {
      inspectWorld(w, last, cov, checkInvariants ? violate : null, sim.now);
      last = w;
    }
  };
  step();
  for (;;) {
    const r = sim.sched.run({ until: end, maxEvents: 1 });
    step();
    if (r.stoppedBy !== 'maxEvents') break;
  }
  const summary = summarize(sim, sc, opts.seed, end);
  step();
  for (const f of summary.faults) cov.fault(f.kind);
  if (checkInvariants) checkSummary(summary, sc, violate);
  return {
    summary,
    violations: INVARIANTS.flatMap((k) => {
      const v = violations.get(k);
      return v === undefined ? [] : [v];
    }),
    coverage: cov.result(),
  };
}

/** Instances Ready on an unpowered or out-of-service node, as "instance on node" (the first invariant). */
export function readyOnDeadNodes(w: World): string[] {
  const out: string[] = [];
  for (const c of w.clusters) {
    for (const inst of c.instances) {
      if (inst.status !== 'Ready' || inst.node < 0) continue;
      const n = c.nodes[inst.node]!;
      if (!n.powered || OUT_OF_SERVICE.has(n.status)) out.push(`${inst.id} on ${n.id}`);
    }
  }
  return out;
}

function inspectWorld(
  w: World,
  before: World | null,
  cov: CoverageCounter,
  violate: ((v: InvariantViolation) => void) | null,
  now: number,
): void {
  for (let ci = 0; ci < w.clusters.length; ci++) {
    const c = w.clusters[ci]!;
    const p = before?.clusters[ci];
    // Immer shares untouched arrays: nothing to look at when neither nodes nor instances changed.
    if (p !== undefined && p.nodes === c.nodes && p.instances === c.instances) continue;
    if (p === undefined || p.nodes !== c.nodes) {
      for (let i = 0; i < c.nodes.length; i++) {
        const n = c.nodes[i]!;
        if (p === undefined || p.nodes[i] !== n) cov.nodeState(n.status);
      }
    }
    for (let i = 0; i < c.instances.length; i++) {
      const inst = c.instances[i]!;
      if (p === undefined || p.instances[i] !== inst) cov.instanceState(inst.status);
      if (violate === null || inst.status !== 'Ready' || inst.node < 0) continue;
      const n = c.nodes[inst.node]!;
      if (!n.powered || OUT_OF_SERVICE.has(n.status)) {
        violate({
          invariant: 'ready-on-dead-node',
          subject: inst.id,
          atUs: now,
          text: `${inst.id} Ready on ${n.powered ? n.status : 'unpowered'} node ${n.id}`,
        });
      }
    }
  }
}

function checkSummary(s: RunSummary, sc: ResolvedScenario, violate: (v: InvariantViolation) => void): void {
  for (const f of s.faults) {
    const consistent =
      f.recoveredAtUs === null ? f.ttrUs === null : f.ttrUs !== null && f.ttrUs === f.recoveredAtUs - f.atUs;
    if (!consistent) {
      violate({
        invariant: 'fault-unaccounted',
        subject: f.id,
        atUs: f.atUs,
        text: `${f.id}: recovery time ${f.ttrUs} does not match its recovery at ${f.recoveredAtUs}`,
      });
    }
  }
  const started = s.eventCounts['fault.start'] ?? 0;
  if (started !== s.faults.length) {
    violate({
      invariant: 'fault-unaccounted',
      subject: 'faults',
      atUs: null,
      text: `${started} faults started but ${s.faults.length} reported`,
    });
  }
  const expectsViolations = sc.expect.some((e) => e.type === 'violations');
  if (!expectsViolations && s.security.violations > 0) {
    violate({
      invariant: 'unexpected-violation',
      subject: 'security',
      atUs: null,
      text: `the policy oracle counted ${s.security.violations} violation(s) and none is expected`,
    });
  }
}
